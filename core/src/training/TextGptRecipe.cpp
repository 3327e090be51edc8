// gpt-text and llama-text: a tiny byte-level GPT-2 or Llama-style decoder on the bytes of a text
// file; the last tenth is held out.

#include "TrainingInternal.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace tessera::detail {
namespace {

// A tiny GPT-2 (or Llama) on the bytes of a text file; the last tenth is held out.
class TextGpt : public Recipe {
public:
    TextGpt(const TrainingOptions &o, bool llama) : m_options(o), m_context(o.sequenceLength), m_llama(llama)
    {
        const std::string text = readTextFile(o.textFile);
        for (const char c : text)
            m_bytes.push_back(static_cast<unsigned char>(c)); // bytes 128-255 of UTF-8 are ids 128-255, not negative
        m_split = int64_t(m_bytes.size()) * 9 / 10;
        if (m_split <= m_context + 1 || int64_t(m_bytes.size()) - m_split <= m_context + 1)
            throw Error("the text is too short for windows of " + std::to_string(m_context) + " bytes", o.textFile);
    }

    ModelConfig config(const TrainingOptions &o) const override
    {
        return m_llama ? byteLlamaConfig(o, m_context) : byteGptConfig(o, m_context);
    }

    Batch batch(int64_t step, bool heldOut, int64_t size) const override
    {
        std::mt19937_64 random = streamFor(m_options.seed, heldOut ? 2 : 1, uint64_t(step));
        const int64_t begin = heldOut ? m_split : 0, end = heldOut ? int64_t(m_bytes.size()) : m_split;
        std::uniform_int_distribution<int64_t> start(begin, end - m_context - 1);
        std::vector<int64_t> ids(size_t(size * m_context)), targets(size_t(size * m_context));
        for (int64_t b = 0; b < size; ++b) {
            const int64_t s = start(random);
            for (int64_t t = 0; t < m_context; ++t) {
                ids[size_t(b * m_context + t)] = m_bytes[size_t(s + t)];
                targets[size_t(b * m_context + t)] = m_bytes[size_t(s + t + 1)];
            }
        }
        Batch result;
        result.inputs.integers["input_ids"] = {{size, m_context}, ids};
        result.targets = longTensor(targets, {size, m_context});
        return result;
    }

    Probe probe() const override
    {
        Probe p;
        const int64_t n = std::min<int64_t>(m_context, 48);
        std::vector<int64_t> ids(m_bytes.begin() + m_split, m_bytes.begin() + m_split + n);
        for (int64_t id : ids)
            p.tokens.push_back(byteLabel(id));
        p.inputs.integers["input_ids"] = {{1, n}, ids};
        return p;
    }

    void writeTokenizer(const std::string &folder) const override { writeByteTokenizer(folder, m_context); }
    std::string accuracyName() const override { return "byte_accuracy"; }

    void finalMetrics(const Model &, std::map<std::string, double> &metrics, JobContext &) const override
    {
        metrics["perplexity"] = std::exp(metrics.at("loss"));
    }

private:
    TrainingOptions m_options;
    int64_t m_context;
    bool m_llama = false;
    std::vector<int64_t> m_bytes;
    int64_t m_split = 0;
};

} // namespace

std::vector<RecipeRow> textGptRecipeRows()
{
    return {{recipeInfo("gpt-text", "Tiny GPT on a text file",
                        "A byte-level GPT-2 learns to continue the text of any UTF-8 file (the last tenth is "
                        "held out); sample from it when it is done.",
                        "gpt2", true, 2000, 32, 2e-3, 4, 128, 4, 128),
             [](const TrainingOptions &o) { return std::make_unique<TextGpt>(o, false); }},
            {recipeInfo("llama-text", "Tiny Llama on a text file",
                        "A byte-level Llama-style decoder (RMSNorm, rotary positions, SwiGLU, grouped-query "
                        "attention) learns to continue the text of any UTF-8 file (the last tenth is held out); "
                        "the run folder opens as LlamaForCausalLM in transformers.",
                        "llama", true, 2000, 32, 2e-3, 4, 128, 4, 128),
             [](const TrainingOptions &o) { return std::make_unique<TextGpt>(o, true); }}};
}

} // namespace tessera::detail
