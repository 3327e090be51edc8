// DistilBERT (DistilBertModel, DistilBertForMaskedLM; Sanh et al. 2019, the notes' distillation
// chapter): BERT's post-norm layers, half as many, no token types and no pooler, under its own key
// names (q_lin, sa_layer_norm, ffn.lin1, vocab_transform, ...) and config keys (dim, n_layers,
// n_heads, hidden_dim, activation).
// This file: config.json reading and writing, capabilities and the registry row (no LibTorch).

#include "models/Family.h"

#include "tessera/core/Error.h"

#include <nlohmann/json.hpp>

namespace tessera::detail::distilbert {
namespace {

void readConfig(const nlohmann::json &root, const std::string &path, ModelConfig &config)
{
    config.hiddenSize = readConfigInt(root, {"dim"}, path, 768, true);
    config.layers = readConfigInt(root, {"n_layers"}, path, 6, true);
    config.heads = readConfigInt(root, {"n_heads"}, path, 12, true);
    config.intermediateSize = readConfigInt(root, {"hidden_dim"}, path, 4 * config.hiddenSize, false);
    config.vocabularySize = readConfigInt(root, {"vocab_size"}, path, 30522, true);
    config.maxPositions = readConfigInt(root, {"max_position_embeddings"}, path, 512, false);
    config.typeVocabularySize = 0;
    config.layerNormEps = 1e-12; // fixed in DistilBERT's code
    if (root.contains("activation") && !root["activation"].is_null()) {
        if (!root["activation"].is_string())
            throw Error("expected an activation name, found " + root["activation"].dump(), path, "activation");
        config.activation = root["activation"].get<std::string>();
    }
    if (config.activation != "gelu" && config.activation != "relu")
        throw Error("activation \"" + config.activation + "\" is not one DistilBERT has (gelu or relu)", path,
                    "activation");
    // sinusoidal_pos_embds: transformers fills the position table with the sinusoid and saves it
    // like a learned one, so the table in the checkpoint is read either way.
    if (root.contains("sinusoidal_pos_embds") && !root["sinusoidal_pos_embds"].is_null() &&
        !root["sinusoidal_pos_embds"].is_boolean())
        throw Error("expected true or false, found " + root["sinusoidal_pos_embds"].dump(), path,
                    "sinusoidal_pos_embds");
}

void writeConfig(const ModelConfig &c, nlohmann::json &j)
{
    j["dim"] = c.hiddenSize;
    j["n_layers"] = c.layers;
    j["n_heads"] = c.heads;
    j["hidden_dim"] = c.intermediateSize;
    j["activation"] = c.activation;
    j["vocab_size"] = c.vocabularySize;
    j["max_position_embeddings"] = c.maxPositions;
    j["sinusoidal_pos_embds"] = false;
    j["dropout"] = 0.0;
    j["attention_dropout"] = 0.0;
    j["pad_token_id"] = c.padTokenId >= 0 ? c.padTokenId : 0;
    j["tie_word_embeddings"] = true;
}

// DistilBertModel: embeddings and layers (66M for distilbert-base-uncased).
int64_t parameterCount(const ModelConfig &c)
{
    const int64_t d = c.hiddenSize, ffn = c.intermediateSize, layerNorm = 2 * d;
    const int64_t attention = 4 * (d * d + d), feedForward = d * ffn + ffn + ffn * d + d;
    const int64_t embeddings = (c.vocabularySize + c.maxPositions) * d + layerNorm;
    return embeddings + c.layers * (attention + feedForward + 2 * layerNorm);
}

ModelCapabilities capabilities(bool hasHead)
{
    ModelCapabilities can;
    can.learnedPositions = true;
    can.textInput = can.bidirectional = true;
    can.maskedLanguageModel = hasHead;
    return can;
}

} // namespace

const Family &family()
{
    static const Family distilbert{
        "distilbert", "distilbert.", {"vocab_transform.", "vocab_layer_norm.", "vocab_projector."},
        false,        readConfig,    parameterCount,
        writeConfig,  capabilities,  {},
        nullptr};
    return distilbert;
}

} // namespace tessera::detail::distilbert
