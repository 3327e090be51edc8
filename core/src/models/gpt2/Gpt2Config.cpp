// GPT-2 (GPT2Model, GPT2LMHeadModel): pre-norm causal decoder with learned positions, Conv1D
// projections ([in, out] weights, q/k/v fused in c_attn) and the LM head tied to wte.
// This file: config.json reading and writing, capabilities and the registry row (no LibTorch).

#include "models/Family.h"

#include "tessera/core/Error.h"

#include <nlohmann/json.hpp>

#include <cmath>

#include <algorithm>

namespace tessera::detail::gpt2 {
namespace {

void readConfig(const nlohmann::json &root, const std::string &path, ModelConfig &config)
{
    config.hiddenSize = readConfigInt(root, {"n_embd", "hidden_size"}, path, 768, true);
    config.layers = readConfigInt(root, {"n_layer", "num_hidden_layers"}, path, 12, true);
    config.heads = readConfigInt(root, {"n_head", "num_attention_heads"}, path, 12, true);
    config.intermediateSize = readConfigInt(root, {"n_inner"}, path, 4 * config.hiddenSize, false);
    config.vocabularySize = readConfigInt(root, {"vocab_size"}, path, 50257, true);
    config.maxPositions = readConfigInt(root, {"n_positions", "max_position_embeddings"}, path, 1024, false);
    config.layerNormEps = 1e-5;
    config.layerNormEps = readConfigNumber(root, "layer_norm_epsilon", path, config.layerNormEps);
    if (!(config.layerNormEps > 0.0) || !std::isfinite(config.layerNormEps))
        throw Error("must be a positive number (it keeps the norm from dividing by zero)", path, "layer_norm_epsilon");
    config.activation = "gelu_new";
    if (root.contains("activation_function") && root["activation_function"].is_string())
        config.activation = root["activation_function"].get<std::string>();
}

void writeConfig(const ModelConfig &c, nlohmann::json &j)
{
    j["vocab_size"] = c.vocabularySize;
    j["n_embd"] = c.hiddenSize;
    j["n_layer"] = c.layers;
    j["n_head"] = c.heads;
    j["n_inner"] = c.intermediateSize;
    j["n_positions"] = c.maxPositions;
    j["n_ctx"] = c.maxPositions;
    j["activation_function"] = c.activation;
    j["layer_norm_epsilon"] = c.layerNormEps;
    j["resid_pdrop"] = 0.0;
    j["embd_pdrop"] = 0.0;
    j["attn_pdrop"] = 0.0;
    j["tie_word_embeddings"] = true;
}

int64_t parameterCount(const ModelConfig &c)
{
    const int64_t d = c.hiddenSize, ffn = c.intermediateSize, layerNorm = 2 * d;
    const int64_t attention = 4 * (d * d + d), feedForward = d * ffn + ffn + ffn * d + d;
    const int64_t embeddings = (c.vocabularySize + c.maxPositions) * d;
    return embeddings + c.layers * (attention + feedForward + 2 * layerNorm) + layerNorm;
}

ModelCapabilities capabilities(bool hasHead)
{
    ModelCapabilities can;
    can.learnedPositions = true;
    can.textInput = true;
    can.causalLanguageModel = can.generates = hasHead;
    return can;
}

} // namespace

const Family &family()
{
    static const Family gpt2{"gpt2",         "transformer.", {"lm_head."}, true, readConfig,
                             parameterCount, writeConfig,    capabilities, {},   nullptr};
    return gpt2;
}

} // namespace tessera::detail::gpt2
