// Llama-family decoders: LlamaForCausalLM and the checkpoints built on its layout, Mistral,
// Qwen2, Qwen3 and Gemma 3 (transformers writes them as copies of Llama's code with a few
// switches: biases, q/k norms, sliding windows, Gemma's norms and scalings). One network reads
// them all (Llama.cpp); this file reads their config.json in both styles (transformers 5's
// rope_parameters / dtype, transformers 4's rope_theta + rope_scaling / torch_dtype, which most
// hub checkpoints carry), counts parameters, writes configs and lists capabilities (no LibTorch).

#include "models/Family.h"

#include "tessera/core/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace tessera::detail::llama {
namespace {

bool isGemma(const ModelConfig &c)
{
    return c.modelType == "gemma3_text";
}

double readNumber(const nlohmann::json &object, const char *key, double fallback, const std::string &path,
                  const std::string &where)
{
    if (!object.contains(key) || object[key].is_null())
        return fallback;
    if (!object[key].is_number())
        throw Error("expected a number, found " + object[key].dump(), path, where + key);
    return object[key].get<double>();
}

// One RoPE description: a transformers 5 rope_parameters entry, or a transformers 4
// rope_scaling object with the theta given beside it (scaling null: default RoPE).
RotaryEmbedding readRope(const nlohmann::json &scaling, double theta, const std::string &path, const std::string &where)
{
    RotaryEmbedding rope;
    rope.theta = theta;
    if (scaling.is_null())
        return rope;
    if (!scaling.is_object())
        throw Error("expected an object or null, found " + scaling.dump(), path, where);
    rope.theta = readNumber(scaling, "rope_theta", theta, path, where + ".");
    for (const char *key : {"rope_type", "type"}) {
        if (scaling.contains(key) && scaling[key].is_string()) {
            rope.type = scaling[key].get<std::string>();
            break;
        }
    }
    static const char *supported[] = {"default", "linear", "dynamic", "llama3", "yarn"};
    if (std::find(std::begin(supported), std::end(supported), rope.type) == std::end(supported))
        throw Error("RoPE type \"" + rope.type +
                        "\" is not supported (default, linear, dynamic, llama3 and yarn are; longrope, su and "
                        "mrope are not yet)",
                    path, where + ".rope_type");
    rope.factor = readNumber(scaling, "factor", 1.0, path, where + ".");
    if (rope.type != "default" && !(rope.factor > 0.0))
        throw Error("needs a positive factor for " + rope.type + " RoPE", path, where + ".factor");
    rope.originalMaxPositions =
        int64_t(readNumber(scaling, "original_max_position_embeddings", 0.0, path, where + "."));
    rope.lowFrequencyFactor = readNumber(scaling, "low_freq_factor", 1.0, path, where + ".");
    rope.highFrequencyFactor = readNumber(scaling, "high_freq_factor", 4.0, path, where + ".");
    rope.betaFast = readNumber(scaling, "beta_fast", 32.0, path, where + ".");
    rope.betaSlow = readNumber(scaling, "beta_slow", 1.0, path, where + ".");
    rope.attentionFactor = readNumber(scaling, "attention_factor", 0.0, path, where + ".");
    rope.mscale = readNumber(scaling, "mscale", 0.0, path, where + ".");
    rope.mscaleAllDim = readNumber(scaling, "mscale_all_dim", 0.0, path, where + ".");
    if (scaling.contains("truncate") && scaling["truncate"].is_boolean())
        rope.truncate = scaling["truncate"].get<bool>();
    if (readNumber(scaling, "partial_rotary_factor", 1.0, path, where + ".") != 1.0)
        throw Error("partial rotary embeddings are not supported (only whole heads are rotated)", path,
                    where + ".partial_rotary_factor");
    return rope;
}

void readRopes(const nlohmann::json &root, const std::string &path, ModelConfig &c)
{
    const bool gemma = isGemma(c);
    if (root.contains("partial_rotary_factor") && readNumber(root, "partial_rotary_factor", 1.0, path, "") != 1.0)
        throw Error("partial rotary embeddings are not supported (only whole heads are rotated)", path,
                    "partial_rotary_factor");
    if (root.contains("rope_parameters") && root["rope_parameters"].is_object()) {
        const nlohmann::json &parameters = root["rope_parameters"];
        if (parameters.contains("full_attention") || parameters.contains("sliding_attention")) {
            // Per layer type (Gemma 3 in transformers 5).
            const nlohmann::json full = parameters.value("full_attention", nlohmann::json());
            c.rope = readRope(full, 10000.0, path, "rope_parameters.full_attention");
            c.localRope = parameters.contains("sliding_attention") ? readRope(parameters["sliding_attention"], 10000.0,
                                                                              path, "rope_parameters.sliding_attention")
                                                                   : c.rope;
        } else {
            c.rope = readRope(parameters, 10000.0, path, "rope_parameters");
            c.localRope = c.rope;
        }
        return;
    }
    const double theta = readNumber(root, "rope_theta", gemma ? 1000000.0 : 10000.0, path, "");
    const nlohmann::json scaling = root.value("rope_scaling", nlohmann::json());
    c.rope = readRope(scaling, theta, path, "rope_scaling");
    c.localRope = c.rope;
    if (gemma) // transformers 4's Gemma 3: local layers have their own base and no scaling
        c.localRope = readRope(nlohmann::json(), readNumber(root, "rope_local_base_freq", 10000.0, path, ""), path,
                               "rope_local_base_freq");
}

// Which layers attend through a sliding window: layer_types where given, else each family's rule.
void readSlidingWindow(const nlohmann::json &root, const std::string &path, ModelConfig &c)
{
    const std::string &type = c.modelType;
    const int64_t window = readConfigInt(root, {"sliding_window"}, path, 0, false);
    c.slidingLayers.assign(size_t(c.layers), false);
    if (root.contains("layer_types") && root["layer_types"].is_array()) {
        const nlohmann::json &types = root["layer_types"];
        if (int64_t(types.size()) != c.layers)
            throw Error("lists " + std::to_string(types.size()) + " layer types for " + std::to_string(c.layers) +
                            " layers",
                        path, "layer_types");
        for (size_t l = 0; l < types.size(); ++l) {
            const std::string t = types[l].is_string() ? types[l].get<std::string>() : types[l].dump();
            if (t == "sliding_attention")
                c.slidingLayers[l] = true;
            else if (t != "full_attention")
                throw Error("layer type \"" + t + "\" is not supported (full_attention and sliding_attention are)",
                            path, "layer_types[" + std::to_string(l) + "]");
        }
    } else if (type == "mistral") {
        c.slidingLayers.assign(size_t(c.layers), window > 0);
    } else if (type == "qwen2" || type == "qwen3") {
        const bool use = readConfigBool(root, "use_sliding_window", path, false);
        const int64_t from = readConfigInt(root, {"max_window_layers"}, path, 28, false);
        for (int64_t l = 0; l < c.layers; ++l)
            c.slidingLayers[size_t(l)] = use && window > 0 && l >= from;
    } else if (type == "gemma3_text") {
        const int64_t pattern =
            readConfigInt(root, {"sliding_window_pattern", "_sliding_window_pattern"}, path, 6, false);
        for (int64_t l = 0; l < c.layers; ++l)
            c.slidingLayers[size_t(l)] = pattern <= 0 || (l + 1) % pattern != 0;
    }
    const bool any = std::find(c.slidingLayers.begin(), c.slidingLayers.end(), true) != c.slidingLayers.end();
    if (any && window <= 0)
        throw Error("sliding-window layers need a positive sliding_window", path, "sliding_window");
    c.slidingWindow = any ? window : 0;
}

void refuseUnsupported(const nlohmann::json &root, const std::string &path)
{
    // Mixture-of-experts variants reuse these model_types' keys with experts added.
    for (const char *key : {"num_local_experts", "num_experts", "n_routed_experts", "moe_intermediate_size"})
        if (root.contains(key) && !root[key].is_null() && !(root[key].is_number() && root[key].get<double>() == 0))
            throw Error("a mixture-of-experts model (this key is set); Tessera runs dense decoders only (Llama, "
                        "Mistral, Qwen2, Qwen3, Gemma 3)",
                        path, key);
    if (root.contains("attn_logit_softcapping") && !root["attn_logit_softcapping"].is_null())
        throw Error("attention logit soft-capping (Gemma 2) is not supported", path, "attn_logit_softcapping");
    if (readConfigBool(root, "use_bidirectional_attention", path, false))
        throw Error("bidirectional attention (an encoder built on Gemma 3) is not supported", path,
                    "use_bidirectional_attention");
    if (root.contains("pretraining_tp") && root["pretraining_tp"].is_number_integer() &&
        root["pretraining_tp"].get<int64_t>() > 1)
        throw Error("is above 1: the slices of a tensor-parallel export are not supported; the weights as "
                    "transformers saves them are",
                    path, "pretraining_tp");
}

void readConfig(const nlohmann::json &root, const std::string &path, ModelConfig &c)
{
    refuseUnsupported(root, path);
    const bool gemma = isGemma(c);
    c.hiddenSize = readConfigInt(root, {"hidden_size"}, path, 0, true);
    c.layers = readConfigInt(root, {"num_hidden_layers"}, path, 0, true);
    c.heads = readConfigInt(root, {"num_attention_heads"}, path, 0, true);
    if (c.heads == 0)
        throw Error("must be at least 1", path, "num_attention_heads");
    c.keyValueHeads = readConfigInt(root, {"num_key_value_heads"}, path, c.heads, false);
    if (c.keyValueHeads == 0 || c.heads % c.keyValueHeads != 0)
        throw Error(std::to_string(c.heads) + " query heads cannot be shared out over " +
                        std::to_string(c.keyValueHeads) + " key/value heads (it must divide them)",
                    path, "num_key_value_heads");
    c.headSize = readConfigInt(root, {"head_dim"}, path, 0, false);
    if (c.headSize == 0 && c.hiddenSize % c.heads != 0)
        throw Error("hidden size " + std::to_string(c.hiddenSize) + " is not divisible by " + std::to_string(c.heads) +
                        " heads and no head_dim is given",
                    path, "num_attention_heads");
    if (c.headDimension() % 2 != 0)
        throw Error("RoPE needs an even head size, not " + std::to_string(c.headDimension()), path, "head_dim");
    c.intermediateSize = readConfigInt(root, {"intermediate_size"}, path, 0, true);
    c.vocabularySize = readConfigInt(root, {"vocab_size"}, path, 0, true);
    c.maxPositions = readConfigInt(root, {"max_position_embeddings"}, path, 2048, false);
    c.layerNormEps = readNumber(root, "rms_norm_eps", 1e-6, path, "");
    if (!(c.layerNormEps > 0.0) || !std::isfinite(c.layerNormEps))
        throw Error("must be a positive number (it keeps the norm from dividing by zero)", path, "rms_norm_eps");
    c.activation = gemma ? "gelu_pytorch_tanh" : "silu";
    for (const char *key : {"hidden_activation", "hidden_act"})
        if (root.contains(key) && root[key].is_string()) {
            c.activation = root[key].get<std::string>();
            break;
        }
    // Qwen2 always has q/k/v biases (and no output bias); the others follow attention_bias.
    const bool attentionBias = readConfigBool(root, "attention_bias", path, false);
    c.qkvBias = c.modelType == "qwen2" || attentionBias;
    c.outputBias = c.modelType != "qwen2" && attentionBias;
    c.mlpBias = readConfigBool(root, "mlp_bias", path, false);
    c.queryKeyNorm = c.modelType == "qwen3" || gemma;
    if (!root.contains("tie_word_embeddings")) // each config class has its own default
        c.tieWordEmbeddings = gemma;
    c.queryScale = gemma ? readNumber(root, "query_pre_attn_scalar", 256.0, path, "") : 0.0;
    c.finalLogitSoftcap = readNumber(root, "final_logit_softcapping", 0.0, path, "");
    readRopes(root, path, c);
    readSlidingWindow(root, path, c);
}

void writeRope(const RotaryEmbedding &rope, nlohmann::json &j)
{
    j["rope_theta"] = rope.theta;
    if (rope.type == "default") {
        j["rope_scaling"] = nullptr;
        return;
    }
    nlohmann::json s = {{"rope_type", rope.type}, {"factor", rope.factor}};
    if (rope.originalMaxPositions > 0)
        s["original_max_position_embeddings"] = rope.originalMaxPositions;
    if (rope.type == "llama3") {
        s["low_freq_factor"] = rope.lowFrequencyFactor;
        s["high_freq_factor"] = rope.highFrequencyFactor;
    }
    j["rope_scaling"] = s;
}

// transformers 4 style (what most checkpoints carry and both versions read).
void writeConfig(const ModelConfig &c, nlohmann::json &j)
{
    j["vocab_size"] = c.vocabularySize;
    j["hidden_size"] = c.hiddenSize;
    j["num_hidden_layers"] = c.layers;
    j["num_attention_heads"] = c.heads;
    j["num_key_value_heads"] = c.keyValueHeadCount();
    j["head_dim"] = c.headDimension();
    j["intermediate_size"] = c.intermediateSize;
    j["max_position_embeddings"] = c.maxPositions;
    j["rms_norm_eps"] = c.layerNormEps;
    j["hidden_act"] = c.activation;
    j["attention_bias"] = c.qkvBias;
    j["mlp_bias"] = c.mlpBias;
    j["attention_dropout"] = 0.0;
    j["tie_word_embeddings"] = c.tieWordEmbeddings;
    writeRope(c.rope, j);
}

// The count people quote: embeddings, every layer, the final norm and an untied LM head.
int64_t parameterCount(const ModelConfig &c)
{
    const int64_t d = c.hiddenSize, f = c.intermediateSize, hd = c.headDimension();
    const int64_t q = c.heads * hd, kv = c.keyValueHeadCount() * hd;
    const int64_t attention = d * q + 2 * d * kv + q * d + (c.qkvBias ? q + 2 * kv : 0) + (c.outputBias ? d : 0) +
                              (c.queryKeyNorm ? 2 * hd : 0);
    const int64_t mlp = 3 * d * f + (c.mlpBias ? 2 * f + d : 0);
    const int64_t norms = (isGemma(c) ? 4 : 2) * d;
    const int64_t embeddings = c.vocabularySize * d * (c.tieWordEmbeddings ? 1 : 2);
    return embeddings + c.layers * (attention + mlp + norms) + d;
}

ModelCapabilities capabilities(bool hasHead)
{
    ModelCapabilities can;
    can.rotaryPositions = true;
    can.textInput = true;
    can.causalLanguageModel = can.generates = hasHead;
    return can;
}

std::vector<AttentionStack> attentionStacks(const ModelConfig &c)
{
    AttentionStack stack{"attentions", c.layers, c.heads, c.keyValueHeadCount(), true, c.slidingWindow, {}};
    if (c.slidingWindow > 0)
        stack.slidingLayers = c.slidingLayers;
    return {stack};
}

} // namespace

const Family &family()
{
    static const Family llama{"llama",        "model.",     {"lm_head."},
                              true,           readConfig,   parameterCount,
                              writeConfig,    capabilities, {"mistral", "qwen2", "qwen3", "gemma3_text"},
                              attentionStacks};
    return llama;
}

} // namespace tessera::detail::llama
