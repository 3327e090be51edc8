// tessera-cli train: a recipe into a folder (Hugging Face layout, snapshots, checkpoints, metrics.json).
// SIGINT / SIGTERM cancel the run, which then saves a checkpoint that --resume continues exactly.

#include "Arguments.h"
#include "Commands.h"

#include "tessera/core/Error.h"
#include "tessera/core/Training.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <type_traits>

namespace tessera::app {

extern const char trainHelp[] =
    "  train --recipe NAME --out DIR [--text FILE] [--steps N] [--batch N] [--lr X] [--warmup N]\n"
    "                 [--schedule cosine|linear|constant] [--weight-decay X] [--clip X] [--seed N]\n"
    "                 [--layers N] [--hidden N] [--heads N] [--length N] [--dataset DIR]\n"
    "                 [--snapshot-every N] [--checkpoint-every N] [--evaluate-every N]\n"
    "                 [--overfit-one-batch] [--float64-step N] [--stop-after N] [--resume]\n"
    "                 Train a recipe into DIR (Hugging Face layout, snapshots, checkpoints) and write\n"
    "                 DIR/metrics.json. Ctrl-C saves a checkpoint; --resume continues it exactly.\n"
    "                 Recipes: reverse, copy, sort, reverse-causal, gpt-text, bert-text, vit-fashion,\n"
    "                 diffusion-fashion (a diffusers UNet), diffusion-swiss-roll, diffusion-moons,\n"
    "                 diffusion-8-gaussians (2-D points, an MLP denoiser), detr-shapes (a small DETR on\n"
    "                 synthetic scenes; held-out AP50 is its accuracy; --length sets the object queries).\n";

namespace {

// The running training's job, for the signal handler.
BasicJobContext *g_trainingContext = nullptr;

void cancelTraining(int)
{
    if (g_trainingContext)
        g_trainingContext->cancel();
}

// "--NAME VALUE" into a number of the target's type; false when it is not one (or not finite).
template <typename T> bool number(Arguments &reader, const char *name, T &target, bool &ok)
{
    QString value;
    if (!reader.value(name, value))
        return false;
    ok = false;
    if constexpr (std::is_same_v<T, double>)
        target = value.toDouble(&ok);
    else if constexpr (std::is_same_v<T, uint64_t>)
        target = value.toULongLong(&ok);
    else
        target = value.toLongLong(&ok);
    ok = ok && std::isfinite(double(target));
    return true;
}

} // namespace

int trainCommand(Studio &, const QStringList &arguments)
{
    TrainingOptions options;
    options.recipe.clear();
    bool quiet = false;
    Arguments reader(arguments);
    while (!reader.atEnd()) {
        bool ok = true;
        if (reader.value("--recipe", options.recipe) || reader.value("--out", options.outputFolder) ||
            reader.value("--text", options.textFile) || reader.value("--dataset", options.datasetFolder) ||
            reader.value("--schedule", options.schedule)) {
        } else if (number(reader, "--steps", options.steps, ok))
            ok = ok && options.steps > 0;
        else if (number(reader, "--batch", options.batchSize, ok))
            ok = ok && options.batchSize > 0;
        else if (number(reader, "--lr", options.learningRate, ok))
            ok = ok && options.learningRate > 0;
        else if (number(reader, "--warmup", options.warmupSteps, ok))
            ok = ok && options.warmupSteps >= 0;
        else if (number(reader, "--weight-decay", options.weightDecay, ok))
            ok = ok && options.weightDecay >= 0;
        else if (number(reader, "--clip", options.clipNorm, ok)) {
        } else if (number(reader, "--seed", options.seed, ok)) {
        } else if (number(reader, "--layers", options.layers, ok))
            ok = ok && options.layers > 0;
        else if (number(reader, "--hidden", options.hidden, ok))
            ok = ok && options.hidden > 0;
        else if (number(reader, "--heads", options.heads, ok))
            ok = ok && options.heads > 0;
        else if (number(reader, "--length", options.sequenceLength, ok))
            ok = ok && options.sequenceLength > 1;
        else if (number(reader, "--snapshot-every", options.snapshotEvery, ok))
            ok = ok && options.snapshotEvery > 0;
        else if (number(reader, "--checkpoint-every", options.checkpointEvery, ok))
            ok = ok && options.checkpointEvery > 0;
        else if (number(reader, "--evaluate-every", options.evaluateEvery, ok))
            ok = ok && options.evaluateEvery > 0;
        else if (number(reader, "--float64-step", options.float64Step, ok))
            ok = ok && options.float64Step > 0;
        else if (number(reader, "--stop-after", options.stopAfter, ok))
            ok = ok && options.stopAfter > 0;
        else if (reader.flag("--overfit-one-batch"))
            options.overfitOneBatch = true;
        else if (reader.flag("--resume"))
            options.resume = true;
        else if (reader.flag("--quiet"))
            quiet = true;
        else
            return reader.unexpected(QStringLiteral("train: "));
        if (!ok)
            return usageError(
                QStringLiteral("train: %1 \"%2\" is not a valid value").arg(reader.name(), reader.taken()));
    }
    if (options.outputFolder.empty() || (options.recipe.empty() && !options.resume))
        return usageError(QStringLiteral("train needs --recipe NAME and --out DIR (or --resume --out DIR)"));
    if (options.recipe.empty())
        options.recipe = "reverse"; // replaced by the saved run's recipe on --resume
    BasicJobContext context;
    g_trainingContext = &context;
    std::signal(SIGINT, cancelTraining);
    std::signal(SIGTERM, cancelTraining);
    auto lastLine = std::chrono::steady_clock::now() - std::chrono::hours(1);
    TrainingPoint last;
    TrainingPoint lastEvaluation{-1};
    auto onReport = [&](const TrainingReport &report) {
        if (!report.points.empty())
            last = report.points.back();
        if (!report.evaluations.empty())
            lastEvaluation = report.evaluations.back();
        if (!report.message.empty())
            std::fprintf(stderr, "%s\n", report.message.c_str());
        if (quiet || std::chrono::steady_clock::now() - lastLine < std::chrono::seconds(2))
            return;
        lastLine = std::chrono::steady_clock::now();
        // Recipes without an accuracy (diffusion) report NaN: left out.
        std::fprintf(stderr, "step %lld/%lld  loss %.4f", static_cast<long long>(last.step),
                     static_cast<long long>(report.totalSteps), last.loss);
        if (std::isfinite(last.accuracy))
            std::fprintf(stderr, "  acc %.3f", last.accuracy);
        std::fprintf(stderr, "  lr %.2e  |g| %.3f  %.1f s", last.learningRate, last.gradientNorm, last.seconds);
        if (lastEvaluation.step >= 0) {
            std::fprintf(stderr, "  | held-out loss %.4f", lastEvaluation.loss);
            if (std::isfinite(lastEvaluation.accuracy))
                std::fprintf(stderr, " acc %.3f", lastEvaluation.accuracy);
        }
        std::fprintf(stderr, "\n");
    };
    try {
        const TrainingResult result = train(options, context, onReport);
        std::printf("%s\n", result.summary.c_str());
        if (result.finished)
            std::printf("metrics: %s/metrics.json\n", result.folder.c_str());
    } catch (const CancelledError &) {
        g_trainingContext = nullptr;
        return failure(QStringLiteral("cancelled; a checkpoint was saved in %1 (continue with --resume)")
                           .arg(QString::fromStdString(options.outputFolder)));
    } catch (const std::exception &error) {
        g_trainingContext = nullptr;
        return failure(QString::fromStdString(error.what()));
    }
    g_trainingContext = nullptr;
    return 0;
}

} // namespace tessera::app
