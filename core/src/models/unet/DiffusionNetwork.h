#pragma once
// Internal to core (LibTorch visible): the diffusion denoisers of Diffusion.h (diffusers'
// UNet2DModel, Tessera's toy MLP) as differentiable functions of named weights, for training
// (training/DiffusionRecipe.cpp). Weight names are the keys of diffusion_pytorch_model.safetensors.
// Not thread-safe: one training job owns its weights.

#include "tessera/core/Model.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tessera::diffusion::detail {

using Weights = std::map<std::string, torch::Tensor>;
using WeightShapes = std::vector<std::pair<std::string, std::vector<int64_t>>>;

// Every weight of the model a config.json describes ("_class_name" UNet2DModel or
// TesseraToyDenoiser), with its shape, in diffusers' order. Throws tessera::Error for configs
// the loader would refuse.
WeightShapes weightShapes(const nlohmann::json &config);

// A Model over weights in memory, sharing (not copying) the tensors, so that run() sees the
// weights as they are now. folder is only reported in info().
std::unique_ptr<Model> modelFromWeights(const nlohmann::json &config, const Weights &weights,
                                        const std::string &folder = {});

// The forward pass with autograd of a model from modelFromWeights or loadDiffusionModel:
// x [batch, channels, height, width] (UNet) or [batch, features] (toy) at timesteps [batch]
// (int64) -> the model output, x's shape.
torch::Tensor differentiableForward(const Model &model, const torch::Tensor &x, const torch::Tensor &timesteps);

} // namespace tessera::diffusion::detail
