#pragma once
// Internal to core (LibTorch visible): what a training recipe gives train()'s loop (Trainer.cpp).
// A recipe makes the data (batch(step) depends only on the seed and the step, so a resumed run
// continues the uninterrupted run's curve exactly) and owns its network: initial weights, the
// differentiable loss, held-out evaluation, the files of a saved model and the tensors of a
// snapshot. The defaults are the transformer recipes' (cross-entropy over a Hugging Face model,
// Recipe.cpp); the diffusion and DETR recipes (DiffusionRecipe.cpp, DetrRecipe.cpp) override them.
// A recipe object is used by one training job's thread.
//
// Each recipe file contributes its rows to the one registry (RecipeRegistry.cpp): the
// description and defaults, a factory, and optional option checks and snapshot loader.

#include "tessera/core/Model.h"
#include "tessera/core/Training.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tessera::detail {

using Weights = std::map<std::string, torch::Tensor>;
using WeightShapes = std::vector<std::pair<std::string, std::vector<int64_t>>>;
using NamedTensors = std::vector<std::pair<std::string, FloatTensor>>;

struct Batch {
    ModelInputs inputs;
    torch::Tensor targets; // [batch, sequence] token targets, [batch] labels, or the noise to predict
};

struct Probe {
    ModelInputs inputs;                    // batch of one
    std::vector<std::string> tokens;       // position labels (an encoder-decoder's: the source's)
    std::vector<std::string> targetTokens; // an encoder-decoder's target, one per decoder position
};

struct StepOutcome {
    torch::Tensor loss;    // scalar, with autograd
    double accuracy = 0.0; // NaN where the recipe has none
};

struct Evaluation {
    double loss = 0.0;
    double accuracy = 0.0; // NaN where the recipe has none
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
    // Held-out evaluation batches of batchSize examples (fixed for the run).
    virtual int64_t evaluationBatches(int64_t /*batchSize*/) const { return 8; }
    // Extra held-out metrics from the trained model (attention on the expected keys, ...).
    virtual void finalMetrics(const Model &, std::map<std::string, double> &, JobContext &) const {}
    // The name of the main held-out metric in metrics.json; empty: the recipe has no accuracy.
    virtual std::string accuracyName() const { return "token_accuracy"; }
    // Snapshots of attention for scrubbing (transformers); diffusion recipes write none.
    virtual bool writesSnapshots() const { return true; }
    // The tensors of one snapshot (SnapshotStore.cpp writes them as float16). Default: the
    // probe's attentions.{layer} [heads, n, n], position_embeddings [positions, hidden] and
    // token_embeddings [vocabulary or patch dim, hidden]; recipes that keep the model add or
    // write "weights.<name>" (snapshotModel reads those back).
    virtual NamedTensors snapshotTensors(const Model &model, const Weights &weights, const Probe &probe) const;

    // The network. Defaults: the transformer of config() with its head.
    virtual WeightShapes weightShapes(const ModelConfig &config) const;
    virtual Weights initialWeights(const ModelConfig &config, uint64_t seed) const;
    virtual std::unique_ptr<Model> model(const ModelConfig &config, const Weights &weights,
                                         const std::string &folder) const;
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

// One row of the recipe registry: info and make are required, the others optional.
struct RecipeRow {
    using Factory = std::function<std::unique_ptr<Recipe>(const TrainingOptions &)>;
    RecipeRow(RecipeInfo info, Factory make) : info(std::move(info)), make(std::move(make)) {}

    RecipeInfo info;
    // The recipe for resolved options naming it (may read its data: text file, dataset).
    Factory make;
    // Checks of resolved options particular to the recipe (throws tessera::Error); may be empty.
    std::function<void(const TrainingOptions &)> checkOptions;
    // The model of one snapshot file of a run folder ("weights.<name>" tensors), named name;
    // empty: a transformer's (the run's config.json). Any thread.
    std::function<std::shared_ptr<const Model>(const std::string &runFolder, const std::string &snapshotFile,
                                               const std::string &name)>
        snapshotModel;
};

// The registry (RecipeRegistry.cpp): every recipe's row, in the order trainingRecipes() lists
// them; the row of a recipe name (nullptr when none); the recipe for resolved options (throws
// for unknown names). Any thread.
const std::vector<RecipeRow> &recipeRows();
const RecipeRow *findRecipeRow(const std::string &name);
std::unique_ptr<Recipe> makeRecipe(const TrainingOptions &options);

// The rows each recipe file contributes.
std::vector<RecipeRow> sequenceTaskRecipeRows();  // reverse, copy, sort (SequenceTaskRecipe.cpp)
std::vector<RecipeRow> causalReverseRecipeRows(); // reverse-causal (CausalReverseRecipe.cpp)
std::vector<RecipeRow> textGptRecipeRows();       // gpt-text (TextGptRecipe.cpp)
std::vector<RecipeRow> textBertRecipeRows();      // bert-text (TextBertRecipe.cpp)
std::vector<RecipeRow> datesRecipeRows();         // dates (DatesRecipe.cpp)
std::vector<RecipeRow> fashionVitRecipeRows();    // vit-fashion (FashionVitRecipe.cpp)
std::vector<RecipeRow> diffusionRecipeRows();     // diffusion-* (DiffusionRecipe.cpp)
std::vector<RecipeRow> detrRecipeRows();          // detr-shapes (DetrRecipe.cpp)

// A seed for one purpose at one step: data of step s depends only on (seed, stream, s).
std::mt19937_64 streamFor(uint64_t seed, uint64_t stream, uint64_t step);

// Pretty JSON, written atomically.
void writeJson(const std::string &path, const nlohmann::json &json);

// A recipe's description and defaults (warm-up: a twentieth of the steps).
RecipeInfo recipeInfo(std::string name, std::string title, std::string description, std::string architecture, bool text,
                      int64_t steps, int64_t batch, double rate, int64_t layers, int64_t hidden, int64_t heads,
                      int64_t length);

} // namespace tessera::detail
