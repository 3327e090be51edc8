// The registry of model families (the list is models/Families.def) and the config helpers the
// families share. No LibTorch: ModelConfig::fromFile and the fuzz targets use it alone.

#include "models/Family.h"

#include "tessera/core/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace tessera::detail {

#define TESSERA_FAMILY(ns)                                                                                             \
    namespace ns {                                                                                                     \
    const Family &family();                                                                                            \
    }
#include "models/Families.def"
#undef TESSERA_FAMILY

namespace {

const std::vector<const Family *> &families()
{
    static const std::vector<const Family *> all = {
#define TESSERA_FAMILY(ns) &ns::family(),
#include "models/Families.def"
#undef TESSERA_FAMILY
    };
    return all;
}

} // namespace

const Family *findFamily(const std::string &modelType)
{
    for (const Family *family : families())
        if (family->modelType == modelType ||
            std::find(family->variants.begin(), family->variants.end(), modelType) != family->variants.end())
            return family;
    return nullptr;
}

std::string familyNames()
{
    std::vector<std::string> all;
    for (const Family *family : families()) {
        all.push_back(family->modelType);
        all.insert(all.end(), family->variants.begin(), family->variants.end());
    }
    std::string names;
    for (size_t i = 0; i < all.size(); ++i)
        names += (i == 0 ? "" : i + 1 == all.size() ? " and " : ", ") + all[i];
    return names;
}

int64_t readConfigInt(const nlohmann::json &root, std::initializer_list<const char *> names, const std::string &path,
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

double readConfigNumber(const nlohmann::json &root, const char *name, const std::string &path, double fallback)
{
    if (!root.contains(name) || root[name].is_null())
        return fallback;
    if (!root[name].is_number())
        throw Error("expected a number, found " + root[name].dump(), path, name);
    return root[name].get<double>();
}

bool readConfigBool(const nlohmann::json &root, const char *name, const std::string &path, bool fallback)
{
    if (!root.contains(name) || root[name].is_null())
        return fallback;
    if (!root[name].is_boolean())
        throw Error("expected true or false, found " + root[name].dump(), path, name);
    return root[name].get<bool>();
}

std::string readConfigString(const nlohmann::json &root, const char *name, const std::string &path,
                             const std::string &fallback)
{
    if (!root.contains(name) || root[name].is_null())
        return fallback;
    if (!root[name].is_string())
        throw Error("expected a string, found " + root[name].dump(), path, name);
    return root[name].get<std::string>();
}

ModelCapabilities encoderDecoderCapabilities(bool hasHead)
{
    ModelCapabilities can;
    can.textInput = can.encoderDecoder = true;
    can.conditionalGeneration = hasHead;
    return can;
}

int64_t decoderLayersOf(const ModelConfig &c)
{
    return c.decoderLayers > 0 ? c.decoderLayers : c.layers;
}

int64_t decoderHeadsOf(const ModelConfig &c)
{
    return c.decoderHeads > 0 ? c.decoderHeads : c.heads;
}

std::vector<AttentionStack> encoderDecoderStacks(const ModelConfig &c)
{
    const int64_t decoderHeads = decoderHeadsOf(c), decoderLayers = decoderLayersOf(c);
    return {{"encoder_attentions", c.layers, c.heads, c.heads, false, 0, {}},
            {"decoder_attentions", decoderLayers, decoderHeads, decoderHeads, true, 0, {}},
            {"cross_attentions", decoderLayers, decoderHeads, decoderHeads, false, 0, {}}};
}

void readEncoderConfig(const nlohmann::json &root, const std::string &path, ModelConfig &config)
{
    config.hiddenSize = readConfigInt(root, {"hidden_size"}, path, 768, true);
    config.layers = readConfigInt(root, {"num_hidden_layers"}, path, 12, true);
    config.heads = readConfigInt(root, {"num_attention_heads"}, path, 12, true);
    config.intermediateSize = readConfigInt(root, {"intermediate_size"}, path, 4 * config.hiddenSize, false);
    config.layerNormEps = readConfigNumber(root, "layer_norm_eps", path, config.layerNormEps);
    if (!(config.layerNormEps > 0.0) || !std::isfinite(config.layerNormEps))
        throw Error("must be a positive number (it keeps the norm from dividing by zero)", path, "layer_norm_eps");
    if (root.contains("hidden_act") && root["hidden_act"].is_string())
        config.activation = root["hidden_act"].get<std::string>();
}

void writeEncoderConfig(const ModelConfig &c, nlohmann::json &j)
{
    j["hidden_size"] = c.hiddenSize;
    j["num_hidden_layers"] = c.layers;
    j["num_attention_heads"] = c.heads;
    j["intermediate_size"] = c.intermediateSize;
    j["hidden_act"] = c.activation;
    j["hidden_dropout_prob"] = 0.0;
    j["attention_probs_dropout_prob"] = 0.0;
    j["layer_norm_eps"] = c.layerNormEps;
}

} // namespace tessera::detail
