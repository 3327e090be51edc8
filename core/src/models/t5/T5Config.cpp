// T5 (T5ForConditionalGeneration, T5Model, T5EncoderModel; Raffel et al. 2020): an
// encoder-decoder with relative position buckets instead of a position table, RMS layer norms
// before each block, ReLU (v1.0) or gated-GELU (v1.1, flan-t5) feed-forwards, and a head tied to
// the shared embedding (with the d_model^-1/2 rescale) or its own (without).
// This file: config.json reading and writing, capabilities and the registry row (no LibTorch).

#include "models/Family.h"

#include "tessera/core/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tessera::detail::t5 {
namespace {

void readConfig(const nlohmann::json &root, const std::string &path, ModelConfig &config)
{
    config.hiddenSize = readConfigInt(root, {"d_model"}, path, 512, true);
    config.layers = readConfigInt(root, {"num_layers"}, path, 6, true);
    config.decoderLayers = readConfigInt(root, {"num_decoder_layers"}, path, config.layers, false);
    config.heads = readConfigInt(root, {"num_heads"}, path, 8, true);
    config.decoderHeads = config.heads;
    config.headSize = readConfigInt(root, {"d_kv"}, path, config.heads ? config.hiddenSize / config.heads : 0, false);
    config.intermediateSize = readConfigInt(root, {"d_ff"}, path, 2048, true);
    config.decoderIntermediateSize = config.intermediateSize;
    config.vocabularySize = readConfigInt(root, {"vocab_size"}, path, 32128, true);
    // No position table: relative positions reach any length; n_positions is what T5 was trained at.
    config.maxPositions = readConfigInt(root, {"n_positions"}, path, 512, false);
    config.relativeBuckets = readConfigInt(root, {"relative_attention_num_buckets"}, path, 32, false);
    config.relativeMaxDistance = readConfigInt(root, {"relative_attention_max_distance"}, path, 128, false);
    if (config.relativeBuckets < 2)
        throw Error("T5 needs at least 2 relative position buckets", path, "relative_attention_num_buckets");
    if (config.relativeMaxDistance < 2)
        throw Error("must be at least 2", path, "relative_attention_max_distance");
    config.layerNormEps = readConfigNumber(root, "layer_norm_epsilon", path, 1e-6);
    if (!(config.layerNormEps > 0.0))
        throw Error("must be positive", path, "layer_norm_epsilon");
    // feed_forward_proj: "relu", "gelu", "gated-gelu", "gated-silu" (transformers' T5Config).
    const std::string projection = readConfigString(root, "feed_forward_proj", path, "relu");
    const bool gated = projection.rfind("gated-", 0) == 0;
    const std::string act = gated ? projection.substr(6) : projection;
    if (act != "relu" && act != "gelu" && act != "silu" && act != "gelu_new")
        throw Error("feed_forward_proj \"" + projection +
                        "\" is not one T5 has (relu, gated-gelu, gated-silu, gelu, gated-relu)",
                    path, "feed_forward_proj");
    config.gatedFeedForward = gated;
    // transformers maps "gated-gelu" to gelu_new; dense_act_fn, where written, says so.
    config.activation = readConfigString(root, "dense_act_fn", path, act == "gelu" && gated ? "gelu_new" : act);
    const std::vector<std::string> known = {"relu", "gelu", "gelu_new", "gelu_pytorch_tanh", "silu", "swish"};
    if (std::find(known.begin(), known.end(), config.activation) == known.end())
        throw Error("activation \"" + config.activation + "\" is not one Tessera runs", path, "dense_act_fn");
    config.tieWordEmbeddings = readConfigBool(root, "tie_word_embeddings", path, true);
    // transformers 5 names the rescale; transformers 4 applied it exactly when the head is tied.
    config.scaleDecoderOutputs = readConfigBool(root, "scale_decoder_outputs", path, config.tieWordEmbeddings);
    if (readConfigBool(root, "is_decoder", path, false))
        throw Error("a T5 decoder alone (is_decoder true) is not supported; open the encoder-decoder checkpoint", path,
                    "is_decoder");
    // T5's defaults; the config's own token ids, read after this, take precedence.
    config.padTokenId = 0;
    config.decoderStartTokenId = 0;
}

void writeConfig(const ModelConfig &c, nlohmann::json &j)
{
    j["d_model"] = c.hiddenSize;
    j["num_layers"] = c.layers;
    j["num_decoder_layers"] = decoderLayersOf(c);
    j["num_heads"] = c.heads;
    j["d_kv"] = c.headDimension();
    j["d_ff"] = c.intermediateSize;
    j["vocab_size"] = c.vocabularySize;
    j["n_positions"] = c.maxPositions;
    j["relative_attention_num_buckets"] = c.relativeBuckets;
    j["relative_attention_max_distance"] = c.relativeMaxDistance;
    j["layer_norm_epsilon"] = c.layerNormEps;
    j["feed_forward_proj"] =
        (c.gatedFeedForward ? "gated-" : "") + std::string(c.activation == "gelu_new" ? "gelu" : c.activation);
    j["dense_act_fn"] = c.activation;
    j["is_gated_act"] = c.gatedFeedForward;
    j["dropout_rate"] = 0.0;
    j["is_encoder_decoder"] = true;
    j["tie_word_embeddings"] = c.tieWordEmbeddings;
    j["scale_decoder_outputs"] = c.scaleDecoderOutputs;
    j["pad_token_id"] = c.padTokenId >= 0 ? c.padTokenId : 0;
    j["decoder_start_token_id"] = c.decoderStartTokenId >= 0 ? c.decoderStartTokenId : 0;
    j["eos_token_id"] = c.eosTokenIds.empty() ? 1 : c.eosTokenIds.front();
}

// T5ForConditionalGeneration without the head when it is tied (60.5M for t5-small).
int64_t parameterCount(const ModelConfig &c)
{
    const int64_t d = c.hiddenSize, inner = c.heads * c.headDimension(), f = c.intermediateSize;
    const int64_t attention = 4 * d * inner, feedForward = (c.gatedFeedForward ? 3 : 2) * d * f;
    const int64_t bias = c.relativeBuckets * c.heads;
    const int64_t encoder = c.layers * (attention + feedForward + 2 * d) + bias + d;
    const int64_t decoderLayers = decoderLayersOf(c);
    const int64_t decoder = decoderLayers * (2 * attention + feedForward + 3 * d) + bias + d;
    return c.vocabularySize * d * (c.tieWordEmbeddings ? 1 : 2) + encoder + decoder;
}

ModelCapabilities capabilities(bool hasHead)
{
    return encoderDecoderCapabilities(hasHead);
}

std::vector<AttentionStack> attentionStacks(const ModelConfig &c)
{
    std::vector<AttentionStack> stacks = encoderDecoderStacks(c);
    if (c.architecture == "T5EncoderModel")
        stacks.resize(1);
    return stacks;
}

} // namespace

const Family &family()
{
    static const Family t5{"t5",           "",          {"lm_head."}, false, readConfig,
                           parameterCount, writeConfig, capabilities, {},    attentionStacks};
    return t5;
}

} // namespace tessera::detail::t5
