#pragma once
// Internal to core (LibTorch visible): the one conversion between the plain FloatTensor of the
// public headers and torch tensors, used by the models, training and diffusion.

#include "tessera/core/Matrix.h"

#include <torch/torch.h>

namespace tessera::detail {

// A copy of t as a float32 tensor of its shape.
inline torch::Tensor toTorch(const FloatTensor &t)
{
    return torch::from_blob(const_cast<float *>(t.values.data()), t.shape, torch::kFloat32).clone();
}

// A copy of any tensor (detached, converted to float32, made contiguous).
inline FloatTensor fromTorch(const torch::Tensor &tensor)
{
    const torch::Tensor c = tensor.detach().to(torch::kFloat32).contiguous();
    return {c.sizes().vec(), std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel())};
}

} // namespace tessera::detail
