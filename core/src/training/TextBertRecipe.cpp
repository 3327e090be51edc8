// bert-text: a tiny BERT masked language model on a text file, with the notes' masking
// (maskForLanguageModel, public in Training.h).

#include "TrainingInternal.h"

#include "tessera/core/Tokenizer.h"

#include <algorithm>
#include <cwctype>
#include <filesystem>
#include <random>
#include <sstream>

#include <unistd.h>

namespace tessera {

std::vector<int64_t> maskForLanguageModel(std::vector<int64_t> &ids, int64_t maskId, int64_t firstOrdinaryId,
                                          int64_t vocabularySize, uint64_t seed)
{
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::uniform_int_distribution<int64_t> anyToken(firstOrdinaryId, std::max(firstOrdinaryId, vocabularySize - 1));
    std::vector<int64_t> targets(ids.size(), detail::kIgnore);
    for (size_t t = 1; t + 1 < ids.size(); ++t) {
        if (uniform(random) >= 0.15)
            continue;
        targets[t] = ids[t];
        const double r = uniform(random);
        if (r < 0.8)
            ids[t] = maskId;
        else if (r < 0.9)
            ids[t] = anyToken(random);
    }
    return targets;
}

namespace detail {
namespace {

namespace fs = std::filesystem;

// A tiny BERT masked LM on a text file. Vocabulary: the special tokens, then every character of
// the text that occurs at least twice (most frequent first, at most 4000), each as a word start
// and as a "##" continuation, so that BertTokenizer splits every word into characters.
class TextBert : public Recipe {
public:
    explicit TextBert(const TrainingOptions &o) : m_options(o), m_length(o.sequenceLength)
    {
        const std::string text = readTextFile(o.textFile);
        const std::u32string points = decodeUtf8(text, o.textFile);
        std::map<char32_t, int64_t> counts;
        for (char32_t c : points)
            if (!std::iswspace(wint_t(c)))
                ++counts[c];
        std::vector<std::pair<int64_t, char32_t>> ranked;
        for (const auto &[c, n] : counts)
            if (n >= 2)
                ranked.emplace_back(-n, c);
        std::sort(ranked.begin(), ranked.end());
        if (ranked.size() > 4000)
            ranked.resize(4000);
        m_vocabulary = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
        for (const auto &entry : ranked)
            m_vocabulary.push_back(encodeUtf8(std::u32string(1, entry.second)));
        for (const auto &entry : ranked)
            m_vocabulary.push_back("##" + encodeUtf8(std::u32string(1, entry.second)));
        // Tokenise with the tokenizer the checkpoint will ship, so training and use agree.
        m_folder = fs::temp_directory_path() / ("tessera-vocab-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(reinterpret_cast<uintptr_t>(this)));
        fs::create_directories(m_folder);
        writeTokenizer(m_folder.string());
        const std::unique_ptr<Tokenizer> tokenizer = loadTokenizer(m_folder.string());
        fs::remove_all(m_folder);
        std::istringstream lines(text);
        std::string line;
        while (std::getline(lines, line)) {
            if (line.empty())
                continue;
            const Encoding e = tokenizer->encode(line, false);
            m_ids.insert(m_ids.end(), e.ids.begin(), e.ids.end());
        }
        m_split = int64_t(m_ids.size()) * 9 / 10;
        if (m_split < m_length || int64_t(m_ids.size()) - m_split < m_length)
            throw Error("the text is too short for examples of " + std::to_string(m_length) + " tokens", o.textFile);
    }

    ModelConfig config(const TrainingOptions &o) const override
    {
        return bertConfig(o, int64_t(m_vocabulary.size()), m_length);
    }

    Batch batch(int64_t step, bool heldOut, int64_t size) const override
    {
        std::mt19937_64 random = streamFor(m_options.seed, heldOut ? 2 : 1, uint64_t(step));
        const int64_t inner = m_length - 2;
        const int64_t begin = heldOut ? m_split : 0, end = heldOut ? int64_t(m_ids.size()) : m_split;
        std::uniform_int_distribution<int64_t> start(begin, std::max(begin, end - inner));
        std::vector<int64_t> ids(size_t(size * m_length)), targets(size_t(size * m_length), kIgnore);
        for (int64_t b = 0; b < size; ++b) {
            const int64_t s = start(random);
            int64_t *row = ids.data() + b * m_length;
            row[0] = 2;
            for (int64_t t = 0; t < inner; ++t)
                row[t + 1] = m_ids[size_t(std::min<int64_t>(s + t, int64_t(m_ids.size()) - 1))];
            row[m_length - 1] = 3;
            std::vector<int64_t> example(row, row + m_length);
            const std::vector<int64_t> chosen =
                maskForLanguageModel(example, 4, 5, int64_t(m_vocabulary.size()), random());
            std::copy(example.begin(), example.end(), row);
            std::copy(chosen.begin(), chosen.end(), targets.begin() + b * m_length);
        }
        Batch result;
        result.inputs.integers["input_ids"] = {{size, m_length}, ids};
        result.targets = longTensor(targets, {size, m_length});
        return result;
    }

    Probe probe() const override
    {
        Probe p;
        const int64_t n = std::min<int64_t>(m_length, 40);
        std::vector<int64_t> ids = {2};
        ids.insert(ids.end(), m_ids.begin() + m_split, m_ids.begin() + m_split + n - 2);
        ids.push_back(3);
        for (int64_t id : ids)
            p.tokens.push_back(m_vocabulary[size_t(id)]);
        p.inputs.integers["input_ids"] = {{1, n}, ids};
        return p;
    }

    void writeTokenizer(const std::string &folder) const override
    {
        writeWordPieceTokenizer(folder, m_vocabulary, m_length);
    }

    std::string accuracyName() const override { return "masked_token_accuracy"; }

private:
    TrainingOptions m_options;
    int64_t m_length;
    std::vector<std::string> m_vocabulary;
    std::vector<int64_t> m_ids;
    int64_t m_split = 0;
    fs::path m_folder;
};

} // namespace

std::vector<RecipeRow> textBertRecipeRows()
{
    return {{recipeInfo("bert-text", "Tiny BERT on a text file",
                        "A BERT masked language model on a text file with the notes' masking: 15% of the tokens, "
                        "of which 80% become [MASK], 10% a random token and 10% stay unchanged.",
                        "bert", true, 2000, 32, 1e-3, 4, 128, 4, 64),
             [](const TrainingOptions &o) { return std::make_unique<TextBert>(o); }}};
}

} // namespace detail
} // namespace tessera
