#include "VitAnalysis.h"

#include <filesystem>
#include <utility>

namespace tessera::vitlens {

ImagePreprocessing preprocessingOf(const std::string &folder, const ModelConfig &config)
{
    const std::string path = folder + "/preprocessor_config.json";
    if (std::filesystem::exists(path))
        return ImagePreprocessing::fromFile(path);
    ImagePreprocessing p;
    p.height = p.width = config.imageSize;
    if (config.channels == 1) {
        p.mean = {0.5};
        p.std = {0.5};
    }
    return p;
}

std::shared_ptr<const LoadedVit> deriveVit(std::shared_ptr<const Model> model, const ImagePreprocessing &preprocessing,
                                           int64_t step)
{
    auto loaded = std::make_shared<LoadedVit>();
    loaded->model = std::move(model);
    loaded->preprocessing = preprocessing;
    loaded->geometry = vision::patchGeometry(loaded->model->info().config);
    loaded->similarity =
        std::make_shared<const Matrix>(vision::positionSimilarity(loaded->model->positionTable(), loaded->geometry));
    loaded->filters = vision::filterPrincipalComponents(
        loaded->model->weight("embeddings.patch_embeddings.projection.weight"), loaded->geometry, kFilterComponents);
    loaded->step = step;
    return loaded;
}

std::shared_ptr<const ImageAnalysis> analyseImage(const LoadedVit &loaded, const Image8 &image, JobContext &context)
{
    auto analysis = std::make_shared<ImageAnalysis>();
    analysis->resized = resizeForModel(image, loaded.preprocessing);
    analysis->pixelValues = normalizePixels(analysis->resized, loaded.preprocessing);
    ModelInputs inputs;
    inputs.floats["pixel_values"] = analysis->pixelValues;
    CaptureOptions capture;
    capture.hiddenStates = false;
    capture.meanAttentionDistance = true;
    ModelOutputs outputs = loaded.model->run(inputs, capture, &context);
    const ModelConfig &c = loaded.model->info().config;
    for (int64_t l = 0; l < c.layers; ++l) {
        FloatTensor a = std::move(outputs.at("attentions." + std::to_string(l)));
        a.shape.erase(a.shape.begin()); // batch of one
        analysis->attentions.push_back(std::move(a));
    }
    analysis->distanceRaw = outputs.at("mean_attention_distance.raw");
    analysis->distanceRenormalized = outputs.at("mean_attention_distance.renormalized");
    const auto logits = outputs.find("logits");
    if (logits != outputs.end()) {
        const int64_t classes = logits->second.shape.back();
        for (const auto &[id, probability] : topKSoftmax(logits->second.values.data(), classes, 3))
            analysis->predictions.push_back(
                {id, size_t(id) < c.labels.size() ? c.labels[size_t(id)] : "class " + std::to_string(id), probability});
    }
    return analysis;
}

} // namespace tessera::vitlens
