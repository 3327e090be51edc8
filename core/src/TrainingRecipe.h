#pragma once
// Internal to core (LibTorch visible): what a training recipe gives train()'s loop (Training.cpp).
// A recipe makes the data (batch(step) depends only on the seed and the step, so a resumed run
// continues the uninterrupted run's curve exactly) and owns its network: initial weights, the
// differentiable loss, held-out evaluation and the files of a saved model. The defaults are the
// transformer recipes' (cross-entropy over a Hugging Face model); the diffusion recipes
// (DiffusionTraining.cpp) override them. Used by one training job's thread.

#include "tessera/core/Model.h"
#include "tessera/core/Training.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tessera::detail {

using Weights = std::map<std::string, torch::Tensor>;
using WeightShapes = std::vector<std::pair<std::string, std::vector<int64_t>>>;

struct Batch {
    ModelInputs inputs;
    torch::Tensor targets;   // [batch, sequence] token targets, [batch] labels, or the noise to predict
};

struct Probe {
    ModelInputs inputs;                 // batch of one
    std::vector<std::string> tokens;    // position labels
};

struct StepOutcome {
    torch::Tensor loss;     // scalar, with autograd
    double accuracy = 0.0;  // NaN where the recipe has none
};

struct Evaluation {
    double loss = 0.0;
    double accuracy = 0.0;  // NaN where the recipe has none
};

class Recipe {
public:
    virtual ~Recipe() = default;
    // The model's configuration (tokenizer-dependent sizes filled in).
    virtual ModelConfig config(const TrainingOptions &o) const = 0;
    virtual Batch batch(int64_t step, bool heldOut, int64_t size) const = 0;
    // The input whose attention each snapshot records (recipes without snapshots: none).
    virtual Probe probe() const { return {}; }
    virtual void writeTokenizer(const std::string &) const {}
    // Held-out evaluation batches (fixed for the run).
    virtual int64_t evaluationBatches() const { return 8; }
    // Extra held-out metrics from the trained model (attention on the expected keys, ...).
    virtual void finalMetrics(const Model &, std::map<std::string, double> &, JobContext &) const {}
    // The name of the main held-out metric in metrics.json; empty: the recipe has no accuracy.
    virtual std::string accuracyName() const { return "token_accuracy"; }
    // Snapshots of attention for scrubbing (transformers); diffusion recipes write none.
    virtual bool writesSnapshots() const { return true; }

    // The network. Defaults: the transformer of config() with its head.
    virtual WeightShapes weightShapes(const ModelConfig &config) const;
    virtual Weights initialWeights(const ModelConfig &config, uint64_t seed) const;
    virtual std::unique_ptr<Model> model(const ModelConfig &config, const Weights &weights, const std::string &folder) const;
    virtual StepOutcome loss(const Model &model, const Batch &batch) const;
    virtual Evaluation evaluate(const Model &model, int64_t batchSize, JobContext &context) const;
    // The model files of a folder (the run's top and each checkpoint): config, weights, tokenizer.
    virtual void saveModel(const std::string &folder, const ModelConfig &config, const Weights &weights) const;
    // The weights file saveModel writes and the key of a weight in it (resume reads them back).
    virtual std::string weightsFile() const { return "model.safetensors"; }
    virtual std::string weightKey(const ModelConfig &config, const std::string &name) const;
    // Which gradient-norm curve a weight belongs to ("embeddings", "layer 0", "head", ...).
    virtual std::string groupOf(const std::string &name) const;
};

// A seed for one purpose at one step: data of step s depends only on (seed, stream, s).
std::mt19937_64 streamFor(uint64_t seed, uint64_t stream, uint64_t step);

// Pretty JSON, written atomically.
void writeJson(const std::string &path, const nlohmann::json &json);

// A recipe's description and defaults (warm-up: a twentieth of the steps).
RecipeInfo recipeInfo(std::string name, std::string title, std::string description, std::string architecture, bool text,
                      int64_t steps, int64_t batch, double rate, int64_t layers, int64_t hidden, int64_t heads, int64_t length);

// The diffusion recipes (DiffusionTraining.cpp): their descriptions and defaults, and the recipe
// for options naming one (nullptr for other recipes).
std::vector<RecipeInfo> diffusionRecipes();
std::unique_ptr<Recipe> makeDiffusionRecipe(const TrainingOptions &options);

// The DETR recipe (DetrTraining.cpp): detr-shapes.
std::vector<RecipeInfo> detrRecipes();
std::unique_ptr<Recipe> makeDetrRecipe(const TrainingOptions &options);

} // namespace tessera::detail
