// loadModel dispatches a checkpoint folder to its kind of model (diffusion, DETR, or one of the
// transformer families of models/Registry.cpp); the shared-model cache; the attention analyses
// over captured attentions.

#include "tessera/core/Detr.h"
#include "tessera/core/Diffusion.h"
#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Model.h"

#include "Network.h"
#include "TorchTensors.h"
#include "nn/Capture.h"

#include <torch/torch.h>

#include <climits>
#include <cstdlib>
#include <map>
#include <mutex>

namespace tessera {

using detail::fromTorch;
using detail::toTorch;

std::unique_ptr<Model> loadModel(const std::string &folder, JobContext *context)
{
    const std::string configPath = folder + "/config.json";
    if (!pathExists(configPath)) // a link loop or a folder that may not be read says so
        throw Error("no config.json: not a Hugging Face checkpoint folder", folder);
    if (diffusion::isDiffusionModel(folder))
        return diffusion::loadDiffusionModel(folder, context);
    if (detr::isDetrModel(folder))
        return detr::loadDetrModel(folder, context);
    return detail::loadTransformer(ModelConfig::fromFile(configPath), folder, context);
}

std::shared_ptr<const Model> sharedModel(const std::string &folder, JobContext *context)
{
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<const Model>> cache;
    char buffer[PATH_MAX];
    const std::string key = ::realpath(folder.c_str(), buffer) ? std::string(buffer) : folder;
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (auto existing = cache[key].lock())
            return existing;
    }
    std::shared_ptr<const Model> model = loadModel(folder, context);
    std::lock_guard<std::mutex> lock(mutex);
    if (auto existing = cache[key].lock()) // loaded meanwhile by another thread
        return existing;
    cache[key] = model;
    return model;
}

FloatTensor attentionRollout(const std::vector<FloatTensor> &attentions)
{
    if (attentions.empty())
        throw Error("attention rollout needs at least one layer of attentions");
    torch::NoGradGuard noGrad;
    torch::Tensor result;
    for (const FloatTensor &layer : attentions) {
        if (layer.shape.size() != 4 || layer.shape[2] != layer.shape[3])
            throw Error("attentions must be [batch, heads, n, n], found " + shapeToString(layer.shape));
        const torch::Tensor mean = toTorch(layer).mean(1);
        const int64_t n = mean.size(-1);
        torch::Tensor a = 0.5 * mean + 0.5 * torch::eye(n, torch::kFloat32);
        a = a / a.sum(-1, true);
        result = result.defined() ? torch::matmul(a, result) : a;
    }
    return fromTorch(result);
}

FloatTensor meanAttentionDistance(const std::vector<FloatTensor> &attentions, int64_t gridWidth, int64_t patchSize,
                                  bool renormalized)
{
    torch::NoGradGuard noGrad;
    const int64_t patches = gridWidth * gridWidth;
    const torch::Tensor distances = detail::nn::patchDistances(gridWidth, patchSize);
    std::vector<torch::Tensor> perLayer;
    for (const FloatTensor &layer : attentions) {
        // The tokens before the patches: [CLS] (ViT), [CLS] and the distillation token (DeiT).
        const int64_t leading = layer.shape.size() == 4 ? layer.shape[2] - patches : 0;
        if (layer.shape.size() != 4 || layer.shape[2] != layer.shape[3] || leading < 1 || leading > 2)
            throw Error("attentions " + shapeToString(layer.shape) + " do not match a " + std::to_string(gridWidth) +
                        "x" + std::to_string(gridWidth) + " patch grid plus CLS (and a distillation token)");
        perLayer.push_back(detail::nn::layerDistance(toTorch(layer), distances, renormalized, leading)); // [heads]
    }
    return fromTorch(torch::stack(perLayer));
}

} // namespace tessera
