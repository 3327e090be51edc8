// tessera-cli sample: text from a causal language model, or a DDPM / DDIM trajectory from a diffusers UNet.

#include "Arguments.h"
#include "Commands.h"

#include "tessera/core/Diffusion.h"
#include "tessera/core/ChatTemplate.h"
#include "tessera/core/Error.h"
#include "tessera/core/Generation.h"
#include "tessera/core/Model.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/Tokenizer.h"
#include "tessera/core/Training.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <unistd.h>

namespace tessera::app {

extern const char sampleHelp[] =
    "  sample --model DIR [--prompt TEXT] [--chat [--system TEXT]] [--tokens N] [--temperature T] [--top-k K]\n"
    "                 [--top-p P] [--seed S]\n"
    "                 Continue a prompt with a causal language model (GPT-2, Llama, Mistral, Qwen2/3,\n"
    "                 Gemma 3): temperature 0 is greedy; top-k, then top-p (nucleus) limit the draw.\n"
    "                 On a terminal the text appears token by token. --chat: the prompt is a user turn\n"
    "                 rendered with the model's chat template (tokenizer_config.json or\n"
    "                 chat_template.jinja); the reply alone is printed.\n"
    "  sample --model DIR --source TEXT [--beams K] [--tokens N]\n"
    "                 Translate / rewrite a source text with an encoder-decoder (T5, BART): greedy, or\n"
    "                 beam search over K hypotheses, each printed with its score (log-probability per\n"
    "                 generated token), best first. Default tokens: 64.\n"
    "  sample --model UNET_DIR --scheduler ddpm|ddim [--steps N] [--eta E] [--seed S] [--count N]\n"
    "                 [--x-T FILE] [--noise FILE] --out TRAJ.safetensors [--video DENOISING.mp4]\n"
    "                 --count: samples in one batch (1 image; 1000 points for a toy denoiser).\n"
    "                 Denoise with a diffusers UNet2DModel: writes timesteps, x_T and per step\n"
    "                 step{i}.eps, step{i}.pred_x0, step{i}.x_prev. --noise holds noise0, noise1, ...\n"
    "                 (the Gaussian draws in order of use), --x-T the start x_T; the model folder's\n"
    "                 scheduler/ (or scheduler_ddim/) config is used. Default steps: 1000 / 50.\n";

namespace {

// Generates after ids and prints the text as it grows, token by token: the prompt with it, or the
// reply alone (chat). A decoder that rewrites what it already printed gets the whole text
// once more at the end.
void streamGeneration(const Model &model, const Tokenizer &tokenizer, const std::vector<int64_t> &ids,
                      const SamplingSettings &settings, bool withPrompt)
{
    std::vector<int64_t> shownIds = withPrompt ? ids : std::vector<int64_t>();
    std::string shown = tokenizer.decode(shownIds, true);
    std::fputs(shown.c_str(), stdout);
    std::fflush(stdout);
    bool rewritten = false;
    generateIds(model, ids, settings, [&](int64_t id) {
        shownIds.push_back(id);
        const std::string text = tokenizer.decode(shownIds, true);
        if (text.size() > shown.size() && text.compare(0, shown.size(), shown) == 0)
            std::fputs(text.c_str() + shown.size(), stdout);
        else if (text != shown)
            rewritten = true;
        shown = text;
        std::fflush(stdout);
    });
    if (rewritten)
        std::printf("\n%s", shown.c_str());
    std::printf("\n");
}

// tessera-cli sample on a diffusers UNet: a DDPM or DDIM trajectory in the fixture's names.
int sampleDiffusion(const QStringList &arguments)
{
    QString modelPath, scheduler = QStringLiteral("ddpm"), startPath, noisePath, outPath, videoPath;
    int steps = 0, count = 0;
    double eta = 0.0;
    qulonglong seed = 1;
    Arguments reader(arguments);
    while (!reader.atEnd()) {
        QString value;
        bool ok = true;
        if (reader.value("--model", modelPath) || reader.value("--scheduler", scheduler)) {
        } else if (reader.value("--steps", value)) {
            steps = value.toInt(&ok);
            ok = ok && steps > 0;
        } else if (reader.value("--eta", value)) {
            eta = value.toDouble(&ok);
            ok = ok && eta >= 0.0 && eta <= 1.0;
        } else if (reader.value("--seed", value))
            seed = value.toULongLong(&ok);
        else if (reader.value("--count", value)) {
            count = value.toInt(&ok);
            ok = ok && count > 0 && count <= 1000000;
        } else if (reader.value("--x-T", startPath) || reader.value("--noise", noisePath) ||
                   reader.value("--out", outPath) || reader.value("--video", videoPath)) {
        } else
            return reader.unexpected(QStringLiteral("sample: "), QStringLiteral(" for a diffusion model"));
        if (!ok)
            return usageError(
                QStringLiteral(
                    "sample: %1 \"%2\" is not a valid value (steps > 0, eta in [0, 1], count in [1, 1000000])")
                    .arg(reader.name(), reader.taken()));
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
            throw Error(
                "--video shows one image sample; leave out --count (points: see the Diffusion lab's Particles view)");
        diffusion::NoiseSource noise = diffusion::seededNoise(seed);
        FloatTensor start;
        if (!startPath.isEmpty()) {
            start = SafetensorsFile(startPath.toStdString()).readFloat("x_T");
            if (start.shape != shape)
                throw Error("x_T has shape " + shapeToString(start.shape) + ", the model samples " +
                                shapeToString(shape),
                            startPath.toStdString(), "x_T");
        } else {
            start = noise(-1, shape); // the seed's first draw
        }
        if (!noisePath.isEmpty()) {
            auto recorded = std::make_shared<SafetensorsFile>(noisePath.toStdString());
            noise = [recorded](int64_t index, const std::vector<int64_t> &) {
                const std::string key = "noise" + std::to_string(index);
                if (!recorded->contains(key))
                    throw Error("the sampler needs draw " + std::to_string(index) + " and the file has no " + key,
                                recorded->path());
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
        std::fprintf(stderr, "%s%zu %s steps in %.2f s (UNet %.2f s)\n", terminal ? "\n" : "",
                     trajectory.timesteps.size(), scheduler.toUpper().toUtf8().constData(), trajectory.seconds,
                     trajectory.modelSeconds);
    } catch (const std::exception &error) {
        return failure(QString::fromStdString(error.what()));
    }
    return 0;
}

// The encoder-decoder's hypotheses for source, best first: the text alone for one beam, else
// "rank<TAB>score<TAB>text" lines.
int sampleSequence(const Model &model, const Tokenizer &tokenizer, const QString &source, int tokens, int beams)
{
    if (source.isEmpty())
        return usageError(QStringLiteral("sample: this model writes from a source text; give it with --source TEXT"));
    SequenceSettings settings;
    settings.maxNewTokens = tokens;
    settings.beams = beams;
    const std::vector<GeneratedSequence> result =
        generateSequence(model, tokenizer.encode(source.toStdString(), true).ids, settings);
    for (size_t i = 0; i < result.size(); ++i) {
        const std::string text = tokenizer.decode(result[i].ids, true);
        if (beams == 1)
            std::printf("%s\n", text.c_str());
        else
            std::printf("%zu\t%.4f\t%s\n", i + 1, result[i].score, text.c_str());
    }
    return 0;
}

} // namespace

int sampleCommand(Studio &, const QStringList &arguments)
{
    const int modelAt = int(arguments.indexOf("--model"));
    if (modelAt >= 0 && modelAt + 1 < arguments.size() &&
        diffusion::isDiffusionModel(arguments[modelAt + 1].toStdString()))
        return sampleDiffusion(arguments);
    QString modelPath, prompt, system, source;
    bool chat = false, tokensGiven = false;
    int tokens = 200, topK = 40, beams = 1;
    double temperature = 0.8, topP = 1.0;
    qulonglong seed = 1;
    Arguments reader(arguments);
    while (!reader.atEnd()) {
        QString value;
        bool ok = true;
        if (reader.value("--model", modelPath) || reader.value("--prompt", prompt) ||
            reader.value("--system", system) || reader.value("--source", source)) {
        } else if (reader.flag("--chat")) {
            chat = true;
        } else if (reader.value("--tokens", value)) {
            tokens = value.toInt(&ok);
            ok = ok && tokens > 0;
            tokensGiven = true;
        } else if (reader.value("--beams", value)) {
            beams = value.toInt(&ok);
            ok = ok && beams > 0 && beams <= 64;
        } else if (reader.value("--top-k", value)) {
            topK = value.toInt(&ok);
            ok = ok && topK >= 0;
        } else if (reader.value("--temperature", value)) {
            temperature = value.toDouble(&ok);
            ok = ok && temperature >= 0;
        } else if (reader.value("--top-p", value)) {
            topP = value.toDouble(&ok);
            ok = ok && topP > 0 && topP <= 1;
        } else if (reader.value("--seed", value))
            seed = value.toULongLong(&ok);
        else
            return reader.unexpected(QStringLiteral("sample: "));
        if (!ok)
            return usageError(
                QStringLiteral("sample: %1 \"%2\" is not a valid value").arg(reader.name(), reader.taken()));
    }
    if (modelPath.isEmpty())
        return usageError(QStringLiteral("sample needs --model DIR"));
    try {
        const std::unique_ptr<Model> model = loadModel(modelPath.toStdString());
        const std::unique_ptr<Tokenizer> tokenizer = loadTokenizer(modelPath.toStdString());
        if (model->info().capabilities.conditionalGeneration)
            return sampleSequence(*model, *tokenizer, source.isEmpty() ? prompt : source, tokensGiven ? tokens : 64,
                                  beams);
        if (!source.isEmpty() || beams != 1)
            return usageError(QStringLiteral("sample: --source and --beams are for encoder-decoders (T5, BART); "
                                             "this model continues a --prompt"));
        if (!system.isEmpty() && !chat)
            return usageError(QStringLiteral("sample: --system needs --chat"));
        SamplingSettings settings;
        settings.maxNewTokens = tokens;
        settings.temperature = temperature;
        settings.topK = topK;
        settings.topP = topP;
        settings.seed = seed;
        if (chat) {
            // The conversation as the model was tuned to read it; its special tokens are in the text.
            const ChatTemplate chatTemplate = ChatTemplate::fromTokenizerConfig(modelPath.toStdString());
            std::vector<ChatMessage> messages;
            if (!system.isEmpty())
                messages.push_back({"system", system.toStdString()});
            messages.push_back({"user", prompt.toStdString()});
            const std::string rendered = chatTemplate.render(messages, true);
            streamGeneration(*model, *tokenizer, tokenizer->encode(rendered, false).ids, settings, false);
            return 0;
        }
        if (topP >= 1.0 && !::isatty(STDOUT_FILENO)) {
            std::printf(
                "%s\n",
                generateText(*model, *tokenizer, prompt.toStdString(), tokens, temperature, topK, seed).c_str());
            return 0;
        }
        std::vector<int64_t> ids = tokenizer->encode(prompt.toStdString(), true).ids;
        if (ids.empty())
            ids.push_back(std::max<int64_t>(
                {model->info().config.bosTokenId, tokenizer->tokenToId("<|endoftext|>"), int64_t(0)}));
        streamGeneration(*model, *tokenizer, ids, settings, true);
    } catch (const std::exception &error) {
        return failure(QString::fromStdString(error.what()));
    }
    return 0;
}

} // namespace tessera::app
