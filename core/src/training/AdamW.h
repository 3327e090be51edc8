#pragma once
// AdamW (Loshchilov & Hutter), as torch.optim.AdamW: decoupled weight decay, bias-corrected
// moments. Decay applies to matrices only (not biases, LayerNorm or embeddings' 1-D tensors).
// The moments are saved in checkpoints (CheckpointStore.cpp) as exp_avg.<name> and
// exp_avg_sq.<name>. Used by one training job's thread.

#include "Recipe.h"

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>

namespace tessera::detail {

struct AdamW {
    double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    std::map<std::string, torch::Tensor> m, v; // first and second moments, each of its weight's shape
    int64_t step = 0;

    // One update of every weight that has a gradient (weights without one are left alone).
    void apply(Weights &weights, double learningRate, double weightDecay);
};

} // namespace tessera::detail
