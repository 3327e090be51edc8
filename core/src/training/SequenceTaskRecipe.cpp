// The digit sequence tasks copy, reverse and sort: a BERT encoder on "[CLS] x1 .. xn [SEP]"
// whose output at xi's position is the answer, a known attention solution (the diagonal, the
// anti-diagonal, the rank order).

#include "TrainingInternal.h"

#include <algorithm>
#include <random>

namespace tessera::detail {
namespace {

// Vocabulary: [PAD] [UNK] [CLS] [SEP] [MASK] then the digits 0-9 (ids 5-14).
class SequenceTask : public Recipe {
public:
    SequenceTask(std::string task, const TrainingOptions &o) : m_task(std::move(task)), m_options(o)
    {
        m_longest = o.sequenceLength;
        m_shortest = std::max<int64_t>(2, std::min<int64_t>(4, m_longest));
    }

    ModelConfig config(const TrainingOptions &o) const override { return bertConfig(o, 15, m_longest + 2); }

    // The answer's source positions for an output position (1-based, as in the sequence).
    std::vector<int64_t> digitsFor(std::mt19937_64 &random, int64_t n) const
    {
        std::uniform_int_distribution<int64_t> digit(0, 9);
        std::vector<int64_t> x(static_cast<size_t>(n));
        for (auto &v : x)
            v = digit(random);
        return x;
    }

    std::vector<int64_t> answer(const std::vector<int64_t> &x) const
    {
        std::vector<int64_t> y = x;
        if (m_task == "reverse")
            std::reverse(y.begin(), y.end());
        else if (m_task == "sort")
            std::sort(y.begin(), y.end());
        return y;
    }

    Batch batch(int64_t step, bool heldOut, int64_t size) const override
    {
        std::mt19937_64 random = streamFor(m_options.seed, heldOut ? 2 : 1, uint64_t(step));
        std::uniform_int_distribution<int64_t> length(m_shortest, m_longest);
        const int64_t width = m_longest + 2;
        std::vector<int64_t> ids(size_t(size * width), 0), mask(size_t(size * width), 0),
            targets(size_t(size * width), kIgnore);
        for (int64_t b = 0; b < size; ++b) {
            const int64_t n = length(random);
            const std::vector<int64_t> x = digitsFor(random, n), y = answer(x);
            int64_t *row = ids.data() + b * width;
            row[0] = 2;
            for (int64_t i = 0; i < n; ++i) {
                row[i + 1] = 5 + x[size_t(i)];
                targets[size_t(b * width + i + 1)] = 5 + y[size_t(i)];
            }
            row[n + 1] = 3;
            std::fill(mask.begin() + b * width, mask.begin() + b * width + n + 2, 1);
        }
        Batch result;
        result.inputs.integers["input_ids"] = {{size, width}, ids};
        result.inputs.integers["attention_mask"] = {{size, width}, mask};
        result.targets = longTensor(targets, {size, width});
        return result;
    }

    Probe probe() const override
    {
        const std::vector<int64_t> digits = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};
        const int64_t n = std::min<int64_t>(m_longest, 8);
        Probe p;
        std::vector<int64_t> ids = {2};
        p.tokens = {"[CLS]"};
        for (int64_t i = 0; i < n; ++i) {
            ids.push_back(5 + digits[size_t(i)]);
            p.tokens.push_back(std::to_string(digits[size_t(i)]));
        }
        ids.push_back(3);
        p.tokens.push_back("[SEP]");
        p.inputs.integers["input_ids"] = {{1, int64_t(ids.size())}, ids};
        return p;
    }

    void writeTokenizer(const std::string &folder) const override
    {
        std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
        for (int d = 0; d < 10; ++d)
            tokens.push_back(std::to_string(d));
        writeWordPieceTokenizer(folder, tokens, m_longest + 2);
    }

    // For each layer and head, the mean attention weight that output positions put on the keys
    // holding their answer (summed when a digit repeats); the best head is reported.
    void finalMetrics(const Model &model, std::map<std::string, double> &metrics, JobContext &) const override
    {
        const Batch held = batch(0, true, 256);
        CaptureOptions capture;
        capture.hiddenStates = false;
        const ModelOutputs outputs = model.run(held.inputs, capture);
        const IntTensor &ids = held.inputs.integers.at("input_ids");
        const int64_t size = ids.shape[0], width = ids.shape[1];
        const torch::Tensor targets = held.targets;
        bestHeadOnAnswer(
            outputs, model.info().config.layers,
            [&](const FloatTensor &a, int64_t h) {
                const int64_t heads = a.shape[1];
                double sum = 0.0;
                int64_t count = 0;
                for (int64_t b = 0; b < size; ++b)
                    for (int64_t q = 0; q < width; ++q) {
                        const int64_t target = targets[b][q].item<int64_t>();
                        if (target == kIgnore)
                            continue;
                        for (int64_t k = 1; k < width; ++k)
                            if (ids.values[size_t(b * width + k)] == target)
                                sum += a.values[size_t(((b * heads + h) * width + q) * width + k)];
                        ++count;
                    }
                return count ? sum / double(count) : 0.0;
            },
            metrics);
    }

private:
    std::string m_task;
    TrainingOptions m_options;
    int64_t m_longest = 10;
    int64_t m_shortest = 4;
};

std::unique_ptr<Recipe> makeSequenceTask(const TrainingOptions &o)
{
    return std::make_unique<SequenceTask>(o.recipe, o);
}

} // namespace

std::vector<RecipeRow> sequenceTaskRecipeRows()
{
    return {
        {recipeInfo("reverse", "Reverse a sequence",
                    "A 2-layer BERT encoder learns to output digit sequences reversed. Its attention "
                    "solves it visibly: each position looks at its mirror image (the anti-diagonal).",
                    "bert", false, 1500, 64, 2e-3, 2, 64, 4, 10),
         makeSequenceTask},
        {recipeInfo("copy", "Copy a sequence",
                    "The encoder outputs its input unchanged: attention settles on the diagonal.", "bert", false, 600,
                    64, 2e-3, 2, 64, 4, 10),
         makeSequenceTask},
        {recipeInfo("sort", "Sort a sequence",
                    "The encoder outputs the digits in ascending order: each output position must find the "
                    "k-th smallest digit, a harder pattern that depends on the content.",
                    "bert", false, 3000, 64, 2e-3, 3, 64, 4, 8),
         makeSequenceTask},
    };
}

} // namespace tessera::detail
