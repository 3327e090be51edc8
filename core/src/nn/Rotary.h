#pragma once
// Internal to core (LibTorch visible): rotary position embeddings in the rotate-half layout of
// Llama-family checkpoints (dimension i pairs with i + headSize / 2), computed as transformers'
// *RotaryEmbedding modules do (float32 angles from the inverse frequencies of
// pe::rotaryFrequencies). Plain functions; any thread.

#include "tessera/core/PositionalEncoding.h"

#include <torch/torch.h>

#include <cstdint>
#include <utility>

namespace tessera::detail::nn {

// cos and sin [batch, sequence, headSize] for positions [batch, sequence] (int64), scaled by
// the rope's attention scaling; dynamic scaling sees the longest position.
std::pair<torch::Tensor, torch::Tensor> rotaryTables(const RotaryEmbedding &rope, int64_t headSize,
                                                     int64_t maxPositions, const torch::Tensor &positions);

// x [batch, sequence, heads, headSize] -> x cos + rotate_half(x) sin, with cos / sin
// [batch, sequence, headSize] broadcast over the heads.
torch::Tensor applyRotary(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin);

} // namespace tessera::detail::nn
