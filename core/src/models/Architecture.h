#pragma once
// Internal to core (LibTorch visible): a family's network (see models/Family.h for the rest of a
// family). Immutable once built; forward may run on several threads at once.

#include "models/EncoderDecoder.h"
#include "models/Family.h"
#include "nn/Capture.h"
#include "nn/WeightList.h"

#include "tessera/core/Model.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace tessera::detail {

// Incremental decoding (generation with a key/value cache): each layer's keys and values of
// the tokens so far, [1, length, kv heads x head], as the attention reads them (rotated).
struct DecodeCache {
    std::vector<torch::Tensor> keys, values;
    int64_t length = 0;
};

// The final norm and unembedding as a linear read-out, with the norm's scale frozen at one
// residual (direct logit attribution): a component c [..., hidden] of that residual contributes
// ((centres ? c - mean(c) : c) * scale * weight) . unembedding[token], and normBias . unembedding[token]
// + unembeddingBias[token] is the constant part. Parts sum to the logits exactly.
struct FrozenReadout {
    torch::Tensor scale;           // [..., 1]: the norm's 1 / spread at the residual it was frozen at
    bool centres = false;          // LayerNorm subtracts the mean; RMSNorm does not
    torch::Tensor weight;          // [hidden], as applied (Gemma's 1 + w)
    torch::Tensor normBias;        // [hidden] or undefined
    torch::Tensor unembedding;     // [vocabulary, hidden]
    torch::Tensor unembeddingBias; // [vocabulary] or undefined
};

// A layer's attention output projection seen per head: the output is sum over heads of
// z_h . weight[h] + bias, z_h the head's output ([heads x head] -> [hidden]).
struct HeadProjection {
    torch::Tensor weight; // [heads x head, hidden] (input-major)
    torch::Tensor bias;   // [hidden] or undefined
};

// One family's network for one config, with or without its pooler and prediction head: the
// weights it reads (declared once, in the constructor) and its forward pass over them.
class Architecture {
public:
    virtual ~Architecture() = default;

    // Every weight the forward pass reads, canonical names, in a fixed order (training draws
    // its initial weights in this order).
    const std::vector<nn::WeightSpec> &weights() const { return m_list.entries(); }
    bool hasHead() const { return m_list.has(nn::Part::head); }
    bool hasPooler() const { return m_list.has(nn::Part::pooler); }

    // Runs the network on inputs, recording into pass what it asks for. Throws Error naming
    // the input that is wrong. With pass.logitsOnly(), sets the logits (autograd on) and
    // stops.
    virtual void forward(const Weights &w, const ModelInputs &inputs, nn::Pass &pass) const = 0;
    // The input embedding as rows of features: token embeddings [vocabulary, hidden], ViT's patch
    // projection as [hidden, channels x patch x patch].
    virtual torch::Tensor inputEmbedding(const Weights &w) const = 0;
    // The learned position table [positions, hidden].
    virtual torch::Tensor positionTable(const Weights &w) const = 0;
    // The batch and number of tokens a run on inputs processes (the memory check); {0, 0} when
    // the inputs are malformed (forward then refuses them with its own message).
    virtual std::pair<int64_t, int64_t> runSize(const ModelInputs &inputs) const = 0;
    // Runs ids [1, m] after the cache's tokens, appends their keys and values to it and returns
    // the logits of the last one [vocabulary]; undefined where the family has no incremental
    // decoding (generation then reruns the whole sequence).
    virtual torch::Tensor decodeStep(const Weights &w, const torch::Tensor &ids, DecodeCache &cache) const
    {
        return {};
    }
    // Encoder-decoders, in two halves (generation encodes once and decodes per token): the
    // encoder's output [batch, s, hidden] for in's source, and what the decoder makes of in's
    // target reading it: logits [batch, t, vocabulary] (the last hidden state [batch, t, hidden]
    // without a head). Captures go into pass as in forward. Undefined for other families.
    virtual torch::Tensor encode(const Weights &w, const EncoderDecoderInputs &in, nn::Pass &pass) const { return {}; }
    virtual torch::Tensor decode(const Weights &w, const EncoderDecoderInputs &in, const torch::Tensor &encoded,
                                 nn::Pass &pass) const
    {
        return {};
    }
    // Image models with a patch grid: its width and the patch size in pixels (mean attention
    // distance); {0, 0} otherwise.
    virtual std::pair<int64_t, int64_t> patchGrid() const { return {0, 0}; }

    // The Lens's parts (core/src/lens); undefined where the family lacks one.
    // The final norm and the unembedding applied to any residual [..., hidden] -> [..., vocabulary]
    // (the logit lens).
    virtual torch::Tensor unembed(const Weights &w, const torch::Tensor &residual) const { return {}; }
    // The read-out frozen at residual [..., hidden]; nullopt where it is not linear (a soft cap).
    virtual std::optional<FrozenReadout> frozenReadout(const Weights &w, const torch::Tensor &residual) const
    {
        return std::nullopt;
    }
    // Layer's output projection per head; nullopt where the attention's output is not linear in
    // the heads (Gemma 3's norm after the projection).
    virtual std::optional<HeadProjection> headProjection(const Weights &w, int64_t layer) const { return std::nullopt; }

protected:
    nn::WeightList m_list;
};

// The network behind a model loadModel or modelFromWeights made, with its weights; nullptrs for
// any other Model. Valid while the model lives.
struct ModelNetwork {
    const Architecture *architecture = nullptr;
    const Weights *weights = nullptr;
    explicit operator bool() const { return architecture != nullptr; }
};
ModelNetwork networkOf(const Model &model);

// The network of family for config (models/Families.def names each family's factory).
std::unique_ptr<Architecture> makeArchitecture(const Family &family, const ModelConfig &config, bool hasHead,
                                               bool hasPooler);

} // namespace tessera::detail
