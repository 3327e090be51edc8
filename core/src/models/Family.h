#pragma once
// Internal to core (no LibTorch here: the fuzz targets build it alone): what one model family
// contributes, and the registry that maps a config.json's model_type to it. A family is one folder (models/bert,
// models/gpt2, ...; a family that reuses another's network with its own names and heads, RoBERTa or DeiT, lives in
// that family's folder) with its config reading and capabilities (<Family>Config.cpp, this header's row) and its
// Architecture (<Family>.cpp, models/Architecture.h): weights declared once, forward pass;
// TransformerModel (models/TransformerModel.cpp) does the rest for every family: reading and
// checking checkpoints, tied weights, the memory check, capture. Adding a family is its folder
// and one line in models/Families.def (docs/ARCHITECTURE.md, "Adding a model family").
// Families are immutable after start-up; any thread.

#include "tessera/core/Model.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tessera::detail {

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
    // Other model_types the same network reads, with their own config keys (mistral, qwen2,
    // qwen3 and gemma3_text for llama).
    std::vector<std::string> variants;
    // The attention stacks of a config (ModelInfo::attentionStacks); nullptr: one stack of
    // `layers` x `heads`, causal as above, no window.
    std::vector<AttentionStack> (*attentionStacks)(const ModelConfig &config) = nullptr;
    // Image families: the tokens before the patches ([CLS] for ViT; [CLS] and the distillation
    // token for DeiT), which the patch analyses (mean attention distance, the ViT lens) leave out.
    int64_t leadingTokens = 0;
};

// The family of a model_type, or nullptr.
const Family *findFamily(const std::string &modelType);
// "bert, gpt2 and vit": the model types the registry knows, for messages.
std::string familyNames();

// Reads the integer at the first of names present; fallback (or an Error naming the first
// name, where required) when none is.
int64_t readConfigInt(const nlohmann::json &root, std::initializer_list<const char *> names, const std::string &path,
                      int64_t fallback, bool required);
// A number, true/false or string at name; fallback when absent or null, an Error naming the key
// when it has another type.
double readConfigNumber(const nlohmann::json &root, const char *name, const std::string &path, double fallback);
bool readConfigBool(const nlohmann::json &root, const char *name, const std::string &path, bool fallback);
std::string readConfigString(const nlohmann::json &root, const char *name, const std::string &path,
                             const std::string &fallback);

// An encoder-decoder's decoder layers and heads (the encoder's where the config gives none).
int64_t decoderLayersOf(const ModelConfig &config);
int64_t decoderHeadsOf(const ModelConfig &config);

// Encoder-decoders (t5, bart): what they can do, and their three stacks (encoder_attentions
// bidirectional, decoder_attentions causal, cross_attentions: decoder queries over encoder keys).
ModelCapabilities encoderDecoderCapabilities(bool hasHead);
std::vector<AttentionStack> encoderDecoderStacks(const ModelConfig &config);

// The keys BERT-style encoders share (hidden_size, num_hidden_layers, num_attention_heads,
// intermediate_size, layer_norm_eps, hidden_act).
void readEncoderConfig(const nlohmann::json &root, const std::string &path, ModelConfig &config);
void writeEncoderConfig(const ModelConfig &config, nlohmann::json &json);

} // namespace tessera::detail
