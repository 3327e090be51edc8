// reverse-causal: a byte-level GPT-2 reads "31415>" and writes "51413"; only the answer is scored.

#include "TrainingInternal.h"

#include <algorithm>
#include <random>

namespace tessera::detail {
namespace {

// "31415>51413": the digits, '>', the answer; only the answer is scored.
class CausalReverse : public Recipe {
public:
    explicit CausalReverse(const TrainingOptions &o) : m_options(o), m_longest(o.sequenceLength) {}

    ModelConfig config(const TrainingOptions &o) const override { return byteGptConfig(o, 2 * m_longest + 2); }

    std::vector<int64_t> example(std::mt19937_64 &random, int64_t n, std::vector<int64_t> *targets) const
    {
        std::uniform_int_distribution<int64_t> digit(0, 9);
        std::vector<int64_t> x(static_cast<size_t>(n));
        for (auto &v : x)
            v = '0' + digit(random);
        std::vector<int64_t> sequence = x;
        sequence.push_back('>');
        sequence.insert(sequence.end(), x.rbegin(), x.rend());
        sequence.push_back(kEndOfText);
        if (targets) {
            // Position t predicts token t + 1; the answer starts after '>' (position n).
            targets->assign(sequence.size(), kIgnore);
            for (size_t t = size_t(n); t + 1 < sequence.size(); ++t)
                (*targets)[t] = sequence[t + 1];
        }
        return sequence;
    }

    Batch batch(int64_t step, bool heldOut, int64_t size) const override
    {
        std::mt19937_64 random = streamFor(m_options.seed, heldOut ? 2 : 1, uint64_t(step));
        std::uniform_int_distribution<int64_t> length(std::min<int64_t>(4, m_longest), m_longest);
        const int64_t width = 2 * m_longest + 2;
        std::vector<int64_t> ids(size_t(size * width), kEndOfText), mask(size_t(size * width), 0),
            targets(size_t(size * width), kIgnore);
        for (int64_t b = 0; b < size; ++b) {
            std::vector<int64_t> t;
            const std::vector<int64_t> s = example(random, length(random), &t);
            std::copy(s.begin(), s.end(), ids.begin() + b * width);
            std::copy(t.begin(), t.end(), targets.begin() + b * width);
            std::fill(mask.begin() + b * width, mask.begin() + b * width + int64_t(s.size()), 1);
        }
        Batch result;
        result.inputs.integers["input_ids"] = {{size, width}, ids};
        result.inputs.integers["attention_mask"] = {{size, width}, mask};
        result.targets = longTensor(targets, {size, width});
        return result;
    }

    Probe probe() const override
    {
        std::mt19937_64 random = streamFor(m_options.seed, 3, 0);
        std::vector<int64_t> s = example(random, std::min<int64_t>(m_longest, 8), nullptr);
        s.pop_back();
        Probe p;
        for (int64_t id : s)
            p.tokens.push_back(byteLabel(id));
        p.inputs.integers["input_ids"] = {{1, int64_t(s.size())}, s};
        return p;
    }

    void writeTokenizer(const std::string &folder) const override { writeByteTokenizer(folder, 2 * m_longest + 2); }

    void finalMetrics(const Model &model, std::map<std::string, double> &metrics, JobContext &) const override
    {
        // The query that predicts answer digit j (at position n + j) should look at input
        // position n - 1 - j.
        std::mt19937_64 random = streamFor(m_options.seed, 4, 0);
        const int64_t n = m_longest, count = 128;
        std::vector<int64_t> ids;
        for (int64_t b = 0; b < count; ++b) {
            std::vector<int64_t> s = example(random, n, nullptr);
            s.pop_back();
            ids.insert(ids.end(), s.begin(), s.end());
        }
        const int64_t width = 2 * n + 1;
        ModelInputs inputs;
        inputs.integers["input_ids"] = {{count, width}, ids};
        CaptureOptions capture;
        capture.hiddenStates = false;
        const ModelOutputs outputs = model.run(inputs, capture);
        bestHeadOnAnswer(
            outputs, model.info().config.layers,
            [&](const FloatTensor &a, int64_t h) {
                const int64_t heads = a.shape[1];
                double sum = 0.0;
                for (int64_t b = 0; b < count; ++b)
                    for (int64_t j = 0; j < n; ++j)
                        sum += a.values[size_t(((b * heads + h) * width + (n + j)) * width + (n - 1 - j))];
                return sum / double(count * n);
            },
            metrics);
    }

private:
    TrainingOptions m_options;
    int64_t m_longest;
};

} // namespace

std::vector<RecipeRow> causalReverseRecipeRows()
{
    return {{recipeInfo("reverse-causal", "Reverse, GPT-style",
                        "A causal GPT-2 reads \"31415>\" and writes \"51413\" one digit at a time; the query "
                        "writing each digit looks back at its mirror position.",
                        "gpt2", false, 2000, 64, 2e-3, 2, 64, 4, 8),
             [](const TrainingOptions &o) { return std::make_unique<CausalReverse>(o); }}};
}

} // namespace tessera::detail
