#pragma once
// Internal to core (LibTorch visible): a family's network (see models/Family.h for the rest of a
// family). Immutable once built; forward may run on several threads at once.

#include "models/Family.h"
#include "nn/Capture.h"
#include "nn/WeightList.h"

#include "tessera/core/Model.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace tessera::detail {

// Incremental decoding (generation with a key/value cache): each layer's keys and values of
// the tokens so far, [1, length, kv heads x head], as the attention reads them (rotated).
struct DecodeCache {
    std::vector<torch::Tensor> keys, values;
    int64_t length = 0;
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
    // Image models with a patch grid: its width and the patch size in pixels (mean attention
    // distance); {0, 0} otherwise.
    virtual std::pair<int64_t, int64_t> patchGrid() const { return {0, 0}; }

protected:
    nn::WeightList m_list;
};

// The network of family for config (models/Families.def names each family's factory).
std::unique_ptr<Architecture> makeArchitecture(const Family &family, const ModelConfig &config, bool hasHead,
                                               bool hasPooler);

} // namespace tessera::detail
