#include "Layers.h"

#include "tessera/core/Error.h"

namespace tessera::detail {

torch::Tensor activation(const torch::Tensor &x, const std::string &name)
{
    if (name == "gelu")
        return torch::gelu(x); // exact (erf)
    if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast")
        return torch::gelu(x, "tanh");
    if (name == "relu")
        return torch::relu(x);
    if (name == "silu" || name == "swish")
        return torch::silu(x);
    throw Error("activation \"" + name + "\" is not supported (gelu, gelu_new, relu, silu are)");
}

namespace nn {

torch::Tensor linear(const Weights &w, const Linear &layer, const torch::Tensor &x)
{
    return torch::linear(x, w.at(layer.weight), layer.bias.empty() ? torch::Tensor() : w.at(layer.bias));
}

torch::Tensor conv1d(const Weights &w, const Conv1D &layer, const torch::Tensor &x)
{
    const torch::Tensor &weight = w.at(layer.weight);
    auto sizes = x.sizes().vec();
    sizes.back() = weight.size(1);
    return torch::addmm(w.at(layer.bias), x.reshape({-1, x.size(-1)}), weight).reshape(sizes);
}

torch::Tensor layerNorm(const Weights &w, const LayerNorm &norm, const torch::Tensor &x)
{
    return torch::layer_norm(x, {x.size(-1)}, w.at(norm.weight), w.at(norm.bias), norm.eps);
}

torch::Tensor rmsNorm(const Weights &w, const std::string &weight, const torch::Tensor &x, double eps, bool plusOne)
{
    const torch::Tensor x32 = x.to(torch::kFloat32);
    const torch::Tensor normed = x32 * torch::rsqrt(x32.pow(2).mean(-1, true) + eps);
    const torch::Tensor scale = plusOne ? 1.0 + w.at(weight).to(torch::kFloat32) : w.at(weight).to(torch::kFloat32);
    return (normed * scale).to(x.scalar_type());
}

} // namespace nn
} // namespace tessera::detail
