#pragma once
// Internal to core/src/training: the helpers the recipe files share (RecipeHelpers.cpp) and the
// checkpoint and snapshot stores train()'s loop uses (CheckpointStore.cpp, SnapshotStore.cpp).
// Everything here is used by one training job's thread, except where a function says otherwise.

#include "Recipe.h"

#include "tessera/core/Error.h"
#include "tessera/core/Training.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tessera::detail {

struct AdamW;

constexpr int64_t kIgnore = -100;        // targets not scored (cross_entropy's ignore_index)
constexpr int64_t kByteVocabulary = 257; // byte-level GPT-2: 256 bytes + <|endoftext|>
constexpr int64_t kEndOfText = 256;

// ---- Recipe helpers (RecipeHelpers.cpp) ----------------------------------------------------------

// values as an int64 tensor of that shape.
torch::Tensor longTensor(const std::vector<int64_t> &values, std::vector<int64_t> shape);

// "000042": the step in checkpoint and snapshot names.
std::string stepName(int64_t step);

// The parts of a model configuration every recipe sets the same way (hidden, layers, heads, an
// intermediate size of feedForwardFactor x hidden); the recipe adds the rest.
ModelConfig recipeConfig(const std::string &type, const std::string &architecture, const TrainingOptions &o,
                         int64_t feedForwardFactor);
// A BertForMaskedLM configuration over a vocabulary of that size and that many positions.
ModelConfig bertConfig(const TrainingOptions &o, int64_t vocabulary, int64_t positions);
// A GPT2LMHeadModel configuration over the byte vocabulary (kByteVocabulary) and that many positions.
ModelConfig byteGptConfig(const TrainingOptions &o, int64_t positions);
// A Llama-style decoder over the same bytes: RMSNorm, RoPE, SwiGLU, key/value heads in pairs.
ModelConfig byteLlamaConfig(const TrainingOptions &o, int64_t positions);

// vocab.txt (one token per line, the special tokens first) with the cased BertTokenizer
// settings beside it, as save_pretrained writes them.
void writeWordPieceTokenizer(const std::string &folder, const std::vector<std::string> &tokens, int64_t maxLength);
// A byte-level BPE tokenizer (ids 0-255 the bytes, 256 <|endoftext|>, no merges) for GPT2Tokenizer.
void writeByteTokenizer(const std::string &folder, int64_t positions);
// A byte id's label for snapshots ("a", "␣", "\n", "0x1F", "<|endoftext|>").
std::string byteLabel(int64_t id);

// The head that puts most weight on where the answer is: meanWeight(attention [batch, heads, n, n],
// head) for every layer and head; the best goes into metrics (attention_on_answer[_layer|_head]).
void bestHeadOnAnswer(const ModelOutputs &outputs, int64_t layers,
                      const std::function<double(const FloatTensor &, int64_t)> &meanWeight,
                      std::map<std::string, double> &metrics);

// A UTF-8 text file of at least 1 KiB (at most 64 MiB) to train on; throws naming the file.
std::string readTextFile(const std::string &path);

// ---- Checkpoints (CheckpointStore.cpp) -----------------------------------------------------------
// A run folder holds checkpoint-<step>/ folders, complete or absent, the last two kept.

// The newest complete checkpoint folder of a run; empty when none.
std::filesystem::path latestCheckpoint(const std::string &run);

// What a checkpoint's trainer_state.json says: the run's options, its step and its curve.
struct CheckpointState {
    TrainingOptions options;
    int64_t step = 0;
    nlohmann::json history; // [{step, loss, learning_rate, grad_norm[, accuracy, heldout_...]}]
};
// Throws tessera::Error when the state is not valid JSON or its options are incomplete.
CheckpointState readCheckpointState(const std::filesystem::path &checkpoint);

// Writes checkpoint-<step> (model files, optimizer.safetensors, trainer_state.json) as
// checkpoint-<step>.partial, then renames it; saves the model at the top of the run folder too.
void saveCheckpoint(const std::string &run, int64_t step, const ModelConfig &config, const Weights &weights,
                    const AdamW &optimizer, const TrainingOptions &options, const Recipe &recipe,
                    const nlohmann::json &history);

// Copies a checkpoint's weights into weights (the shapes of the run's configuration) and its
// moments into the optimizer; throws naming the file and the key of a missing or misshapen weight.
void loadCheckpoint(const std::filesystem::path &checkpoint, const Recipe &recipe, const ModelConfig &config,
                    int64_t step, Weights &weights, AdamW &optimizer);

// ---- Snapshots (SnapshotStore.cpp) ---------------------------------------------------------------
// snapshots/index.json lists snapshots/step-<step>.safetensors (float16 tensors of the recipe's
// snapshotTensors).

// The index a run starts with: the recipe, model shape and probe labels, and on resume the
// snapshots already listed; a fresh run removes any old snapshots folder.
nlohmann::json openSnapshotIndex(const std::string &run, const TrainingOptions &options, const ModelConfig &config,
                                 const Probe &probe, bool resuming);

// Writes one snapshot's tensors and lists it in index (written to snapshots/index.json); a
// resumed run's snapshots past the checkpoint are replaced.
void writeSnapshot(const std::string &run, int64_t step, const NamedTensors &tensors, nlohmann::json &index,
                   double loss, double accuracy);

// The "weights.<name>" tensors of a snapshot file, by name (without the prefix).
Weights readSnapshotWeights(const std::string &snapshotFile);

// ---- Public entry points ---------------------------------------------------------------------------

// The standard library's filesystem_error (a path too long, a folder that cannot be read)
// becomes an error naming the folder, as every other refusal (tst_mainwindow's hostile sessions
// found a 100 kB run path escaping as std::terminate).
template <class F> auto namingFilesystemErrors(const std::string &folder, F &&work) -> decltype(work())
{
    try {
        return work();
    } catch (const std::filesystem::filesystem_error &e) {
        throw Error("cannot use this folder: " + e.code().message(),
                    folder.size() > 300 ? folder.substr(0, 300) + "..." : folder);
    }
}

} // namespace tessera::detail
