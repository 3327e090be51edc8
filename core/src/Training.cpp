#include "tessera/core/Training.h"

#include "tessera/core/Datasets.h"
#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Log.h"
#include "tessera/core/Runtime.h"
#include "tessera/core/Safetensors.h"

#include "Network.h"
#include "DetrNetwork.h"
#include "TrainingRecipe.h"
#include "TorchTensors.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cwctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>
#include <random>
#include <set>
#include <sstream>

#include <unistd.h>

namespace fs = std::filesystem;

namespace tessera {

namespace detail {

std::mt19937_64 streamFor(uint64_t seed, uint64_t stream, uint64_t step)
{
    std::seed_seq sequence{uint32_t(seed), uint32_t(seed >> 32), uint32_t(stream), uint32_t(step), uint32_t(step >> 32)};
    return std::mt19937_64(sequence);
}

void writeJson(const std::string &path, const nlohmann::json &json) { writeFileAtomically(path, json.dump(2) + "\n"); }

} // namespace detail

namespace {

using detail::Weights;
using Clock = std::chrono::steady_clock;
constexpr int64_t kIgnore = -100; // targets not scored (cross_entropy's ignore_index)

// ---------------------------------------------------------------------------------------------
// Small conversions

torch::Tensor longTensor(const std::vector<int64_t> &values, std::vector<int64_t> shape)
{
    return torch::tensor(values, torch::kInt64).reshape(shape);
}

using detail::fromTorch;
using detail::toTorch;

using detail::Batch;
using detail::Evaluation;
using detail::Probe;
using detail::Recipe;
using detail::StepOutcome;
using detail::streamFor;
using detail::writeJson;

std::string stepName(int64_t step)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%06lld", static_cast<long long>(step));
    return buffer;
}


// ---------------------------------------------------------------------------------------------
// Recipes: data, vocabulary and model shape

// The parts of a model configuration every recipe sets the same way; the recipe adds the rest.
ModelConfig recipeConfig(const std::string &type, const std::string &architecture, const TrainingOptions &o,
                         int64_t feedForwardFactor)
{
    ModelConfig c;
    c.modelType = type;
    c.architecture = architecture;
    c.hiddenSize = o.hidden;
    c.layers = o.layers;
    c.heads = o.heads;
    c.intermediateSize = feedForwardFactor * o.hidden;
    return c;
}

// A BertForMaskedLM configuration over a vocabulary of that size and that many positions.
ModelConfig bertConfig(const TrainingOptions &o, int64_t vocabulary, int64_t positions)
{
    ModelConfig c = recipeConfig("bert", "BertForMaskedLM", o, 4);
    c.vocabularySize = vocabulary;
    c.maxPositions = positions;
    c.typeVocabularySize = 2;
    c.activation = "gelu";
    return c;
}

// vocab.txt (one token per line, the special tokens first) with the cased BertTokenizer
// settings beside it, as save_pretrained writes them.
void writeWordPieceTokenizer(const std::string &folder, const std::vector<std::string> &tokens, int64_t maxLength)
{
    std::string vocabulary;
    for (const std::string &token : tokens)
        vocabulary += token + "\n";
    writeFileAtomically(folder + "/vocab.txt", vocabulary);
    const nlohmann::json special = {{"unk_token", "[UNK]"}, {"sep_token", "[SEP]"}, {"pad_token", "[PAD]"},
                                    {"cls_token", "[CLS]"}, {"mask_token", "[MASK]"}};
    nlohmann::json config = special;
    config["tokenizer_class"] = "BertTokenizer";
    config["do_lower_case"] = false;
    config["strip_accents"] = false;
    config["tokenize_chinese_chars"] = true;
    config["model_max_length"] = maxLength;
    writeJson(folder + "/tokenizer_config.json", config);
    writeJson(folder + "/special_tokens_map.json", special);
}

// The head that puts most weight on where the answer is: meanWeight(attention [batch, heads, n, n],
// head) for every layer and head; the best goes into metrics (attention_on_answer[_layer|_head]).
void bestHeadOnAnswer(const ModelOutputs &outputs, int64_t layers,
                      const std::function<double(const FloatTensor &, int64_t)> &meanWeight,
                      std::map<std::string, double> &metrics)
{
    double best = -1.0;
    int64_t bestLayer = 0, bestHead = 0;
    for (int64_t layer = 0; layer < layers; ++layer) {
        const FloatTensor &a = outputs.at("attentions." + std::to_string(layer));
        for (int64_t h = 0; h < a.shape[1]; ++h) {
            const double mean = meanWeight(a, h);
            if (mean > best) {
                best = mean;
                bestLayer = layer;
                bestHead = h;
            }
        }
    }
    metrics["attention_on_answer"] = best;
    metrics["attention_on_answer_layer"] = double(bestLayer);
    metrics["attention_on_answer_head"] = double(bestHead);
}

// ---- Digit sequence tasks with a BERT encoder --------------------------------------------------

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
        std::vector<int64_t> ids(size_t(size * width), 0), mask(size_t(size * width), 0), targets(size_t(size * width), kIgnore);
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
        bestHeadOnAnswer(outputs, model.info().config.layers, [&](const FloatTensor &a, int64_t h) {
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
        }, metrics);
    }

private:
    std::string m_task;
    TrainingOptions m_options;
    int64_t m_longest = 10;
    int64_t m_shortest = 4;
};

// ---- Byte-level GPT-2 recipes --------------------------------------------------------------

constexpr int64_t kByteVocabulary = 257; // 256 bytes + <|endoftext|>
constexpr int64_t kEndOfText = 256;

ModelConfig byteGptConfig(const TrainingOptions &o, int64_t positions)
{
    ModelConfig c = recipeConfig("gpt2", "GPT2LMHeadModel", o, 4);
    c.vocabularySize = kByteVocabulary;
    c.maxPositions = positions;
    c.layerNormEps = 1e-5;
    c.activation = "gelu_new";
    return c;
}

void writeByteTokenizer(const std::string &folder, int64_t positions)
{
    // Byte-level BPE with the 256 byte symbols as ids 0-255 and no merges: GPT2Tokenizer reads it
    // and tokenises any text byte by byte.
    nlohmann::json vocabulary = nlohmann::json::object();
    const std::vector<std::string> alphabet = byteLevelAlphabet();
    for (size_t b = 0; b < alphabet.size(); ++b)
        vocabulary[alphabet[b]] = int64_t(b);
    vocabulary["<|endoftext|>"] = kEndOfText;
    writeFileAtomically(folder + "/vocab.json", vocabulary.dump());
    writeFileAtomically(folder + "/merges.txt", "#version: 0.2\n");
    writeJson(folder + "/tokenizer_config.json",
              {{"tokenizer_class", "GPT2Tokenizer"}, {"model_max_length", positions}, {"bos_token", "<|endoftext|>"},
               {"eos_token", "<|endoftext|>"}, {"unk_token", "<|endoftext|>"}, {"add_prefix_space", false}});
    writeJson(folder + "/special_tokens_map.json",
              {{"bos_token", "<|endoftext|>"}, {"eos_token", "<|endoftext|>"}, {"unk_token", "<|endoftext|>"}});
}

std::string byteLabel(int64_t id)
{
    if (id == kEndOfText)
        return "<|endoftext|>";
    const unsigned char c = static_cast<unsigned char>(id);
    if (c == ' ')
        return "␣";
    if (c == '\n')
        return "\\n";
    if (c < 32 || c >= 127)
        return "0x" + [&] {
            char buffer[4];
            std::snprintf(buffer, sizeof buffer, "%02X", c);
            return std::string(buffer);
        }();
    return std::string(1, char(c));
}

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
        bestHeadOnAnswer(outputs, model.info().config.layers, [&](const FloatTensor &a, int64_t h) {
            const int64_t heads = a.shape[1];
            double sum = 0.0;
            for (int64_t b = 0; b < count; ++b)
                for (int64_t j = 0; j < n; ++j)
                    sum += a.values[size_t(((b * heads + h) * width + (n + j)) * width + (n - 1 - j))];
            return sum / double(count * n);
        }, metrics);
    }

private:
    TrainingOptions m_options;
    int64_t m_longest;
};

std::string readTextFile(const std::string &path)
{
    if (path.empty())
        throw Error("this recipe needs a text file (--text FILE)");
    std::string text = readFile(path, size_t(64) << 20);
    decodeUtf8(text, path); // valid UTF-8 or a clear error with the byte offset
    if (text.size() < 1024)
        throw Error("only " + std::to_string(text.size()) + " bytes of text; at least 1 KiB is needed to train on", path);
    return text;
}

// A tiny GPT-2 on the bytes of a text file; the last tenth is held out.
class TextGpt : public Recipe {
public:
    explicit TextGpt(const TrainingOptions &o) : m_options(o), m_context(o.sequenceLength)
    {
        const std::string text = readTextFile(o.textFile);
        for (const char c : text)
            m_bytes.push_back(static_cast<unsigned char>(c)); // bytes 128-255 of UTF-8 are ids 128-255, not negative
        m_split = int64_t(m_bytes.size()) * 9 / 10;
        if (m_split <= m_context + 1 || int64_t(m_bytes.size()) - m_split <= m_context + 1)
            throw Error("the text is too short for windows of " + std::to_string(m_context) + " bytes", o.textFile);
    }

    ModelConfig config(const TrainingOptions &o) const override { return byteGptConfig(o, m_context); }

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

private:
    TrainingOptions m_options;
    int64_t m_context;
    std::vector<int64_t> m_bytes;
    int64_t m_split = 0;
};

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
            const std::vector<int64_t> chosen = maskForLanguageModel(example, 4, 5, int64_t(m_vocabulary.size()), random());
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

// A ViT on Fashion-MNIST (28 x 28, one channel), normalised with the training set's mean and
// standard deviation; random horizontal flips.
class FashionVit : public Recipe {
public:
    explicit FashionVit(const TrainingOptions &o) : m_options(o)
    {
        const std::string folder = o.datasetFolder.empty() ? defaultFashionMnistFolder() : o.datasetFolder;
        m_train = loadFashionMnist("train", folder);
        m_test = loadFashionMnist("test", folder);
        if (m_train.rows != 28 || m_train.cols != 28 || m_test.rows != 28 || m_test.cols != 28)
            throw Error("Fashion-MNIST images must be 28 x 28", folder);
    }

    static constexpr double kMean = 0.2860, kStd = 0.3530;

    ModelConfig config(const TrainingOptions &o) const override
    {
        ModelConfig c = recipeConfig("vit", "ViTForImageClassification", o, 2);
        c.imageSize = 28;
        c.patchSize = o.sequenceLength; // the patch side for this recipe
        c.channels = 1;
        c.labels = m_train.labelNames;
        return c;
    }

    Batch images(const ImageDataset &set, const std::vector<int64_t> &indices, std::mt19937_64 *flip) const
    {
        const int64_t size = int64_t(indices.size());
        FloatTensor pixels{{size, 1, 28, 28}, std::vector<float>(size_t(size * 784))};
        std::vector<int64_t> labels(static_cast<size_t>(size));
        std::bernoulli_distribution coin(0.5);
        for (int64_t b = 0; b < size; ++b) {
            const uint8_t *source = set.pixels.data() + indices[size_t(b)] * 784;
            const bool mirror = flip && coin(*flip);
            float *target = pixels.values.data() + b * 784;
            for (int r = 0; r < 28; ++r)
                for (int c = 0; c < 28; ++c)
                    target[r * 28 + c] = float((source[r * 28 + (mirror ? 27 - c : c)] / 255.0 - kMean) / kStd);
            labels[size_t(b)] = set.labels[size_t(indices[size_t(b)])];
        }
        Batch result;
        result.inputs.floats["pixel_values"] = std::move(pixels);
        result.targets = longTensor(labels, {size});
        return result;
    }

    Batch batch(int64_t step, bool heldOut, int64_t size) const override
    {
        if (heldOut) {
            // Held-out batches walk the test set in order.
            std::vector<int64_t> indices(static_cast<size_t>(size));
            for (int64_t b = 0; b < size; ++b)
                indices[size_t(b)] = (step * size + b) % m_test.count;
            return images(m_test, indices, nullptr);
        }
        // Epochs: a fresh permutation per epoch, from the seed and the epoch number.
        const int64_t perEpoch = m_train.count / size;
        const int64_t epoch = step / perEpoch, offset = step % perEpoch;
        std::mt19937_64 order = streamFor(m_options.seed, 5, uint64_t(epoch));
        std::vector<int64_t> permutation(static_cast<size_t>(m_train.count));
        std::iota(permutation.begin(), permutation.end(), 0);
        std::shuffle(permutation.begin(), permutation.end(), order);
        std::vector<int64_t> indices(permutation.begin() + offset * size, permutation.begin() + (offset + 1) * size);
        std::mt19937_64 flip = streamFor(m_options.seed, 1, uint64_t(step));
        return images(m_train, indices, &flip);
    }

    int64_t evaluationBatches() const override { return -1; } // the whole test set

    int64_t testCount() const { return m_test.count; }

    Probe probe() const override
    {
        Probe p = {images(m_test, {0}, nullptr).inputs, {}};
        const int64_t grid = 28 / m_options.sequenceLength;
        p.tokens.push_back("[CLS]");
        for (int64_t r = 0; r < grid; ++r)
            for (int64_t c = 0; c < grid; ++c)
                p.tokens.push_back(std::to_string(r) + "," + std::to_string(c));
        return p;
    }

    void writeTokenizer(const std::string &folder) const override
    {
        writeJson(folder + "/preprocessor_config.json",
                  {{"image_processor_type", "ViTImageProcessor"}, {"do_resize", true}, {"size", {{"height", 28}, {"width", 28}}},
                   {"resample", 2}, {"do_rescale", true}, {"rescale_factor", 1.0 / 255.0}, {"do_normalize", true},
                   {"image_mean", {kMean}}, {"image_std", {kStd}}});
    }

    std::string accuracyName() const override { return "accuracy"; }

private:
    TrainingOptions m_options;
    ImageDataset m_train;
    ImageDataset m_test;
};

std::unique_ptr<Recipe> makeRecipe(const TrainingOptions &o)
{
    if (o.recipe == "copy" || o.recipe == "reverse" || o.recipe == "sort")
        return std::make_unique<SequenceTask>(o.recipe, o);
    if (o.recipe == "reverse-causal")
        return std::make_unique<CausalReverse>(o);
    if (o.recipe == "gpt-text")
        return std::make_unique<TextGpt>(o);
    if (o.recipe == "bert-text")
        return std::make_unique<TextBert>(o);
    if (o.recipe == "vit-fashion")
        return std::make_unique<FashionVit>(o);
    if (std::unique_ptr<Recipe> diffusion = detail::makeDiffusionRecipe(o))
        return diffusion;
    if (std::unique_ptr<Recipe> detr = detail::makeDetrRecipe(o))
        return detr;
    throw Error("unknown recipe \"" + o.recipe + "\"");
}

// ---------------------------------------------------------------------------------------------
// config.json in the transformers 4 style (read back by ModelConfig::fromFile and by
// transformers' from_pretrained).

nlohmann::json configJson(const ModelConfig &c)
{
    nlohmann::json j;
    j["architectures"] = {c.architecture};
    j["model_type"] = c.modelType;
    j["torch_dtype"] = "float32";
    j["transformers_version"] = "4.46.0";
    j["initializer_range"] = 0.02;
    if (c.modelType == "gpt2") {
        j["vocab_size"] = c.vocabularySize;
        j["n_embd"] = c.hiddenSize;
        j["n_layer"] = c.layers;
        j["n_head"] = c.heads;
        j["n_inner"] = c.intermediateSize;
        j["n_positions"] = c.maxPositions;
        j["n_ctx"] = c.maxPositions;
        j["activation_function"] = c.activation;
        j["layer_norm_epsilon"] = c.layerNormEps;
        j["resid_pdrop"] = 0.0;
        j["embd_pdrop"] = 0.0;
        j["attn_pdrop"] = 0.0;
        j["bos_token_id"] = kEndOfText;
        j["eos_token_id"] = kEndOfText;
        j["tie_word_embeddings"] = true;
        return j;
    }
    j["hidden_size"] = c.hiddenSize;
    j["num_hidden_layers"] = c.layers;
    j["num_attention_heads"] = c.heads;
    j["intermediate_size"] = c.intermediateSize;
    j["hidden_act"] = c.activation;
    j["hidden_dropout_prob"] = 0.0;
    j["attention_probs_dropout_prob"] = 0.0;
    j["layer_norm_eps"] = c.layerNormEps;
    if (c.modelType == "bert") {
        j["vocab_size"] = c.vocabularySize;
        j["max_position_embeddings"] = c.maxPositions;
        j["type_vocab_size"] = c.typeVocabularySize;
        j["pad_token_id"] = 0;
        j["position_embedding_type"] = "absolute";
        j["tie_word_embeddings"] = true;
    } else {
        j["image_size"] = c.imageSize;
        j["patch_size"] = c.patchSize;
        j["num_channels"] = c.channels;
        j["qkv_bias"] = c.qkvBias;
        j["encoder_stride"] = c.patchSize;
        nlohmann::json id2label = nlohmann::json::object(), label2id = nlohmann::json::object();
        for (size_t i = 0; i < c.labels.size(); ++i) {
            id2label[std::to_string(i)] = c.labels[i];
            label2id[c.labels[i]] = int64_t(i);
        }
        j["id2label"] = id2label;
        j["label2id"] = label2id;
    }
    return j;
}

// Initial weights as transformers initialises these models: normal(0, 0.02) for matrices and
// embeddings, zero biases, LayerNorm weight 1 and bias 0. Drawn from a std::mt19937_64 so that a
// seed gives the same model with any LibTorch.
Weights initialWeights(const ModelConfig &config, uint64_t seed)
{
    std::mt19937_64 random = streamFor(seed, 0, 0);
    std::normal_distribution<float> normal(0.0f, 0.02f);
    Weights weights;
    for (const auto &[name, shape] : detail::weightShapes(config)) {
        const int64_t count = std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<int64_t>());
        std::vector<float> values(size_t(count), 0.0f);
        const bool norm = name.find("LayerNorm") != std::string::npos || name.find("layernorm") != std::string::npos ||
                          name.find("ln_") != std::string::npos;
        const bool bias = name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
        if (norm && !bias)
            std::fill(values.begin(), values.end(), 1.0f);
        else if (!bias && name != "cls.predictions.bias")
            for (float &v : values)
                v = normal(random);
        weights[name] = torch::from_blob(values.data(), shape, torch::kFloat32).clone().requires_grad_(true);
    }
    return weights;
}

// Which curve a parameter's gradient norm belongs to.
std::string groupOf(const std::string &name)
{
    for (const char *prefix : {"encoder.layer.", "h."})
        if (name.rfind(prefix, 0) == 0) {
            const size_t start = std::string(prefix).size();
            return "layer " + name.substr(start, name.find('.', start) - start);
        }
    if (name.find("embeddings") != std::string::npos || name.rfind("wte", 0) == 0 || name.rfind("wpe", 0) == 0)
        return "embeddings";
    return "head";
}

// ---------------------------------------------------------------------------------------------
// AdamW (Loshchilov & Hutter), as torch.optim.AdamW: decoupled weight decay, bias-corrected
// moments. Decay applies to matrices only (not biases, LayerNorm or embeddings' 1-D tensors).

struct AdamW {
    double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    std::map<std::string, torch::Tensor> m, v;
    int64_t step = 0;

    void apply(Weights &weights, double learningRate, double weightDecay)
    {
        torch::NoGradGuard noGrad;
        ++step;
        const double correction1 = 1.0 - std::pow(beta1, double(step));
        const double correction2 = 1.0 - std::pow(beta2, double(step));
        for (auto &[name, w] : weights) {
            const torch::Tensor &g = w.grad();
            if (!g.defined())
                continue;
            torch::Tensor &mi = m[name], &vi = v[name];
            if (!mi.defined()) {
                mi = torch::zeros_like(w);
                vi = torch::zeros_like(w);
            }
            if (weightDecay > 0 && w.dim() >= 2)
                w.mul_(1.0 - learningRate * weightDecay);
            mi.mul_(beta1).add_(g, 1.0 - beta1);
            vi.mul_(beta2).addcmul_(g, g, 1.0 - beta2);
            const torch::Tensor denominator = (vi / correction2).sqrt_().add_(epsilon);
            w.addcdiv_(mi, denominator, -learningRate / correction1);
        }
    }
};

// ---------------------------------------------------------------------------------------------

StepOutcome forwardLoss(const Model &model, const Batch &batch)
{
    const torch::Tensor logits = detail::differentiableLogits(model, batch.inputs);
    const torch::Tensor flat = logits.reshape({-1, logits.size(-1)});
    const torch::Tensor targets = batch.targets.reshape({-1});
    StepOutcome outcome;
    outcome.loss = torch::nn::functional::cross_entropy(
        flat, targets, torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnore));
    torch::NoGradGuard noGrad;
    const torch::Tensor scored = targets != kIgnore;
    const int64_t count = scored.sum().item<int64_t>();
    outcome.accuracy = count ? double((flat.argmax(-1).eq(targets).logical_and(scored)).sum().item<int64_t>()) / double(count) : 0.0;
    return outcome;
}

Evaluation evaluate(const Recipe &recipe, const Model &model, int64_t batchSize, JobContext &context)
{
    torch::NoGradGuard noGrad;
    int64_t batches = recipe.evaluationBatches();
    if (batches < 0) {
        const auto *vit = dynamic_cast<const FashionVit *>(&recipe);
        batches = vit ? (vit->testCount() + batchSize - 1) / batchSize : 8;
    }
    double lossSum = 0.0, correct = 0.0, count = 0.0;
    for (int64_t b = 0; b < batches; ++b) {
        context.throwIfCancelled();
        Batch batch = recipe.batch(b, true, batchSize);
        const torch::Tensor logits = detail::differentiableLogits(model, batch.inputs);
        const torch::Tensor flat = logits.reshape({-1, logits.size(-1)});
        const torch::Tensor targets = batch.targets.reshape({-1});
        const torch::Tensor scored = targets != kIgnore;
        const double n = double(scored.sum().item<int64_t>());
        lossSum += torch::nn::functional::cross_entropy(flat, targets,
                                                        torch::nn::functional::CrossEntropyFuncOptions()
                                                            .ignore_index(kIgnore)
                                                            .reduction(torch::kSum))
                       .item<double>();
        correct += double(flat.argmax(-1).eq(targets).logical_and(scored).sum().item<int64_t>());
        count += n;
    }
    return {count ? lossSum / count : 0.0, count ? correct / count : 0.0};
}

nlohmann::json optionsJson(const TrainingOptions &o)
{
    return {{"recipe", o.recipe},           {"text_file", o.textFile},       {"dataset_folder", o.datasetFolder},
            {"steps", o.steps},             {"batch_size", o.batchSize},     {"learning_rate", o.learningRate},
            {"warmup_steps", o.warmupSteps}, {"schedule", o.schedule},        {"weight_decay", o.weightDecay},
            {"clip_norm", o.clipNorm},      {"seed", o.seed},                {"layers", o.layers},
            {"hidden", o.hidden},           {"heads", o.heads},              {"sequence_length", o.sequenceLength},
            {"snapshot_every", o.snapshotEvery}, {"checkpoint_every", o.checkpointEvery},
            {"evaluate_every", o.evaluateEvery}, {"overfit_one_batch", o.overfitOneBatch}};
}

TrainingOptions optionsFromJson(const nlohmann::json &j, const std::string &path)
{
    TrainingOptions o;
    try {
        o.recipe = j.at("recipe").get<std::string>();
        o.textFile = j.value("text_file", std::string());
        o.datasetFolder = j.value("dataset_folder", std::string());
        o.steps = j.at("steps").get<int64_t>();
        o.batchSize = j.at("batch_size").get<int64_t>();
        o.learningRate = j.at("learning_rate").get<double>();
        o.warmupSteps = j.at("warmup_steps").get<int64_t>();
        o.schedule = j.at("schedule").get<std::string>();
        o.weightDecay = j.at("weight_decay").get<double>();
        o.clipNorm = j.at("clip_norm").get<double>();
        o.seed = j.at("seed").get<uint64_t>();
        o.layers = j.at("layers").get<int64_t>();
        o.hidden = j.at("hidden").get<int64_t>();
        o.heads = j.at("heads").get<int64_t>();
        o.sequenceLength = j.at("sequence_length").get<int64_t>();
        o.snapshotEvery = j.at("snapshot_every").get<int64_t>();
        o.checkpointEvery = j.at("checkpoint_every").get<int64_t>();
        o.evaluateEvery = j.at("evaluate_every").get<int64_t>();
        o.overfitOneBatch = j.value("overfit_one_batch", false);
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("trainer state is incomplete: ") + e.what(), path);
    }
    return o;
}

void saveModelFiles(const std::string &folder, const ModelConfig &config, const Weights &weights, const Recipe &recipe)
{
    std::vector<std::pair<std::string, FloatTensor>> tensors;
    for (const auto &[name, shape] : detail::weightShapes(config))
        tensors.emplace_back(detail::checkpointKey(config, name), fromTorch(weights.at(name)));
    writeJson(folder + "/config.json", configJson(config));
    writeSafetensors(folder + "/model.safetensors", tensors, {{"format", "pt"}});
    recipe.writeTokenizer(folder);
}

// A complete checkpoint folder or none: written as checkpoint-<step>.partial, then renamed.
// Older checkpoints beyond the last two are removed.
void saveCheckpoint(const std::string &run, int64_t step, const ModelConfig &config, const Weights &weights,
                    const AdamW &optimizer, const TrainingOptions &options, const Recipe &recipe,
                    const nlohmann::json &history)
{
    const fs::path final = fs::path(run) / ("checkpoint-" + stepName(step));
    const fs::path partial = fs::path(run) / ("checkpoint-" + stepName(step) + ".partial");
    fs::remove_all(partial);
    fs::create_directories(partial);
    recipe.saveModel(partial.string(), config, weights);
    std::vector<std::pair<std::string, FloatTensor>> moments;
    for (const auto &[name, tensor] : optimizer.m)
        moments.emplace_back("exp_avg." + name, fromTorch(tensor));
    for (const auto &[name, tensor] : optimizer.v)
        moments.emplace_back("exp_avg_sq." + name, fromTorch(tensor));
    writeSafetensors((partial / "optimizer.safetensors").string(), moments, {{"step", std::to_string(optimizer.step)}});
    writeJson((partial / "trainer_state.json").string(),
              {{"step", step}, {"options", optionsJson(options)}, {"history", history}, {"optimizer_step", optimizer.step}});
    fs::remove_all(final);
    fs::rename(partial, final);
    // The top of the run folder is the latest model, loadable as it is.
    recipe.saveModel(run, config, weights);
    std::vector<fs::path> checkpoints;
    for (const auto &entry : fs::directory_iterator(run)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_directory() && name.rfind("checkpoint-", 0) == 0 && name.find(".partial") == std::string::npos)
            checkpoints.push_back(entry.path());
    }
    std::sort(checkpoints.begin(), checkpoints.end());
    for (size_t i = 0; i + 2 < checkpoints.size(); ++i)
        fs::remove_all(checkpoints[i]);
}

fs::path latestCheckpoint(const std::string &run)
{
    fs::path best;
    if (!fs::is_directory(run))
        return best;
    for (const auto &entry : fs::directory_iterator(run)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_directory() && name.rfind("checkpoint-", 0) == 0 && name.find(".partial") == std::string::npos &&
            fs::exists(entry.path() / "trainer_state.json") && (best.empty() || entry.path() > best))
            best = entry.path();
    }
    return best;
}

// The input embedding of a model: token embeddings [vocabulary, hidden] for BERT and GPT-2, the
// patch projection as [hidden, channels x patch x patch] for ViT (one row per output feature).
FloatTensor tokenEmbeddings(const ModelConfig &config, const Weights &weights)
{
    torch::NoGradGuard noGrad;
    if (config.modelType == "bert")
        return fromTorch(weights.at("embeddings.word_embeddings.weight"));
    if (config.modelType == "gpt2")
        return fromTorch(weights.at("wte.weight"));
    const torch::Tensor projection = weights.at("embeddings.patch_embeddings.projection.weight");
    return fromTorch(projection.reshape({projection.size(0), -1}));
}

constexpr int64_t kSnapshotWeightLimit = 20'000'000; // parameters

void writeSnapshot(const std::string &run, int64_t step, const Model &model, const Weights &weights, const Probe &probe,
                   nlohmann::json &index, double loss, double accuracy)
{
    std::vector<std::pair<std::string, FloatTensor>> tensors;
    const ModelConfig &c = model.info().config;
    if (c.modelType == "detr") {
        // A detector's snapshot is its weights: the DETR lens runs the user's image (and its
        // matching against the user's ground truth) through the model as it was at this step.
        for (const auto &[name, tensor] : weights)
            tensors.emplace_back("weights." + name, fromTorch(tensor));
        (void)probe;
    }
    CaptureOptions capture;
    capture.hiddenStates = false;
    const ModelOutputs outputs = c.modelType == "detr" ? ModelOutputs() : model.run(probe.inputs, capture);
    for (int64_t l = 0; l < c.layers && c.modelType != "detr"; ++l) {
        FloatTensor a = outputs.at("attentions." + std::to_string(l));
        a.shape.erase(a.shape.begin()); // batch of one
        tensors.emplace_back("attentions." + std::to_string(l), std::move(a));
    }
    if (c.modelType != "detr") {
        const Matrix positions = model.positionTable();
        tensors.emplace_back("position_embeddings", FloatTensor{{positions.rows, positions.cols}, positions.values});
        tensors.emplace_back("token_embeddings", tokenEmbeddings(c, weights));
    }
    // A small ViT keeps its whole weights too, so that the ViT lens can run any image through
    // the model as it was at this step (4 x 96 on Fashion-MNIST: 0.9 MB a snapshot).
    if (c.modelType == "vit" && model.info().parameters <= kSnapshotWeightLimit)
        for (const auto &[name, tensor] : weights)
            tensors.emplace_back("weights." + name, fromTorch(tensor));
    const fs::path folder = fs::path(run) / "snapshots";
    fs::create_directories(folder);
    const std::string file = "step-" + stepName(step) + ".safetensors";
    writeSafetensors((folder / file).string(), tensors, {{"step", std::to_string(step)}}, DType::F16);
    nlohmann::json &list = index["snapshots"];
    // A resumed run rewrites snapshots past its checkpoint.
    nlohmann::json kept = nlohmann::json::array();
    for (const auto &entry : list)
        if (entry.value("step", int64_t(0)) < step)
            kept.push_back(entry);
    kept.push_back({{"step", step}, {"file", file}, {"loss", loss}, {"accuracy", accuracy}});
    list = kept;
    writeJson((folder / "index.json").string(), index);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// The transformer recipes' network: the defaults of Recipe

namespace detail {

WeightShapes Recipe::weightShapes(const ModelConfig &config) const { return ::tessera::detail::weightShapes(config); }

Weights Recipe::initialWeights(const ModelConfig &config, uint64_t seed) const
{
    return ::tessera::initialWeights(config, seed);
}

std::unique_ptr<Model> Recipe::model(const ModelConfig &config, const Weights &weights, const std::string &folder) const
{
    return modelFromWeights(config, weights, folder);
}

StepOutcome Recipe::loss(const Model &model, const Batch &batch) const { return forwardLoss(model, batch); }

Evaluation Recipe::evaluate(const Model &model, int64_t batchSize, JobContext &context) const
{
    return ::tessera::evaluate(*this, model, batchSize, context);
}

void Recipe::saveModel(const std::string &folder, const ModelConfig &config, const Weights &weights) const
{
    saveModelFiles(folder, config, weights, *this);
}

std::string Recipe::weightKey(const ModelConfig &config, const std::string &name) const { return checkpointKey(config, name); }

std::string Recipe::groupOf(const std::string &name) const { return ::tessera::groupOf(name); }

} // namespace detail

// ---------------------------------------------------------------------------------------------

namespace detail {

RecipeInfo recipeInfo(std::string name, std::string title, std::string description, std::string architecture, bool text,
                      int64_t steps, int64_t batch, double rate, int64_t layers, int64_t hidden, int64_t heads, int64_t length)
{
    RecipeInfo r;
    r.name = name;
    r.title = std::move(title);
    r.description = std::move(description);
    r.architecture = std::move(architecture);
    r.needsTextFile = text;
    r.defaults.recipe = name;
    r.defaults.steps = steps;
    r.defaults.batchSize = batch;
    r.defaults.learningRate = rate;
    r.defaults.warmupSteps = std::max<int64_t>(1, steps / 20);
    r.defaults.layers = layers;
    r.defaults.hidden = hidden;
    r.defaults.heads = heads;
    r.defaults.sequenceLength = length;
    return r;
}

} // namespace detail

const std::vector<RecipeInfo> &trainingRecipes()
{
    static const std::vector<RecipeInfo> recipes = [] {
        const auto make = detail::recipeInfo;
        std::vector<RecipeInfo> list{
            make("reverse", "Reverse a sequence",
                 "A 2-layer BERT encoder learns to output digit sequences reversed. Its attention "
                 "solves it visibly: each position looks at its mirror image (the anti-diagonal).",
                 "bert", false, 1500, 64, 2e-3, 2, 64, 4, 10),
            make("copy", "Copy a sequence",
                 "The encoder outputs its input unchanged: attention settles on the diagonal.", "bert", false, 600, 64,
                 2e-3, 2, 64, 4, 10),
            make("sort", "Sort a sequence",
                 "The encoder outputs the digits in ascending order: each output position must find the "
                 "k-th smallest digit, a harder pattern that depends on the content.",
                 "bert", false, 3000, 64, 2e-3, 3, 64, 4, 8),
            make("reverse-causal", "Reverse, GPT-style",
                 "A causal GPT-2 reads \"31415>\" and writes \"51413\" one digit at a time; the query "
                 "writing each digit looks back at its mirror position.",
                 "gpt2", false, 2000, 64, 2e-3, 2, 64, 4, 8),
            make("gpt-text", "Tiny GPT on a text file",
                 "A byte-level GPT-2 learns to continue the text of any UTF-8 file (the last tenth is "
                 "held out); sample from it when it is done.",
                 "gpt2", true, 2000, 32, 2e-3, 4, 128, 4, 128),
            make("bert-text", "Tiny BERT on a text file",
                 "A BERT masked language model on a text file with the notes' masking: 15% of the tokens, "
                 "of which 80% become [MASK], 10% a random token and 10% stay unchanged.",
                 "bert", true, 2000, 32, 1e-3, 4, 128, 4, 64),
            make("vit-fashion", "ViT on Fashion-MNIST",
                 "A Vision Transformer classifies Fashion-MNIST (60,000 training images, 10,000 test images, "
                 "from Debian's dataset-fashion-mnist), 7 x 7 pixel patches.",
                 "vit", false, 4000, 128, 2e-3, 4, 96, 4, 7),
        };
        for (RecipeInfo &r : detail::diffusionRecipes())
            list.push_back(std::move(r));
        for (RecipeInfo &r : detail::detrRecipes())
            list.push_back(std::move(r));
        return list;
    }();
    return recipes;
}

TrainingOptions resolveOptions(const TrainingOptions &options)
{
    const auto &recipes = trainingRecipes();
    const auto it = std::find_if(recipes.begin(), recipes.end(), [&](const RecipeInfo &r) { return r.name == options.recipe; });
    if (it == recipes.end()) {
        std::string names;
        for (const RecipeInfo &r : recipes)
            names += (names.empty() ? "" : ", ") + r.name;
        throw Error("unknown recipe \"" + options.recipe + "\" (recipes: " + names + ")");
    }
    TrainingOptions o = options;
    const TrainingOptions &d = it->defaults;
    if (o.steps <= 0)
        o.steps = d.steps;
    if (o.batchSize <= 0)
        o.batchSize = d.batchSize;
    if (o.learningRate <= 0)
        o.learningRate = d.learningRate;
    if (o.warmupSteps < 0)
        o.warmupSteps = std::max<int64_t>(1, o.steps / 20);
    if (o.layers <= 0)
        o.layers = d.layers;
    if (o.hidden <= 0)
        o.hidden = d.hidden;
    if (o.heads <= 0)
        o.heads = d.heads;
    if (o.sequenceLength <= 0)
        o.sequenceLength = d.sequenceLength;
    if (o.snapshotEvery <= 0)
        o.snapshotEvery = std::max<int64_t>(1, o.steps / 40);
    if (o.checkpointEvery <= 0)
        o.checkpointEvery = std::max<int64_t>(1, o.steps / 10);
    if (o.evaluateEvery <= 0)
        o.evaluateEvery = std::max<int64_t>(1, o.steps / 20);
    if (o.outputFolder.empty())
        throw Error("an output folder is needed (--out DIR)");
    if (o.hidden % o.heads != 0)
        throw Error("hidden size " + std::to_string(o.hidden) + " is not divisible by " + std::to_string(o.heads) + " heads");
    if (o.schedule != "cosine" && o.schedule != "linear" && o.schedule != "constant")
        throw Error("schedule \"" + o.schedule + "\" is not one of cosine, linear, constant");
    if (o.recipe == "vit-fashion" && (o.sequenceLength < 1 || 28 % o.sequenceLength != 0))
        throw Error("the patch size must divide 28 (1, 2, 4, 7, 14 or 28), not " + std::to_string(o.sequenceLength));
    if (o.batchSize > 4096 || o.hidden > 4096 || o.layers > 48 || o.sequenceLength > 4096)
        throw Error("these sizes are beyond what the training studio is for (batch <= 4096, hidden <= 4096, "
                    "layers <= 48, sequence <= 4096)");
    if (it->needsTextFile && o.textFile.empty())
        throw Error("recipe " + o.recipe + " needs a text file (--text FILE)");
    return o;
}

std::vector<int64_t> maskForLanguageModel(std::vector<int64_t> &ids, int64_t maskId, int64_t firstOrdinaryId,
                                          int64_t vocabularySize, uint64_t seed)
{
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::uniform_int_distribution<int64_t> anyToken(firstOrdinaryId, std::max(firstOrdinaryId, vocabularySize - 1));
    std::vector<int64_t> targets(ids.size(), kIgnore);
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

double learningRateAt(const TrainingOptions &o, int64_t step)
{
    const double peak = o.learningRate;
    if (o.warmupSteps > 0 && step <= o.warmupSteps)
        return peak * double(step) / double(o.warmupSteps);
    if (o.schedule == "constant" || o.steps <= o.warmupSteps)
        return peak;
    const double progress = double(step - o.warmupSteps) / double(o.steps - o.warmupSteps);
    if (o.schedule == "linear")
        return peak * std::max(0.0, 1.0 - progress);
    return peak * 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
}

static TrainingResult trainUnguarded(const TrainingOptions &requested, JobContext &context, const TrainingCallback &onReport)
{
    TrainingOptions options = requested;
    const std::string run = requested.outputFolder;
    nlohmann::json history = nlohmann::json::array();
    int64_t startStep = 0;
    fs::path resumeFrom;
    if (requested.resume) {
        resumeFrom = latestCheckpoint(run);
        if (resumeFrom.empty())
            throw Error("no complete checkpoint to resume from (checkpoint-<step>/trainer_state.json)", run);
        const std::string statePath = (resumeFrom / "trainer_state.json").string();
        nlohmann::json state;
        try {
            state = nlohmann::json::parse(readFile(statePath, 256u << 20));
        } catch (const nlohmann::json::exception &e) {
            throw Error(std::string("not valid JSON: ") + e.what(), statePath);
        }
        const TrainingOptions saved = optionsFromJson(state.value("options", nlohmann::json::object()), statePath);
        options = saved;
        options.outputFolder = run;
        options.resume = true;
        options.stopAfter = requested.stopAfter;
        options.float64Step = requested.float64Step;
        if (requested.steps > saved.steps) // extend a finished run (the schedule stretches)
            options.steps = requested.steps;
        startStep = state.value("step", int64_t(0));
        history = state.value("history", nlohmann::json::array());
    }
    options = resolveOptions(options);
    if (!requested.resume && !latestCheckpoint(run).empty())
        throw Error("this folder already holds a training run; choose another folder, or resume it", run);
    fs::create_directories(run);

    context.setProgress(0.0, "preparing " + options.recipe);
    const std::unique_ptr<Recipe> recipe = makeRecipe(options);
    const ModelConfig config = recipe->config(options);
    Weights weights = recipe->initialWeights(config, options.seed);
    AdamW optimizer;
    if (!resumeFrom.empty()) {
        SafetensorsFile model((resumeFrom / recipe->weightsFile()).string());
        SafetensorsFile moments((resumeFrom / "optimizer.safetensors").string());
        torch::NoGradGuard noGrad;
        for (auto &[name, w] : weights) {
            const std::string key = recipe->weightKey(config, name);
            if (!model.contains(key))
                throw Error("weight missing from the checkpoint", model.path(), key);
            const torch::Tensor saved = toTorch(model.readFloat(key));
            if (saved.sizes() != w.sizes())
                throw Error("shape disagrees with the run's configuration", model.path(), key);
            w.copy_(saved);
            for (const char *kind : {"exp_avg.", "exp_avg_sq."})
                if (moments.contains(kind + name))
                    (std::string(kind) == "exp_avg." ? optimizer.m : optimizer.v)[name] =
                        toTorch(moments.readFloat(kind + name));
        }
        const auto meta = moments.metadata().find("step");
        optimizer.step = meta == moments.metadata().end() ? startStep : std::stoll(meta->second);
    }
    const std::unique_ptr<Model> model = recipe->model(config, weights, run);
    const Probe probe = recipe->probe();
    nlohmann::json index = {{"recipe", options.recipe},
                            {"model_type", config.modelType},
                            {"layers", config.layers},
                            {"heads", config.heads},
                            {"probe_tokens", probe.tokens},
                            {"snapshots", nlohmann::json::array()}};
    const fs::path indexPath = fs::path(run) / "snapshots" / "index.json";
    if (!resumeFrom.empty() && fs::exists(indexPath)) {
        try {
            index["snapshots"] = nlohmann::json::parse(readFile(indexPath.string())).value("snapshots", nlohmann::json::array());
        } catch (const nlohmann::json::exception &) {
        }
    } else if (resumeFrom.empty()) {
        fs::remove_all(fs::path(run) / "snapshots");
    }
    logInfo("training " + options.recipe + ": " + std::to_string(model->info().parameters) + " parameters, " +
            std::to_string(options.steps) + " steps of " + std::to_string(options.batchSize) + ", " +
            runtimeInfo().summary());

    const auto started = Clock::now();
    auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
    TrainingReport pending;
    pending.totalSteps = options.steps;
    auto lastReport = Clock::now();
    auto flush = [&](bool force) {
        if (!onReport)
            return;
        if (!force && Clock::now() - lastReport < std::chrono::milliseconds(100))
            return;
        lastReport = Clock::now();
        onReport(pending);
        pending = TrainingReport();
        pending.totalSteps = options.steps;
    };
    if (startStep == 0 && recipe->writesSnapshots())
        writeSnapshot(run, 0, *model, weights, probe, index, std::nan(""), std::nan(""));

    auto checkpoint = [&](int64_t step) {
        saveCheckpoint(run, step, config, weights, optimizer, options, *recipe, history);
    };

    int64_t step = startStep;
    try {
        const Batch fixed = options.overfitOneBatch ? recipe->batch(0, false, options.batchSize) : Batch();
        while (step < options.steps) {
            context.throwIfCancelled();
            const int64_t current = step + 1;
            const Batch batch = options.overfitOneBatch ? fixed : recipe->batch(current, false, options.batchSize);
            for (auto &[name, w] : weights)
                w.mutable_grad() = torch::Tensor();
            StepOutcome outcome = recipe->loss(*model, batch);
            outcome.loss.backward();
            const double loss = outcome.loss.item<double>();
            // Gradient norms per group; the tripwire names the first parameter that went bad.
            std::map<std::string, double> groupSquares;
            double totalSquares = 0.0;
            for (const auto &[name, shape] : recipe->weightShapes(config)) {
                const torch::Tensor &g = weights.at(name).grad();
                if (!g.defined())
                    continue;
                const double s = g.pow(2).sum().item<double>();
                if (!std::isfinite(s))
                    throw Error("step " + std::to_string(current) + ": the gradient of " + name +
                                " is not finite (NaN or Inf); training stopped. The last checkpoint is kept. "
                                "Lower the learning rate (now " + std::to_string(learningRateAt(options, current)) +
                                ") or keep gradient clipping on");
                groupSquares[recipe->groupOf(name)] += s;
                totalSquares += s;
            }
            if (!std::isfinite(loss))
                throw Error("step " + std::to_string(current) + ": the loss is not finite; training stopped");
            const double norm = std::sqrt(totalSquares);
            if (options.float64Step == current) {
                // The notes' precision check: the same step in float64, compared.
                Weights wide;
                for (const auto &[name, w] : weights)
                    wide[name] = w.detach().to(torch::kFloat64).requires_grad_(true);
                const std::unique_ptr<Model> wideModel = recipe->model(config, wide, {});
                StepOutcome wideOutcome = recipe->loss(*wideModel, batch);
                wideOutcome.loss.backward();
                const double wideLoss = wideOutcome.loss.item<double>();
                double worst = 0.0, wideSquares = 0.0;
                std::string worstName;
                for (const auto &[name, w] : wide)
                    if (w.grad().defined())
                        wideSquares += w.grad().pow(2).sum().item<double>();
                // Relative to the parameter's own gradient, but not below a thousandth of the whole
                // gradient's norm: some gradients are zero in exact arithmetic (a key bias
                // cannot change a softmax) and their rounding noise says nothing.
                const double floor = 1e-3 * std::sqrt(wideSquares) + 1e-30;
                for (const auto &[name, w] : weights) {
                    if (!w.grad().defined() || !wide.at(name).grad().defined())
                        continue;
                    const torch::Tensor difference = (w.grad().to(torch::kFloat64) - wide.at(name).grad()).norm();
                    const double relative = difference.item<double>() / std::max(wide.at(name).grad().norm().item<double>(), floor);
                    if (relative > worst) {
                        worst = relative;
                        worstName = name;
                    }
                }
                char line[512];
                std::snprintf(line, sizeof line,
                              "float64 re-run of step %lld: loss %.9g (float32) vs %.9g (float64), relative difference "
                              "%.2e; largest relative gradient difference %.2e (%s)",
                              static_cast<long long>(current), loss, wideLoss, std::abs(loss - wideLoss) / std::abs(wideLoss),
                              worst, worstName.c_str());
                logInfo(line);
                pending.message = line;
            }
            if (options.clipNorm > 0 && norm > options.clipNorm) {
                torch::NoGradGuard noGrad;
                for (auto &[name, w] : weights)
                    if (w.grad().defined())
                        w.mutable_grad().mul_(options.clipNorm / (norm + 1e-6));
            }
            const double rate = learningRateAt(options, current);
            optimizer.apply(weights, rate, options.weightDecay);
            step = current;
            const TrainingPoint point{current, loss, outcome.accuracy, rate, norm, seconds()};
            history.push_back({{"step", current}, {"loss", loss}, {"learning_rate", rate}, {"grad_norm", norm}});
            if (std::isfinite(outcome.accuracy)) // JSON has no NaN: a recipe without accuracy leaves it out
                history.back()["accuracy"] = outcome.accuracy;
            pending.points.push_back(point);
            pending.groupNorms.clear();
            for (const auto &[group, squares] : groupSquares)
                pending.groupNorms.emplace_back(group, std::sqrt(squares));
            context.setProgress(double(current) / double(options.steps),
                                "step " + std::to_string(current) + " of " + std::to_string(options.steps));
            if (current % options.evaluateEvery == 0 || current == options.steps) {
                const Evaluation e = recipe->evaluate(*model, options.batchSize, context);
                pending.evaluations.push_back({current, e.loss, e.accuracy, rate, 0.0, seconds()});
                history.back()["heldout_loss"] = e.loss;
                if (std::isfinite(e.accuracy))
                    history.back()["heldout_accuracy"] = e.accuracy;
            }
            if (recipe->writesSnapshots() && (current % options.snapshotEvery == 0 || current == options.steps)) {
                const double snapshotLoss = pending.evaluations.empty() ? loss : pending.evaluations.back().loss;
                const double snapshotAccuracy = pending.evaluations.empty() ? outcome.accuracy : pending.evaluations.back().accuracy;
                writeSnapshot(run, current, *model, weights, probe, index, snapshotLoss, snapshotAccuracy);
                pending.snapshotStep = current;
            }
            if (current % options.checkpointEvery == 0 && current != options.steps)
                checkpoint(current);
            flush(false);
            if (options.stopAfter > 0 && current >= options.stopAfter && current < options.steps)
                break;
        }
    } catch (const CancelledError &) {
        if (step > startStep)
            checkpoint(step);
        flush(true);
        throw;
    }
    checkpoint(step);
    flush(true);

    TrainingResult result;
    result.folder = run;
    result.steps = step;
    result.finished = step >= options.steps;
    if (result.finished) {
        context.setProgress(1.0, "evaluating");
        const Evaluation e = recipe->evaluate(*model, options.batchSize, context);
        result.metrics["loss"] = e.loss;
        if (!recipe->accuracyName().empty())
            result.metrics[recipe->accuracyName()] = e.accuracy;
        if (options.recipe == "gpt-text")
            result.metrics["perplexity"] = std::exp(e.loss);
        recipe->finalMetrics(*model, result.metrics, context);
        result.metrics["seconds"] = seconds();
        result.metrics["steps"] = double(step);
        result.metrics["parameters"] = double(model->info().parameters);
        nlohmann::json metrics = result.metrics;
        metrics["recipe"] = options.recipe;
        metrics["runtime"] = runtimeInfo().summary();
        writeJson(run + "/metrics.json", metrics);
        char line[256];
        if (recipe->accuracyName().empty())
            std::snprintf(line, sizeof line, "%s: held-out loss %.4f after %lld steps (%.0f s)", options.recipe.c_str(), e.loss,
                          static_cast<long long>(step), seconds());
        else
            std::snprintf(line, sizeof line, "%s: %s %.4f, held-out loss %.4f after %lld steps (%.0f s)", options.recipe.c_str(),
                          recipe->accuracyName().c_str(), e.accuracy, e.loss, static_cast<long long>(step), seconds());
        result.summary = line;
    } else {
        result.summary = options.recipe + ": stopped after step " + std::to_string(step) + " of " +
                         std::to_string(options.steps) + "; resume to continue";
    }
    logInfo(result.summary);
    return result;
}

static TrainingHistory readTrainingHistoryUnguarded(const std::string &runFolder)
{
    const fs::path checkpoint = latestCheckpoint(runFolder);
    if (checkpoint.empty())
        throw Error("no training run here (no checkpoint-<step>/trainer_state.json)", runFolder);
    const std::string path = (checkpoint / "trainer_state.json").string();
    TrainingHistory history;
    try {
        const nlohmann::json state = nlohmann::json::parse(readFile(path, 256u << 20));
        history.options = optionsFromJson(state.at("options"), path);
        history.options.outputFolder = runFolder;
        history.step = state.at("step").get<int64_t>();
        for (const auto &entry : state.at("history")) {
            TrainingPoint point;
            point.step = entry.at("step").get<int64_t>();
            point.loss = entry.at("loss").get<double>();
            point.accuracy = entry.value("accuracy", std::nan(""));
            point.learningRate = entry.value("learning_rate", 0.0);
            point.gradientNorm = entry.value("grad_norm", 0.0);
            history.points.push_back(point);
            if (entry.contains("heldout_loss"))
                history.evaluations.push_back({point.step, entry.at("heldout_loss").get<double>(),
                                               entry.value("heldout_accuracy", std::nan("")), point.learningRate, 0.0, 0.0});
        }
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("unreadable trainer state: ") + e.what(), path);
    }
    const std::string metricsPath = runFolder + "/metrics.json";
    if (fs::exists(metricsPath)) {
        try {
            const nlohmann::json metrics = nlohmann::json::parse(readFile(metricsPath));
            for (const auto &[key, value] : metrics.items())
                if (value.is_number())
                    history.metrics[key] = value.get<double>();
        } catch (const nlohmann::json::exception &) {
            logWarning(metricsPath + " is not valid JSON; its metrics are not shown");
        }
    }
    return history;
}

static SnapshotIndex readSnapshotIndexUnguarded(const std::string &runFolder)
{
    const std::string path = runFolder + "/snapshots/index.json";
    if (!fs::exists(path))
        throw Error("no training snapshots here (snapshots/index.json)", runFolder);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(readFile(path, 64u << 20));
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("not valid JSON: ") + e.what(), path);
    }
    SnapshotIndex index;
    index.folder = runFolder;
    try {
        index.recipe = j.value("recipe", std::string());
        index.modelType = j.value("model_type", std::string());
        index.layers = j.at("layers").get<int64_t>();
        index.heads = j.at("heads").get<int64_t>();
        index.probeTokens = j.at("probe_tokens").get<std::vector<std::string>>();
        for (const auto &entry : j.at("snapshots")) {
            index.steps.push_back(entry.at("step").get<int64_t>());
            auto number = [&](const char *key) {
                return entry.contains(key) && entry[key].is_number() ? entry[key].get<double>() : std::nan("");
            };
            index.losses.push_back(number("loss"));
            index.accuracies.push_back(number("accuracy"));
        }
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("incomplete snapshot index: ") + e.what(), path);
    }
    if (index.steps.empty())
        throw Error("the snapshot index lists no snapshots", path);
    return index;
}

std::map<std::string, FloatTensor> readSnapshot(const SnapshotIndex &index, int64_t step)
{
    const std::string path = index.folder + "/snapshots/step-" + stepName(step) + ".safetensors";
    SafetensorsFile file(path);
    std::map<std::string, FloatTensor> tensors;
    for (const std::string &key : file.keys())
        if (key.rfind("weights.", 0) != 0)
            tensors[key] = file.readFloat(key);
    return tensors;
}

bool snapshotHasWeights(const SnapshotIndex &index, int64_t step)
{
    SafetensorsFile file(index.folder + "/snapshots/step-" + stepName(step) + ".safetensors");
    for (const std::string &key : file.keys())
        if (key.rfind("weights.", 0) == 0)
            return true;
    return false;
}

std::shared_ptr<const Model> snapshotModel(const SnapshotIndex &index, int64_t step)
{
    if (detr::isDetrModel(index.folder)) {
        const detr::DetrConfig config = detr::DetrConfig::fromFile(index.folder + "/config.json");
        const std::string path = index.folder + "/snapshots/step-" + stepName(step) + ".safetensors";
        SafetensorsFile file(path);
        Weights weights;
        for (const std::string &key : file.keys())
            if (key.rfind("weights.", 0) == 0)
                weights[key.substr(8)] = toTorch(file.readFloat(key));
        const auto classifier = weights.find("class_labels_classifier.weight");
        if (classifier == weights.end() || classifier->second.dim() != 2)
            throw Error("this snapshot holds no DETR weights", path);
        return detr::detail::modelFromWeights(config, weights, classifier->second.size(0) - 1,
                                              index.folder + " (step " + std::to_string(step) + ")");
    }
    const ModelConfig config = ModelConfig::fromFile(index.folder + "/config.json");
    const std::string path = index.folder + "/snapshots/step-" + stepName(step) + ".safetensors";
    SafetensorsFile file(path);
    Weights weights;
    for (const std::string &key : file.keys())
        if (key.rfind("weights.", 0) == 0) {
            const FloatTensor t = file.readFloat(key);
            weights[key.substr(8)] = toTorch(t);
        }
    if (weights.empty())
        throw Error("this snapshot holds no weights (only small ViT runs keep them); open the run's final model instead", path);
    return detail::modelFromWeights(config, weights, index.folder + " (step " + std::to_string(step) + ")");
}

std::string generateText(const Model &model, const Tokenizer &tokenizer, const std::string &prompt, int maxTokens,
                         double temperature, int topK, uint64_t seed, JobContext *context)
{
    const ModelConfig &c = model.info().config;
    if (c.modelType != "gpt2")
        throw Error("text generation needs a GPT-2 model, not " + c.modelType);
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

// The public entry points: the standard library's filesystem_error (a path too long, a folder
// that cannot be read) becomes an error naming the folder, as every other refusal
// (tst_mainwindow's hostile sessions found a 100 kB run path escaping as std::terminate).
template <class F>
static auto namingFilesystemErrors(const std::string &folder, F &&work) -> decltype(work())
{
    try {
        return work();
    } catch (const fs::filesystem_error &e) {
        throw Error("cannot use this folder: " + e.code().message(), folder.size() > 300 ? folder.substr(0, 300) + "..." : folder);
    }
}

TrainingResult train(const TrainingOptions &requested, JobContext &context, const TrainingCallback &onReport)
{
    return namingFilesystemErrors(requested.outputFolder, [&] { return trainUnguarded(requested, context, onReport); });
}

TrainingHistory readTrainingHistory(const std::string &runFolder)
{
    return namingFilesystemErrors(runFolder, [&] { return readTrainingHistoryUnguarded(runFolder); });
}

SnapshotIndex readSnapshotIndex(const std::string &runFolder)
{
    return namingFilesystemErrors(runFolder, [&] { return readSnapshotIndexUnguarded(runFolder); });
}

} // namespace tessera
