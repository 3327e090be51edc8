#pragma once
// Internal to core, with no LibTorch (the fuzz targets build it alone): the configs of the
// diffusion models as plain values, parsed and checked, and the weight list a config implies.
//   UNetConfig   diffusers' UNet2DModel config.json (the fields that change the numbers)
//   ToyConfig    Tessera's toy MLP denoiser ("_class_name": "TesseraToyDenoiser")
// The parsers throw tessera::Error naming the file and key for what is not supported.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tessera::diffusion::detail {

using WeightShapes = std::vector<std::pair<std::string, std::vector<int64_t>>>;

constexpr const char *kToyClass = "TesseraToyDenoiser";

// A JSON object from a file of at most 4 MB; throws tessera::Error naming the file otherwise.
nlohmann::json readJson(const std::string &path);
// config.json's "_class_name", or "" when absent.
std::string className(const nlohmann::json &config);

struct UNetConfig {
    int64_t inChannels = 3;
    int64_t outChannels = 3;
    int64_t sampleSize = 32;
    std::vector<int64_t> blockOutChannels;
    std::vector<std::string> downBlocks;
    std::vector<std::string> upBlocks;
    int64_t layersPerBlock = 2;
    int64_t groups = 32;
    int64_t attentionGroups = 32;
    double eps = 1e-5;
    bool flipSinToCos = true;
    double freqShift = 0.0;
    bool centerInput = false;
    double midScale = 1.0;
    int64_t downsamplePadding = 1;
    bool midBlock = true;
    bool midAttention = true;
    int64_t attentionHeadDim = 0; // 0: one head (the block's channels)
};
UNetConfig parseUNetConfig(const nlohmann::json &j, const std::string &path);
// Every weight UNet2DModel has for a config, with its shape, in the order diffusers builds them.
WeightShapes unetWeightShapes(const UNetConfig &c);

// Tessera's toy denoiser for 2-D (or any low-dimensional) data: diffusers has no model class for
// points, so this small MLP is ours, saved in diffusers' folder layout (config.json with
// "_class_name": "TesseraToyDenoiser", diffusion_pytorch_model.safetensors, scheduler/). Each
// input coordinate (scaled by input_scale) and the timestep get diffusers' sinusoidal embedding
// (the high frequencies let a small MLP draw thin structures such as the swiss roll); then
//   h = silu(input_proj(features)); h = h + silu(blocks.i(h)) for each block; out = output(h).
struct ToyConfig {
    int64_t features = 2;
    int64_t hidden = 128;
    int64_t blocks = 3;
    int64_t timeEmbedding = 64;  // timestep embedding size
    int64_t inputEmbedding = 64; // per coordinate; 0: the raw coordinates
    double inputScale = 25.0;
};
ToyConfig parseToyConfig(const nlohmann::json &j, const std::string &path);
int64_t toyInputSize(const ToyConfig &c);
WeightShapes toyWeightShapes(const ToyConfig &c);

} // namespace tessera::diffusion::detail
