// The defaults of Recipe: the transformer recipes' network (a Hugging Face BERT, GPT-2 or ViT
// with its head), trained with cross-entropy and saved in the transformers layout.

#include "TrainingInternal.h"

#include "tessera/core/Matrix.h"
#include "tessera/core/Safetensors.h"

#include "../Network.h"
#include "../models/Capabilities.h"
#include "../TorchTensors.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <random>

namespace tessera::detail {
namespace {

// ---------------------------------------------------------------------------------------------
// config.json in the transformers 4 style (read back by ModelConfig::fromFile and by
// transformers' from_pretrained).

nlohmann::json configJson(const ModelConfig &c)
{
    nlohmann::json j;
    j["architectures"] = {c.architecture};
    j["model_type"] = c.modelType;
    j["torch_dtype"] = "float32";
    j["transformers_version"] = "4.46.0";
    j["initializer_range"] = 0.02;
    writeFamilyConfig(c, j);                                     // the family's own keys (models/<family>/)
    if (capabilitiesOf(c.modelType, true).causalLanguageModel) { // end-of-text starts and ends a text
        j["bos_token_id"] = kEndOfText;
        j["eos_token_id"] = kEndOfText;
    }
    return j;
}

// Initial weights as transformers initialises these models: normal(0, 0.02) for matrices and
// embeddings, zero biases, LayerNorm weight 1 and bias 0. Drawn from a std::mt19937_64 so that a
// seed gives the same model with any LibTorch.
Weights transformerInitialWeights(const ModelConfig &config, uint64_t seed)
{
    std::mt19937_64 random = streamFor(seed, 0, 0);
    std::normal_distribution<float> normal(0.0f, 0.02f);
    Weights weights;
    for (const auto &[name, shape] : weightShapes(config)) {
        const int64_t count = std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<int64_t>());
        std::vector<float> values(size_t(count), 0.0f);
        const bool norm = name.find("LayerNorm") != std::string::npos || name.find("layernorm") != std::string::npos ||
                          name.find("ln_") != std::string::npos || name.find("norm.weight") != std::string::npos;
        const bool bias = name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
        if (norm && !bias)
            std::fill(values.begin(), values.end(), 1.0f);
        else if (!bias && name != "cls.predictions.bias")
            for (float &v : values)
                v = normal(random);
        weights[name] = torch::from_blob(values.data(), shape, torch::kFloat32).clone().requires_grad_(true);
    }
    return weights;
}

// Which curve a parameter's gradient norm belongs to.
std::string transformerGroupOf(const std::string &name)
{
    for (const char *prefix : {"encoder.layer.", "h.", "layers."})
        if (name.rfind(prefix, 0) == 0) {
            const size_t start = std::string(prefix).size();
            return "layer " + name.substr(start, name.find('.', start) - start);
        }
    if (name.find("embeddings") != std::string::npos || name.rfind("wte", 0) == 0 || name.rfind("wpe", 0) == 0 ||
        name.rfind("embed_tokens", 0) == 0)
        return "embeddings";
    return "head";
}

StepOutcome forwardLoss(const Model &model, const Batch &batch)
{
    const torch::Tensor logits = detail::differentiableLogits(model, batch.inputs);
    const torch::Tensor flat = logits.reshape({-1, logits.size(-1)});
    const torch::Tensor targets = batch.targets.reshape({-1});
    StepOutcome outcome;
    outcome.loss = torch::nn::functional::cross_entropy(
        flat, targets, torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnore));
    torch::NoGradGuard noGrad;
    const torch::Tensor scored = targets != kIgnore;
    const int64_t count = scored.sum().item<int64_t>();
    outcome.accuracy =
        count ? double((flat.argmax(-1).eq(targets).logical_and(scored)).sum().item<int64_t>()) / double(count) : 0.0;
    return outcome;
}

Evaluation evaluateCrossEntropy(const Recipe &recipe, const Model &model, int64_t batchSize, JobContext &context)
{
    torch::NoGradGuard noGrad;
    const int64_t batches = recipe.evaluationBatches(batchSize);
    double lossSum = 0.0, correct = 0.0, count = 0.0;
    for (int64_t b = 0; b < batches; ++b) {
        context.throwIfCancelled();
        Batch batch = recipe.batch(b, true, batchSize);
        const torch::Tensor logits = detail::differentiableLogits(model, batch.inputs);
        const torch::Tensor flat = logits.reshape({-1, logits.size(-1)});
        const torch::Tensor targets = batch.targets.reshape({-1});
        const torch::Tensor scored = targets != kIgnore;
        const double n = double(scored.sum().item<int64_t>());
        lossSum += torch::nn::functional::cross_entropy(
                       flat, targets,
                       torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnore).reduction(torch::kSum))
                       .item<double>();
        correct += double(flat.argmax(-1).eq(targets).logical_and(scored).sum().item<int64_t>());
        count += n;
    }
    return {count ? lossSum / count : 0.0, count ? correct / count : 0.0};
}

void saveModelFiles(const std::string &folder, const ModelConfig &config, const Weights &weights, const Recipe &recipe)
{
    std::vector<std::pair<std::string, FloatTensor>> tensors;
    for (const auto &[name, shape] : weightShapes(config))
        tensors.emplace_back(detail::checkpointKey(config, name), fromTorch(weights.at(name)));
    writeJson(folder + "/config.json", configJson(config));
    writeSafetensors(folder + "/model.safetensors", tensors, {{"format", "pt"}});
    recipe.writeTokenizer(folder);
}

// The input embedding of a model: token embeddings [vocabulary, hidden] for text models, the
// patch projection as [hidden, channels x patch x patch] for ViT (one row per output feature).
FloatTensor tokenEmbeddings(const ModelConfig &config, const Weights &weights)
{
    torch::NoGradGuard noGrad;
    return fromTorch(inputEmbedding(config, weights));
}

} // namespace

WeightShapes Recipe::weightShapes(const ModelConfig &config) const
{
    return ::tessera::detail::weightShapes(config);
}

Weights Recipe::initialWeights(const ModelConfig &config, uint64_t seed) const
{
    return transformerInitialWeights(config, seed);
}

std::unique_ptr<Model> Recipe::model(const ModelConfig &config, const Weights &weights, const std::string &folder) const
{
    return modelFromWeights(config, weights, folder);
}

StepOutcome Recipe::loss(const Model &model, const Batch &batch) const
{
    return forwardLoss(model, batch);
}

Evaluation Recipe::evaluate(const Model &model, int64_t batchSize, JobContext &context) const
{
    return evaluateCrossEntropy(*this, model, batchSize, context);
}

void Recipe::saveModel(const std::string &folder, const ModelConfig &config, const Weights &weights) const
{
    saveModelFiles(folder, config, weights, *this);
}

std::string Recipe::weightKey(const ModelConfig &config, const std::string &name) const
{
    return checkpointKey(config, name);
}

std::string Recipe::groupOf(const std::string &name) const
{
    return transformerGroupOf(name);
}

NamedTensors Recipe::snapshotTensors(const Model &model, const Weights &weights, const Probe &probe) const
{
    NamedTensors tensors;
    const ModelConfig &c = model.info().config;
    CaptureOptions capture;
    capture.hiddenStates = false;
    const ModelOutputs outputs = model.run(probe.inputs, capture);
    for (int64_t l = 0; l < c.layers; ++l) {
        FloatTensor a = outputs.at("attentions." + std::to_string(l));
        a.shape.erase(a.shape.begin()); // batch of one
        tensors.emplace_back("attentions." + std::to_string(l), std::move(a));
    }
    if (model.info().capabilities.learnedPositions) { // RoPE models have none to watch
        const Matrix positions = model.positionTable();
        tensors.emplace_back("position_embeddings", FloatTensor{{positions.rows, positions.cols}, positions.values});
    }
    tensors.emplace_back("token_embeddings", tokenEmbeddings(c, weights));
    return tensors;
}

} // namespace tessera::detail
