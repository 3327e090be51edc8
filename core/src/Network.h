#pragma once
// Internal to core (LibTorch visible): the architectures of Model.h as differentiable
// functions of named weights, for training. Weight names are the canonical Hugging Face key
// paths without the architecture prefix ("encoder.layer.0.attention.self.query.weight").
// Not thread-safe: one training job owns its weights.

#include "tessera/core/Model.h"

#include <nlohmann/json_fwd.hpp>
#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tessera::detail {

using Weights = std::map<std::string, torch::Tensor>;

// The trainable weights of config's architecture with its head (BertForMaskedLM,
// GPT2LMHeadModel, ViTForImageClassification) and no pooler, with their shapes. Tied output
// embeddings (config.tieWordEmbeddings) are not listed: they are the input embeddings.
std::vector<std::pair<std::string, std::vector<int64_t>>> weightShapes(const ModelConfig &config);

// A Model over weights in memory, sharing (not copying) the tensors, so that run() with
// capture sees the weights as they are now. folder is only reported in info().
std::unique_ptr<Model> modelFromWeights(const ModelConfig &config, const Weights &weights,
                                        const std::string &folder = {});

// The forward pass with autograd for a model made by modelFromWeights: logits
// [batch, sequence, vocabulary] (BERT, GPT-2) or [batch, labels] (ViT). Any thread, one call
// at a time per model.
torch::Tensor differentiableLogits(const Model &model, const ModelInputs &inputs);

// The family keys of config.json for a model Tessera trained (the family's writeConfig).
void writeFamilyConfig(const ModelConfig &config, nlohmann::json &json);

// The input embedding of weights as rows of features (token embeddings [vocabulary, hidden];
// ViT's patch projection [hidden, channels x patch x patch]).
torch::Tensor inputEmbedding(const ModelConfig &config, const Weights &weights);

// A transformer-family model read from folder (config already parsed): checks every weight.
std::unique_ptr<Model> loadTransformer(ModelConfig config, const std::string &folder, JobContext *context);

// The prefix Hugging Face puts before the base model's weights in a checkpoint with a head:
// "bert.", "transformer.", "vit.".
std::string checkpointPrefix(const ModelConfig &config);

// Checkpoint key of a canonical weight name (head weights keep their own names).
std::string checkpointKey(const ModelConfig &config, const std::string &name);

} // namespace tessera::detail
