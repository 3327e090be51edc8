// Checkpoints of a run folder: checkpoint-<step>/ with the model files, optimizer.safetensors
// (the AdamW moments) and trainer_state.json (the options, the step and the curve), complete or
// absent; resuming from them; the run's history for the studio (readTrainingHistory).

#include "AdamW.h"
#include "TrainingInternal.h"

#include "tessera/core/FileIO.h"
#include "tessera/core/Log.h"
#include "tessera/core/Safetensors.h"

#include "../TorchTensors.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace tessera {
namespace detail {
namespace {

nlohmann::json optionsJson(const TrainingOptions &o)
{
    return {{"recipe", o.recipe},
            {"text_file", o.textFile},
            {"dataset_folder", o.datasetFolder},
            {"steps", o.steps},
            {"batch_size", o.batchSize},
            {"learning_rate", o.learningRate},
            {"warmup_steps", o.warmupSteps},
            {"schedule", o.schedule},
            {"weight_decay", o.weightDecay},
            {"clip_norm", o.clipNorm},
            {"seed", o.seed},
            {"layers", o.layers},
            {"hidden", o.hidden},
            {"heads", o.heads},
            {"sequence_length", o.sequenceLength},
            {"snapshot_every", o.snapshotEvery},
            {"checkpoint_every", o.checkpointEvery},
            {"evaluate_every", o.evaluateEvery},
            {"overfit_one_batch", o.overfitOneBatch}};
}

TrainingOptions optionsFromJson(const nlohmann::json &j, const std::string &path)
{
    TrainingOptions o;
    try {
        o.recipe = j.at("recipe").get<std::string>();
        o.textFile = j.value("text_file", std::string());
        o.datasetFolder = j.value("dataset_folder", std::string());
        o.steps = j.at("steps").get<int64_t>();
        o.batchSize = j.at("batch_size").get<int64_t>();
        o.learningRate = j.at("learning_rate").get<double>();
        o.warmupSteps = j.at("warmup_steps").get<int64_t>();
        o.schedule = j.at("schedule").get<std::string>();
        o.weightDecay = j.at("weight_decay").get<double>();
        o.clipNorm = j.at("clip_norm").get<double>();
        o.seed = j.at("seed").get<uint64_t>();
        o.layers = j.at("layers").get<int64_t>();
        o.hidden = j.at("hidden").get<int64_t>();
        o.heads = j.at("heads").get<int64_t>();
        o.sequenceLength = j.at("sequence_length").get<int64_t>();
        o.snapshotEvery = j.at("snapshot_every").get<int64_t>();
        o.checkpointEvery = j.at("checkpoint_every").get<int64_t>();
        o.evaluateEvery = j.at("evaluate_every").get<int64_t>();
        o.overfitOneBatch = j.value("overfit_one_batch", false);
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("trainer state is incomplete: ") + e.what(), path);
    }
    return o;
}

} // namespace

// A complete checkpoint folder or none: written as checkpoint-<step>.partial, then renamed.
// Older checkpoints beyond the last two are removed.
void saveCheckpoint(const std::string &run, int64_t step, const ModelConfig &config, const Weights &weights,
                    const AdamW &optimizer, const TrainingOptions &options, const Recipe &recipe,
                    const nlohmann::json &history)
{
    const fs::path final = fs::path(run) / ("checkpoint-" + stepName(step));
    const fs::path partial = fs::path(run) / ("checkpoint-" + stepName(step) + ".partial");
    fs::remove_all(partial);
    fs::create_directories(partial);
    recipe.saveModel(partial.string(), config, weights);
    std::vector<std::pair<std::string, FloatTensor>> moments;
    for (const auto &[name, tensor] : optimizer.m)
        moments.emplace_back("exp_avg." + name, fromTorch(tensor));
    for (const auto &[name, tensor] : optimizer.v)
        moments.emplace_back("exp_avg_sq." + name, fromTorch(tensor));
    writeSafetensors((partial / "optimizer.safetensors").string(), moments, {{"step", std::to_string(optimizer.step)}});
    writeJson(
        (partial / "trainer_state.json").string(),
        {{"step", step}, {"options", optionsJson(options)}, {"history", history}, {"optimizer_step", optimizer.step}});
    fs::remove_all(final);
    fs::rename(partial, final);
    // The top of the run folder is the latest model, loadable as it is.
    recipe.saveModel(run, config, weights);
    std::vector<fs::path> checkpoints;
    for (const auto &entry : fs::directory_iterator(run)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_directory() && name.rfind("checkpoint-", 0) == 0 && name.find(".partial") == std::string::npos)
            checkpoints.push_back(entry.path());
    }
    std::sort(checkpoints.begin(), checkpoints.end());
    for (size_t i = 0; i + 2 < checkpoints.size(); ++i)
        fs::remove_all(checkpoints[i]);
}

fs::path latestCheckpoint(const std::string &run)
{
    fs::path best;
    if (!fs::is_directory(run))
        return best;
    for (const auto &entry : fs::directory_iterator(run)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_directory() && name.rfind("checkpoint-", 0) == 0 && name.find(".partial") == std::string::npos &&
            fs::exists(entry.path() / "trainer_state.json") && (best.empty() || entry.path() > best))
            best = entry.path();
    }
    return best;
}

CheckpointState readCheckpointState(const fs::path &checkpoint)
{
    const std::string statePath = (checkpoint / "trainer_state.json").string();
    nlohmann::json state;
    try {
        state = nlohmann::json::parse(readFile(statePath, 256u << 20));
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("not valid JSON: ") + e.what(), statePath);
    }
    CheckpointState result;
    result.options = optionsFromJson(state.value("options", nlohmann::json::object()), statePath);
    result.step = state.value("step", int64_t(0));
    result.history = state.value("history", nlohmann::json::array());
    return result;
}

void loadCheckpoint(const fs::path &checkpoint, const Recipe &recipe, const ModelConfig &config, int64_t step,
                    Weights &weights, AdamW &optimizer)
{
    SafetensorsFile model((checkpoint / recipe.weightsFile()).string());
    SafetensorsFile moments((checkpoint / "optimizer.safetensors").string());
    torch::NoGradGuard noGrad;
    for (auto &[name, w] : weights) {
        const std::string key = recipe.weightKey(config, name);
        if (!model.contains(key))
            throw Error("weight missing from the checkpoint", model.path(), key);
        const torch::Tensor saved = toTorch(model.readFloat(key));
        if (saved.sizes() != w.sizes())
            throw Error("shape disagrees with the run's configuration", model.path(), key);
        w.copy_(saved);
        for (const char *kind : {"exp_avg.", "exp_avg_sq."})
            if (moments.contains(kind + name))
                (std::string(kind) == "exp_avg." ? optimizer.m : optimizer.v)[name] =
                    toTorch(moments.readFloat(kind + name));
    }
    const auto meta = moments.metadata().find("step");
    optimizer.step = meta == moments.metadata().end() ? step : std::stoll(meta->second);
}

static TrainingHistory readTrainingHistoryUnguarded(const std::string &runFolder)
{
    const fs::path checkpoint = latestCheckpoint(runFolder);
    if (checkpoint.empty())
        throw Error("no training run here (no checkpoint-<step>/trainer_state.json)", runFolder);
    const std::string path = (checkpoint / "trainer_state.json").string();
    TrainingHistory history;
    try {
        const nlohmann::json state = nlohmann::json::parse(readFile(path, 256u << 20));
        history.options = optionsFromJson(state.at("options"), path);
        history.options.outputFolder = runFolder;
        history.step = state.at("step").get<int64_t>();
        for (const auto &entry : state.at("history")) {
            TrainingPoint point;
            point.step = entry.at("step").get<int64_t>();
            point.loss = entry.at("loss").get<double>();
            point.accuracy = entry.value("accuracy", std::nan(""));
            point.learningRate = entry.value("learning_rate", 0.0);
            point.gradientNorm = entry.value("grad_norm", 0.0);
            history.points.push_back(point);
            if (entry.contains("heldout_loss"))
                history.evaluations.push_back({point.step, entry.at("heldout_loss").get<double>(),
                                               entry.value("heldout_accuracy", std::nan("")), point.learningRate, 0.0,
                                               0.0});
        }
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("unreadable trainer state: ") + e.what(), path);
    }
    const std::string metricsPath = runFolder + "/metrics.json";
    if (fs::exists(metricsPath)) {
        try {
            const nlohmann::json metrics = nlohmann::json::parse(readFile(metricsPath));
            for (const auto &[key, value] : metrics.items())
                if (value.is_number())
                    history.metrics[key] = value.get<double>();
        } catch (const nlohmann::json::exception &) {
            logWarning(metricsPath + " is not valid JSON; its metrics are not shown");
        }
    }
    return history;
}

} // namespace detail

TrainingHistory readTrainingHistory(const std::string &runFolder)
{
    return detail::namingFilesystemErrors(runFolder, [&] { return detail::readTrainingHistoryUnguarded(runFolder); });
}

} // namespace tessera
