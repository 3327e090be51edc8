// train()'s loop on any recipe: options resolved against the recipe's defaults, AdamW with
// warm-up and decay, gradient clipping, the NaN/Inf tripwire, the float64 re-run of one step,
// held-out evaluations, snapshots, checkpoints, resume and the final metrics.

#include "AdamW.h"
#include "TrainingInternal.h"

#include "tessera/core/Error.h"
#include "tessera/core/Log.h"
#include "tessera/core/Runtime.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace tessera {

namespace {

using Clock = std::chrono::steady_clock;
using detail::Batch;
using detail::Evaluation;
using detail::Probe;
using detail::Recipe;
using detail::StepOutcome;
using detail::Weights;
using detail::writeJson;

} // namespace

TrainingOptions resolveOptions(const TrainingOptions &options)
{
    const detail::RecipeRow *row = detail::findRecipeRow(options.recipe);
    if (!row) {
        std::string names;
        for (const RecipeInfo &r : trainingRecipes())
            names += (names.empty() ? "" : ", ") + r.name;
        throw Error("unknown recipe \"" + options.recipe + "\" (recipes: " + names + ")");
    }
    TrainingOptions o = options;
    const TrainingOptions &d = row->info.defaults;
    if (o.steps <= 0)
        o.steps = d.steps;
    if (o.batchSize <= 0)
        o.batchSize = d.batchSize;
    if (o.learningRate <= 0)
        o.learningRate = d.learningRate;
    if (o.warmupSteps < 0)
        o.warmupSteps = std::max<int64_t>(1, o.steps / 20);
    if (o.layers <= 0)
        o.layers = d.layers;
    if (o.hidden <= 0)
        o.hidden = d.hidden;
    if (o.heads <= 0)
        o.heads = d.heads;
    if (o.sequenceLength <= 0)
        o.sequenceLength = d.sequenceLength;
    if (o.snapshotEvery <= 0)
        o.snapshotEvery = std::max<int64_t>(1, o.steps / 40);
    if (o.checkpointEvery <= 0)
        o.checkpointEvery = std::max<int64_t>(1, o.steps / 10);
    if (o.evaluateEvery <= 0)
        o.evaluateEvery = std::max<int64_t>(1, o.steps / 20);
    if (o.outputFolder.empty())
        throw Error("an output folder is needed (--out DIR)");
    if (o.hidden % o.heads != 0)
        throw Error("hidden size " + std::to_string(o.hidden) + " is not divisible by " + std::to_string(o.heads) +
                    " heads");
    if (o.schedule != "cosine" && o.schedule != "linear" && o.schedule != "constant")
        throw Error("schedule \"" + o.schedule + "\" is not one of cosine, linear, constant");
    if (row->checkOptions)
        row->checkOptions(o);
    if (o.batchSize > 4096 || o.hidden > 4096 || o.layers > 48 || o.sequenceLength > 4096)
        throw Error("these sizes are beyond what the training studio is for (batch <= 4096, hidden <= 4096, "
                    "layers <= 48, sequence <= 4096)");
    if (row->info.needsTextFile && o.textFile.empty())
        throw Error("recipe " + o.recipe + " needs a text file (--text FILE)");
    return o;
}

double learningRateAt(const TrainingOptions &o, int64_t step)
{
    const double peak = o.learningRate;
    if (o.warmupSteps > 0 && step <= o.warmupSteps)
        return peak * double(step) / double(o.warmupSteps);
    if (o.schedule == "constant" || o.steps <= o.warmupSteps)
        return peak;
    const double progress = double(step - o.warmupSteps) / double(o.steps - o.warmupSteps);
    if (o.schedule == "linear")
        return peak * std::max(0.0, 1.0 - progress);
    return peak * 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
}

static TrainingResult trainUnguarded(const TrainingOptions &requested, JobContext &context,
                                     const TrainingCallback &onReport)
{
    TrainingOptions options = requested;
    const std::string run = requested.outputFolder;
    nlohmann::json history = nlohmann::json::array();
    int64_t startStep = 0;
    fs::path resumeFrom;
    if (requested.resume) {
        resumeFrom = detail::latestCheckpoint(run);
        if (resumeFrom.empty())
            throw Error("no complete checkpoint to resume from (checkpoint-<step>/trainer_state.json)", run);
        detail::CheckpointState state = detail::readCheckpointState(resumeFrom);
        const TrainingOptions &saved = state.options;
        options = saved;
        options.outputFolder = run;
        options.resume = true;
        options.stopAfter = requested.stopAfter;
        options.float64Step = requested.float64Step;
        if (requested.steps > saved.steps) // extend a finished run (the schedule stretches)
            options.steps = requested.steps;
        startStep = state.step;
        history = std::move(state.history);
    }
    options = resolveOptions(options);
    if (!requested.resume && !detail::latestCheckpoint(run).empty())
        throw Error("this folder already holds a training run; choose another folder, or resume it", run);
    fs::create_directories(run);

    context.setProgress(0.0, "preparing " + options.recipe);
    const std::unique_ptr<Recipe> recipe = detail::makeRecipe(options);
    const ModelConfig config = recipe->config(options);
    Weights weights = recipe->initialWeights(config, options.seed);
    detail::AdamW optimizer;
    if (!resumeFrom.empty())
        detail::loadCheckpoint(resumeFrom, *recipe, config, startStep, weights, optimizer);
    const std::unique_ptr<Model> model = recipe->model(config, weights, run);
    const Probe probe = recipe->probe();
    nlohmann::json index = detail::openSnapshotIndex(run, options, config, probe, !resumeFrom.empty());
    logInfo("training " + options.recipe + ": " + std::to_string(model->info().parameters) + " parameters, " +
            std::to_string(options.steps) + " steps of " + std::to_string(options.batchSize) + ", " +
            runtimeInfo().summary());

    const auto started = Clock::now();
    auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
    TrainingReport pending;
    pending.totalSteps = options.steps;
    auto lastReport = Clock::now();
    auto flush = [&](bool force) {
        if (!onReport)
            return;
        if (!force && Clock::now() - lastReport < std::chrono::milliseconds(100))
            return;
        lastReport = Clock::now();
        onReport(pending);
        pending = TrainingReport();
        pending.totalSteps = options.steps;
    };
    if (startStep == 0 && recipe->writesSnapshots())
        detail::writeSnapshot(run, 0, recipe->snapshotTensors(*model, weights, probe), index, std::nan(""),
                              std::nan(""));

    auto checkpoint = [&](int64_t step) {
        detail::saveCheckpoint(run, step, config, weights, optimizer, options, *recipe, history);
    };

    int64_t step = startStep;
    try {
        const Batch fixed = options.overfitOneBatch ? recipe->batch(0, false, options.batchSize) : Batch();
        while (step < options.steps) {
            context.throwIfCancelled();
            const int64_t current = step + 1;
            const Batch batch = options.overfitOneBatch ? fixed : recipe->batch(current, false, options.batchSize);
            for (auto &[name, w] : weights)
                w.mutable_grad() = torch::Tensor();
            StepOutcome outcome = recipe->loss(*model, batch);
            outcome.loss.backward();
            const double loss = outcome.loss.item<double>();
            // Gradient norms per group; the tripwire names the first parameter that went bad.
            std::map<std::string, double> groupSquares;
            double totalSquares = 0.0;
            for (const auto &[name, shape] : recipe->weightShapes(config)) {
                const torch::Tensor &g = weights.at(name).grad();
                if (!g.defined())
                    continue;
                const double s = g.pow(2).sum().item<double>();
                if (!std::isfinite(s))
                    throw Error("step " + std::to_string(current) + ": the gradient of " + name +
                                " is not finite (NaN or Inf); training stopped. The last checkpoint is kept. "
                                "Lower the learning rate (now " +
                                std::to_string(learningRateAt(options, current)) + ") or keep gradient clipping on");
                groupSquares[recipe->groupOf(name)] += s;
                totalSquares += s;
            }
            if (!std::isfinite(loss))
                throw Error("step " + std::to_string(current) + ": the loss is not finite; training stopped");
            const double norm = std::sqrt(totalSquares);
            if (options.float64Step == current) {
                // The notes' precision check: the same step in float64, compared.
                Weights wide;
                for (const auto &[name, w] : weights)
                    wide[name] = w.detach().to(torch::kFloat64).requires_grad_(true);
                const std::unique_ptr<Model> wideModel = recipe->model(config, wide, {});
                StepOutcome wideOutcome = recipe->loss(*wideModel, batch);
                wideOutcome.loss.backward();
                const double wideLoss = wideOutcome.loss.item<double>();
                double worst = 0.0, wideSquares = 0.0;
                std::string worstName;
                for (const auto &[name, w] : wide)
                    if (w.grad().defined())
                        wideSquares += w.grad().pow(2).sum().item<double>();
                // Relative to the parameter's own gradient, but not below a thousandth of the whole
                // gradient's norm: some gradients are zero in exact arithmetic (a key bias
                // cannot change a softmax) and their rounding noise says nothing.
                const double floor = 1e-3 * std::sqrt(wideSquares) + 1e-30;
                for (const auto &[name, w] : weights) {
                    if (!w.grad().defined() || !wide.at(name).grad().defined())
                        continue;
                    const torch::Tensor difference = (w.grad().to(torch::kFloat64) - wide.at(name).grad()).norm();
                    const double relative =
                        difference.item<double>() / std::max(wide.at(name).grad().norm().item<double>(), floor);
                    if (relative > worst) {
                        worst = relative;
                        worstName = name;
                    }
                }
                char line[512];
                std::snprintf(line, sizeof line,
                              "float64 re-run of step %lld: loss %.9g (float32) vs %.9g (float64), relative difference "
                              "%.2e; largest relative gradient difference %.2e (%s)",
                              static_cast<long long>(current), loss, wideLoss,
                              std::abs(loss - wideLoss) / std::abs(wideLoss), worst, worstName.c_str());
                logInfo(line);
                pending.message = line;
            }
            if (options.clipNorm > 0 && norm > options.clipNorm) {
                torch::NoGradGuard noGrad;
                for (auto &[name, w] : weights)
                    if (w.grad().defined())
                        w.mutable_grad().mul_(options.clipNorm / (norm + 1e-6));
            }
            const double rate = learningRateAt(options, current);
            optimizer.apply(weights, rate, options.weightDecay);
            step = current;
            const TrainingPoint point{current, loss, outcome.accuracy, rate, norm, seconds()};
            history.push_back({{"step", current}, {"loss", loss}, {"learning_rate", rate}, {"grad_norm", norm}});
            if (std::isfinite(outcome.accuracy)) // JSON has no NaN: a recipe without accuracy leaves it out
                history.back()["accuracy"] = outcome.accuracy;
            pending.points.push_back(point);
            pending.groupNorms.clear();
            for (const auto &[group, squares] : groupSquares)
                pending.groupNorms.emplace_back(group, std::sqrt(squares));
            context.setProgress(double(current) / double(options.steps),
                                "step " + std::to_string(current) + " of " + std::to_string(options.steps));
            if (current % options.evaluateEvery == 0 || current == options.steps) {
                const Evaluation e = recipe->evaluate(*model, options.batchSize, context);
                pending.evaluations.push_back({current, e.loss, e.accuracy, rate, 0.0, seconds()});
                history.back()["heldout_loss"] = e.loss;
                if (std::isfinite(e.accuracy))
                    history.back()["heldout_accuracy"] = e.accuracy;
            }
            if (recipe->writesSnapshots() && (current % options.snapshotEvery == 0 || current == options.steps)) {
                const double snapshotLoss = pending.evaluations.empty() ? loss : pending.evaluations.back().loss;
                const double snapshotAccuracy =
                    pending.evaluations.empty() ? outcome.accuracy : pending.evaluations.back().accuracy;
                detail::writeSnapshot(run, current, recipe->snapshotTensors(*model, weights, probe), index,
                                      snapshotLoss, snapshotAccuracy);
                pending.snapshotStep = current;
            }
            if (current % options.checkpointEvery == 0 && current != options.steps)
                checkpoint(current);
            flush(false);
            if (options.stopAfter > 0 && current >= options.stopAfter && current < options.steps)
                break;
        }
    } catch (const CancelledError &) {
        if (step > startStep)
            checkpoint(step);
        flush(true);
        throw;
    }
    checkpoint(step);
    flush(true);

    TrainingResult result;
    result.folder = run;
    result.steps = step;
    result.finished = step >= options.steps;
    if (result.finished) {
        context.setProgress(1.0, "evaluating");
        const Evaluation e = recipe->evaluate(*model, options.batchSize, context);
        result.metrics["loss"] = e.loss;
        if (!recipe->accuracyName().empty())
            result.metrics[recipe->accuracyName()] = e.accuracy;
        recipe->finalMetrics(*model, result.metrics, context);
        result.metrics["seconds"] = seconds();
        result.metrics["steps"] = double(step);
        result.metrics["parameters"] = double(model->info().parameters);
        nlohmann::json metrics = result.metrics;
        metrics["recipe"] = options.recipe;
        metrics["runtime"] = runtimeInfo().summary();
        writeJson(run + "/metrics.json", metrics);
        char line[256];
        if (recipe->accuracyName().empty())
            std::snprintf(line, sizeof line, "%s: held-out loss %.4f after %lld steps (%.0f s)", options.recipe.c_str(),
                          e.loss, static_cast<long long>(step), seconds());
        else
            std::snprintf(line, sizeof line, "%s: %s %.4f, held-out loss %.4f after %lld steps (%.0f s)",
                          options.recipe.c_str(), recipe->accuracyName().c_str(), e.accuracy, e.loss,
                          static_cast<long long>(step), seconds());
        result.summary = line;
    } else {
        result.summary = options.recipe + ": stopped after step " + std::to_string(step) + " of " +
                         std::to_string(options.steps) + "; resume to continue";
    }
    logInfo(result.summary);
    return result;
}

TrainingResult train(const TrainingOptions &requested, JobContext &context, const TrainingCallback &onReport)
{
    return detail::namingFilesystemErrors(requested.outputFolder,
                                          [&] { return trainUnguarded(requested, context, onReport); });
}

} // namespace tessera
