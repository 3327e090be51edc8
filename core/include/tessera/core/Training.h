#pragma once
// Training small transformers and diffusion denoisers in place, as a job (train() runs on the caller's thread; the GUI
// runs it on a worker). Recipes:
//   copy, reverse, sort      BERT-style encoder on digit sequences "[CLS] x1 .. xn [SEP]"; the
//                            output at xi's position is the answer (a known attention solution:
//                            the diagonal, the anti-diagonal, the rank order)
//   reverse-causal           GPT-2 on "x1..xn>y1..yn" (byte-level); predicts the reversed digits
//   gpt-text                 a tiny byte-level GPT-2 on a text file
//   bert-text                a tiny BERT masked LM on a text file, character WordPiece vocabulary,
//                            the notes' masking: 15% of tokens, of which 80% [MASK], 10% random,
//                            10% unchanged
//   vit-fashion              a ViT classifier on Fashion-MNIST (Debian's dataset-fashion-mnist)
//   dates                    a small T5 writes dates given many ways as ISO 8601, character by
//                            character (sequence_accuracy: exact held-out sequences); snapshots
//                            keep its cross_attentions.{layer} [heads, target, source] too
//   diffusion-fashion        a diffusers UNet2DModel denoising Fashion-MNIST padded to 32 x 32
//   diffusion-swiss-roll, diffusion-moons, diffusion-8-gaussians
//                            Tessera's MLP denoiser on 2-D points (Diffusion.h); both with the
//                            DDPM objective, saved in diffusers' layout (config.json,
//                            diffusion_pytorch_model.safetensors, scheduler/); no accuracy (NaN
//                            in points and evaluations), no snapshots
// Machinery: AdamW (decoupled weight decay on matrices only), linear warm-up then cosine or
// linear decay, global gradient-norm clipping, seeds (the data of step s depends only on the
// seed and s, so a resumed run continues the uninterrupted run's curve exactly), a NaN/Inf
// tripwire naming the parameter, overfit-one-batch, a float64 re-run of one step.
// Output folder (Hugging Face layout, loadable by loadModel and by transformers):
//   config.json, model.safetensors, tokenizer files [, preprocessor_config.json]
//   metrics.json                  final held-out metrics
//   checkpoint-<step>/            the above plus optimizer.safetensors and trainer_state.json
//                                 (complete or absent: written aside, then renamed)
//   snapshots/index.json, snapshots/step-<step>.safetensors
//                                 the probe input's attentions.{layer} [heads, n, n], the
//                                 position_embeddings [positions, hidden] and
//                                 token_embeddings [vocabulary or patch dim, hidden], float16;
//                                 small ViTs also their weights.<name> (the ViT lens scrubs them)

#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"
#include "tessera/core/Model.h"
#include "tessera/core/Tokenizer.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tessera {

struct TrainingOptions {
    std::string recipe = "reverse";
    std::string outputFolder;  // required
    std::string textFile;      // gpt-text, bert-text
    std::string datasetFolder; // vit-fashion; empty: Debian's dataset-fashion-mnist
    bool resume = false;       // continue the run saved in outputFolder
    // 0 / negative values: the recipe's default (see recipeDefaults).
    int64_t steps = 0;
    int64_t batchSize = 0;
    double learningRate = 0.0;
    int64_t warmupSteps = -1;
    std::string schedule = "cosine"; // cosine, linear, constant (after warm-up)
    double weightDecay = 0.01;
    double clipNorm = 1.0; // <= 0: no clipping
    uint64_t seed = 1;
    int64_t layers = 0;
    int64_t hidden = 0;
    int64_t heads = 0;
    int64_t sequenceLength = 0;   // tokens per example (text), longest sequence (tasks)
    int64_t snapshotEvery = 0;    // 0: about 40 snapshots per run
    int64_t checkpointEvery = 0;  // 0: every tenth of the run (and at the end, and on cancel)
    int64_t evaluateEvery = 0;    // held-out evaluation; 0: about 20 per run
    bool overfitOneBatch = false; // the notes' sanity check: the same batch every step
    int64_t float64Step = -1;     // re-run this step in float64 and report the differences
    int64_t stopAfter = 0;        // > 0: checkpoint and stop after this step (run in pieces)
};

struct RecipeInfo {
    std::string name;
    std::string title;        // "Reverse a sequence"
    std::string description;  // one paragraph for tooltips and --help
    std::string architecture; // "bert", "gpt2", "vit"
    bool needsTextFile = false;
    TrainingOptions defaults; // filled-in steps, batch size, learning rate, model size
    // What the model this recipe trains can do (from its architecture).
    ModelCapabilities capabilities() const;
};

const std::vector<RecipeInfo> &trainingRecipes();
// The recipe's defaults with the options' non-default values applied; throws for unknown
// recipes and impossible sizes (hidden not divisible by heads, ...).
TrainingOptions resolveOptions(const TrainingOptions &options);

// One point of the live curves.
struct TrainingPoint {
    int64_t step = 0;
    double loss = 0.0;
    double accuracy = 0.0; // on the batch (tokens or images)
    double learningRate = 0.0;
    double gradientNorm = 0.0; // before clipping
    double seconds = 0.0;      // since the run (or resume) started
};

// What the callback receives, at a bounded rate (about 10 per second): the points since the
// last report, held-out evaluations since then, per-group gradient norms of the last step.
struct TrainingReport {
    int64_t totalSteps = 0;
    std::vector<TrainingPoint> points;
    std::vector<TrainingPoint> evaluations;                 // held-out loss and accuracy
    std::vector<std::pair<std::string, double>> groupNorms; // "embeddings", "layer 0", ..., "head"
    int64_t snapshotStep = -1;                              // a snapshot was written at this step
    std::string message;                                    // notable events (float64 check, ...)
};

struct TrainingResult {
    std::string folder;
    int64_t steps = 0;                     // steps completed
    bool finished = false;                 // false: stopped early (stopAfter)
    std::map<std::string, double> metrics; // as in metrics.json
    std::string summary;                   // one line for people
};

using TrainingCallback = std::function<void(const TrainingReport &)>;

// Trains, writing the output folder as above. Cancellation saves a checkpoint, then throws
// CancelledError. Throws tessera::Error for bad options, unreadable data, a non-finite loss or
// gradient (naming the parameter and the step), or a folder that holds another run.
TrainingResult train(const TrainingOptions &options, JobContext &context, const TrainingCallback &onReport = {});

// A run's curves as saved in its latest checkpoint, its options and final metrics (when
// finished). Throws tessera::Error when the folder holds no run.
struct TrainingHistory {
    TrainingOptions options;
    int64_t step = 0;
    std::vector<TrainingPoint> points;
    std::vector<TrainingPoint> evaluations;
    std::map<std::string, double> metrics;
};
TrainingHistory readTrainingHistory(const std::string &runFolder);

// Snapshots of a run folder, for scrubbing.
struct SnapshotIndex {
    std::string folder;
    std::string recipe;
    std::string modelType;
    int64_t layers = 0;
    int64_t heads = 0;
    std::vector<std::string> probeTokens;       // labels of the probe's positions (an encoder-decoder's source)
    std::vector<std::string> probeTargetTokens; // an encoder-decoder's target (dates), one per decoder position
    std::vector<int64_t> steps;                 // ascending
    std::vector<double> losses;                 // held-out or batch loss at each snapshot
    std::vector<double> accuracies;
    // What the run's model can do (from its model type), for the panels that show snapshots.
    ModelCapabilities capabilities() const;
};
// Throws tessera::Error when the folder has no snapshots/index.json.
SnapshotIndex readSnapshotIndex(const std::string &runFolder);
// One snapshot's tensors by name (attentions.{l} [heads, n, n], position_embeddings, token_embeddings).
std::map<std::string, FloatTensor> readSnapshot(const SnapshotIndex &index, int64_t step);
// Snapshots of small ViT runs also keep the whole model ("weights.<name>", float16): the model
// as it was at that step, runnable on any image. snapshotModel throws tessera::Error when the
// snapshot has no weights.
bool snapshotHasWeights(const SnapshotIndex &index, int64_t step);
std::shared_ptr<const Model> snapshotModel(const SnapshotIndex &index, int64_t step);

// Autoregressive sampling from a GPT-2 model: prompt, then up to maxTokens tokens drawn with
// temperature (0: greedy) from the topK most likely; stops at <|endoftext|>. Returns the whole
// text. Deterministic for a seed. Throws tessera::Error for other architectures.
std::string generateText(const Model &model, const Tokenizer &tokenizer, const std::string &prompt, int maxTokens,
                         double temperature = 0.8, int topK = 40, uint64_t seed = 1, JobContext *context = nullptr);

// The notes' masking for a masked language model, on ids[1 .. n-2] (the ends are [CLS] and
// [SEP]): each token is chosen with probability 0.15; a chosen token becomes maskId with
// probability 0.8, a random id in [firstOrdinaryId, vocabularySize) with 0.1, or stays with 0.1.
// Returns the targets: the original id where chosen, -100 (not scored) elsewhere; ids change in place.
std::vector<int64_t> maskForLanguageModel(std::vector<int64_t> &ids, int64_t maskId, int64_t firstOrdinaryId,
                                          int64_t vocabularySize, uint64_t seed);

// The learning rate at a step (1-based) for the options' schedule: linear warm-up from 0 over
// warmupSteps, then cosine or linear decay to 0 at steps, or constant.
double learningRateAt(const TrainingOptions &options, int64_t step);

} // namespace tessera
