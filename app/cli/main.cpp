// tessera-cli: the scriptable face of the studio. The same plugins as the GUI, headless.
// Exit status: 0 success, 1 the work failed (bad file, bad value), 2 the command line is wrong.

#include "ProjectCommand.h"
#include "Studio.h"

#include "tessera/core/Diffusion.h"
#include "tessera/core/Error.h"
#include "tessera/core/Runtime.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Log.h"
#include "tessera/core/Model.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/Tokenizer.h"
#include "tessera/core/Training.h"
#include "tessera/widgets/FigureExporter.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>
#include <memory>

namespace {

using namespace tessera;

int usageError(const QString &message)
{
    std::fprintf(stderr, "tessera-cli: %s\nTry 'tessera-cli --help'.\n", message.toLocal8Bit().constData());
    return 2;
}

int failure(const QString &message)
{
    std::fprintf(stderr, "tessera-cli: %s\n", message.toLocal8Bit().constData());
    return 1;
}

void printHelp(app::Studio &studio)
{
    std::printf(
        "Usage: tessera-cli COMMAND [OPTIONS]\n"
        "\n"
        "Commands:\n"
        "  export PANEL [--OPTION VALUE ...] --format png|svg|pdf|csv --out FILE\n"
        "                 Render a panel's figure (the GUI's options) or write its numbers.\n"
        "                 --view NAME     which figure of the panel (see 'panels')\n"
        "                 --width W --height H   size in pixels at 96 dpi (default: the figure's)\n"
        "                 --dpi D         PNG resolution (default 192)\n"
        "                 e.g. export detr --model DIR --image FILE --view boxes|queries|classes|encoder|position|\n"
        "                 matching|cost [--threshold T] [--query Q] [--targets COCO.json|LABEL:X0,Y0,X1,Y1;...]\n"
        "  run --model DIR --inputs IN.safetensors --out OUT.safetensors [--with rollout,mean-attention-distance]\n"
        "                 [--layers 0,3] [--no-attentions] [--no-hidden-states]\n"
        "                 Run a checkpoint on inputs named like the Hugging Face forward arguments\n"
        "                 (input_ids, attention_mask, token_type_ids, position_ids, pixel_values; DETR's\n"
        "                 pixel_values and pixel_mask) and write every captured internal (attentions.{i},\n"
        "                 hidden_states.{i}, logits; DETR's encoder_attentions.{i}, decoder_attentions.{i},\n"
        "                 cross_attentions.{i}, pred_boxes, ...).\n"
        "  tokenize --tokenizer DIR|FILE --text-file FILE [--no-special] [--pair]\n"
        "                 One JSON object per input line: ids, tokens, offsets (code points),\n"
        "                 type_ids, decoded. DIR is a checkpoint folder; FILE a tokenizer.json,\n"
        "                 vocab.txt, vocab.json or merges.txt. --pair encodes lines as\n"
        "                 sentence pairs separated by a tab.\n"
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
        "                 synthetic scenes; held-out AP50 is its accuracy; --length sets the object queries).\n"
        "  sample --model DIR [--prompt TEXT] [--tokens N] [--temperature T] [--top-k K] [--seed S]\n"
        "                 Continue a prompt with a GPT-2 checkpoint (temperature 0: greedy).\n"
        "  sample --model UNET_DIR --scheduler ddpm|ddim [--steps N] [--eta E] [--seed S] [--count N]\n"
        "                 [--x-T FILE] [--noise FILE] --out TRAJ.safetensors [--video DENOISING.mp4]\n"
        "                 --count: samples in one batch (1 image; 1000 points for a toy denoiser).\n"
        "                 Denoise with a diffusers UNet2DModel: writes timesteps, x_T and per step\n"
        "                 step{i}.eps, step{i}.pred_x0, step{i}.x_prev. --noise holds noise0, noise1, ...\n"
        "                 (the Gaussian draws in order of use), --x-T the start x_T; the model folder's\n"
        "                 scheduler/ (or scheduler_ddim/) config is used. Default steps: 1000 / 50.\n");
    app::printProjectHelp();
    std::printf(
        "  panels         List the panels, their figures and options.\n"
        "  info           Show the runtime: LibTorch, BLAS, threads, plugins.\n"
        "\n"
        "Options:\n"
        "  --threads N    Intra-op threads (default: one per core).\n"
        "  -h, --help     Show this help.\n"
        "  -v, --version  Show the version.\n"
        "\n"
        "Example:\n"
        "  tessera-cli export pe --d-model 64 --max-len 100 --format csv --out pe.csv\n"
        "      writes the sinusoidal table: one row per position, one column per dimension.\n");
    if (!studio.plugins().panels().isEmpty()) {
        std::printf("\nPanels:");
        for (const plugins::PanelDescriptor &panel : studio.plugins().panels())
            std::printf(" %s", panel.id.toUtf8().constData());
        std::printf("\n");
    }
}

int listPanels(app::Studio &studio)
{
    for (const plugins::PanelDescriptor &descriptor : studio.plugins().panels()) {
        std::unique_ptr<widgets::PanelWidget> panel(descriptor.create(studio.panelContext(), nullptr));
        std::printf("%s  %s\n  %s\n  figures: %s\n  options:\n", descriptor.id.toUtf8().constData(),
                    descriptor.title.toUtf8().constData(), descriptor.description.toUtf8().constData(),
                    panel->figureNames().join(", ").toUtf8().constData());
        for (const widgets::OptionSpec &spec : panel->optionSpecs()) {
            QString line = QStringLiteral("    --%1  %2").arg(spec.name, spec.help);
            if (!spec.defaultValue.isEmpty())
                line += QStringLiteral(" [default %1]").arg(spec.defaultValue);
            if (!spec.choices.isEmpty())
                line += QStringLiteral(" {%1}").arg(spec.choices.join("|"));
            std::printf("%s\n", line.toUtf8().constData());
        }
    }
    return 0;
}

int exportCommand(app::Studio &studio, const QStringList &arguments)
{
    if (arguments.isEmpty() || arguments.first().startsWith('-'))
        return usageError(QStringLiteral("export needs a panel name first, e.g. 'tessera-cli export pe ...'"));
    const QString panelId = arguments.first();
    const plugins::PanelDescriptor *descriptor = studio.plugins().panel(panelId);
    if (!descriptor) {
        QStringList ids;
        for (const plugins::PanelDescriptor &panel : studio.plugins().panels())
            ids << panel.id;
        return usageError(QStringLiteral("unknown panel \"%1\" (available: %2)").arg(panelId, ids.join(", ")));
    }
    QVariantMap panelOptions;
    QString format;
    QString out;
    int width = 0;
    int height = 0;
    int dpi = 192;
    for (int i = 1; i < arguments.size(); ++i) {
        const QString argument = arguments[i];
        if (!argument.startsWith("--"))
            return usageError(QStringLiteral("unexpected argument \"%1\"").arg(argument));
        QString name = argument.mid(2);
        QString value;
        const int equals = name.indexOf('=');
        if (equals >= 0) {
            value = name.mid(equals + 1);
            name = name.left(equals);
        } else {
            if (i + 1 >= arguments.size())
                return usageError(QStringLiteral("--%1 needs a value").arg(name));
            value = arguments[++i];
        }
        bool ok = true;
        if (name == "format") format = value;
        else if (name == "out") out = value;
        else if (name == "width") ok = (width = value.toInt(&ok)) > 0 && ok;
        else if (name == "height") ok = (height = value.toInt(&ok)) > 0 && ok;
        else if (name == "dpi") ok = (dpi = value.toInt(&ok)) >= 24 && dpi <= 1200 && ok;
        else panelOptions[name] = value;
        if (!ok)
            return usageError(QStringLiteral("--%1: \"%2\" is not a valid number (width and height > 0, dpi 24-1200)").arg(name, value));
    }
    if (out.isEmpty())
        return usageError(QStringLiteral("export needs --out FILE"));
    if (format.isEmpty())
        format = QFileInfo(out).suffix();
    widgets::ExportFormat exportFormat;
    if (!widgets::parseExportFormat(format, exportFormat))
        return usageError(QStringLiteral("--format: \"%1\" is not one of png, svg, pdf, csv").arg(format));

    studio.jobs().setInline(true);
    std::unique_ptr<widgets::PanelWidget> panel(descriptor->create(studio.panelContext(), nullptr));
    QString error;
    if (!panel->setOptions(panelOptions, &error))
        return failure(error);
    widgets::Figure *figure = panel->currentFigure();
    if (!figure)
        return failure(QStringLiteral("panel %1 has no figure to export").arg(panelId));
    widgets::ExportOptions options;
    if (width > 0 || height > 0) {
        const QSize fallback = figure->defaultFigureSize();
        options.size = QSize(width > 0 ? width : fallback.width(), height > 0 ? height : fallback.height());
    }
    options.dpi = dpi;
    const QString message = widgets::exportFigure(*figure, out, exportFormat, options);
    if (!message.isEmpty())
        return failure(message);
    return 0;
}

int runCommand(const QStringList &arguments)
{
    QString modelPath, inputsPath, outPath;
    CaptureOptions capture;
    for (int i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        const bool hasValue = i + 1 < arguments.size();
        if (argument == "--model" && hasValue) modelPath = arguments[++i];
        else if (argument == "--inputs" && hasValue) inputsPath = arguments[++i];
        else if (argument == "--out" && hasValue) outPath = arguments[++i];
        else if (argument == "--no-attentions") capture.attentions = false;
        else if (argument == "--no-hidden-states") capture.hiddenStates = false;
        else if (argument == "--with" && hasValue) {
            for (const QString &extra : arguments[++i].split(',', Qt::SkipEmptyParts)) {
                if (extra == "rollout") capture.rollout = true;
                else if (extra == "mean-attention-distance") capture.meanAttentionDistance = true;
                else return usageError(QStringLiteral("--with: unknown analysis \"%1\" (rollout, mean-attention-distance)").arg(extra));
            }
        } else if (argument == "--layers" && hasValue) {
            for (const QString &layer : arguments[++i].split(',', Qt::SkipEmptyParts)) {
                bool ok = false;
                const int value = layer.toInt(&ok);
                if (!ok || value < 0)
                    return usageError(QStringLiteral("--layers: \"%1\" is not a layer number").arg(layer));
                capture.layers.push_back(value);
            }
        } else
            return usageError(QStringLiteral("run: unexpected argument \"%1\"").arg(argument));
    }
    if (modelPath.isEmpty() || inputsPath.isEmpty() || outPath.isEmpty())
        return usageError(QStringLiteral("run needs --model DIR, --inputs IN.safetensors and --out OUT.safetensors"));
    try {
        const std::unique_ptr<Model> model = loadModel(modelPath.toStdString());
        const SafetensorsFile file(inputsPath.toStdString());
        ModelInputs inputs;
        for (const std::string &key : file.keys()) {
            if (key == "input_ids" || key == "attention_mask" || key == "token_type_ids" || key == "position_ids" ||
                key == "timestep" || key == "pixel_mask")
                inputs.integers[key] = {file.info(key).shape, file.readInt64(key)};
            else if (key == "pixel_values" || key == "sample")
                inputs.floats[key] = file.readFloat(key);
            else
                throw Error("unexpected input (expected input_ids, attention_mask, token_type_ids, position_ids, "
                            "pixel_values, pixel_mask, or a UNet's sample and timestep)",
                            inputsPath.toStdString(), key);
        }
        const ModelOutputs outputs = model->run(inputs, capture);
        std::vector<std::pair<std::string, FloatTensor>> tensors(outputs.begin(), outputs.end());
        writeSafetensors(outPath.toStdString(), tensors,
                         {{"producer", "tessera-cli " TESSERA_VERSION}, {"model", modelPath.toStdString()}});
    } catch (const std::exception &error) {
        return failure(QString::fromStdString(error.what()));
    }
    return 0;
}

int tokenizeCommand(const QStringList &arguments)
{
    QString tokenizerPath;
    QString textPath;
    bool special = true;
    bool pairs = false;
    for (int i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        if (argument == "--no-special") special = false;
        else if (argument == "--pair") pairs = true;
        else if ((argument == "--tokenizer" || argument == "--text-file") && i + 1 < arguments.size())
            (argument == "--tokenizer" ? tokenizerPath : textPath) = arguments[++i];
        else
            return usageError(QStringLiteral("tokenize: unexpected argument \"%1\"").arg(argument));
    }
    if (tokenizerPath.isEmpty() || textPath.isEmpty())
        return usageError(QStringLiteral("tokenize needs --tokenizer DIR|FILE and --text-file FILE"));
    try {
        const std::unique_ptr<Tokenizer> tokenizer = loadTokenizer(tokenizerPath.toStdString());
        const std::string text = readFile(textPath.toStdString(), size_t(1) << 30);
        size_t start = 0;
        int lineNumber = 0;
        while (start < text.size()) {
            size_t end = text.find('\n', start);
            if (end == std::string::npos)
                end = text.size();
            std::string line = text.substr(start, end - start);
            start = end + 1;
            ++lineNumber;
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            Encoding encoding;
            try {
                if (pairs) {
                    const size_t tab = line.find('\t');
                    if (tab == std::string::npos)
                        throw Error("--pair expects two sentences separated by a tab");
                    encoding = tokenizer->encodePair(line.substr(0, tab), line.substr(tab + 1), special);
                } else {
                    encoding = tokenizer->encode(line, special);
                }
            } catch (const Error &error) {
                return failure(QStringLiteral("%1: line %2: %3").arg(textPath).arg(lineNumber).arg(QString::fromStdString(error.reason())));
            }
            QJsonArray ids, tokens, offsets, typeIds;
            for (size_t i = 0; i < encoding.ids.size(); ++i) {
                ids.append(qint64(encoding.ids[i]));
                tokens.append(QString::fromStdString(encoding.tokens[i]));
                offsets.append(QJsonArray{qint64(encoding.offsets[i].first), qint64(encoding.offsets[i].second)});
                typeIds.append(qint64(encoding.typeIds[i]));
            }
            QJsonObject object;
            object["ids"] = ids;
            object["tokens"] = tokens;
            object["offsets"] = offsets;
            object["type_ids"] = typeIds;
            object["decoded"] = QString::fromStdString(tokenizer->decode(encoding.ids, true));
            std::fwrite(QJsonDocument(object).toJson(QJsonDocument::Compact).constData(), 1,
                        size_t(QJsonDocument(object).toJson(QJsonDocument::Compact).size()), stdout);
            std::fputc('\n', stdout);
        }
    } catch (const Error &error) {
        return failure(QString::fromStdString(error.what()));
    }
    return 0;
}

BasicJobContext *g_trainingContext = nullptr;

void cancelTraining(int)
{
    if (g_trainingContext)
        g_trainingContext->cancel();
}

int trainCommand(const QStringList &arguments)
{
    TrainingOptions options;
    options.recipe.clear();
    bool quiet = false;
    for (int i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        const bool hasValue = i + 1 < arguments.size();
        auto number = [&](auto &target) -> bool {
            bool ok = false;
            const QString value = arguments[++i];
            if constexpr (std::is_same_v<std::decay_t<decltype(target)>, double>)
                target = value.toDouble(&ok);
            else if constexpr (std::is_same_v<std::decay_t<decltype(target)>, uint64_t>)
                target = value.toULongLong(&ok);
            else
                target = value.toLongLong(&ok);
            return ok && std::isfinite(double(target));
        };
        bool ok = true;
        if (argument == "--recipe" && hasValue) options.recipe = arguments[++i].toStdString();
        else if (argument == "--out" && hasValue) options.outputFolder = arguments[++i].toStdString();
        else if (argument == "--text" && hasValue) options.textFile = arguments[++i].toStdString();
        else if (argument == "--dataset" && hasValue) options.datasetFolder = arguments[++i].toStdString();
        else if (argument == "--schedule" && hasValue) options.schedule = arguments[++i].toStdString();
        else if (argument == "--steps" && hasValue) ok = number(options.steps) && options.steps > 0;
        else if (argument == "--batch" && hasValue) ok = number(options.batchSize) && options.batchSize > 0;
        else if (argument == "--lr" && hasValue) ok = number(options.learningRate) && options.learningRate > 0;
        else if (argument == "--warmup" && hasValue) ok = number(options.warmupSteps) && options.warmupSteps >= 0;
        else if (argument == "--weight-decay" && hasValue) ok = number(options.weightDecay) && options.weightDecay >= 0;
        else if (argument == "--clip" && hasValue) ok = number(options.clipNorm);
        else if (argument == "--seed" && hasValue) ok = number(options.seed);
        else if (argument == "--layers" && hasValue) ok = number(options.layers) && options.layers > 0;
        else if (argument == "--hidden" && hasValue) ok = number(options.hidden) && options.hidden > 0;
        else if (argument == "--heads" && hasValue) ok = number(options.heads) && options.heads > 0;
        else if (argument == "--length" && hasValue) ok = number(options.sequenceLength) && options.sequenceLength > 1;
        else if (argument == "--snapshot-every" && hasValue) ok = number(options.snapshotEvery) && options.snapshotEvery > 0;
        else if (argument == "--checkpoint-every" && hasValue) ok = number(options.checkpointEvery) && options.checkpointEvery > 0;
        else if (argument == "--evaluate-every" && hasValue) ok = number(options.evaluateEvery) && options.evaluateEvery > 0;
        else if (argument == "--float64-step" && hasValue) ok = number(options.float64Step) && options.float64Step > 0;
        else if (argument == "--stop-after" && hasValue) ok = number(options.stopAfter) && options.stopAfter > 0;
        else if (argument == "--overfit-one-batch") options.overfitOneBatch = true;
        else if (argument == "--resume") options.resume = true;
        else if (argument == "--quiet") quiet = true;
        else return usageError(QStringLiteral("train: unexpected argument \"%1\"").arg(argument));
        if (!ok)
            return usageError(QStringLiteral("train: %1 \"%2\" is not a valid value").arg(argument, arguments[i]));
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

// tessera-cli sample on a diffusers UNet: a DDPM or DDIM trajectory in the fixture's names.
int sampleDiffusion(const QStringList &arguments)
{
    QString modelPath, scheduler = QStringLiteral("ddpm"), startPath, noisePath, outPath, videoPath;
    int steps = 0, count = 0;
    double eta = 0.0;
    qulonglong seed = 1;
    for (int i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        const bool hasValue = i + 1 < arguments.size();
        bool ok = true;
        if (argument == "--model" && hasValue) modelPath = arguments[++i];
        else if (argument == "--scheduler" && hasValue) scheduler = arguments[++i];
        else if (argument == "--steps" && hasValue) { steps = arguments[++i].toInt(&ok); ok = ok && steps > 0; }
        else if (argument == "--eta" && hasValue) { eta = arguments[++i].toDouble(&ok); ok = ok && eta >= 0.0 && eta <= 1.0; }
        else if (argument == "--seed" && hasValue) seed = arguments[++i].toULongLong(&ok);
        else if (argument == "--count" && hasValue) { count = arguments[++i].toInt(&ok); ok = ok && count > 0 && count <= 1000000; }
        else if (argument == "--x-T" && hasValue) startPath = arguments[++i];
        else if (argument == "--noise" && hasValue) noisePath = arguments[++i];
        else if (argument == "--out" && hasValue) outPath = arguments[++i];
        else if (argument == "--video" && hasValue) videoPath = arguments[++i];
        else return usageError(QStringLiteral("sample: unexpected argument \"%1\" for a diffusion model").arg(argument));
        if (!ok)
            return usageError(QStringLiteral("sample: %1 \"%2\" is not a valid value (steps > 0, eta in [0, 1], count in [1, 1000000])").arg(argument, arguments[i]));
    }
    if (scheduler != "ddpm" && scheduler != "ddim")
        return usageError(QStringLiteral("--scheduler: \"%1\" is not ddpm or ddim").arg(scheduler));
    if (outPath.isEmpty())
        return usageError(QStringLiteral("sample needs --out TRAJ.safetensors for a diffusion model"));
    try {
        const std::unique_ptr<Model> unet = loadModel(modelPath.toStdString());
        diffusion::Scheduler schedule(diffusion::schedulerConfigFor(modelPath.toStdString(), scheduler.toStdString()));
        schedule.setTimesteps(steps > 0 ? steps : scheduler == "ddpm" ? 1000 : 50);
        std::vector<int64_t> shape = diffusion::sampleShape(*unet);
        // Samples in one batch: one image by default, 1000 points for a toy (point) model.
        shape[0] = count > 0 ? count : diffusion::isPointModel(*unet) ? 1000 : 1;
        if (!videoPath.isEmpty() && (shape[0] != 1 || diffusion::isPointModel(*unet)))
            throw Error("--video shows one image sample; leave out --count (points: see the Diffusion lab's Particles view)");
        diffusion::NoiseSource noise = diffusion::seededNoise(seed);
        FloatTensor start;
        if (!startPath.isEmpty()) {
            start = SafetensorsFile(startPath.toStdString()).readFloat("x_T");
            if (start.shape != shape)
                throw Error("x_T has shape " + shapeToString(start.shape) + ", the model samples " + shapeToString(shape),
                            startPath.toStdString(), "x_T");
        } else {
            start = noise(-1, shape); // the seed's first draw
        }
        if (!noisePath.isEmpty()) {
            auto recorded = std::make_shared<SafetensorsFile>(noisePath.toStdString());
            noise = [recorded](int64_t index, const std::vector<int64_t> &) {
                const std::string key = "noise" + std::to_string(index);
                if (!recorded->contains(key))
                    throw Error("the sampler needs draw " + std::to_string(index) + " and the file has no " + key, recorded->path());
                return recorded->readFloat(key);
            };
        }
        // Progress on a terminal only, at most once per percent.
        auto shown = std::make_shared<int>(-1);
        const bool terminal = isatty(STDERR_FILENO) != 0;
        BasicJobContext context([shown, terminal](double fraction, const std::string &message) {
            const int percent = int(fraction * 100.0);
            if (!terminal || percent == *shown)
                return;
            *shown = percent;
            std::fprintf(stderr, "\r%3d%%  %s   ", percent, message.c_str());
        });
        const diffusion::Trajectory trajectory = diffusion::sample(*unet, schedule, start, noise, eta, &context);
        diffusion::writeTrajectory(outPath.toStdString(), trajectory);
        if (!videoPath.isEmpty()) {
            std::vector<FloatTensor> frames{trajectory.start};
            frames.insert(frames.end(), trajectory.previous.begin(), trajectory.previous.end());
            const int64_t side = shape.back();
            diffusion::writeVideo(videoPath.toStdString(), frames, std::clamp(double(frames.size()) / 4.0, 4.0, 30.0),
                                  int(std::clamp<int64_t>(256 / std::max<int64_t>(side, 1), 1, 16)));
        }
        std::fprintf(stderr, "%s%zu %s steps in %.2f s (UNet %.2f s)\n", terminal ? "\n" : "", trajectory.timesteps.size(),
                     scheduler.toUpper().toUtf8().constData(), trajectory.seconds, trajectory.modelSeconds);
    } catch (const std::exception &error) {
        return failure(QString::fromStdString(error.what()));
    }
    return 0;
}

int sampleCommand(const QStringList &arguments)
{
    const int modelAt = int(arguments.indexOf("--model"));
    if (modelAt >= 0 && modelAt + 1 < arguments.size() && diffusion::isDiffusionModel(arguments[modelAt + 1].toStdString()))
        return sampleDiffusion(arguments);
    QString modelPath, prompt;
    int tokens = 200, topK = 40;
    double temperature = 0.8;
    qulonglong seed = 1;
    for (int i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        const bool hasValue = i + 1 < arguments.size();
        bool ok = true;
        if (argument == "--model" && hasValue) modelPath = arguments[++i];
        else if (argument == "--prompt" && hasValue) prompt = arguments[++i];
        else if (argument == "--tokens" && hasValue) { tokens = arguments[++i].toInt(&ok); ok = ok && tokens > 0; }
        else if (argument == "--top-k" && hasValue) { topK = arguments[++i].toInt(&ok); ok = ok && topK >= 0; }
        else if (argument == "--temperature" && hasValue) { temperature = arguments[++i].toDouble(&ok); ok = ok && temperature >= 0; }
        else if (argument == "--seed" && hasValue) seed = arguments[++i].toULongLong(&ok);
        else return usageError(QStringLiteral("sample: unexpected argument \"%1\"").arg(argument));
        if (!ok)
            return usageError(QStringLiteral("sample: %1 \"%2\" is not a valid value").arg(argument, arguments[i]));
    }
    if (modelPath.isEmpty())
        return usageError(QStringLiteral("sample needs --model DIR"));
    try {
        const std::unique_ptr<Model> model = loadModel(modelPath.toStdString());
        const std::unique_ptr<Tokenizer> tokenizer = loadTokenizer(modelPath.toStdString());
        std::printf("%s\n", generateText(*model, *tokenizer, prompt.toStdString(), tokens, temperature, topK, seed).c_str());
    } catch (const std::exception &error) {
        return failure(QString::fromStdString(error.what()));
    }
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    tessera::preferFastBlasKernels(argv);
    // Headless by nature: the figures are drawn by the same widgets, off-screen.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        // Without it Qt warns on every start; a private folder of our own keeps stderr for real errors.
        const QByteArray folder = QDir::tempPath().toLocal8Bit() + "/tessera-runtime-" + QByteArray::number(getuid());
        if (mkdir(folder.constData(), 0700) == 0 || errno == EEXIST)
            qputenv("XDG_RUNTIME_DIR", folder);
    }
    QApplication application(argc, argv);
    QApplication::setApplicationName("tessera-cli");
    QApplication::setApplicationVersion(TESSERA_VERSION);
    app::Studio::installFonts(application);

    QStringList arguments = application.arguments().mid(1);
    int threads = 0;
    const int threadsAt = arguments.indexOf("--threads");
    if (threadsAt >= 0) {
        bool ok = false;
        threads = arguments.value(threadsAt + 1).toInt(&ok);
        if (!ok || threads < 1)
            return usageError(QStringLiteral("--threads needs a positive number"));
        arguments.remove(threadsAt, 2);
    }
    if (arguments.contains("--version") || arguments.contains("-v")) {
        std::printf("tessera-cli %s\n", TESSERA_VERSION);
        return 0;
    }
    // Quiet logs on the console unless something is wrong.
    setLogSink([](LogLevel level, const std::string &message) {
        if (level >= LogLevel::Warning)
            std::fprintf(stderr, "tessera-cli: %s: %s\n", logLevelName(level), message.c_str());
    });
    app::Studio studio(threads);
    if (arguments.isEmpty() || arguments.contains("--help") || arguments.contains("-h")) {
        printHelp(studio);
        return arguments.isEmpty() ? 2 : 0;
    }
    const QString command = arguments.takeFirst();
    if (command == "export")
        return exportCommand(studio, arguments);
    if (command == "run")
        return runCommand(arguments);
    if (command == "tokenize")
        return tokenizeCommand(arguments);
    if (command == "train")
        return trainCommand(arguments);
    if (command == "sample")
        return sampleCommand(arguments);
    if (command == "project")
        return app::projectCommand(arguments);
    if (command == "panels")
        return listPanels(studio);
    if (command == "info") {
        std::printf("%s\n", studio.describe().toUtf8().constData());
        return 0;
    }
    return usageError(QStringLiteral("unknown command \"%1\"").arg(command));
}
