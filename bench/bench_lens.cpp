// The Lens's residual-stream patching sweep (12 layers x 32 positions) on a GPT-2-small-shaped
// model (12 x 768, 12 heads, 50,257 tokens, random weights), and the head sweep. Writes the
// checkpoint and the two prompts it uses so that bench_lens.py times the same computation
// written with PyTorch hooks on the same weights.
// Usage: bench_lens DIR [threads] [runs]   (DIR is created if it holds no checkpoint)

#include "tessera/core/Lens.h"
#include "tessera/core/Model.h"
#include "tessera/core/Runtime.h"
#include "tessera/core/Safetensors.h"

#include "RandomWeights.h"
#include "Timing.h"

#include <cstdio>
#include <fstream>
#include <random>
#include <sys/stat.h>

using namespace tessera;
using tessera::bench::medianMs;
using tessera::bench::RandomWeights;

namespace {

constexpr int64_t kLayers = 12, kHidden = 768, kVocabulary = 50257, kTokens = 32;

void writeCheckpoint(const std::string &dir)
{
    ::mkdir(dir.c_str(), 0755);
    std::ofstream(dir + "/config.json") << R"({"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
        "n_embd": 768, "n_layer": 12, "n_head": 12, "n_positions": 1024, "vocab_size": 50257,
        "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5})";
    RandomWeights weights(0.02f);
    auto add = [&](const std::string &name, std::vector<int64_t> shape, float fill = NAN) {
        weights.add("transformer." + name, std::move(shape), fill);
    };
    add("wte.weight", {kVocabulary, kHidden});
    add("wpe.weight", {1024, kHidden});
    for (int l = 0; l < kLayers; ++l) {
        const std::string p = "h." + std::to_string(l) + ".";
        add(p + "ln_1.weight", {kHidden}, 1.0f);
        add(p + "ln_1.bias", {kHidden}, 0.0f);
        add(p + "attn.c_attn.weight", {kHidden, 3 * kHidden});
        add(p + "attn.c_attn.bias", {3 * kHidden});
        add(p + "attn.c_proj.weight", {kHidden, kHidden});
        add(p + "attn.c_proj.bias", {kHidden});
        add(p + "ln_2.weight", {kHidden}, 1.0f);
        add(p + "ln_2.bias", {kHidden}, 0.0f);
        add(p + "mlp.c_fc.weight", {kHidden, 4 * kHidden});
        add(p + "mlp.c_fc.bias", {4 * kHidden});
        add(p + "mlp.c_proj.weight", {4 * kHidden, kHidden});
        add(p + "mlp.c_proj.bias", {kHidden});
    }
    add("ln_f.weight", {kHidden}, 1.0f);
    add("ln_f.bias", {kHidden}, 0.0f);
    weights.write(dir + "/model.safetensors");
    // Two prompts of 32 tokens that differ in three positions.
    std::mt19937 generator(7);
    std::uniform_int_distribution<int64_t> token(0, kVocabulary - 1);
    std::vector<int64_t> clean(kTokens);
    for (int64_t &id : clean)
        id = token(generator);
    std::vector<int64_t> corrupted = clean;
    for (int64_t p : {3, 9, 20})
        corrupted[size_t(p)] = token(generator);
    writeSafetensors(dir + "/prompts.safetensors", {},
                     {{"clean", {kTokens}, clean}, {"corrupted", {kTokens}, corrupted}, {"tokens", {2}, {11, 42}}});
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_lens DIR [threads] [runs]\n");
        return 2;
    }
    const std::string dir = argv[1];
    const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
    const int runs = argc > 3 ? std::atoi(argv[3]) : 3;
    const RuntimeInfo runtime = configureRuntime(threads);
    std::printf("runtime: LibTorch %s, %s\n", runtime.torchVersion.c_str(), runtime.summary().c_str());
    struct stat st {};
    if (::stat((dir + "/prompts.safetensors").c_str(), &st) != 0)
        writeCheckpoint(dir);
    const auto model = loadModel(dir);
    const SafetensorsFile prompts(dir + "/prompts.safetensors");
    ModelInputs clean, corrupted;
    clean.integers["input_ids"] = {{1, kTokens}, prompts.readInt64("clean")};
    corrupted.integers["input_ids"] = {{1, kTokens}, prompts.readInt64("corrupted")};
    const std::vector<int64_t> tokens = prompts.readInt64("tokens");
    lens::Metric metric;
    metric.target = tokens[0];
    metric.contrast = tokens[1];

    CaptureOptions none;
    none.attentions = none.hiddenStates = false;
    const double forward = medianMs(runs, [&] { model->run(clean, none); });
    std::printf("one forward pass, 32 tokens, logits at every position: %.1f ms\n", forward);
    lens::ActivationPatching result;
    lens::PatchingOptions residual;
    residual.heads = false;
    const double sweep =
        medianMs(runs, [&] { result = lens::patchActivations(*model, clean, corrupted, metric, residual); });
    std::printf("residual patching sweep, 12 layers x 32 positions (target < 10 s): median %.2f s   "
                "(clean %.4f, corrupted %.4f, patched[0][3] %.4f)\n",
                sweep / 1000.0, result.clean, result.corrupted, result.residual.values[3]);
    lens::PatchingOptions heads;
    heads.residual = false;
    const double headSweep =
        medianMs(runs, [&] { result = lens::patchActivations(*model, clean, corrupted, metric, heads); });
    std::printf("head patching sweep, 12 layers x 12 heads: median %.2f s   (patched[0][0] %.4f)\n", headSweep / 1000.0,
                result.heads.values[0]);
    return 0;
}
