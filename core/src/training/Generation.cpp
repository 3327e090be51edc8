// Autoregressive generation (Generation.h) and generateText (Training.h) on top of it.

#include "tessera/core/Generation.h"

#include "tessera/core/Error.h"
#include "tessera/core/Model.h"
#include "tessera/core/Tokenizer.h"
#include "tessera/core/Training.h"

#include "models/Decoding.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tessera {

int64_t sampleNext(const float *logits, int64_t vocabulary, const SamplingSettings &settings, std::mt19937_64 &random)
{
    if (settings.temperature <= 0)
        return int64_t(std::max_element(logits, logits + vocabulary) - logits);
    const int64_t k = settings.topK > 0 ? std::min<int64_t>(settings.topK, vocabulary) : vocabulary;
    std::vector<int64_t> order(static_cast<size_t>(vocabulary));
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](int64_t a, int64_t b) { return logits[a] > logits[b]; });
    std::vector<double> weights(static_cast<size_t>(k));
    for (int64_t i = 0; i < k; ++i)
        weights[size_t(i)] = std::exp((logits[order[size_t(i)]] - logits[order[0]]) / settings.temperature);
    if (settings.topP < 1.0) {
        // Nucleus: the most likely tokens until their share reaches p (the one crossing it kept).
        const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
        double sum = 0.0;
        size_t keep = 0;
        while (keep < weights.size() && (keep == 0 || sum < settings.topP * total))
            sum += weights[keep++];
        weights.resize(keep);
    }
    std::discrete_distribution<int64_t> pick(weights.begin(), weights.end());
    return order[size_t(pick(random))];
}

namespace {

bool isEnd(const std::vector<int64_t> &ends, int64_t id)
{
    return std::find(ends.begin(), ends.end(), id) != ends.end();
}

// The generation loop, stopping after one of ends where settings.stopAtEnd.
std::vector<int64_t> generateUntil(const Model &model, const std::vector<int64_t> &prompt,
                                   const SamplingSettings &settings, const std::vector<int64_t> &ends,
                                   const std::function<void(int64_t)> &onToken, JobContext *context)
{
    const ModelInfo &info = model.info();
    if (!info.capabilities.generates)
        throw Error("text generation needs a causal language model with its head, which this " +
                    (info.config.architecture.empty() ? info.config.modelType : info.config.architecture) + " is not");
    if (prompt.empty())
        throw Error("generation needs a prompt of at least one token");
    std::mt19937_64 random(settings.seed);
    const std::unique_ptr<detail::Decoder> decoder = detail::makeDecoder(model);
    std::vector<int64_t> fed = prompt, added;
    for (int t = 0; t < settings.maxNewTokens; ++t) {
        if (context) {
            context->throwIfCancelled();
            context->setProgress(double(t) / double(settings.maxNewTokens), "token " + std::to_string(t + 1));
        }
        const std::vector<float> logits = decoder->next(fed);
        const int64_t next = sampleNext(logits.data(), int64_t(logits.size()), settings, random);
        added.push_back(next);
        if (onToken)
            onToken(next);
        if (settings.stopAtEnd && isEnd(ends, next))
            break;
        fed = {next};
    }
    return added;
}

} // namespace

std::vector<int64_t> generateIds(const Model &model, const std::vector<int64_t> &prompt,
                                 const SamplingSettings &settings, const std::function<void(int64_t)> &onToken,
                                 JobContext *context)
{
    return generateUntil(model, prompt, settings, model.info().config.eosTokenIds, onToken, context);
}

std::string generateText(const Model &model, const Tokenizer &tokenizer, const std::string &prompt, int maxTokens,
                         double temperature, int topK, uint64_t seed, JobContext *context)
{
    if (!model.info().capabilities.generates)
        throw Error("text generation needs a causal language model with its head, not " +
                    model.info().config.modelType);
    // The prompt as the model was trained to see it: with the tokenizer's special tokens (a
    // Llama <s>; none for GPT-2's byte-level BPE).
    std::vector<int64_t> ids = tokenizer.encode(prompt, true).ids;
    const int64_t endOfText = tokenizer.tokenToId("<|endoftext|>");
    if (ids.empty())
        ids.push_back(endOfText >= 0 ? endOfText : std::max<int64_t>(model.info().config.bosTokenId, 0));
    std::vector<int64_t> ends = model.info().config.eosTokenIds;
    if (endOfText >= 0)
        ends.push_back(endOfText);
    SamplingSettings settings;
    settings.maxNewTokens = maxTokens;
    settings.temperature = temperature;
    settings.topK = topK;
    settings.seed = seed;
    std::vector<int64_t> added = generateUntil(model, ids, settings, ends, {}, context);
    if (!added.empty() && isEnd(ends, added.back())) // the end token stays out of the text
        added.pop_back();
    ids.insert(ids.end(), added.begin(), added.end());
    return tokenizer.decode(ids, true);
}

} // namespace tessera
