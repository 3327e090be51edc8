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

// Sizes beyond any published model are refused before anything proportional to them is built
// (a 1 KB config asking for a billion layers grew to 8.7 GB in the expected-weights list). The
// limits are far above today's largest checkpoints (Llama 3.1 405B: 126 layers, 128 heads,
// 16,384 wide, 128,256 tokens, 131,072 positions).
void checkSizes(const ModelConfig &c, const std::string &path)
{
    struct Limit {
        int64_t value, limit;
        const char *what, *keys;
    };
    const Limit limits[] = {
        {c.layers, 4096, "layers", "num_hidden_layers, n_layer, num_layers, encoder_layers"},
        {c.decoderLayers, 4096, "decoder layers", "num_decoder_layers, decoder_layers"},
        {c.heads, 8192, "attention heads", "num_attention_heads, n_head, num_heads"},
        {c.decoderHeads, 8192, "decoder attention heads", "decoder_attention_heads"},
        {c.keyValueHeads, 8192, "key/value heads", "num_key_value_heads"},
        {c.hiddenSize, int64_t(1) << 20, "a hidden size", "hidden_size, n_embd, d_model, dim"},
        {c.headSize, int64_t(1) << 16, "a head size", "head_dim, d_kv"},
        {c.intermediateSize, int64_t(1) << 22, "an intermediate size", "intermediate_size, n_inner, d_ff"},
        {c.decoderIntermediateSize, int64_t(1) << 22, "a decoder intermediate size", "decoder_ffn_dim"},
        {c.vocabularySize, int64_t(1) << 24, "a vocabulary", "vocab_size"},
        {c.maxPositions, int64_t(1) << 24, "positions", "max_position_embeddings, n_positions"},
        {c.imageSize, int64_t(1) << 16, "an image size", "image_size"},
        {c.relativeBuckets, 1 << 16, "relative position buckets", "relative_attention_num_buckets"},
        {c.typeVocabularySize, 1 << 16, "token types", "type_vocab_size"},
    };
    for (const Limit &l : limits)
        if (l.value > l.limit)
            throw Error(std::to_string(l.value) + " " + l.what + " is beyond any model Tessera opens (at most " +
                            std::to_string(l.limit) + "); the config is damaged or not a checkpoint's",
                        path, l.keys);
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
    checkSizes(config, path);
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
