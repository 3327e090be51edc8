// BERT-base-shaped forward pass (12 layers x 768, random weights from a config) with full
// capture, against the same matrix products alone. Writes the checkpoint it uses so that
// bench_bert.py can time the identical computation in Python PyTorch on the same weights.
// Usage: bench_bert DIR [threads] [runs]   (DIR is created if it holds no checkpoint)

#include "tessera/core/Model.h"
#include "tessera/core/Runtime.h"
#include "tessera/core/Safetensors.h"

#include "RandomWeights.h"
#include "Timing.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
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
    std::ofstream(dir + "/config.json") << R"({"model_type": "bert", "architectures": ["BertModel"], "hidden_size": 768,
        "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072, "vocab_size": 30522,
        "max_position_embeddings": 512, "type_vocab_size": 2, "hidden_act": "gelu", "layer_norm_eps": 1e-12})";
    RandomWeights weights(0.02f);
    auto add = [&](const std::string &name, std::vector<int64_t> shape, float fill = NAN) {
        weights.add(name, std::move(shape), fill);
    };
    add("bert.embeddings.word_embeddings.weight", {30522, 768});
    add("bert.embeddings.position_embeddings.weight", {512, 768});
    add("bert.embeddings.token_type_embeddings.weight", {2, 768});
    add("bert.embeddings.LayerNorm.weight", {768}, 1.0f);
    add("bert.embeddings.LayerNorm.bias", {768}, 0.0f);
    for (int l = 0; l < 12; ++l) {
        const std::string p = "bert.encoder.layer." + std::to_string(l) + ".";
        for (const char *n :
             {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
            add(p + n + ".weight", {768, 768});
            add(p + n + ".bias", {768});
        }
        add(p + "attention.output.LayerNorm.weight", {768}, 1.0f);
        add(p + "attention.output.LayerNorm.bias", {768}, 0.0f);
        add(p + "intermediate.dense.weight", {3072, 768});
        add(p + "intermediate.dense.bias", {3072});
        add(p + "output.dense.weight", {768, 3072});
        add(p + "output.dense.bias", {768});
        add(p + "output.LayerNorm.weight", {768}, 1.0f);
        add(p + "output.LayerNorm.bias", {768}, 0.0f);
    }
    weights.write(dir + "/model.safetensors");
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_bert DIR [threads] [runs]\n");
        return 2;
    }
    const std::string dir = argv[1];
    const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
    const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
    const RuntimeInfo runtime = configureRuntime(threads);
    std::printf("runtime: LibTorch %s, %s\n", runtime.torchVersion.c_str(), runtime.summary().c_str());
    struct stat st {};
    if (::stat((dir + "/model.safetensors").c_str(), &st) != 0)
        writeCheckpoint(dir);
    const auto model = loadModel(dir);
    torch::NoGradGuard noGrad;
    for (int64_t sequence : {128, 512}) {
        ModelInputs inputs;
        std::vector<int64_t> ids(static_cast<size_t>(sequence));
        for (int64_t i = 0; i < sequence; ++i)
            ids[size_t(i)] = 1000 + (i * 37) % 20000;
        inputs.integers["input_ids"] = {{1, sequence}, ids};
        inputs.integers["attention_mask"] = {{1, sequence}, std::vector<int64_t>(size_t(sequence), 1)};
        ModelOutputs outputs;
        const double full = medianMs(runs, [&] { outputs = model->run(inputs); });
        size_t captureBytes = 0;
        for (const auto &[name, tensor] : outputs)
            captureBytes += tensor.values.size() * sizeof(float);
        CaptureOptions none;
        none.attentions = false;
        none.hiddenStates = false;
        const double bare = medianMs(runs, [&] { model->run(inputs, none); });
        // The same matrix products alone: per layer q, k, v, output and the two feed-forward
        // projections, and the 12 heads' QK^T and AV.
        const torch::Tensor x = torch::randn({sequence, 768});
        const torch::Tensor w768 = torch::randn({768, 768});
        const torch::Tensor wUp = torch::randn({768, 3072});
        const torch::Tensor h3072 = torch::randn({sequence, 3072});
        const torch::Tensor wDown = torch::randn({3072, 768});
        const torch::Tensor q = torch::randn({12, sequence, 64});
        const torch::Tensor p = torch::randn({12, sequence, sequence});
        const double matmuls = medianMs(runs, [&] {
            for (int layer = 0; layer < 12; ++layer) {
                for (int i = 0; i < 4; ++i)
                    (void)torch::matmul(x, w768);
                (void)torch::matmul(x, wUp);
                (void)torch::matmul(h3072, wDown);
                (void)torch::matmul(q, q.transpose(1, 2));
                (void)torch::matmul(p, q);
            }
        });
        std::printf("seq %4lld  forward+full capture %8.1f ms  forward, no capture %8.1f ms  matmuls alone %8.1f ms"
                    "  ratio capture/matmuls %.2f  capture %.1f MiB\n",
                    (long long)sequence, full, bare, matmuls, full / matmuls, captureBytes / 1048576.0);
    }
    return 0;
}
