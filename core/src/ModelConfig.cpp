#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Model.h"

#include <nlohmann/json.hpp>

namespace tessera {
namespace {

int64_t readInt(const nlohmann::json &root, std::initializer_list<const char *> names, const std::string &path,
                int64_t fallback, bool required)
{
    for (const char *name : names) {
        if (!root.contains(name) || root[name].is_null())
            continue;
        const nlohmann::json &value = root[name];
        if (!value.is_number_integer() || value.get<int64_t>() < 0)
            throw Error("expected a non-negative whole number, found " + value.dump(), path, name);
        return value.get<int64_t>();
    }
    if (required)
        throw Error("missing from the config", path, *names.begin());
    return fallback;
}

} // namespace

ModelConfig ModelConfig::fromFile(const std::string &path)
{
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(readFile(path, 16u << 20));
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("not valid JSON: ") + e.what(), path);
    }
    if (!root.is_object())
        throw Error("not a JSON object", path);
    ModelConfig config;
    if (!root.contains("model_type") || !root["model_type"].is_string())
        throw Error("no model_type: cannot tell which architecture this is", path, "model_type");
    config.modelType = root["model_type"].get<std::string>();
    if (root.contains("architectures") && root["architectures"].is_array() && !root["architectures"].empty() &&
        root["architectures"][0].is_string())
        config.architecture = root["architectures"][0].get<std::string>();
    // transformers 5 writes "dtype", 4 wrote "torch_dtype".
    for (const char *key : {"dtype", "torch_dtype"})
        if (root.contains(key) && root[key].is_string())
            config.dtype = root[key].get<std::string>();
    if (root.contains("tie_word_embeddings") && root["tie_word_embeddings"].is_boolean())
        config.tieWordEmbeddings = root["tie_word_embeddings"].get<bool>();

    if (config.modelType == "bert" || config.modelType == "vit") {
        config.hiddenSize = readInt(root, {"hidden_size"}, path, 768, true);
        config.layers = readInt(root, {"num_hidden_layers"}, path, 12, true);
        config.heads = readInt(root, {"num_attention_heads"}, path, 12, true);
        config.intermediateSize = readInt(root, {"intermediate_size"}, path, 4 * config.hiddenSize, false);
        if (root.contains("layer_norm_eps") && root["layer_norm_eps"].is_number())
            config.layerNormEps = root["layer_norm_eps"].get<double>();
        if (root.contains("hidden_act") && root["hidden_act"].is_string())
            config.activation = root["hidden_act"].get<std::string>();
    }
    if (config.modelType == "bert") {
        config.vocabularySize = readInt(root, {"vocab_size"}, path, 30522, true);
        config.maxPositions = readInt(root, {"max_position_embeddings"}, path, 512, false);
        config.typeVocabularySize = readInt(root, {"type_vocab_size"}, path, 2, false);
    } else if (config.modelType == "gpt2") {
        config.hiddenSize = readInt(root, {"n_embd", "hidden_size"}, path, 768, true);
        config.layers = readInt(root, {"n_layer", "num_hidden_layers"}, path, 12, true);
        config.heads = readInt(root, {"n_head", "num_attention_heads"}, path, 12, true);
        config.intermediateSize = readInt(root, {"n_inner"}, path, 4 * config.hiddenSize, false);
        config.vocabularySize = readInt(root, {"vocab_size"}, path, 50257, true);
        config.maxPositions = readInt(root, {"n_positions", "max_position_embeddings"}, path, 1024, false);
        config.layerNormEps = 1e-5;
        if (root.contains("layer_norm_epsilon") && root["layer_norm_epsilon"].is_number())
            config.layerNormEps = root["layer_norm_epsilon"].get<double>();
        config.activation = "gelu_new";
        if (root.contains("activation_function") && root["activation_function"].is_string())
            config.activation = root["activation_function"].get<std::string>();
    } else if (config.modelType == "vit") {
        config.imageSize = readInt(root, {"image_size"}, path, 224, false);
        config.patchSize = readInt(root, {"patch_size"}, path, 16, false);
        config.channels = readInt(root, {"num_channels"}, path, 3, false);
        if (root.contains("qkv_bias") && root["qkv_bias"].is_boolean())
            config.qkvBias = root["qkv_bias"].get<bool>();
        if (config.patchSize == 0 || config.imageSize % config.patchSize != 0)
            throw Error("image_size " + std::to_string(config.imageSize) + " is not a multiple of patch_size " +
                            std::to_string(config.patchSize),
                        path, "patch_size");
    } else {
        throw Error("model_type \"" + config.modelType + "\" is not supported yet (bert, gpt2 and vit are)", path,
                    "model_type");
    }
    if (config.heads == 0 || config.hiddenSize % config.heads != 0)
        throw Error("hidden size " + std::to_string(config.hiddenSize) + " is not divisible by " +
                        std::to_string(config.heads) + " heads",
                    path, "num_attention_heads");
    if (root.contains("id2label") && root["id2label"].is_object()) {
        const nlohmann::json &labels = root["id2label"];
        config.labels.resize(labels.size());
        for (auto it = labels.begin(); it != labels.end(); ++it) {
            size_t index = 0;
            try {
                index = std::stoul(it.key());
            } catch (...) {
                throw Error("label ids must be numbers, found \"" + it.key() + "\"", path, "id2label");
            }
            if (index >= config.labels.size() || !it.value().is_string())
                throw Error("label ids must run from 0 to " + std::to_string(labels.size() - 1), path, "id2label");
            config.labels[index] = it.value().get<std::string>();
        }
    }
    return config;
}

int64_t ModelConfig::parameterCount() const
{
    const int64_t d = hiddenSize;
    const int64_t ffn = intermediateSize;
    const int64_t layerNorm = 2 * d;
    const int64_t attention = 4 * (d * d + d);
    const int64_t feedForward = d * ffn + ffn + ffn * d + d;
    if (modelType == "bert") {
        // BertModel: embeddings, encoder layers, pooler (the count people quote as ~110M).
        const int64_t embeddings = (vocabularySize + maxPositions + typeVocabularySize) * d + layerNorm;
        return embeddings + layers * (attention + feedForward + 2 * layerNorm) + (d * d + d);
    }
    if (modelType == "gpt2") {
        const int64_t embeddings = (vocabularySize + maxPositions) * d;
        return embeddings + layers * (attention + feedForward + 2 * layerNorm) + layerNorm;
    }
    if (modelType == "vit") {
        const int64_t patches = (imageSize / patchSize) * (imageSize / patchSize);
        const int64_t embeddings = channels * patchSize * patchSize * d + d + d + (patches + 1) * d;
        const int64_t classifier = labels.empty() ? 0 : int64_t(labels.size()) * d + int64_t(labels.size());
        return embeddings + layers * (attention + feedForward + 2 * layerNorm) + layerNorm + classifier;
    }
    return 0;
}

} // namespace tessera
