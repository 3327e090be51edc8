#include "Cache.h"

namespace tessera::detail::lens {

Cache cacheRun(const Item &item)
{
    torch::NoGradGuard noGrad;
    Cache cache;
    const int64_t layers = item.info->config.layers;
    cache.residual.resize(size_t(layers));
    cache.heads.resize(size_t(layers));
    cache.attention.resize(size_t(layers));
    cache.mlp.resize(size_t(layers));
    nn::Hooks hooks;
    hooks.at = [&cache](nn::HookPoint point, int64_t layer, const torch::Tensor &value) {
        const size_t l = size_t(layer);
        switch (point) {
        case nn::HookPoint::residualPre:
            cache.residual.at(l) = value;
            break;
        case nn::HookPoint::headOutputs:
            cache.heads.at(l) = value;
            break;
        case nn::HookPoint::attentionOutput:
            cache.attention.at(l) = value;
            break;
        case nn::HookPoint::mlpOutput:
            cache.mlp.at(l) = value;
            break;
        case nn::HookPoint::residualFinal:
            cache.final = value;
            break;
        default:
            break;
        }
        return value;
    };
    cache.logits = logitsAt(item, item.inputs, hooks);
    return cache;
}

} // namespace tessera::detail::lens
