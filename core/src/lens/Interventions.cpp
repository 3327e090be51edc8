// Head ablation and activation patching: reruns that change one activation, batched so that one
// run from layer l on covers every head (or position) of layer l.

#include "Cache.h"
#include "LensRun.h"

#include "tessera/core/Error.h"
#include "tessera/core/Lens.h"

namespace tessera::lens {

using detail::lens::Cache;
using detail::lens::Item;
using detail::nn::HookPoint;

namespace {

// The corrupted-or-clean run from layer `layer` on, batch `batch`, with `change` applied at
// `point` of that layer: the metric per batch row [batch].
torch::Tensor rerun(const Item &item, const torch::Tensor &residual, int64_t layer, int64_t batch, HookPoint point,
                    const std::function<torch::Tensor(const torch::Tensor &)> &change, const Metric &metric)
{
    const ModelInputs inputs = detail::lens::repeated(item.inputs, batch);
    detail::nn::Hooks hooks;
    hooks.firstLayer = layer;
    hooks.at = [&](HookPoint where, int64_t l, const torch::Tensor &value) {
        if (l != layer)
            return value;
        torch::Tensor out = value;
        if (where == HookPoint::residualPre)
            out = residual.expand({batch, residual.size(1), residual.size(2)}).contiguous();
        if (where == point)
            out = change(out);
        return out;
    };
    return detail::lens::metricOf(detail::lens::logitsAt(item, inputs, hooks), metric);
}

// value [batch, n, hidden] with row p's position p from source [1, n, hidden]: batch = n.
torch::Tensor patchPositions(const torch::Tensor &value, const torch::Tensor &source)
{
    torch::Tensor out = value.clone();
    const int64_t n = value.size(1);
    const torch::Tensor index = torch::arange(n, torch::kInt64);
    out.index_put_({index, index}, source[0].to(out.scalar_type()));
    return out;
}

// value [heads, n, heads x head] with row h's head h from source [1, n, heads x head] (zero where
// source is undefined).
torch::Tensor patchHeads(const torch::Tensor &value, const torch::Tensor &source, int64_t heads)
{
    const int64_t n = value.size(1);
    const torch::Tensor eye = torch::eye(heads, value.options()).view({heads, 1, heads, 1});
    const torch::Tensor split = value.view({heads, n, heads, -1});
    torch::Tensor out = split * (1.0 - eye);
    if (source.defined())
        out = out + source.view({1, n, heads, -1}).to(value.scalar_type()) * eye;
    return out.view(value.sizes());
}

} // namespace

HeadAblation ablateHeads(const Model &model, const ModelInputs &inputs, const Metric &metric, JobContext *context)
{
    torch::NoGradGuard noGrad;
    const Item item = detail::lens::prepare(model, inputs, metric, "ablation");
    detail::lens::step(context, 0.0, "caching the run");
    const Cache cache = detail::lens::cacheRun(item);
    const Metric m = detail::lens::resolved(metric, cache.logits, item);
    const int64_t layers = item.info->config.layers, heads = item.info->config.heads;
    HeadAblation out;
    out.subject = detail::lens::subjectOf(item, m);
    out.baseline = detail::lens::metricOf(cache.logits, m).item<float>();
    std::vector<torch::Tensor> rows;
    for (int64_t l = 0; l < layers; ++l) {
        detail::lens::step(context, double(l) / double(layers), "layer " + std::to_string(l + 1));
        rows.push_back(rerun(
            item, cache.residual.at(size_t(l)), l, heads, HookPoint::headOutputs,
            [&](const torch::Tensor &value) { return patchHeads(value, {}, heads); }, m));
    }
    out.heads = detail::lens::toFloat(torch::stack(rows) - out.baseline);
    detail::lens::step(context, 1.0, "done");
    return out;
}

FloatTensor ActivationPatching::normalised(const FloatTensor &raw) const
{
    FloatTensor out = raw;
    const float range = clean - corrupted;
    for (float &v : out.values)
        v = (v - corrupted) / range;
    return out;
}

ActivationPatching patchActivations(const Model &model, const ModelInputs &clean, const ModelInputs &corrupted,
                                    const Metric &metric, const PatchingOptions &options, JobContext *context)
{
    torch::NoGradGuard noGrad;
    const Item cleanItem = detail::lens::prepare(model, clean, metric, "patching");
    const Item corruptedItem = detail::lens::prepare(model, corrupted, metric, "patching");
    if (!cleanItem.text)
        throw Error("patching: needs text inputs (input_ids) for the clean and the corrupted run");
    if (cleanItem.tokens != corruptedItem.tokens || cleanItem.position != corruptedItem.position)
        throw Error("patching: the clean run has " + std::to_string(cleanItem.tokens) + " tokens, the corrupted " +
                        std::to_string(corruptedItem.tokens) + "; patching needs equal lengths",
                    {}, "corrupted");
    detail::lens::step(context, 0.0, "caching the clean and the corrupted run");
    const Cache cleanCache = detail::lens::cacheRun(cleanItem);
    const Cache corruptedCache = detail::lens::cacheRun(corruptedItem);
    const Metric m = detail::lens::resolved(metric, cleanCache.logits, cleanItem);
    const int64_t layers = cleanItem.info->config.layers, heads = cleanItem.info->config.heads;
    const int64_t n = cleanItem.tokens;

    ActivationPatching out;
    out.subject = detail::lens::subjectOf(cleanItem, m);
    out.corruptedIds = corruptedItem.ids;
    out.clean = detail::lens::metricOf(cleanCache.logits, m).item<float>();
    out.corrupted = detail::lens::metricOf(corruptedCache.logits, m).item<float>();
    const int kinds = int(options.residual) + int(options.heads) + int(options.attention) + int(options.mlp);
    int done = 0;
    // One sweep: for every layer a batched corrupted run from that layer with the clean value.
    auto sweep = [&](const char *name, int64_t batch, HookPoint point,
                     const std::function<torch::Tensor(int64_t, const torch::Tensor &)> &change) {
        std::vector<torch::Tensor> rows;
        for (int64_t l = 0; l < layers; ++l) {
            detail::lens::step(context, (double(done) + double(l) / double(layers)) / double(std::max(kinds, 1)),
                               std::string(name) + ", layer " + std::to_string(l + 1));
            rows.push_back(rerun(
                corruptedItem, corruptedCache.residual.at(size_t(l)), l, batch, point,
                [&](const torch::Tensor &value) { return change(l, value); }, m));
        }
        ++done;
        return detail::lens::toFloat(torch::stack(rows));
    };
    if (options.residual)
        out.residual = sweep("residual stream", n, HookPoint::residualPre, [&](int64_t l, const torch::Tensor &v) {
            return patchPositions(v, cleanCache.residual.at(size_t(l)));
        });
    if (options.heads)
        out.heads = sweep("heads", heads, HookPoint::headOutputs, [&](int64_t l, const torch::Tensor &v) {
            return patchHeads(v, cleanCache.heads.at(size_t(l)), heads);
        });
    if (options.attention)
        out.attention =
            sweep("attention outputs", n, HookPoint::attentionOutput, [&](int64_t l, const torch::Tensor &v) {
                return patchPositions(v, cleanCache.attention.at(size_t(l)));
            });
    if (options.mlp)
        out.mlp = sweep("MLP outputs", n, HookPoint::mlpOutput, [&](int64_t l, const torch::Tensor &v) {
            return patchPositions(v, cleanCache.mlp.at(size_t(l)));
        });
    detail::lens::step(context, 1.0, "done");
    return out;
}

} // namespace tessera::lens
