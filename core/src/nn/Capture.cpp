#include "Capture.h"

#include "TorchTensors.h"

#include <algorithm>

namespace tessera::detail::nn {

torch::Tensor patchDistances(int64_t gridWidth, int64_t patchSize)
{
    const int64_t patches = gridWidth * gridWidth;
    const torch::Tensor index = torch::arange(patches, torch::kInt64);
    const torch::Tensor rows = torch::floor_divide(index, gridWidth).to(torch::kFloat32) * double(patchSize);
    const torch::Tensor cols = torch::remainder(index, gridWidth).to(torch::kFloat32) * double(patchSize);
    return torch::sqrt((rows.unsqueeze(1) - rows.unsqueeze(0)).pow(2) + (cols.unsqueeze(1) - cols.unsqueeze(0)).pow(2));
}

torch::Tensor layerDistance(const torch::Tensor &probabilities, const torch::Tensor &distances, bool renormalized,
                            int64_t leadingTokens)
{
    torch::Tensor weights = probabilities.slice(2, leadingTokens).slice(3, leadingTokens);
    if (renormalized)
        weights = weights / weights.sum(-1, true);
    return (weights * distances).sum(-1).mean(-1).mean(0);
}

Pass::Pass(const CaptureOptions &capture, ModelOutputs &outputs, JobContext *context)
    : m_capture(capture), m_outputs(outputs), m_context(context)
{
}

Pass::Pass(torch::Tensor &logits) : m_capture(m_none), m_outputs(m_unused), m_logits(&logits)
{
    m_none.attentions = false;
    m_none.hiddenStates = false;
}

void Pass::output(const std::string &name, const torch::Tensor &value)
{
    m_outputs[name] = fromTorch(value);
}

void Pass::startLayer(int64_t layer, int64_t layers) const
{
    if (!m_context)
        return;
    m_context->throwIfCancelled();
    m_context->setProgress(double(layer) / double(layers), "layer " + std::to_string(layer + 1));
}

bool Pass::captures(int64_t layer) const
{
    return m_capture.layers.empty() ||
           std::find(m_capture.layers.begin(), m_capture.layers.end(), int(layer)) != m_capture.layers.end();
}

bool Pass::wantsHidden(int64_t index) const
{
    return m_capture.hiddenStates && captures(index);
}

void Pass::useNames(std::string attentions, std::string hiddenStates)
{
    m_firstStack = m_attentionName == "attentions"; // the default names: nothing captured yet
    m_attentionName = std::move(attentions);
    m_hiddenName = std::move(hiddenStates);
}

void Pass::hidden(int64_t index, const torch::Tensor &state)
{
    if (wantsHidden(index))
        m_outputs[m_hiddenName + "." + std::to_string(index)] = fromTorch(state);
}

torch::Tensor Pass::attend(int64_t layer, const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                           const AttentionShape &shape, const torch::Tensor &mask, const char *stack)
{
    const bool keep = m_capture.attentions && captures(layer);
    const bool first = m_firstStack && !stack;
    const std::string &name = stack ? std::string(stack) : m_attentionName;
    const StepTarget step =
        first && m_capture.stepLayer == int(layer) ? StepTarget{m_capture.stepHead, &m_outputs} : StepTarget{};
    torch::Tensor probabilities;
    FloatTensor captured;
    const torch::Tensor context = nn::attend(q, k, v, shape, mask, probabilities, keep ? &captured : nullptr, step);
    // The analyses take what they need from probabilities (which may view captured's buffer),
    // then the captured copy goes to the outputs or to the caller's onAttention.
    if (first && m_capture.meanAttentionDistance && m_distances.defined()) {
        m_rawDistance.push_back(layerDistance(probabilities, m_distances, false, m_leadingTokens));
        m_renormalizedDistance.push_back(layerDistance(probabilities, m_distances, true, m_leadingTokens));
    }
    if (first && m_capture.rollout) {
        // Abnar & Zuidema: per layer the head mean A, 0.5 A + 0.5 I with rows renormalised,
        // multiplied from the first layer up (attentionRollout, incrementally).
        const int64_t n = probabilities.size(-1);
        torch::Tensor a = 0.5 * probabilities.mean(1).to(torch::kFloat32) + 0.5 * torch::eye(n, torch::kFloat32);
        a = a / a.sum(-1, true);
        m_rollout = m_rollout.defined() ? torch::matmul(a, m_rollout) : a;
    }
    if (m_hooks) // before the capture moves on: probabilities may view its buffer
        m_hooks->at(HookPoint::attentionProbabilities, layer, probabilities);
    if (keep) {
        if (m_capture.onAttention && name == "attentions")
            m_capture.onAttention(int(layer), std::move(captured));
        else
            m_outputs[name + "." + std::to_string(layer)] = std::move(captured);
    }
    return m_hooks ? m_hooks->at(HookPoint::headOutputs, layer, context) : context;
}

void Pass::measureDistances(int64_t gridWidth, int64_t patchSize, int64_t leadingTokens)
{
    m_distances = patchDistances(gridWidth, patchSize);
    m_leadingTokens = leadingTokens;
}

void Pass::finish()
{
    if (m_capture.rollout && m_rollout.defined())
        m_outputs["rollout"] = fromTorch(m_rollout);
    if (m_capture.meanAttentionDistance) {
        m_outputs["mean_attention_distance.raw"] = fromTorch(torch::stack(m_rawDistance));
        m_outputs["mean_attention_distance.renormalized"] = fromTorch(torch::stack(m_renormalizedDistance));
    }
}

} // namespace tessera::detail::nn
