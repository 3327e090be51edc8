#pragma once
// Internal to core (LibTorch visible): scaled dot-product attention as every family uses it,
// with its masks, grouped key/value heads and the capture of the probabilities straight into
// the result buffer. Plain functions of their arguments; any thread.

#include "tessera/core/Model.h"

#include <torch/torch.h>

#include <cstdint>

namespace tessera::detail::nn {

// The heads of one attention layer: queryHeads query heads of headSize, sharing keyValueHeads
// key/value heads (grouped-query attention; equal to queryHeads for multi-head attention).
struct AttentionShape {
    int64_t queryHeads = 0;
    int64_t keyValueHeads = 0;
    int64_t headSize = 0;
    double scale = 0.0; // scores are multiplied by this; 0: 1 / sqrt(headSize)
};

// Masks as additive tensors: 0 where a query may look, the lowest float where it may not.
// padding [batch, sequence] of 0/1 -> [batch, 1, 1, sequence].
torch::Tensor paddingMask(const torch::Tensor &padding);
// Causal over sequence positions, each query seeing at most window keys back (0: all),
// combined with padding [batch, sequence] where defined -> [1 or batch, 1, sequence, sequence].
torch::Tensor causalMask(int64_t sequence, const torch::Tensor &padding = {}, int64_t window = 0);

// Causal for queries that are the last `queries` of `keys` positions (decoding after a cache):
// [1, 1, queries, keys], with the window as in causalMask.
torch::Tensor trailingCausalMask(int64_t queries, int64_t keys, int64_t window = 0);

// Where the step-through of one head of one layer goes (CaptureOptions::stepLayer / stepHead):
// its query, key, value, raw and scaled scores, weights and output, as "step.*" outputs.
struct StepTarget {
    int head = -1;
    ModelOutputs *outputs = nullptr;
};

// Attention from projected q [batch, query, queryHeads * headSize] and k, v [batch, key,
// keyValueHeads * headSize], additive mask broadcastable to [batch, heads, query, key] or
// undefined. Returns the context [batch, query, queryHeads * headSize] and sets probabilities
// [batch, queryHeads, query, key]; with capture, the probabilities are written straight into
// capture's buffer (no copy: at 512 tokens they are 144 MB for BERT-base) and probabilities
// views it.
torch::Tensor attend(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                     const AttentionShape &shape, const torch::Tensor &mask, torch::Tensor &probabilities,
                     FloatTensor *capture = nullptr, StepTarget step = {});

} // namespace tessera::detail::nn
