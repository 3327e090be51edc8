#include "LensRun.h"

#include "TorchTensors.h"

#include "tessera/core/Error.h"

#include <algorithm>

namespace tessera::detail::lens {

namespace {

// Row 0 of integer input [batch, n], positions [0, length).
IntTensor firstRow(const IntTensor &tensor, int64_t length)
{
    const int64_t n = tensor.shape.size() == 2 ? tensor.shape[1] : 0;
    return {{1, length}, std::vector<int64_t>(tensor.values.begin(), tensor.values.begin() + std::min(n, length))};
}

} // namespace

Item prepare(const Model &model, const ModelInputs &inputs, const tessera::lens::Metric &metric, const char *method)
{
    Item item;
    item.network = networkOf(model);
    item.info = &model.info();
    if (!item.network)
        throw Error(std::string(method) + ": this model has no transformer network the Lens can reach into (" +
                    model.info().config.modelType + ")");
    const auto ids = inputs.integers.find("input_ids");
    if (ids != inputs.integers.end()) {
        const IntTensor &t = ids->second;
        if (t.shape.size() != 2 || t.shape[0] < 1 || t.shape[1] < 1)
            throw Error(std::string(method) + ": input_ids must be [batch, sequence], found " + shapeToString(t.shape),
                        {}, "input_ids");
        const int64_t n = t.shape[1];
        int64_t last = n - 1;
        const auto mask = inputs.integers.find("attention_mask");
        if (mask != inputs.integers.end() && mask->second.shape == t.shape) {
            last = -1;
            for (int64_t i = 0; i < n; ++i)
                if (mask->second.values[size_t(i)] != 0)
                    last = i;
            if (last < 0)
                throw Error(std::string(method) + ": batch item 0 has no real token (attention_mask is all 0)", {},
                            "attention_mask");
        }
        if (metric.position >= 0) {
            if (metric.position >= n)
                throw Error(std::string(method) + ": position " + std::to_string(metric.position) + " is outside the " +
                            std::to_string(n) + " tokens of the input");
            last = metric.position;
        }
        // Causal models see nothing after the position; encoders see the rest through the mask.
        const bool causal = !model.info().attentionStacks.empty() && model.info().attentionStacks.front().causal;
        const int64_t length = causal ? last + 1 : n;
        item.text = true;
        item.position = last;
        item.tokens = length;
        for (const auto &[name, tensor] : inputs.integers)
            if (tensor.shape.size() == 2 && tensor.shape[1] == n)
                item.inputs.integers[name] = firstRow(tensor, length);
        item.ids = item.inputs.integers.at("input_ids").values;
        return item;
    }
    const auto pixels = inputs.floats.find("pixel_values");
    if (pixels == inputs.floats.end())
        throw Error(std::string(method) + ": the inputs hold neither input_ids nor pixel_values");
    const FloatTensor &p = pixels->second;
    if (p.shape.size() != 4 || p.shape[0] < 1)
        throw Error(std::string(method) + ": pixel_values must be [batch, channels, height, width], found " +
                        shapeToString(p.shape),
                    {}, "pixel_values");
    const size_t one = size_t(p.shape[1] * p.shape[2] * p.shape[3]);
    item.inputs.floats["pixel_values"] = {{1, p.shape[1], p.shape[2], p.shape[3]},
                                          std::vector<float>(p.values.begin(), p.values.begin() + one)};
    item.tokens = item.network.architecture->runSize(item.inputs).second;
    return item;
}

ModelInputs repeated(const ModelInputs &inputs, int64_t batch)
{
    ModelInputs out;
    for (const auto &[name, t] : inputs.integers) {
        IntTensor r{t.shape, {}};
        r.shape[0] = batch;
        for (int64_t b = 0; b < batch; ++b)
            r.values.insert(r.values.end(), t.values.begin(), t.values.end());
        out.integers[name] = std::move(r);
    }
    for (const auto &[name, t] : inputs.floats) {
        FloatTensor r{t.shape, {}};
        r.shape[0] = batch;
        for (int64_t b = 0; b < batch; ++b)
            r.values.insert(r.values.end(), t.values.begin(), t.values.end());
        out.floats[name] = std::move(r);
    }
    return out;
}

nn::Hooks readOnly()
{
    return {[](nn::HookPoint, int64_t, const torch::Tensor &value) { return value; }, 0};
}

torch::Tensor logitsAt(const Item &item, const ModelInputs &inputs, nn::Hooks hooks)
{
    const int64_t position = item.position;
    auto inner = std::move(hooks.at);
    hooks.at = [&inner, position](nn::HookPoint point, int64_t layer, const torch::Tensor &value) {
        const torch::Tensor out = inner(point, layer, value);
        return point == nn::HookPoint::residualFinal ? out.narrow(1, position, 1) : out;
    };
    torch::Tensor logits;
    nn::Pass pass(logits);
    pass.setHooks(&hooks);
    item.network.architecture->forward(*item.network.weights, inputs, pass);
    if (!logits.defined())
        throw Error("the model has no head: there are no logits to explain (load a checkpoint with its "
                    "language-model or classification head)");
    logits = logits.to(torch::kFloat32);
    return logits.dim() == 3 ? logits.select(1, 0) : logits;
}

torch::Tensor metricOf(const torch::Tensor &rows, const tessera::lens::Metric &metric)
{
    const torch::Tensor target = rows.select(1, metric.target);
    return metric.contrast >= 0 ? target - rows.select(1, metric.contrast) : target;
}

tessera::lens::Metric resolved(const tessera::lens::Metric &metric, const torch::Tensor &rows, const Item &item)
{
    tessera::lens::Metric out = metric;
    const int64_t count = rows.size(-1);
    const char *what = item.text ? "token id" : "class";
    const std::string range =
        item.text ? "the vocabulary of " + std::to_string(count) : "the " + std::to_string(count) + " classes";
    if (out.target < 0)
        out.target = rows[0].argmax().item<int64_t>();
    else if (out.target >= count)
        throw Error(std::string("target ") + what + " " + std::to_string(out.target) + " is outside " + range, {},
                    "target");
    if (out.contrast >= count)
        throw Error(std::string("contrast ") + what + " " + std::to_string(out.contrast) + " is outside " + range, {},
                    "contrast");
    return out;
}

tessera::lens::Subject subjectOf(const Item &item, const tessera::lens::Metric &metric)
{
    tessera::lens::Subject s;
    s.tokenIds = item.ids;
    s.position = item.position;
    s.target = metric.target;
    s.contrast = metric.contrast;
    return s;
}

void step(JobContext *context, double fraction, const std::string &message)
{
    if (!context)
        return;
    context->throwIfCancelled();
    context->setProgress(fraction, message);
}

FloatTensor toFloat(const torch::Tensor &t)
{
    return fromTorch(t);
}

torch::Tensor toTensor(const FloatTensor &t)
{
    return toTorch(t);
}

} // namespace tessera::detail::lens
