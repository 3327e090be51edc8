#pragma once
// The Lens: why a model said what it said. Logit lens, direct logit attribution, head ablation,
// activation patching, input attributions (gradient x input, gradient norm, integrated gradients),
// Chefer et al.'s relevance and Abnar & Zuidema's attention flow, for every family that has the
// parts (lens::support says which). Plain C++ results with labels, ready for a panel or a file.
//
// Every method analyses batch item 0 of its inputs at one position: the last real token of a
// text (attention_mask, else the last), [CLS] of an image model. Its metric is logit(target), or
// logit(target) - logit(contrast) with a contrast; a target < 0 means the model's own top
// prediction there. Each is a job (core/Job.h): call it on a worker thread, it reports progress
// in [0, 1] and throws CancelledError when context is cancelled; context may be nullptr. The
// model is only read: several methods may run at once on one model. The tensor work inside runs
// on LibTorch's intra-op threads (configureRuntime, core/Runtime.h). Errors are tessera::Error
// with a message naming what is wrong (the input, the token id, the part the model lacks).

#include "tessera/core/Job.h"
#include "tessera/core/Model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::lens {

// What a method measures, and where.
struct Metric {
    int64_t target = -1;   // token id (text) or class (image); < 0: the top prediction
    int64_t contrast = -1; // < 0: none (metric = logit(target)); attributions ignore it
    int64_t position = -1; // text: the token analysed (a masked LM's [MASK]); < 0: the last real one
};

// Which methods a model has the parts for, and why not where it has not.
struct Support {
    bool logitLens = false;              // final norm + unembedding on any residual
    bool directLogitAttribution = false; // also a linear read-out and per-head output projections
    bool ablation = false;               // per-head outputs (every family attending through Pass)
    bool patching = false;               // the residual stream entering each layer, per-head outputs
    bool inputAttribution = false;       // gradients with respect to the input embeddings
    bool relevance = false;              // gradients of the attention probabilities (Chefer)
    bool attentionFlow = false;          // attention probabilities
    std::vector<std::string> reasons;    // one line per method it lacks: "dla: ..."
};
Support support(const Model &model);

// The analysed item, as every result carries it.
struct Subject {
    std::vector<int64_t> tokenIds; // batch item 0's ids up to the analysed position (text; empty for images)
    int64_t position = 0;          // the analysed position (token index; 0 = [CLS] for images)
    int64_t target = 0;            // the target actually used (the top prediction when asked for -1)
    int64_t contrast = -1;
};

// Logit lens (nostalgebraist 2020): the final norm and unembedding applied to the residual
// stream entering every layer. Rows l = 0 .. layers: l < layers enters layer l, l = layers is the
// final residual (the model's own logits). layerLabels: "embeddings", "layer 1", ..., "final".
struct LogitLens {
    Subject subject;
    std::vector<std::string> layerLabels;
    FloatTensor logits;            // [layers + 1, vocabulary] at subject.position (logit_lens.{l})
    IntTensor topTokens;           // [layers + 1, positions, topK]: top token ids at every position
    FloatTensor topProbabilities;  // [layers + 1, positions, topK]: their softmax probabilities
    FloatTensor targetProbability; // [layers + 1] at subject.position
    IntTensor targetRank;          // [layers + 1]: 0 = the top token
    FloatTensor metric;            // [layers + 1]: the metric read from each layer
};
LogitLens logitLens(const Model &model, const ModelInputs &inputs, const Metric &metric, int topK = 5,
                    JobContext *context = nullptr);

// Direct logit attribution of the metric with the final norm's scale frozen at the final
// residual (TransformerLens' convention): the parts sum to total exactly (up to float rounding;
// sumOfParts() shows the check).
struct DirectLogitAttribution {
    Subject subject;
    float embeddings = 0.0f;   // token (+ learned position) embeddings (dla.embed)
    FloatTensor heads;         // [layers, heads]: each head through its slice of the output projection
    FloatTensor attentionBias; // [layers]: the output projections' biases (0 without)
    FloatTensor mlp;           // [layers]: each MLP's output
    float constant = 0.0f;     // the final norm's bias and the unembedding bias
    float total = 0.0f;        // the metric of the real run (dla.logit_diff)
    float sumOfParts() const;
};
DirectLogitAttribution directLogitAttribution(const Model &model, const ModelInputs &inputs, const Metric &metric,
                                              JobContext *context = nullptr);

// Head ablation: the metric with one head's output (its slice of the output projection's input,
// at every position) zeroed, minus the unablated metric. One batched run per layer, from that
// layer on.
struct HeadAblation {
    Subject subject;
    float baseline = 0.0f; // the metric without ablation
    FloatTensor heads;     // [layers, heads]: change in the metric
};
HeadAblation ablateHeads(const Model &model, const ModelInputs &inputs, const Metric &metric,
                         JobContext *context = nullptr);

// Activation patching (Meng et al. 2022; Wang et al. 2022): the corrupted run with one activation
// taken from the clean run; the metric it gives. clean and corrupted have equal lengths. Both
// runs' caches are made once; a patch at layer l recomputes from l on, all positions (or heads) of
// one layer in one batched run. normalised(x) = (x - corrupted) / (clean - corrupted).
struct PatchingOptions {
    bool residual = true;   // residualPre [layers, positions]
    bool heads = true;      // [layers, heads], every position of the head
    bool attention = false; // attention output [layers, positions]
    bool mlp = false;       // MLP output [layers, positions]
};
struct ActivationPatching {
    Subject subject; // of the clean run
    std::vector<int64_t> corruptedIds;
    float clean = 0.0f, corrupted = 0.0f; // the unpatched metrics
    FloatTensor residual;                 // [layers, positions] (patching.resid_pre) or empty
    FloatTensor heads;                    // [layers, heads] (patching.heads) or empty
    FloatTensor attention;                // [layers, positions] or empty
    FloatTensor mlp;                      // [layers, positions] or empty
    FloatTensor normalised(const FloatTensor &raw) const;
};
ActivationPatching patchActivations(const Model &model, const ModelInputs &clean, const ModelInputs &corrupted,
                                    const Metric &metric, const PatchingOptions &options = {},
                                    JobContext *context = nullptr);

// Input attributions of F = log p(target) at the analysed position with respect to the input
// embeddings x [positions, hidden] (inputs_embeds; image models: [CLS] and the patch embeddings
// before positions are added). Integrated gradients: zero baseline, right Riemann sum of `steps`
// points alpha = k / steps, run in batches; completeness: sum(integrated) ~ integratedTotal.
struct InputAttribution {
    Subject subject;
    FloatTensor gradientTimesInput; // [positions]: sum over hidden of dF/dx * x
    FloatTensor gradientNorm;       // [positions]: |dF/dx|_2
    FloatTensor integrated;         // [positions] (ig), or empty with steps = 0
    float integratedTotal = 0.0f;   // F(x) - F(0) (ig.total)
    int steps = 0;
    float completenessGap() const; // integratedTotal - sum(integrated)
};
InputAttribution attributeInputs(const Model &model, const ModelInputs &inputs, const Metric &metric, int steps = 64,
                                 JobContext *context = nullptr);

// Chefer, Gur & Wolf 2021, generic attention explainability: R = I; for each layer from the
// first, R += mean over heads of clamp(dF/dA * A, min 0) @ R, F the target's logit (image: its
// class logit; text: at the analysed position). cls: R's [CLS] row over the patches (image).
struct Relevance {
    Subject subject;
    FloatTensor relevance; // [tokens, tokens] (chefer.relevance)
    FloatTensor cls;       // [tokens - 1]: row 0 without [CLS] itself (chefer.cls)
};
Relevance cheferRelevance(const Model &model, const ModelInputs &inputs, const Metric &metric = {},
                          JobContext *context = nullptr);

// Attention flow (Abnar & Zuidema 2020): per layer A' = 0.5 mean over heads + 0.5 I, rows
// renormalised, as capacities A'[l][i, j] from token j below layer l to token i above it; flow[j]
// is the max-flow from input token j to the analysed token at the top. Cost: one max-flow (Dinic)
// per input token over (layers + 1) x tokens nodes and layers x tokens^2 edges, so it grows
// with tokens^3 x layers at least (17 tokens, 2 layers: under a millisecond; a ViT-B's 197 tokens
// x 12 layers are 466k edges per flow, 197 flows: not measured yet). Beyond a few hundred tokens
// it stops being practical: use rollout (CaptureOptions::rollout), its product-of-matrices cousin.
struct AttentionFlow {
    Subject subject;
    FloatTensor flow; // [tokens] (attention_flow.cls)
};
AttentionFlow attentionFlow(const Model &model, const ModelInputs &inputs, const Metric &metric = {},
                            JobContext *context = nullptr);

} // namespace tessera::lens
