#pragma once
// Internal to core (LibTorch visible): what one run of a network records as it goes, shared by
// every family's forward: cancellation and progress per layer, the hidden states and attentions
// CaptureOptions asks for, the step-through of one head, and the analyses built up layer by
// layer (attention rollout, mean attention distance) so that no layer has to be kept for them.
// One Pass per run, on the thread of that run.

#include "Attention.h"

#include "tessera/core/Job.h"
#include "tessera/core/Model.h"

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tessera::detail::nn {

// Distances in pixels between the centres of a gridWidth x gridWidth patch layout:
// [patches, patches].
torch::Tensor patchDistances(int64_t gridWidth, int64_t patchSize);

// Mean attention distance of one layer's probabilities [batch, heads, leading + patches, leading +
// patches] -> [heads]: the leading tokens ([CLS], DeiT's distillation token) dropped as queries and
// keys, weighted distance summed over keys, averaged over queries and the batch; renormalized
// rescales each query's patch weights to sum to 1.
torch::Tensor layerDistance(const torch::Tensor &probabilities, const torch::Tensor &distances, bool renormalized,
                            int64_t leadingTokens = 1);

// Where the Lens (core/src/lens) reaches into a forward pass. Every family calls the hooks it
// has the parts for; the head outputs and attention probabilities come from Pass::attend, so
// every family that attends through it has those. Shapes: n tokens (text) or 1 + patches.
enum class HookPoint {
    tokenEmbeddings,        // what the model looks up or projects before positions are added
                            // (inputs_embeds; ViT: [CLS] and the patch embeddings) [batch, n, hidden], layer 0
    residualPre,            // the residual stream entering layer l [batch, n, hidden]
    headOutputs,            // each head's output before the output projection [batch, n, heads x head]
    attentionProbabilities, // after softmax and masks [batch, heads, n, n]; read only
    attentionOutput,        // what the attention block adds to the residual [batch, n, hidden]
    mlpOutput,              // what the MLP adds to the residual [batch, n, hidden]
    residualFinal,          // the residual before the final norm, layer = layers [batch, n, hidden]
};

// A run's hooks. at() returns the tensor the pass goes on with: value itself to only read it, a
// replacement of the same shape (or, at residualFinal, a slice of positions: the head then runs
// on those only). Layers before firstLayer are skipped: the residualPre hook of firstLayer must
// then supply the residual stream (a patch at layer l recomputes from l on).
struct Hooks {
    std::function<torch::Tensor(HookPoint point, int64_t layer, const torch::Tensor &value)> at;
    int64_t firstLayer = 0;
};

class Pass {
public:
    // A run with capture, into outputs.
    Pass(const CaptureOptions &capture, ModelOutputs &outputs, JobContext *context);
    // A run for the logits only, with autograd (training): nothing is captured.
    explicit Pass(torch::Tensor &logits);

    // Only the logits are wanted (set them with setLogits and return).
    bool logitsOnly() const { return m_logits != nullptr; }
    void setLogits(const torch::Tensor &logits) { *m_logits = logits; }
    void output(const std::string &name, const torch::Tensor &value);

    // At the start of each layer: cancellation point and progress.
    void startLayer(int64_t layer, int64_t layers) const;
    // The names the next captures are stored under: attentions.{i} and hidden_states.{i} by
    // default; an encoder-decoder names its encoder ("encoder_attentions", "encoder_hidden_states")
    // and then its decoder. Rollout and the step-through follow the first stack only.
    void useNames(std::string attentions, std::string hiddenStates);
    // hidden_states.{index} (0: the embeddings), when captured.
    bool wantsHidden(int64_t index) const;
    void hidden(int64_t index, const torch::Tensor &state);

    // Attention of one layer, captured and analysed as asked (see nn::attend for shapes); stack
    // names a second stack of the same layers (the decoder's "cross_attentions"), else the
    // current attention name applies.
    torch::Tensor attend(int64_t layer, const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                         const AttentionShape &shape, const torch::Tensor &mask, const char *stack = nullptr);

    // Mean attention distance over a patch grid after leadingTokens tokens (image models): enables
    // the analysis.
    void measureDistances(int64_t gridWidth, int64_t patchSize, int64_t leadingTokens);
    // After the last layer: rollout and mean attention distance into the outputs.
    void finish();

    // The masks in CaptureOptions::applyMasks (off shows the raw scores' softmax).
    bool appliesMasks() const { return m_capture.applyMasks; }

    // Lens hooks (nullptr: none, the default; a run without hooks pays one pointer test per
    // hook point). hooks must outlive the run.
    void setHooks(const Hooks *hooks) { m_hooks = hooks; }
    torch::Tensor hook(HookPoint point, int64_t layer, const torch::Tensor &value) const
    {
        return m_hooks ? m_hooks->at(point, layer, value) : value;
    }
    // The layer is skipped (before Hooks::firstLayer).
    bool skipsLayer(int64_t layer) const { return m_hooks && layer < m_hooks->firstLayer; }

private:
    bool captures(int64_t layer) const;

    std::string m_attentionName = "attentions", m_hiddenName = "hidden_states";
    bool m_firstStack = true; // rollout, distances and the step-through are the first stack's
    CaptureOptions m_none;    // for logitsOnly
    const CaptureOptions &m_capture;
    ModelOutputs m_unused;
    ModelOutputs &m_outputs;
    JobContext *m_context = nullptr;
    torch::Tensor *m_logits = nullptr;
    torch::Tensor m_distances; // [patches, patches] when the distance is wanted
    int64_t m_leadingTokens = 1;
    std::vector<torch::Tensor> m_rawDistance, m_renormalizedDistance; // per layer [heads]
    torch::Tensor m_rollout;
    const Hooks *m_hooks = nullptr;
};

} // namespace tessera::detail::nn
