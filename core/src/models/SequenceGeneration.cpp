// Encoder-decoder generation (tessera/core/Generation.h): the source encoded once through the
// family's Architecture::encode, then the target decoded over it per step (the whole target
// prefix each time: encoder-decoders here have no key/value cache), greedily or by beam search.

#include "models/Architecture.h"

#include "tessera/core/Error.h"
#include "tessera/core/Generation.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tessera {
namespace {

struct Hypothesis {
    std::vector<int64_t> ids;
    double logProbability = 0.0;
};

double scoreOf(const Hypothesis &h, double lengthPenalty)
{
    return h.logProbability / std::pow(double(std::max<size_t>(h.ids.size() - 1, 1)), lengthPenalty);
}

GeneratedSequence finished(const Hypothesis &h, double lengthPenalty)
{
    return {h.ids, h.logProbability, scoreOf(h, lengthPenalty)};
}

} // namespace

std::vector<GeneratedSequence> generateSequence(const Model &model, const std::vector<int64_t> &source,
                                                const SequenceSettings &settings, JobContext *context)
{
    torch::NoGradGuard noGrad;
    const ModelInfo &info = model.info();
    const ModelConfig &c = info.config;
    const detail::ModelNetwork network = detail::networkOf(model);
    if (!info.capabilities.conditionalGeneration || !network)
        throw Error("generating from a source needs an encoder-decoder with its head (T5ForConditionalGeneration, "
                    "BartForConditionalGeneration), which this " +
                    (c.architecture.empty() ? c.modelType : c.architecture) + " is not");
    if (source.empty())
        throw Error("the source has no tokens");
    if (c.decoderStartTokenId < 0 || c.decoderStartTokenId >= c.vocabularySize)
        throw Error("config.json gives no decoder_start_token_id inside the vocabulary, so the decoder cannot start",
                    info.folder + "/config.json", "decoder_start_token_id");
    if (settings.beams < 1 || settings.maxNewTokens < 1)
        throw Error("generation needs at least one beam and one new token");
    const int64_t beams = settings.beams;

    ModelInputs inputs;
    inputs.integers["input_ids"] = {{1, int64_t(source.size())}, source};
    inputs.integers["decoder_input_ids"] = {{1, 1}, {c.decoderStartTokenId}};
    CaptureOptions none;
    none.attentions = none.hiddenStates = false;
    ModelOutputs unused;
    detail::nn::Pass pass(none, unused, nullptr);
    // Relative positions (T5) reach any length; a position table (BART) bounds source and target.
    const int64_t maxLength = c.relativeBuckets > 0 ? 0 : c.maxPositions;
    detail::EncoderDecoderInputs in =
        detail::readEncoderDecoderInputs(inputs, c, maxLength, 0, false); // ids, masks and padding checked
    const torch::Tensor encoded = network.architecture->encode(*network.weights, in, pass);
    if (!encoded.defined())
        throw Error("this model has no encoder to generate from");
    const int64_t maxTarget = maxLength;

    std::vector<Hypothesis> running = {{{c.decoderStartTokenId}, 0.0}};
    std::vector<Hypothesis> done;
    const std::vector<int64_t> &ends = c.eosTokenIds;
    auto isEnd = [&](int64_t id) { return std::find(ends.begin(), ends.end(), id) != ends.end(); };
    for (int step = 0; step < settings.maxNewTokens && !running.empty(); ++step) {
        if (context) {
            context->throwIfCancelled();
            context->setProgress(double(step) / double(settings.maxNewTokens), "token " + std::to_string(step + 1));
        }
        const int64_t rows = int64_t(running.size()), length = int64_t(running.front().ids.size());
        if (maxTarget > 0 && length >= maxTarget)
            break; // the decoder's positions are used up
        std::vector<int64_t> flat;
        for (const Hypothesis &h : running)
            flat.insert(flat.end(), h.ids.begin(), h.ids.end());
        in.targetIds = torch::tensor(flat, torch::kInt64).view({rows, length});
        in.targetMask = torch::Tensor();
        detail::EncoderDecoderInputs batch = in;
        batch.sourceMask = in.sourceMask.expand({rows, -1});
        const torch::Tensor logits =
            network.architecture->decode(*network.weights, batch, encoded.expand({rows, -1, -1}), pass)
                .select(1, length - 1)
                .to(torch::kFloat32); // [rows, vocabulary]
        torch::Tensor logProbabilities = torch::log_softmax(logits, -1);
        // transformers' ForcedBOS / ForcedEOS logits processors: one token allowed.
        int64_t forced = -1;
        if (step == 0 && c.forcedBosTokenId >= 0)
            forced = c.forcedBosTokenId;
        if (step == settings.maxNewTokens - 1 && c.forcedEosTokenId >= 0)
            forced = c.forcedEosTokenId;
        if (forced >= 0 && forced < c.vocabularySize) {
            logProbabilities = torch::full_like(logProbabilities, -std::numeric_limits<float>::infinity());
            logProbabilities.select(1, forced).fill_(0.0f);
        }
        if (beams == 1) {
            const int64_t next = logits.argmax(-1)[0].item<int64_t>();
            const int64_t pick = forced >= 0 ? forced : next;
            running[0].ids.push_back(pick);
            running[0].logProbability += double(logProbabilities[0][pick].item<float>());
            if (settings.stopAtEnd && isEnd(pick)) {
                done.push_back(running[0]);
                running.clear();
            }
            continue;
        }
        // Beam search as transformers does it: the 2 x beams best continuations of all running
        // hypotheses; an end among the first `beams` of them finishes its hypothesis (one further
        // down is dropped), the best `beams` others run on.
        std::vector<float> soFar;
        for (const Hypothesis &h : running)
            soFar.push_back(float(h.logProbability));
        const torch::Tensor cumulative = logProbabilities + torch::tensor(soFar).view({rows, 1});
        const int64_t vocabulary = cumulative.size(1);
        const auto [values, indices] = cumulative.flatten().topk(std::min<int64_t>(2 * beams, rows * vocabulary));
        std::vector<Hypothesis> next;
        for (int64_t i = 0; i < values.size(0) && int64_t(next.size()) < beams; ++i) {
            const double value = double(values[i].item<float>());
            if (!std::isfinite(value))
                break;
            const int64_t index = indices[i].item<int64_t>();
            Hypothesis h = running[size_t(index / vocabulary)];
            h.ids.push_back(index % vocabulary);
            h.logProbability = value;
            if (!(settings.stopAtEnd && isEnd(h.ids.back())))
                next.push_back(std::move(h));
            else if (i < beams)
                done.push_back(std::move(h));
        }
        running = std::move(next);
        // The best `beams` finished hypotheses are kept. Done when they are `beams` and no running
        // one can still beat the worst (transformers' early_stopping=False test: its score at the
        // current length).
        auto better = [&](const Hypothesis &a, const Hypothesis &b) {
            return scoreOf(a, settings.lengthPenalty) > scoreOf(b, settings.lengthPenalty);
        };
        if (int64_t(done.size()) >= beams) {
            std::stable_sort(done.begin(), done.end(), better);
            done.resize(size_t(beams));
            if (!running.empty() && !better(running.front(), done.back()))
                running.clear();
        }
    }
    // Hypotheses still running at the limit count as finished there.
    done.insert(done.end(), running.begin(), running.end());
    std::vector<GeneratedSequence> result;
    for (const Hypothesis &h : done)
        result.push_back(finished(h, settings.lengthPenalty));
    std::stable_sort(result.begin(), result.end(),
                     [](const GeneratedSequence &a, const GeneratedSequence &b) { return a.score > b.score; });
    if (int64_t(result.size()) > beams)
        result.resize(size_t(beams));
    return result;
}

} // namespace tessera
