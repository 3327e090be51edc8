// A DETR-R50-shaped forward (facebook/detr-resnet-50's config: ResNet-50, d 256, 6 + 6 layers,
// 8 heads, FFN 2048, 100 queries, 91 classes; random weights) on an 800 x 1066 image, the
// processor's size for a 640 x 480 photo, with every attention and hidden state captured and
// without. Usage: bench_detr FOLDER [threads] [runs]

#include "tessera/core/Detr.h"
#include "tessera/core/Model.h"
#include "tessera/core/Runtime.h"

#include "RandomWeights.h"
#include "Timing.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

using namespace tessera;

int main(int argc, char **argv)
{
    const std::string folder = argc > 1 ? argv[1] : "/tmp/tessera-bench-detr-r50";
    const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
    const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
    const RuntimeInfo runtime = configureRuntime(threads);
    std::filesystem::create_directories(folder);
    const std::string config =
        R"({"model_type": "detr", "architectures": ["DetrForObjectDetection"], "backbone": "resnet50",
        "use_timm_backbone": true, "d_model": 256, "encoder_layers": 6, "decoder_layers": 6, "encoder_attention_heads": 8,
        "decoder_attention_heads": 8, "encoder_ffn_dim": 2048, "decoder_ffn_dim": 2048, "num_queries": 100})";
    if (!std::filesystem::exists(folder + "/model.safetensors")) {
        const detr::DetrConfig c = detr::DetrConfig::fromJson(config, "config.json");
        bench::RandomWeights weights(0.0f);
        for (const auto &[name, shape] : detr::detrWeightShapes(c, 91)) {
            const bool variance = name.size() > 11 && name.compare(name.size() - 11, 11, "running_var") == 0;
            const bool norm = name.find("bn") != std::string::npos || name.find("downsample.1") != std::string::npos ||
                              name.find("layer_norm") != std::string::npos ||
                              name.find("layernorm") != std::string::npos;
            const bool bias = name.size() > 4 && name.compare(name.size() - 4, 4, "bias") == 0;
            weights.add(name, shape,
                        variance                                                          ? 1.0f
                        : norm && !bias && name.find("running_mean") == std::string::npos ? 1.0f
                        : bias || name.find("running_mean") != std::string::npos          ? 0.0f
                                                                                          : NAN);
        }
        weights.write(folder + "/model.safetensors");
    }
    std::ofstream(folder + "/config.json") << config;
    const std::unique_ptr<Model> model = loadModel(folder);
    ModelInputs inputs;
    FloatTensor &pixels = inputs.floats["pixel_values"];
    pixels.shape = {1, 3, 800, 1066};
    pixels.values.resize(size_t(3 * 800 * 1066));
    std::mt19937 generator(1);
    std::normal_distribution<float> normal;
    for (float &v : pixels.values)
        v = normal(generator);
    CaptureOptions none;
    none.attentions = false;
    none.hiddenStates = false;
    ModelOutputs out;
    const double captured = bench::medianMs(runs, [&] { out = model->run(inputs); });
    const double plain = bench::medianMs(runs, [&] { out = model->run(inputs, none); });
    std::printf("DETR-R50 (%.1f M parameters), 800 x 1066 (grid 25 x 34), %s, median of %d:\n",
                double(model->info().parameters) / 1e6, runtime.summary().c_str(), runs);
    std::printf("  forward with every attention and hidden state captured  %8.1f ms\n", captured);
    std::printf("  forward without capture                                  %8.1f ms   (capture adds %.1f%%)\n", plain,
                100.0 * (captured - plain) / plain);
    return 0;
}
