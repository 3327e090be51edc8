#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Model.h"

#include "models/Family.h"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

namespace tessera {
namespace {

// bos / pad / eos token ids (a number, a list of numbers or null) from a config object.
void readTokenIds(const nlohmann::json &root, const std::string &path, ModelConfig &config)
{
    auto id = [&](const char *key, int64_t &out) {
        if (root.contains(key) && root[key].is_number_integer())
            out = root[key].get<int64_t>();
        else if (root.contains(key) && root[key].is_null() && std::string(key) == "decoder_start_token_id")
            out = -1; // written as null: the family's default does not apply
        else if (root.contains(key) && !root[key].is_null())
            throw Error("expected a token id, found " + root[key].dump(), path, key);
    };
    id("bos_token_id", config.bosTokenId);
    id("pad_token_id", config.padTokenId);
    id("decoder_start_token_id", config.decoderStartTokenId);
    id("forced_bos_token_id", config.forcedBosTokenId);
    id("forced_eos_token_id", config.forcedEosTokenId);
    if (!root.contains("eos_token_id") || root["eos_token_id"].is_null())
        return;
    const nlohmann::json &eos = root["eos_token_id"];
    config.eosTokenIds.clear();
    for (const nlohmann::json &value : eos.is_array() ? eos : nlohmann::json::array({eos})) {
        if (!value.is_number_integer())
            throw Error("expected a token id or a list of them, found " + eos.dump(), path, "eos_token_id");
        config.eosTokenIds.push_back(value.get<int64_t>());
    }
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

    const detail::Family *family = detail::findFamily(config.modelType);
    if (!family)
        throw Error("model_type \"" + config.modelType + "\" is not supported yet (" + detail::familyNames() + " are)",
                    path, "model_type");
    family->readConfig(root, path, config);
    if (config.heads == 0 || (config.headSize == 0 && config.hiddenSize % config.heads != 0))
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
    readTokenIds(root, path, config);
    // generation_config.json, where it is, says how the model ends its text.
    const size_t slash = path.find_last_of('/');
    const std::string generation =
        (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) + "generation_config.json";
    struct stat generationInfo {};
    if (::stat(generation.c_str(), &generationInfo) == 0) { // readFile refuses a FIFO in its place
        try {
            const nlohmann::json g = nlohmann::json::parse(readFile(generation, 1u << 20));
            if (g.is_object())
                readTokenIds(g, generation, config);
        } catch (const nlohmann::json::exception &e) {
            throw Error(std::string("not valid JSON: ") + e.what(), generation);
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
