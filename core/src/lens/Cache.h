#pragma once
// Internal to core (LibTorch visible): one run of batch item 0 that keeps what the Lens reads
// again: the residual stream entering every layer, every layer's head outputs, attention and MLP
// outputs, and the final residual (all [1, n, ...], detached). The thread of the calling job.

#include "LensRun.h"

namespace tessera::detail::lens {

struct Cache {
    std::vector<torch::Tensor> residual;  // [layers] of [1, n, hidden]
    std::vector<torch::Tensor> heads;     // [layers] of [1, n, heads x head]
    std::vector<torch::Tensor> attention; // [layers] of [1, n, hidden]
    std::vector<torch::Tensor> mlp;       // [layers] of [1, n, hidden]
    torch::Tensor final;                  // [1, n, hidden]
    torch::Tensor logits;                 // [1, vocabulary or labels] at the analysed position
};

// Runs item (no gradients) and caches its activations.
Cache cacheRun(const Item &item);

} // namespace tessera::detail::lens
