// BERT (BertModel, BertForMaskedLM): post-norm encoder with token-type embeddings, a pooler
// and the masked-LM head whose decoder is tied to the word embeddings.
// This file: config.json reading and writing, capabilities and the registry row (no LibTorch).

#include "models/Family.h"

#include "tessera/core/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tessera::detail::bert {
namespace {

void readConfig(const nlohmann::json &root, const std::string &path, ModelConfig &config)
{
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

} // namespace

const Family &family()
{
    static const Family bert{"bert",         "bert.",     {"cls."},     false, readConfig,
                             parameterCount, writeConfig, capabilities, {},    nullptr};
    return bert;
}

} // namespace tessera::detail::bert
