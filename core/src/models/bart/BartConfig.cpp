// BART (BartForConditionalGeneration, BartModel; Lewis et al. 2020): a post-norm encoder-decoder
// with learned positions offset by 2, a layer norm on the embeddings (layernorm_embedding), an
// optional sqrt(d_model) embedding scale and a head tied to the shared embedding plus
// final_logits_bias.
// This file: config.json reading and writing, capabilities and the registry row (no LibTorch).

#include "models/Family.h"

#include "tessera/core/Error.h"

#include <nlohmann/json.hpp>

namespace tessera::detail::bart {
namespace {

void readConfig(const nlohmann::json &root, const std::string &path, ModelConfig &config)
{
    config.hiddenSize = readConfigInt(root, {"d_model"}, path, 1024, true);
    config.layers = readConfigInt(root, {"encoder_layers"}, path, 12, true);
    config.decoderLayers = readConfigInt(root, {"decoder_layers"}, path, config.layers, false);
    config.heads = readConfigInt(root, {"encoder_attention_heads"}, path, 16, true);
    config.decoderHeads = readConfigInt(root, {"decoder_attention_heads"}, path, config.heads, false);
    config.intermediateSize = readConfigInt(root, {"encoder_ffn_dim"}, path, 4096, true);
    config.decoderIntermediateSize = readConfigInt(root, {"decoder_ffn_dim"}, path, config.intermediateSize, false);
    config.vocabularySize = readConfigInt(root, {"vocab_size"}, path, 50265, true);
    config.maxPositions = readConfigInt(root, {"max_position_embeddings"}, path, 1024, true);
    if (config.decoderHeads == 0 || config.hiddenSize % config.decoderHeads != 0)
        throw Error("d_model " + std::to_string(config.hiddenSize) + " is not divisible by " +
                        std::to_string(config.decoderHeads) + " decoder heads",
                    path, "decoder_attention_heads");
    config.activation = readConfigString(root, "activation_function", path, "gelu");
    if (config.activation != "gelu" && config.activation != "gelu_new" && config.activation != "relu" &&
        config.activation != "silu" && config.activation != "swish")
        throw Error("activation \"" + config.activation + "\" is not one Tessera runs (gelu, gelu_new, relu, silu)",
                    path, "activation_function");
    config.layerNormEps = 1e-5; // nn.LayerNorm's default, fixed in BART's code
    config.scaleEmbedding = readConfigBool(root, "scale_embedding", path, false);
    config.tieWordEmbeddings = readConfigBool(root, "tie_word_embeddings", path, true);
    // mBART's extra norms and pre-norm layers are another network; refuse rather than misread.
    for (const char *key : {"add_final_layer_norm", "normalize_before"})
        if (readConfigBool(root, key, path, false))
            throw Error("BART with this option (mBART's layout) is not supported", path, key);
    config.padTokenId = 1;
    config.decoderStartTokenId = 2;
}

void writeConfig(const ModelConfig &c, nlohmann::json &j)
{
    j["d_model"] = c.hiddenSize;
    j["encoder_layers"] = c.layers;
    j["decoder_layers"] = decoderLayersOf(c);
    j["encoder_attention_heads"] = c.heads;
    j["decoder_attention_heads"] = decoderHeadsOf(c);
    j["encoder_ffn_dim"] = c.intermediateSize;
    j["decoder_ffn_dim"] = c.decoderIntermediateSize > 0 ? c.decoderIntermediateSize : c.intermediateSize;
    j["vocab_size"] = c.vocabularySize;
    j["max_position_embeddings"] = c.maxPositions;
    j["activation_function"] = c.activation;
    j["scale_embedding"] = c.scaleEmbedding;
    j["dropout"] = 0.0;
    j["attention_dropout"] = 0.0;
    j["activation_dropout"] = 0.0;
    j["is_encoder_decoder"] = true;
    j["tie_word_embeddings"] = true;
    j["pad_token_id"] = c.padTokenId >= 0 ? c.padTokenId : 1;
    j["bos_token_id"] = c.bosTokenId >= 0 ? c.bosTokenId : 0;
    j["eos_token_id"] = c.eosTokenIds.empty() ? 2 : c.eosTokenIds.front();
    j["decoder_start_token_id"] = c.decoderStartTokenId >= 0 ? c.decoderStartTokenId : 2;
    j["forced_eos_token_id"] = c.eosTokenIds.empty() ? 2 : c.eosTokenIds.front();
}

// BartModel (139M for bart-base, 406M for bart-large).
int64_t parameterCount(const ModelConfig &c)
{
    const int64_t d = c.hiddenSize, ln = 2 * d;
    const int64_t attention = 4 * (d * d + d);
    const int64_t f = c.intermediateSize;
    const int64_t fd = c.decoderIntermediateSize > 0 ? c.decoderIntermediateSize : f;
    const int64_t decoderLayers = decoderLayersOf(c);
    const int64_t positions = (c.maxPositions + 2) * d;
    const int64_t encoder = positions + ln + c.layers * (attention + d * f + f + f * d + d + 2 * ln);
    const int64_t decoder = positions + ln + decoderLayers * (2 * attention + d * fd + fd + fd * d + d + 3 * ln);
    return c.vocabularySize * d + encoder + decoder;
}

ModelCapabilities capabilities(bool hasHead)
{
    ModelCapabilities can = encoderDecoderCapabilities(hasHead);
    can.learnedPositions = true;
    return can;
}

} // namespace

const Family &family()
{
    static const Family bart{"bart",
                             "model.",
                             {"lm_head.", "final_logits_bias"},
                             false,
                             readConfig,
                             parameterCount,
                             writeConfig,
                             capabilities,
                             {},
                             encoderDecoderStacks};
    return bart;
}

} // namespace tessera::detail::bart
