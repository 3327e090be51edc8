#pragma once
// Internal to core (LibTorch visible): the layers every transformer family is written in, over
// named weights. Names are the canonical Hugging Face key paths with the family's checkpoint
// prefix removed ("encoder.layer.0.attention.self.query.weight"). A layer is declared once, in
// a family's WeightList (its names and shapes), and read by both the load check and the
// forward pass through the handles below. Plain functions; any thread.

#include <torch/torch.h>

#include <map>
#include <string>

namespace tessera::detail {

using Weights = std::map<std::string, torch::Tensor>;

// gelu (erf), gelu_new / gelu_pytorch_tanh / gelu_fast (tanh), relu, silu / swish.
torch::Tensor activation(const torch::Tensor &x, const std::string &name);

namespace nn {

// torch.nn.Linear: weight [out, in], bias [out] (empty name: no bias).
struct Linear {
    std::string weight, bias;
};

// GPT-2's Conv1D: weight [in, out], bias [out].
struct Conv1D {
    std::string weight, bias;
};

// LayerNorm over the last dimension: weight and bias [hidden].
struct LayerNorm {
    std::string weight, bias;
    double eps = 1e-12;
};

// x [..., in] -> [..., out].
torch::Tensor linear(const Weights &w, const Linear &layer, const torch::Tensor &x);
torch::Tensor conv1d(const Weights &w, const Conv1D &layer, const torch::Tensor &x);
// x [..., hidden] -> [..., hidden].
torch::Tensor layerNorm(const Weights &w, const LayerNorm &norm, const torch::Tensor &x);
// RMSNorm: x / sqrt(mean(x^2) + eps) * weight, or * (1 + weight) where plusOne (Gemma).
torch::Tensor rmsNorm(const Weights &w, const std::string &weight, const torch::Tensor &x, double eps,
                      bool plusOne = false);

} // namespace nn
} // namespace tessera::detail
