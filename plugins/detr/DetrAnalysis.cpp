#include "DetrAnalysis.h"

namespace tessera::detrlens {

std::shared_ptr<const DetrAnalysis> analyseDetr(const Model &model, const Image8 &image,
                                                const detr::DetrPreprocessing &preprocessing, JobContext &context)
{
    auto analysis = std::make_shared<DetrAnalysis>();
    analysis->input = detr::detrPreprocess(image, preprocessing);
    ModelInputs inputs;
    inputs.floats["pixel_values"] = analysis->input.pixelValues;
    inputs.integers["pixel_mask"] = analysis->input.pixelMask;
    analysis->outputs = model.run(inputs, {}, &context);
    const FloatTensor &logits = analysis->outputs.at("logits");
    analysis->detections = detr::postProcess(logits, analysis->outputs.at("pred_boxes"), image.width, image.height,
                                             model.info().config.labels, -1.0);
    analysis->probabilities = detr::classProbabilities(logits);
    const FloatTensor &position = analysis->outputs.at("position_embedding");
    analysis->gridHeight = position.shape[2];
    analysis->gridWidth = position.shape[3];
    return analysis;
}

} // namespace tessera::detrlens
