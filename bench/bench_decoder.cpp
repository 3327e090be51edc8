// A Qwen2.5-0.5B-shaped decoder (24 layers, hidden 896, 14 query heads over 2 key/value heads,
// intermediate 4864, vocabulary 151,936, tied; random float32 weights): load time and peak
// memory, the forward with every attention and hidden state captured against the same matrix
// products alone, and greedy generation with the key/value cache in tokens per second. Writes
// the checkpoint it uses so that bench_decoder.py times the identical model in Python PyTorch.
// Usage: bench_decoder DIR [threads] [runs] [longest]   (DIR is created if it holds no checkpoint)

#include "tessera/core/Generation.h"
#include "tessera/core/Model.h"
#include "tessera/core/Runtime.h"

#include "RandomWeights.h"
#include "Timing.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace tessera;
using tessera::bench::medianMs;
using tessera::bench::RandomWeights;

namespace {

constexpr int64_t kLayers = 24, kHidden = 896, kHeads = 14, kKvHeads = 2, kHead = 64, kInner = 4864,
                  kVocabulary = 151936;

void writeCheckpoint(const std::string &dir)
{
    ::mkdir(dir.c_str(), 0755);
    std::ofstream(dir + "/config.json") << R"({"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"],
        "hidden_size": 896, "num_hidden_layers": 24, "num_attention_heads": 14, "num_key_value_heads": 2,
        "intermediate_size": 4864, "vocab_size": 151936, "max_position_embeddings": 32768,
        "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "tie_word_embeddings": true, "hidden_act": "silu",
        "torch_dtype": "float32", "use_sliding_window": false})";
    RandomWeights weights(0.02f);
    weights.add("model.embed_tokens.weight", {kVocabulary, kHidden});
    for (int l = 0; l < kLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        weights.add(p + "input_layernorm.weight", {kHidden}, 1.0f);
        weights.add(p + "post_attention_layernorm.weight", {kHidden}, 1.0f);
        weights.add(p + "self_attn.q_proj.weight", {kHeads * kHead, kHidden});
        weights.add(p + "self_attn.q_proj.bias", {kHeads * kHead});
        for (const char *n : {"k_proj", "v_proj"}) {
            weights.add(p + "self_attn." + n + ".weight", {kKvHeads * kHead, kHidden});
            weights.add(p + "self_attn." + n + ".bias", {kKvHeads * kHead});
        }
        weights.add(p + "self_attn.o_proj.weight", {kHidden, kHeads * kHead});
        weights.add(p + "mlp.gate_proj.weight", {kInner, kHidden});
        weights.add(p + "mlp.up_proj.weight", {kInner, kHidden});
        weights.add(p + "mlp.down_proj.weight", {kHidden, kInner});
    }
    weights.add("model.norm.weight", {kHidden}, 1.0f);
    weights.write(dir + "/model.safetensors");
}

double peakRssMiB()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_decoder DIR [threads] [runs] [longest]\n");
        return 2;
    }
    const std::string dir = argv[1];
    const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
    const int runs = argc > 3 ? std::atoi(argv[3]) : 3;
    const int64_t longest = argc > 4 ? std::atoll(argv[4]) : 512;
    const RuntimeInfo runtime = configureRuntime(threads);
    std::printf("runtime: LibTorch %s, %s\n", runtime.torchVersion.c_str(), runtime.summary().c_str());
    struct stat st {};
    if (::stat((dir + "/model.safetensors").c_str(), &st) != 0)
        writeCheckpoint(dir);
    ::stat((dir + "/model.safetensors").c_str(), &st);
    const double before = peakRssMiB();
    const auto start = std::chrono::steady_clock::now();
    const auto model = loadModel(dir);
    const double loadMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("load %.0f ms, file %.0f MiB, peak RSS %.0f MiB (before loading %.0f MiB), %lld parameters\n", loadMs,
                double(st.st_size) / 1048576.0, peakRssMiB(), before, (long long)model->info().parameters);
    torch::NoGradGuard noGrad;
    for (int64_t sequence = 512; sequence <= longest; sequence *= 4) {
        ModelInputs inputs;
        std::vector<int64_t> ids(static_cast<size_t>(sequence));
        for (int64_t i = 0; i < sequence; ++i)
            ids[size_t(i)] = 1000 + (i * 37) % 100000;
        inputs.integers["input_ids"] = {{1, sequence}, ids};
        ModelOutputs outputs;
        const double full = medianMs(runs, [&] { outputs = model->run(inputs); });
        size_t captureBytes = 0;
        for (const auto &[name, tensor] : outputs)
            captureBytes += tensor.values.size() * sizeof(float);
        outputs.clear();
        CaptureOptions none;
        none.attentions = none.hiddenStates = false;
        const double bare = medianMs(runs, [&] { model->run(inputs, none); });
        // The same matrix products alone: per layer q, k, v, o, gate, up, down and the heads'
        // QK^T and AV, then the tied LM head.
        const torch::Tensor x = torch::randn({sequence, kHidden});
        const torch::Tensor wq = torch::randn({kHidden, kHeads * kHead}),
                            wkv = torch::randn({kHidden, kKvHeads * kHead});
        const torch::Tensor wo = torch::randn({kHeads * kHead, kHidden}), wUp = torch::randn({kHidden, kInner});
        const torch::Tensor h = torch::randn({sequence, kInner}), wDown = torch::randn({kInner, kHidden});
        const torch::Tensor q = torch::randn({kHeads, sequence, kHead}), p = torch::randn({kHeads, sequence, sequence});
        const torch::Tensor context = torch::randn({sequence, kHeads * kHead});
        const torch::Tensor head = torch::randn({kHidden, kVocabulary});
        const double matmuls = medianMs(runs, [&] {
            for (int layer = 0; layer < kLayers; ++layer) {
                (void)torch::matmul(x, wq);
                (void)torch::matmul(x, wkv);
                (void)torch::matmul(x, wkv);
                (void)torch::matmul(context, wo);
                (void)torch::matmul(x, wUp);
                (void)torch::matmul(x, wUp);
                (void)torch::matmul(h, wDown);
                (void)torch::matmul(q, q.transpose(1, 2));
                (void)torch::matmul(p, q);
            }
            (void)torch::matmul(x, head);
        });
        std::printf("seq %4lld  forward+full capture %9.1f ms  no capture %9.1f ms  matmuls alone %9.1f ms  "
                    "ratio capture/matmuls %.2f  capture %.0f MiB  peak RSS %.0f MiB\n",
                    (long long)sequence, full, bare, matmuls, full / matmuls, captureBytes / 1048576.0, peakRssMiB());
    }
    // Greedy generation: 64 new tokens after a 16-token prompt, through the key/value cache.
    std::vector<int64_t> prompt;
    for (int i = 0; i < 16; ++i)
        prompt.push_back(1000 + i * 37);
    SamplingSettings greedy;
    greedy.maxNewTokens = 64;
    greedy.stopAtEnd = false;
    const double generation = medianMs(runs, [&] { generateIds(*model, prompt, greedy); });
    std::printf("generation: 64 tokens after 16 in %.0f ms = %.1f tokens/s (key/value cache, greedy)\n", generation,
                64000.0 / generation);
    return 0;
}
