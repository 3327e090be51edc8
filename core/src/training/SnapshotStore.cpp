// Snapshots of a run folder for scrubbing: snapshots/index.json and
// snapshots/step-<step>.safetensors, each holding the tensors its recipe's snapshotTensors gave
// (float16). Reading a snapshot's model asks the run's recipe row (snapshotModel); a transformer's
// is the default.

#include "TrainingInternal.h"

#include "tessera/core/FileIO.h"
#include "tessera/core/Safetensors.h"

#include "../Network.h"
#include "../TorchTensors.h"

#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace tessera {
namespace detail {

nlohmann::json openSnapshotIndex(const std::string &run, const TrainingOptions &options, const ModelConfig &config,
                                 const Probe &probe, bool resuming)
{
    nlohmann::json index = {{"recipe", options.recipe},     {"model_type", config.modelType},
                            {"layers", config.layers},      {"heads", config.heads},
                            {"probe_tokens", probe.tokens}, {"snapshots", nlohmann::json::array()}};
    if (!probe.targetTokens.empty())
        index["probe_target_tokens"] = probe.targetTokens;
    const fs::path indexPath = fs::path(run) / "snapshots" / "index.json";
    if (resuming && fs::exists(indexPath)) {
        try {
            index["snapshots"] =
                nlohmann::json::parse(readFile(indexPath.string())).value("snapshots", nlohmann::json::array());
        } catch (const nlohmann::json::exception &) {
        }
    } else if (!resuming) {
        fs::remove_all(fs::path(run) / "snapshots");
    }
    return index;
}

void writeSnapshot(const std::string &run, int64_t step, const NamedTensors &tensors, nlohmann::json &index,
                   double loss, double accuracy)
{
    const fs::path folder = fs::path(run) / "snapshots";
    fs::create_directories(folder);
    const std::string file = "step-" + stepName(step) + ".safetensors";
    writeSafetensors((folder / file).string(), tensors, {{"step", std::to_string(step)}}, DType::F16);
    nlohmann::json &list = index["snapshots"];
    // A resumed run rewrites snapshots past its checkpoint.
    nlohmann::json kept = nlohmann::json::array();
    for (const auto &entry : list)
        if (entry.value("step", int64_t(0)) < step)
            kept.push_back(entry);
    kept.push_back({{"step", step}, {"file", file}, {"loss", loss}, {"accuracy", accuracy}});
    list = kept;
    writeJson((folder / "index.json").string(), index);
}

Weights readSnapshotWeights(const std::string &snapshotFile)
{
    SafetensorsFile file(snapshotFile);
    Weights weights;
    for (const std::string &key : file.keys())
        if (key.rfind("weights.", 0) == 0)
            weights[key.substr(8)] = toTorch(file.readFloat(key));
    return weights;
}

namespace {

std::string snapshotFile(const SnapshotIndex &index, int64_t step)
{
    return index.folder + "/snapshots/step-" + stepName(step) + ".safetensors";
}

// A transformer's snapshot model: the run's config.json with the snapshot's weights.
std::shared_ptr<const Model> transformerSnapshotModel(const std::string &runFolder, const std::string &path,
                                                      const std::string &name)
{
    const ModelConfig config = ModelConfig::fromFile(runFolder + "/config.json");
    const Weights weights = readSnapshotWeights(path);
    if (weights.empty())
        throw Error(
            "this snapshot holds no weights (only small ViT runs keep them); open the run's final model instead", path);
    return modelFromWeights(config, weights, name);
}

SnapshotIndex readSnapshotIndexUnguarded(const std::string &runFolder)
{
    const std::string path = runFolder + "/snapshots/index.json";
    if (!fs::exists(path))
        throw Error("no training snapshots here (snapshots/index.json)", runFolder);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(readFile(path, 64u << 20));
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("not valid JSON: ") + e.what(), path);
    }
    SnapshotIndex index;
    index.folder = runFolder;
    try {
        index.recipe = j.value("recipe", std::string());
        index.modelType = j.value("model_type", std::string());
        index.layers = j.at("layers").get<int64_t>();
        index.heads = j.at("heads").get<int64_t>();
        index.probeTokens = j.at("probe_tokens").get<std::vector<std::string>>();
        if (j.contains("probe_target_tokens"))
            index.probeTargetTokens = j.at("probe_target_tokens").get<std::vector<std::string>>();
        for (const auto &entry : j.at("snapshots")) {
            index.steps.push_back(entry.at("step").get<int64_t>());
            auto number = [&](const char *key) {
                return entry.contains(key) && entry[key].is_number() ? entry[key].get<double>() : std::nan("");
            };
            index.losses.push_back(number("loss"));
            index.accuracies.push_back(number("accuracy"));
        }
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("incomplete snapshot index: ") + e.what(), path);
    }
    if (index.steps.empty())
        throw Error("the snapshot index lists no snapshots", path);
    return index;
}

} // namespace
} // namespace detail

SnapshotIndex readSnapshotIndex(const std::string &runFolder)
{
    return detail::namingFilesystemErrors(runFolder, [&] { return detail::readSnapshotIndexUnguarded(runFolder); });
}

std::map<std::string, FloatTensor> readSnapshot(const SnapshotIndex &index, int64_t step)
{
    SafetensorsFile file(detail::snapshotFile(index, step));
    std::map<std::string, FloatTensor> tensors;
    for (const std::string &key : file.keys())
        if (key.rfind("weights.", 0) != 0)
            tensors[key] = file.readFloat(key);
    return tensors;
}

bool snapshotHasWeights(const SnapshotIndex &index, int64_t step)
{
    SafetensorsFile file(detail::snapshotFile(index, step));
    for (const std::string &key : file.keys())
        if (key.rfind("weights.", 0) == 0)
            return true;
    return false;
}

std::shared_ptr<const Model> snapshotModel(const SnapshotIndex &index, int64_t step)
{
    const std::string path = detail::snapshotFile(index, step);
    const std::string name = index.folder + " (step " + std::to_string(step) + ")";
    const detail::RecipeRow *row = detail::findRecipeRow(index.recipe);
    if (row && row->snapshotModel)
        return row->snapshotModel(index.folder, path, name);
    return detail::transformerSnapshotModel(index.folder, path, name);
}

} // namespace tessera
