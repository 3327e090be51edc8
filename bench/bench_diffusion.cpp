// A google/ddpm-cifar10-32-shaped UNet2DModel (32 x 32 x 3, channels 128/256/256/256, attention
// at 16 x 16, two resnets per block; 35.7 M parameters, random weights) as the Diffusion lab
// runs it: one UNet forward, DDIM-50 and DDPM-N wall time, and what the scheduler adds to the
// UNet's time (target < 5%).
// Usage: bench_diffusion DIR [threads] [ddpm-steps]   (DIR is created if it holds no checkpoint)

#include "tessera/core/Diffusion.h"
#include "tessera/core/Runtime.h"
#include "tessera/core/Safetensors.h"

#include "RandomWeights.h"
#include "Timing.h"

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
    ::mkdir((dir + "/scheduler").c_str(), 0755);
    std::ofstream(dir + "/config.json")
        << R"({"_class_name": "UNet2DModel", "act_fn": "silu", "attention_head_dim": null,
        "block_out_channels": [128, 256, 256, 256], "center_input_sample": false, "down_block_types": ["DownBlock2D",
        "AttnDownBlock2D", "DownBlock2D", "DownBlock2D"], "downsample_padding": 0, "flip_sin_to_cos": false,
        "freq_shift": 1, "in_channels": 3, "layers_per_block": 2, "mid_block_scale_factor": 1, "norm_eps": 1e-06,
        "norm_num_groups": 32, "out_channels": 3, "sample_size": 32, "time_embedding_type": "positional",
        "up_block_types": ["UpBlock2D", "UpBlock2D", "AttnUpBlock2D", "UpBlock2D"]})";
    std::ofstream(dir + "/scheduler/scheduler_config.json") << R"({"_class_name": "DDPMScheduler", "beta_end": 0.02,
        "beta_schedule": "linear", "beta_start": 0.0001, "clip_sample": true, "num_train_timesteps": 1000,
        "variance_type": "fixed_large"})";
    RandomWeights weights(0.0f);
    auto add = [&](const std::string &name, std::vector<int64_t> shape, float fill = NAN) {
        weights.add(name, std::move(shape), fill);
    };
    auto conv = [&](const std::string &p, int64_t in, int64_t out, int64_t k) {
        add(p + ".weight", {out, in, k, k});
        add(p + ".bias", {out}, 0.0f);
    };
    auto linear = [&](const std::string &p, int64_t in, int64_t out) {
        add(p + ".weight", {out, in});
        add(p + ".bias", {out}, 0.0f);
    };
    auto norm = [&](const std::string &p, int64_t c) {
        add(p + ".weight", {c}, 1.0f);
        add(p + ".bias", {c}, 0.0f);
    };
    auto resnet = [&](const std::string &p, int64_t in, int64_t out) {
        norm(p + ".norm1", in);
        conv(p + ".conv1", in, out, 3);
        linear(p + ".time_emb_proj", 512, out);
        norm(p + ".norm2", out);
        conv(p + ".conv2", out, out, 3);
        if (in != out)
            conv(p + ".conv_shortcut", in, out, 1);
    };
    auto attention = [&](const std::string &p, int64_t c) {
        norm(p + ".group_norm", c);
        for (const char *n : {".to_q", ".to_k", ".to_v", ".to_out.0"})
            linear(p + n, c, c);
    };
    const std::vector<int64_t> channels{128, 256, 256, 256};
    conv("conv_in", 3, 128, 3);
    linear("time_embedding.linear_1", 128, 512);
    linear("time_embedding.linear_2", 512, 512);
    std::vector<int64_t> skips{128};
    int64_t c = 128;
    for (size_t b = 0; b < 4; ++b) {
        const std::string p = "down_blocks." + std::to_string(b);
        for (int j = 0; j < 2; ++j) {
            resnet(p + ".resnets." + std::to_string(j), c, channels[b]);
            c = channels[b];
            if (b == 1)
                attention(p + ".attentions." + std::to_string(j), c);
            skips.push_back(c);
        }
        if (b < 3) {
            conv(p + ".downsamplers.0.conv", c, c, 3);
            skips.push_back(c);
        }
    }
    resnet("mid_block.resnets.0", c, c);
    attention("mid_block.attentions.0", c);
    resnet("mid_block.resnets.1", c, c);
    for (size_t b = 0; b < 4; ++b) {
        const int64_t out = channels[3 - b];
        const std::string p = "up_blocks." + std::to_string(b);
        for (int j = 0; j < 3; ++j) {
            resnet(p + ".resnets." + std::to_string(j), c + skips.back(), out);
            skips.pop_back();
            c = out;
            if (b == 2)
                attention(p + ".attentions." + std::to_string(j), c);
        }
        if (b < 3)
            conv(p + ".upsamplers.0.conv", c, c, 3);
    }
    norm("conv_norm_out", c);
    conv("conv_out", c, 3, 3);
    weights.write(dir + "/diffusion_pytorch_model.safetensors");
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_diffusion DIR [threads] [ddpm-steps]\n");
        return 2;
    }
    const std::string dir = argv[1];
    const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
    const int ddpmSteps = argc > 3 ? std::atoi(argv[3]) : 1000;
    const RuntimeInfo runtime = configureRuntime(threads);
    std::printf("runtime: LibTorch %s, %s\n", runtime.torchVersion.c_str(), runtime.summary().c_str());
    struct stat st {};
    if (::stat((dir + "/diffusion_pytorch_model.safetensors").c_str(), &st) != 0)
        writeCheckpoint(dir);
    const auto unet = loadModel(dir);
    std::printf("model: UNet2DModel, %lld parameters, samples 3x32x32\n", (long long)unet->info().parameters);
    const std::vector<int64_t> shape = diffusion::sampleShape(*unet);
    const FloatTensor start = diffusion::seededNoise(1)(0, shape);
    ModelInputs inputs;
    inputs.floats["sample"] = start;
    inputs.integers["timestep"] = {{1}, {500}};
    const double forward = medianMs(9, [&] { unet->run(inputs, {}); });
    std::printf("UNet forward, batch 1: median %.1f ms of 9\n", forward);
    for (const auto &[kind, steps] :
         {std::pair<std::string, int>{"ddim", 50}, std::pair<std::string, int>{"ddpm", ddpmSteps}}) {
        if (steps < 1)
            continue;
        diffusion::Scheduler scheduler(diffusion::schedulerConfigFor(dir, kind));
        scheduler.setTimesteps(steps);
        const diffusion::Trajectory t = diffusion::sample(*unet, scheduler, start, diffusion::seededNoise(2));
        std::printf("%s-%d: %.2f s wall, UNet %.2f s, scheduler and bookkeeping %.2f s (%.2f%% of the UNet's time)\n",
                    kind == "ddim" ? "DDIM" : "DDPM", steps, t.seconds, t.modelSeconds, t.seconds - t.modelSeconds,
                    100.0 * (t.seconds - t.modelSeconds) / t.modelSeconds);
    }
    return 0;
}
