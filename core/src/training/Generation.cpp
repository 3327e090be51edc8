// Autoregressive sampling from a GPT-2 model (generateText, declared in Training.h).

#include "tessera/core/Error.h"
#include "tessera/core/Model.h"
#include "tessera/core/Tokenizer.h"
#include "tessera/core/Training.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace tessera {

std::string generateText(const Model &model, const Tokenizer &tokenizer, const std::string &prompt, int maxTokens,
                         double temperature, int topK, uint64_t seed, JobContext *context)
{
    const ModelConfig &c = model.info().config;
    if (!model.info().capabilities.generates)
        throw Error("text generation needs a causal language model with its head (GPT-2), not " + c.modelType);
    std::vector<int64_t> ids = tokenizer.encode(prompt, false).ids;
    const int64_t endOfText = tokenizer.tokenToId("<|endoftext|>");
    if (ids.empty())
        ids.push_back(endOfText >= 0 ? endOfText : 0);
    std::mt19937_64 random(seed);
    CaptureOptions none;
    none.attentions = false;
    none.hiddenStates = false;
    for (int t = 0; t < maxTokens; ++t) {
        if (context) {
            context->throwIfCancelled();
            context->setProgress(double(t) / double(maxTokens), "token " + std::to_string(t + 1));
        }
        const int64_t window = std::min<int64_t>(int64_t(ids.size()), c.maxPositions);
        ModelInputs inputs;
        inputs.integers["input_ids"] = {{1, window}, std::vector<int64_t>(ids.end() - window, ids.end())};
        const ModelOutputs outputs = model.run(inputs, none);
        const FloatTensor &logits = outputs.at("logits");
        const int64_t vocabulary = logits.shape.back();
        const float *last = logits.values.data() + (window - 1) * vocabulary;
        std::vector<int64_t> order(static_cast<size_t>(vocabulary));
        std::iota(order.begin(), order.end(), 0);
        int64_t next = 0;
        if (temperature <= 0) {
            next = int64_t(std::max_element(last, last + vocabulary) - last);
        } else {
            const int64_t k = topK > 0 ? std::min<int64_t>(topK, vocabulary) : vocabulary;
            std::partial_sort(order.begin(), order.begin() + k, order.end(),
                              [&](int64_t a, int64_t b) { return last[a] > last[b]; });
            std::vector<double> weights(static_cast<size_t>(k));
            for (int64_t i = 0; i < k; ++i)
                weights[size_t(i)] = std::exp((last[order[size_t(i)]] - last[order[0]]) / temperature);
            std::discrete_distribution<int64_t> pick(weights.begin(), weights.end());
            next = order[size_t(pick(random))];
        }
        if (next == endOfText)
            break;
        ids.push_back(next);
    }
    return tokenizer.decode(ids, true);
}

} // namespace tessera
