#pragma once
// Internal to core: model_type -> capabilities and attention stacks (models/Capabilities.cpp).
// Plain functions of their arguments; any thread.

#include "tessera/core/Model.h"

#include <string>

namespace tessera::detail {

// True for an "architectures" name with a prediction head (BertForMaskedLM, GPT2LMHeadModel,
// ViTForImageClassification, ...).
bool architectureHasHead(const std::string &architecture);

// What a model of this model_type can do (bert, gpt2, vit, detr, unet2d, toy-denoiser), with or
// without its prediction head.
ModelCapabilities capabilitiesOf(const std::string &modelType, bool hasHead);

} // namespace tessera::detail
