#pragma once
// Internal to core (LibTorch visible): what one model family contributes, and the registry that
// maps a config.json's model_type to it. A family is one folder (models/bert, models/gpt2, ...)
// with its config reading, its capabilities, its weights declared once and its forward pass;
// TransformerModel (models/TransformerModel.cpp) does the rest for every family: reading and
// checking checkpoints, tied weights, the memory check, capture. Adding a family is its folder
// and one line in models/Registry.cpp (docs/ARCHITECTURE.md, "Adding a model family").
// Families are immutable after start-up; any thread.

#include "nn/Capture.h"
#include "nn/WeightList.h"

#include "tessera/core/Model.h"

#include <nlohmann/json_fwd.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tessera::detail {

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
    // Image models with a patch grid: its width and the patch size in pixels (mean attention
    // distance); {0, 0} otherwise.
    virtual std::pair<int64_t, int64_t> patchGrid() const { return {0, 0}; }

protected:
    nn::WeightList m_list;
};

struct Family {
    std::string modelType;              // config.json "model_type"
    std::string checkpointPrefix;       // what a checkpoint with a head puts before the base model's names
    std::vector<std::string> headNames; // name prefixes that stay outside checkpointPrefix ("cls.", "lm_head.")
    bool causal = false;                // its attention is causal (attentionStacks)
    // Reads the family's keys of config.json (root) into config; errors name path and key.
    void (*readConfig)(const nlohmann::json &root, const std::string &path, ModelConfig &config) = nullptr;
    // The parameter count people quote for this config (the base model with its pooler), from
    // the config alone.
    int64_t (*parameterCount)(const ModelConfig &config) = nullptr;
    // Writes config's family keys into a config.json (transformers 4 style: what readConfig and
    // transformers' from_pretrained read back), for models Tessera trains.
    void (*writeConfig)(const ModelConfig &config, nlohmann::json &json) = nullptr;
    ModelCapabilities (*capabilities)(bool hasHead) = nullptr;
    std::unique_ptr<Architecture> (*architecture)(const ModelConfig &config, bool hasHead, bool hasPooler) = nullptr;
};

// The family of a model_type, or nullptr.
const Family *findFamily(const std::string &modelType);
// "bert, gpt2 and vit": the model types the registry knows, for messages.
std::string familyNames();

// Reads the integer at the first of names present; fallback (or an Error naming the first
// name, where required) when none is.
int64_t readConfigInt(const nlohmann::json &root, std::initializer_list<const char *> names, const std::string &path,
                      int64_t fallback, bool required);
// The keys BERT-style encoders share (hidden_size, num_hidden_layers, num_attention_heads,
// intermediate_size, layer_norm_eps, hidden_act).
void readEncoderConfig(const nlohmann::json &root, const std::string &path, ModelConfig &config);
void writeEncoderConfig(const ModelConfig &config, nlohmann::json &json);

} // namespace tessera::detail
