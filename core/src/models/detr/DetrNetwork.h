#pragma once
// Internal to core (LibTorch visible): DETR (Detr.h) as a differentiable function of named
// weights, for the detr-shapes training recipe (training/DetrRecipe.cpp). Weight names are the
// checkpoint keys. Not thread-safe: one training job owns its weights.

#include "tessera/core/Detr.h"

#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tessera::detr::detail {

// A Model over weights in memory, sharing (not copying) them, so that run() sees the weights as
// they are now. classes excludes no-object; folder is only reported in info().
std::unique_ptr<Model> modelFromWeights(const DetrConfig &config, const std::map<std::string, torch::Tensor> &weights,
                                        int64_t classes, const std::string &folder = {});

// The heads after every decoder layer (DETR's auxiliary outputs), the last layer's last.
struct DetrPredictions {
    std::vector<torch::Tensor> logits; // [B, Q, classes + 1]
    std::vector<torch::Tensor> boxes;  // [B, Q, 4], (cx, cy, w, h) in [0, 1]
};
// The forward pass with autograd of a DETR model (loaded or from modelFromWeights) on
// pixel_values [B, 3, H, W] without padding. batchStatistics: the backbone's batch norms
// normalise with the batch's statistics and update their running ones (momentum 0.1), as
// nn.BatchNorm2d trains; otherwise they are frozen (DETR's inference, and run()). The training
// job owning the model calls it from one thread.
DetrPredictions differentiableForward(const Model &model, const torch::Tensor &pixels, bool batchStatistics = false);

} // namespace tessera::detr::detail
