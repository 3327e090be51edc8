// ViT (ViTModel, ViTForImageClassification): patches by a strided convolution, [CLS] and
// learned positions, a pre-norm encoder, the classifier on [CLS]. DeiT (DeiTModel,
// DeiTForImageClassification, DeiTForImageClassificationWithTeacher; Touvron et al. 2021) is the
// same network under "deit." with a distillation token after [CLS]: the family deit.
// This file: config.json reading and writing, capabilities and the registry rows (no LibTorch).

#include "models/Family.h"

#include "tessera/core/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tessera::detail::vit {
namespace {

void readConfig(const nlohmann::json &root, const std::string &path, ModelConfig &config)
{
    readEncoderConfig(root, path, config);
    config.imageSize = readConfigInt(root, {"image_size"}, path, 224, false);
    config.patchSize = readConfigInt(root, {"patch_size"}, path, 16, false);
    config.channels = readConfigInt(root, {"num_channels"}, path, 3, false);
    if (root.contains("qkv_bias") && root["qkv_bias"].is_boolean())
        config.qkvBias = root["qkv_bias"].get<bool>();
    if (config.patchSize == 0 || config.imageSize % config.patchSize != 0)
        throw Error("image_size " + std::to_string(config.imageSize) + " is not a multiple of patch_size " +
                        std::to_string(config.patchSize),
                    path, "patch_size");
}

void writeConfig(const ModelConfig &c, nlohmann::json &j)
{
    writeEncoderConfig(c, j);
    j["image_size"] = c.imageSize;
    j["patch_size"] = c.patchSize;
    j["num_channels"] = c.channels;
    j["qkv_bias"] = c.qkvBias;
    j["encoder_stride"] = c.patchSize;
    nlohmann::json id2label = nlohmann::json::object(), label2id = nlohmann::json::object();
    for (size_t i = 0; i < c.labels.size(); ++i) {
        id2label[std::to_string(i)] = c.labels[i];
        label2id[c.labels[i]] = int64_t(i);
    }
    j["id2label"] = id2label;
    j["label2id"] = label2id;
}

int64_t parameterCount(const ModelConfig &c, int64_t leadingTokens)
{
    const int64_t d = c.hiddenSize, ffn = c.intermediateSize, layerNorm = 2 * d;
    const int64_t attention = 4 * (d * d + d), feedForward = d * ffn + ffn + ffn * d + d;
    const int64_t patches = (c.imageSize / c.patchSize) * (c.imageSize / c.patchSize);
    const int64_t embeddings =
        c.channels * c.patchSize * c.patchSize * d + d + leadingTokens * d + (patches + leadingTokens) * d;
    const int64_t classifier = c.labels.empty() ? 0 : int64_t(c.labels.size()) * d + int64_t(c.labels.size());
    return embeddings + c.layers * (attention + feedForward + 2 * layerNorm) + layerNorm + classifier;
}

int64_t vitParameterCount(const ModelConfig &c)
{
    return parameterCount(c, 1);
}

// DeiTModel with one classifier (DeiTForImageClassificationWithTeacher has two).
int64_t deitParameterCount(const ModelConfig &c)
{
    return parameterCount(c, 2);
}

ModelCapabilities capabilities(bool hasHead)
{
    ModelCapabilities can;
    can.learnedPositions = true;
    can.imageInput = can.patchGrid = true;
    can.imageClassification = hasHead;
    return can;
}

} // namespace

const Family &family()
{
    static const Family vit{"vit",        "vit.", {"classifier."}, false, readConfig, vitParameterCount, writeConfig,
                            capabilities, {},     nullptr,         1};
    return vit;
}

} // namespace tessera::detail::vit

namespace tessera::detail::deit {

const Family &family()
{
    static const Family deit{"deit",
                             "deit.",
                             {"classifier.", "cls_classifier.", "distillation_classifier."},
                             false,
                             vit::readConfig,
                             vit::deitParameterCount,
                             vit::writeConfig,
                             vit::capabilities,
                             {},
                             nullptr,
                             2};
    return deit;
}

} // namespace tessera::detail::deit
