// ViT-B/16-shaped forward pass (224 x 224, 16 x 16 patches, 12 layers x 768, 12 heads, random
// weights from a config), as the ViT lens runs it: images per second bare, with the attentions
// captured, and what the mean attention distance adds to the forward pass (issue target < 5%).
// Usage: bench_vit DIR [threads] [runs]   (DIR is created if it holds no checkpoint)

#include "tessera/core/Model.h"
#include "tessera/core/Runtime.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/VisionLens.h"

#include "RandomWeights.h"
#include "Timing.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sys/stat.h>

using namespace tessera;
using tessera::bench::medianMs;
using tessera::bench::RandomWeights;

namespace {

void writeCheckpoint(const std::string &dir)
{
    ::mkdir(dir.c_str(), 0755);
    std::ofstream config(dir + "/config.json");
    config << R"({"model_type": "vit", "architectures": ["ViTForImageClassification"],
        "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072,
        "image_size": 224, "patch_size": 16, "num_channels": 3, "qkv_bias": true, "hidden_act": "gelu",
        "layer_norm_eps": 1e-12, "id2label": {)";
    for (int i = 0; i < 1000; ++i)
        config << (i ? ", " : "") << '"' << i << "\": \"class " << i << '"';
    config << "}}";
    config.close();
    RandomWeights weights(0.02f);
    auto add = [&](const std::string &name, std::vector<int64_t> shape, float fill = NAN) {
        weights.add(name, std::move(shape), fill);
    };
    add("vit.embeddings.cls_token", {1, 1, 768});
    add("vit.embeddings.position_embeddings", {1, 197, 768});
    add("vit.embeddings.patch_embeddings.projection.weight", {768, 3, 16, 16});
    add("vit.embeddings.patch_embeddings.projection.bias", {768});
    for (int l = 0; l < 12; ++l) {
        const std::string p = "vit.encoder.layer." + std::to_string(l) + ".";
        for (const char *n : {"attention.attention.query", "attention.attention.key", "attention.attention.value",
                              "attention.output.dense"}) {
            add(p + n + ".weight", {768, 768});
            add(p + n + ".bias", {768});
        }
        add(p + "intermediate.dense.weight", {3072, 768});
        add(p + "intermediate.dense.bias", {3072});
        add(p + "output.dense.weight", {768, 3072});
        add(p + "output.dense.bias", {768});
        for (const char *n : {"layernorm_before", "layernorm_after"}) {
            add(p + n + ".weight", {768}, 1.0f);
            add(p + n + ".bias", {768}, 0.0f);
        }
    }
    add("vit.layernorm.weight", {768}, 1.0f);
    add("vit.layernorm.bias", {768}, 0.0f);
    add("classifier.weight", {1000, 768});
    add("classifier.bias", {1000}, 0.0f);
    weights.write(dir + "/model.safetensors");
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_vit DIR [threads] [runs]\n");
        return 2;
    }
    const std::string dir = argv[1];
    const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
    const int runs = argc > 3 ? std::atoi(argv[3]) : 9;
    const RuntimeInfo runtime = configureRuntime(threads);
    std::printf("runtime: LibTorch %s, %s\n", runtime.torchVersion.c_str(), runtime.summary().c_str());
    struct stat st {};
    if (::stat((dir + "/model.safetensors").c_str(), &st) != 0)
        writeCheckpoint(dir);
    const auto model = loadModel(dir);
    const vision::PatchGeometry g = vision::patchGeometry(model->info().config);
    std::printf("model: %s\n", g.describe().c_str());
    std::mt19937 generator(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (int64_t batch : {1, 8}) {
        ModelInputs inputs;
        FloatTensor pixels{{batch, 3, 224, 224}, std::vector<float>(size_t(batch * 3 * 224 * 224))};
        for (float &v : pixels.values)
            v = normal(generator);
        inputs.floats["pixel_values"] = pixels;
        CaptureOptions bare;
        bare.attentions = false;
        bare.hiddenStates = false;
        CaptureOptions distance = bare;
        distance.meanAttentionDistance = true;
        CaptureOptions lens; // what the ViT lens asks for: attentions and the distance
        lens.hiddenStates = false;
        lens.meanAttentionDistance = true;
        // Interleaved so that drift (thermal, other load) hits both alike.
        std::vector<double> bareTimes, distanceTimes;
        for (int round = 0; round < 3; ++round) {
            bareTimes.push_back(medianMs(runs, [&] { model->run(inputs, bare); }));
            distanceTimes.push_back(medianMs(runs, [&] { model->run(inputs, distance); }));
        }
        std::sort(bareTimes.begin(), bareTimes.end());
        std::sort(distanceTimes.begin(), distanceTimes.end());
        const double b = bareTimes[1], d = distanceTimes[1];
        const double full = medianMs(runs, [&] { model->run(inputs, lens); });
        std::printf(
            "batch %lld  forward %8.1f ms (%.2f images/s)  + mean attention distance %8.1f ms (overhead %+.1f%%)"
            "  + attentions captured too %8.1f ms (%.2f images/s)\n",
            (long long)batch, b, 1000.0 * double(batch) / b, d, 100.0 * (d - b) / b, full,
            1000.0 * double(batch) / full);
    }
    return 0;
}
