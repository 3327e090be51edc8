#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Model.h"

#include "models/Family.h"

#include <nlohmann/json.hpp>

namespace tessera {
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

    const detail::Family *family = detail::findFamily(config.modelType);
    if (!family)
        throw Error("model_type \"" + config.modelType + "\" is not supported yet (" + detail::familyNames() + " are)",
                    path, "model_type");
    family->readConfig(root, path, config);
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
    const detail::Family *family = detail::findFamily(modelType);
    return family ? family->parameterCount(*this) : 0;
}

} // namespace tessera
