// BERT (BertModel, BertForMaskedLM): post-norm encoder with token-type embeddings, a pooler
// and the masked-LM head whose decoder is tied to the word embeddings. RoBERTa and XLM-R
// (RobertaModel / RobertaForMaskedLM, XLMRobertaModel / XLMRobertaForMaskedLM) are the same
// network under the prefix "roberta.", with positions counted from pad_token_id + 1, one token
// type and the LM head "lm_head.": the family roberta, with xlm-roberta as its variant.
// This file: config.json reading and writing, capabilities and the registry rows (no LibTorch).

#include "models/Family.h"

#include "tessera/core/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tessera::detail::bert {
namespace {

// What this network does not run, refused rather than run wrongly: relative position
// embeddings and the decoder set-up (causal attention, cross-attention).
void refuseUnsupported(const nlohmann::json &root, const std::string &path)
{
    if (root.contains("position_embedding_type") && root["position_embedding_type"].is_string() &&
        root["position_embedding_type"].get<std::string>() != "absolute")
        throw Error("position embeddings \"" + root["position_embedding_type"].get<std::string>() +
                        "\" are not supported (absolute ones are)",
                    path, "position_embedding_type");
    for (const char *key : {"is_decoder", "add_cross_attention"})
        if (root.contains(key) && root[key].is_boolean() && root[key].get<bool>())
            throw Error("is set: this encoder used as a decoder is not supported (the encoder is)", path, key);
}

void readConfig(const nlohmann::json &root, const std::string &path, ModelConfig &config)
{
    refuseUnsupported(root, path);
    readEncoderConfig(root, path, config);
    config.vocabularySize = readConfigInt(root, {"vocab_size"}, path, 30522, true);
    config.maxPositions = readConfigInt(root, {"max_position_embeddings"}, path, 512, false);
    config.typeVocabularySize = readConfigInt(root, {"type_vocab_size"}, path, 2, false);
}

void writeConfig(const ModelConfig &c, nlohmann::json &j)
{
    writeEncoderConfig(c, j);
    j["vocab_size"] = c.vocabularySize;
    j["max_position_embeddings"] = c.maxPositions;
    j["type_vocab_size"] = c.typeVocabularySize;
    j["pad_token_id"] = 0;
    j["position_embedding_type"] = "absolute";
    j["tie_word_embeddings"] = true;
}

// BertModel: embeddings, encoder layers, pooler (the count people quote as ~110M).
int64_t parameterCount(const ModelConfig &c)
{
    const int64_t d = c.hiddenSize, ffn = c.intermediateSize, layerNorm = 2 * d;
    const int64_t attention = 4 * (d * d + d), feedForward = d * ffn + ffn + ffn * d + d;
    const int64_t embeddings = (c.vocabularySize + c.maxPositions + c.typeVocabularySize) * d + layerNorm;
    return embeddings + c.layers * (attention + feedForward + 2 * layerNorm) + (d * d + d);
}

ModelCapabilities capabilities(bool hasHead)
{
    ModelCapabilities can;
    can.learnedPositions = true;
    can.textInput = can.tokenTypes = can.bidirectional = true;
    can.maskedLanguageModel = hasHead;
    return can;
}

void readRobertaConfig(const nlohmann::json &root, const std::string &path, ModelConfig &config)
{
    refuseUnsupported(root, path);
    readEncoderConfig(root, path, config);
    config.vocabularySize = readConfigInt(root, {"vocab_size"}, path, 50265, true);
    config.maxPositions = readConfigInt(root, {"max_position_embeddings"}, path, 514, false);
    config.typeVocabularySize = readConfigInt(root, {"type_vocab_size"}, path, 1, false);
    // Positions start after pad_token_id (ModelConfig reads it; RobertaConfig's default is 1).
    const int64_t padding = readConfigInt(root, {"pad_token_id"}, path, 1, false);
    config.padTokenId = padding;
    if (padding + 1 >= config.maxPositions)
        throw Error("positions start after pad_token_id " + std::to_string(padding) + ", beyond the " +
                        std::to_string(config.maxPositions) + " positions of max_position_embeddings",
                    path, "pad_token_id");
}

void writeRobertaConfig(const ModelConfig &c, nlohmann::json &j)
{
    writeConfig(c, j);
    j["pad_token_id"] = c.padTokenId >= 0 ? c.padTokenId : 1;
}

ModelCapabilities robertaCapabilities(bool hasHead)
{
    ModelCapabilities can = capabilities(hasHead);
    can.tokenTypes = false; // one token type: no segments to set
    return can;
}

} // namespace

const Family &family()
{
    static const Family bert{"bert",         "bert.",     {"cls."},     false, readConfig,
                             parameterCount, writeConfig, capabilities, {},    nullptr};
    return bert;
}

} // namespace tessera::detail::bert

namespace tessera::detail::roberta {

const Family &family()
{
    static const Family roberta{"roberta",
                                "roberta.",
                                {"lm_head."},
                                false,
                                bert::readRobertaConfig,
                                bert::parameterCount,
                                bert::writeRobertaConfig,
                                bert::robertaCapabilities,
                                {"xlm-roberta"},
                                nullptr};
    return roberta;
}

} // namespace tessera::detail::roberta
