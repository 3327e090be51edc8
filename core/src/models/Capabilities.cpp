// What each model type can do, in one place: the panels ask ModelInfo::capabilities and
// attentionStacks, and this file is the only one that turns a model_type into them.

#include "tessera/core/Detr.h"
#include "tessera/core/Diffusion.h"
#include "tessera/core/Error.h"
#include "tessera/core/Model.h"
#include "tessera/core/Training.h"

#include "Capabilities.h"

#include <sys/stat.h>

namespace tessera {
namespace detail {

bool architectureHasHead(const std::string &architecture)
{
    for (const char *head : {"ForMaskedLM", "LMHead", "ForImageClassification", "ForPreTraining", "ForCausalLM"})
        if (architecture.find(head) != std::string::npos)
            return true;
    return false;
}

ModelCapabilities capabilitiesOf(const std::string &modelType, bool hasHead)
{
    ModelCapabilities can;
    if (modelType == "bert") {
        can.textInput = can.tokenTypes = can.bidirectional = true;
        can.maskedLanguageModel = hasHead;
    } else if (modelType == "gpt2") {
        can.textInput = true;
        can.causalLanguageModel = can.generates = hasHead;
    } else if (modelType == "vit") {
        can.imageInput = can.patchGrid = true;
        can.imageClassification = hasHead;
    } else if (modelType == "detr") {
        can.imageInput = can.detection = can.encoderDecoder = true;
    } else if (modelType == "unet2d") {
        can.imageInput = can.denoising = true;
    } else if (modelType == "toy-denoiser") {
        can.denoising = true;
    }
    return can;
}

void describeTransformer(ModelInfo &info, bool hasHead)
{
    const ModelConfig &c = info.config;
    info.capabilities = capabilitiesOf(c.modelType, hasHead);
    info.attentionStacks = {{"attentions", c.layers, c.heads, c.heads, c.modelType == "gpt2", 0}};
}

} // namespace detail

bool sameArchitecture(const ModelInfo &a, const ModelInfo &b)
{
    return a.config.modelType == b.config.modelType && a.config.layers == b.config.layers &&
           a.config.heads == b.config.heads && a.config.vocabularySize == b.config.vocabularySize;
}

ModelCapabilities folderCapabilities(const std::string &folder)
{
    struct stat st {};
    if (::stat((folder + "/config.json").c_str(), &st) != 0)
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
