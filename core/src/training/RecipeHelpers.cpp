// The helpers the recipes share: seeded streams, configurations, tokenizer files, attention
// metrics (declared in Recipe.h and TrainingInternal.h).

#include "TrainingInternal.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Tokenizer.h"

#include <algorithm>
#include <cstdio>

namespace tessera::detail {

std::mt19937_64 streamFor(uint64_t seed, uint64_t stream, uint64_t step)
{
    std::seed_seq sequence{uint32_t(seed), uint32_t(seed >> 32), uint32_t(stream), uint32_t(step),
                           uint32_t(step >> 32)};
    return std::mt19937_64(sequence);
}

void writeJson(const std::string &path, const nlohmann::json &json)
{
    writeFileAtomically(path, json.dump(2) + "\n");
}

RecipeInfo recipeInfo(std::string name, std::string title, std::string description, std::string architecture, bool text,
                      int64_t steps, int64_t batch, double rate, int64_t layers, int64_t hidden, int64_t heads,
                      int64_t length)
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

torch::Tensor longTensor(const std::vector<int64_t> &values, std::vector<int64_t> shape)
{
    return torch::tensor(values, torch::kInt64).reshape(shape);
}

std::string stepName(int64_t step)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%06lld", static_cast<long long>(step));
    return buffer;
}

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
    const nlohmann::json special = {{"unk_token", "[UNK]"},
                                    {"sep_token", "[SEP]"},
                                    {"pad_token", "[PAD]"},
                                    {"cls_token", "[CLS]"},
                                    {"mask_token", "[MASK]"}};
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

ModelConfig byteGptConfig(const TrainingOptions &o, int64_t positions)
{
    ModelConfig c = recipeConfig("gpt2", "GPT2LMHeadModel", o, 4);
    c.vocabularySize = kByteVocabulary;
    c.maxPositions = positions;
    c.layerNormEps = 1e-5;
    c.activation = "gelu_new";
    return c;
}

ModelConfig byteLlamaConfig(const TrainingOptions &o, int64_t positions)
{
    ModelConfig c = recipeConfig("llama", "LlamaForCausalLM", o, 3); // SwiGLU: three matrices of 3 x hidden
    c.vocabularySize = kByteVocabulary;
    c.maxPositions = positions;
    c.keyValueHeads = o.heads % 2 == 0 ? o.heads / 2 : o.heads; // grouped-query attention where it divides
    c.layerNormEps = 1e-5;
    c.activation = "silu";
    c.tieWordEmbeddings = false;
    c.qkvBias = false; // Llama's projections have no biases (attention_bias false)
    c.rope.theta = 10000.0;
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
    writeJson(folder + "/tokenizer_config.json", {{"tokenizer_class", "GPT2Tokenizer"},
                                                  {"model_max_length", positions},
                                                  {"bos_token", "<|endoftext|>"},
                                                  {"eos_token", "<|endoftext|>"},
                                                  {"unk_token", "<|endoftext|>"},
                                                  {"add_prefix_space", false}});
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

std::string readTextFile(const std::string &path)
{
    if (path.empty())
        throw Error("this recipe needs a text file (--text FILE)");
    std::string text = readFile(path, size_t(64) << 20);
    decodeUtf8(text, path); // valid UTF-8 or a clear error with the byte offset
    if (text.size() < 1024)
        throw Error("only " + std::to_string(text.size()) + " bytes of text; at least 1 KiB is needed to train on",
                    path);
    return text;
}

} // namespace tessera::detail
