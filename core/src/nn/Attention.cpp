#include "Attention.h"

#include "TorchTensors.h"

#include "tessera/core/Error.h"

#include <cmath>
#include <limits>
#include <string>

namespace tessera::detail::nn {

torch::Tensor paddingMask(const torch::Tensor &padding)
{
    const int64_t batch = padding.size(0), sequence = padding.size(1);
    return (1.0 - padding.to(torch::kFloat32)).view({batch, 1, 1, sequence}) * std::numeric_limits<float>::lowest();
}

torch::Tensor causalMask(int64_t sequence, const torch::Tensor &padding, int64_t window)
{
    torch::Tensor allowed = torch::ones({sequence, sequence}, torch::kBool).tril();
    if (window > 0)
        allowed = allowed.logical_and(torch::ones({sequence, sequence}, torch::kBool).triu(-(window - 1)));
    allowed = allowed.view({1, 1, sequence, sequence});
    if (padding.defined())
        allowed = allowed.logical_and(padding.to(torch::kBool).view({padding.size(0), 1, 1, sequence}));
    return torch::zeros(allowed.sizes(), torch::kFloat32)
        .masked_fill(allowed.logical_not(), std::numeric_limits<float>::lowest());
}

torch::Tensor trailingCausalMask(int64_t queries, int64_t keys, int64_t window)
{
    const int64_t offset = keys - queries; // query i stands at position offset + i
    torch::Tensor allowed = torch::ones({queries, keys}, torch::kBool).tril(offset);
    if (window > 0)
        allowed = allowed.logical_and(torch::ones({queries, keys}, torch::kBool).triu(offset - (window - 1)));
    return torch::zeros({1, 1, queries, keys}, torch::kFloat32)
        .masked_fill(allowed.logical_not().view({1, 1, queries, keys}), std::numeric_limits<float>::lowest());
}

torch::Tensor attend(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                     const AttentionShape &shape, const torch::Tensor &mask, torch::Tensor &probabilities,
                     FloatTensor *capture, StepTarget step)
{
    const int64_t batch = q.size(0), queries = q.size(1), keys = k.size(1);
    const int64_t heads = shape.queryHeads, kvHeads = shape.keyValueHeads, headSize = shape.headSize;
    auto split = [&](const torch::Tensor &t, int64_t length, int64_t count) {
        torch::Tensor s = t.view({batch, length, count, headSize}).transpose(1, 2);
        return count == heads ? s : s.repeat_interleave(heads / count, 1); // grouped heads shared
    };
    const torch::Tensor qs = split(q, queries, heads), ks = split(k, keys, kvHeads), vs = split(v, keys, kvHeads);
    torch::Tensor scores = torch::matmul(qs, ks.transpose(-1, -2));
    scores = shape.scale > 0.0 ? scores * shape.scale : scores / std::sqrt(double(headSize));
    if (mask.defined())
        scores = scores + mask;
    if (step.outputs) {
        if (step.head < 0 || step.head >= heads)
            throw Error("head " + std::to_string(step.head) + " does not exist (" + std::to_string(heads) + " heads)");
        const torch::Tensor qh = qs[0][step.head], kh = ks[0][step.head], vh = vs[0][step.head];
        const torch::Tensor raw = torch::matmul(qh, kh.transpose(0, 1));
        torch::Tensor scaled = scores[0][step.head].clone();
        scaled.masked_fill_(scaled < -1e30, std::numeric_limits<float>::quiet_NaN());
        const torch::Tensor weights = torch::softmax(scores[0][step.head], -1);
        ModelOutputs &out = *step.outputs;
        out["step.query"] = fromTorch(qh);
        out["step.key"] = fromTorch(kh);
        out["step.value"] = fromTorch(vh);
        out["step.scores"] = fromTorch(raw);
        out["step.scaled"] = fromTorch(scaled);
        out["step.weights"] = fromTorch(weights);
        out["step.output"] = fromTorch(torch::matmul(weights, vh));
    }
    if (capture) {
        capture->shape = scores.sizes().vec();
        capture->values.resize(size_t(scores.numel()));
        probabilities = torch::from_blob(capture->values.data(), capture->shape, torch::kFloat32);
        at::_softmax_out(probabilities, scores.contiguous(), -1, false);
    } else {
        probabilities = torch::softmax(scores, -1);
    }
    return torch::matmul(probabilities, vs).transpose(1, 2).reshape({batch, queries, heads * headSize});
}

} // namespace tessera::detail::nn
