// What each model type can do: the panels ask ModelInfo::capabilities and attentionStacks; the
// transformer families answer in their own folders (models/<family>/), the other kinds here.

#include "tessera/core/Detr.h"
#include "tessera/core/Diffusion.h"
#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Model.h"
#include "tessera/core/Training.h"

#include "models/Capabilities.h"
#include "models/Family.h"

namespace tessera {
namespace detail {

bool architectureHasHead(const std::string &architecture)
{
    for (const char *head : {"ForMaskedLM", "LMHead", "ForImageClassification", "ForPreTraining", "ForCausalLM",
                             "ForConditionalGeneration", "MTModel"})
        if (architecture.find(head) != std::string::npos)
            return true;
    return false;
}

ModelCapabilities capabilitiesOf(const std::string &modelType, bool hasHead)
{
    if (const Family *family = findFamily(modelType))
        return family->capabilities(hasHead);
    ModelCapabilities can;
    if (modelType == "detr") {
        can.imageInput = can.detection = can.encoderDecoder = true;
    } else if (modelType == "unet2d") {
        can.imageInput = can.denoising = true;
    } else if (modelType == "toy-denoiser") {
        can.denoising = true;
    }
    return can;
}

} // namespace detail

bool sameArchitecture(const ModelInfo &a, const ModelInfo &b)
{
    return a.config.modelType == b.config.modelType && a.config.layers == b.config.layers &&
           a.config.heads == b.config.heads && a.config.vocabularySize == b.config.vocabularySize;
}

ModelCapabilities folderCapabilities(const std::string &folder)
{
    if (!pathExists(folder + "/config.json"))
        throw Error("no config.json: not a Hugging Face checkpoint folder", folder);
    if (diffusion::isDiffusionModel(folder))
        return detail::capabilitiesOf("unet2d", true);
    if (detr::isDetrModel(folder))
        return detail::capabilitiesOf("detr", true);
    const ModelConfig config = ModelConfig::fromFile(folder + "/config.json");
    return detail::capabilitiesOf(config.modelType,
                                  config.architecture.empty() || detail::architectureHasHead(config.architecture));
}

ModelCapabilities RecipeInfo::capabilities() const
{
    return detail::capabilitiesOf(architecture, true);
}

ModelCapabilities SnapshotIndex::capabilities() const
{
    return detail::capabilitiesOf(modelType, true);
}

} // namespace tessera
