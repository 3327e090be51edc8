// dates: a small T5 learns to write dates given many ways ("2 December 2026", "Dec 2, 2026",
// "12/02/2026", "2026년 12월 2일", "수요일, 2026년 12월 2일", ...) as ISO 8601 ("2026-12-02"),
// character by character. The alignment forms in its cross-attention: the year digits of the
// output read the year wherever it stands in the input (first in ISO and Korean, last in
// English), the month digits read the month name or number.
//
// Data: dates of 1950-2049 drawn from the seed and the step; a tenth of the days (fixed by the
// seed) are held out and never trained on. Characters are the tokens (a T5-style Unigram
// tokenizer.json of single characters, "▁" for spaces, </s> appended), so the run folder opens
// in Tessera and in transformers as T5ForConditionalGeneration with its tokenizer.

#include "TrainingInternal.h"

#include "../TorchTensors.h"
#include "../models/Architecture.h"
#include "../nn/Inputs.h"

#include "tessera/core/FileIO.h"

#include <algorithm>
#include <array>
#include <random>

namespace tessera::detail {
namespace {

constexpr int64_t kPad = 0, kEnd = 1, kUnknown = 2; // T5's ids: <pad> starts the decoder, </s> ends
constexpr int64_t kFirstDay = -7305;                // 1950-01-01, days since 1970-01-01
constexpr int64_t kDays = 36525;                    // to 2049-12-31
constexpr int64_t kTargetLength = 12;               // "▁2026-12-02" and </s>
constexpr int64_t kSourceLength = 40;               // the longest format, with room

const std::array<const char *, 12> kMonths = {"January", "February", "March",     "April",   "May",      "June",
                                              "July",    "August",   "September", "October", "November", "December"};
const std::array<const char *, 7> kWeekdays = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                               "Friday", "Saturday", "Sunday"};
const std::array<const char *, 7> kKoreanWeekdays = {"월요일", "화요일", "수요일", "목요일",
                                                     "금요일", "토요일", "일요일"};

struct Date {
    int64_t year = 0, month = 0, day = 0, weekday = 0; // weekday 0 = Monday
};

// The civil date of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
Date dateOf(int64_t days)
{
    const int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    Date d;
    d.day = doy - (153 * mp + 2) / 5 + 1;
    d.month = mp < 10 ? mp + 3 : mp - 9;
    d.year = yoe + era * 400 + (d.month <= 2 ? 1 : 0);
    d.weekday = ((days % 7) + 7 + 3) % 7; // 1970-01-01 was a Thursday
    return d;
}

std::string twoDigits(int64_t v)
{
    return (v < 10 ? "0" : "") + std::to_string(v);
}

std::string iso(const Date &d)
{
    return std::to_string(d.year) + "-" + twoDigits(d.month) + "-" + twoDigits(d.day);
}

constexpr int kFormats = 11;

// The date written in format f (0 <= f < kFormats).
std::string written(const Date &d, int f)
{
    const std::string y = std::to_string(d.year), m = kMonths[size_t(d.month - 1)], day = std::to_string(d.day);
    const std::string korean = y + "년 " + std::to_string(d.month) + "월 " + day + "일";
    switch (f) {
    case 0:
        return iso(d);
    case 1:
        return day + " " + m + " " + y;
    case 2:
        return m + " " + day + ", " + y;
    case 3:
        return m.substr(0, 3) + " " + day + ", " + y;
    case 4:
        return twoDigits(d.month) + "/" + twoDigits(d.day) + "/" + y;
    case 5:
        return twoDigits(d.day) + "." + twoDigits(d.month) + "." + y;
    case 6:
        return korean;
    case 7:
        return std::string(kKoreanWeekdays[size_t(d.weekday)]) + ", " + korean;
    case 8:
        return std::string(kWeekdays[size_t(d.weekday)]) + ", " + m + " " + day + ", " + y;
    case 9:
        return day + " " + m.substr(0, 3) + " " + y;
    default:
        return y + "/" + twoDigits(d.month) + "/" + twoDigits(d.day);
    }
}

// splitmix64: the held-out days, a tenth, fixed by the seed.
bool heldOutDay(int64_t day, uint64_t seed)
{
    uint64_t z = uint64_t(day) + seed * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (z ^ (z >> 31)) % 10 == 0;
}

// UTF-8 text split into characters.
std::vector<std::string> characters(const std::string &text)
{
    std::vector<std::string> out;
    for (size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        out.push_back(text.substr(i, n));
        i += n;
    }
    return out;
}

const std::string kSpace = "\xE2\x96\x81"; // ▁

class Dates : public Recipe {
public:
    explicit Dates(const TrainingOptions &o) : m_options(o)
    {
        m_vocabulary = {"<pad>", "</s>", "<unk>", kSpace};
        std::string alphabet = "0123456789-/.,";
        for (char c = 'A'; c <= 'Z'; ++c)
            alphabet += c;
        for (char c = 'a'; c <= 'z'; ++c)
            alphabet += c;
        for (const std::string &c : characters(alphabet + "년월일요화수목금토"))
            m_vocabulary.push_back(c);
        for (size_t i = 0; i < m_vocabulary.size(); ++i)
            m_ids[m_vocabulary[i]] = int64_t(i);
    }

    ModelConfig config(const TrainingOptions &o) const override
    {
        ModelConfig c = recipeConfig("t5", "T5ForConditionalGeneration", o, 4);
        c.decoderLayers = o.layers;
        c.decoderHeads = o.heads;
        c.decoderIntermediateSize = c.intermediateSize;
        c.headSize = o.hidden / o.heads;
        c.vocabularySize = int64_t(m_vocabulary.size());
        c.maxPositions = kSourceLength;
        c.relativeBuckets = 32;
        c.relativeMaxDistance = 64;
        c.layerNormEps = 1e-6;
        c.activation = "relu";
        c.tieWordEmbeddings = true;
        c.scaleDecoderOutputs = true;
        c.padTokenId = kPad;
        c.decoderStartTokenId = kPad;
        c.eosTokenIds = {kEnd};
        return c;
    }

    // The text as the written tokenizer.json encodes it: "▁" for each space and before the
    // first word (Metaspace), one token per character, </s> last.
    std::vector<int64_t> encode(const std::string &text) const
    {
        std::vector<int64_t> ids = {m_ids.at(kSpace)};
        for (const std::string &c : characters(text)) {
            const auto it = m_ids.find(c == " " ? kSpace : c);
            ids.push_back(it == m_ids.end() ? kUnknown : it->second);
        }
        ids.push_back(kEnd);
        return ids;
    }

    // A random day of the training or held-out set.
    Date drawDate(std::mt19937_64 &random, bool heldOut) const
    {
        std::uniform_int_distribution<int64_t> day(0, kDays - 1);
        for (;;) {
            const int64_t d = kFirstDay + day(random);
            if (heldOutDay(d, m_options.seed) == heldOut)
                return dateOf(d);
        }
    }

    Batch batch(int64_t step, bool heldOut, int64_t size) const override
    {
        std::mt19937_64 random = streamFor(m_options.seed, heldOut ? 2 : 1, uint64_t(step));
        std::uniform_int_distribution<int> format(0, kFormats - 1);
        std::vector<int64_t> ids(size_t(size * kSourceLength), kPad), mask(size_t(size * kSourceLength), 0);
        std::vector<int64_t> decoder(size_t(size * kTargetLength), kPad), targets(size_t(size * kTargetLength));
        for (int64_t b = 0; b < size; ++b) {
            const Date d = drawDate(random, heldOut);
            const std::vector<int64_t> source = encode(written(d, format(random))), target = encode(iso(d));
            std::copy(source.begin(), source.end(), ids.begin() + b * kSourceLength);
            std::fill(mask.begin() + b * kSourceLength, mask.begin() + b * kSourceLength + int64_t(source.size()), 1);
            std::copy(target.begin(), target.end(), targets.begin() + b * kTargetLength);
            std::copy(target.begin(), target.end() - 1, decoder.begin() + b * kTargetLength + 1);
        }
        Batch result;
        result.inputs.integers["input_ids"] = {{size, kSourceLength}, ids};
        result.inputs.integers["attention_mask"] = {{size, kSourceLength}, mask};
        result.inputs.integers["decoder_input_ids"] = {{size, kTargetLength}, decoder};
        result.targets = longTensor(targets, {size, kTargetLength});
        return result;
    }

    // "Wednesday, December 2, 2026" (the year last) and its ISO form, teacher-forced.
    Probe probe() const override
    {
        const Date probeDate = dateOf(20789); // 2026-12-02, a Wednesday
        const std::string text = written(probeDate, 8);
        const std::vector<int64_t> source = encode(text), target = encode(iso(probeDate));
        std::vector<int64_t> decoder = {kPad};
        decoder.insert(decoder.end(), target.begin(), target.end() - 1);
        Probe p;
        for (int64_t id : source)
            p.tokens.push_back(m_vocabulary[size_t(id)]);
        for (int64_t id : target)
            p.targetTokens.push_back(m_vocabulary[size_t(id)]);
        p.inputs.integers["input_ids"] = {{1, int64_t(source.size())}, source};
        p.inputs.integers["decoder_input_ids"] = {{1, int64_t(decoder.size())}, decoder};
        return p;
    }

    NamedTensors snapshotTensors(const Model &model, const Weights &weights, const Probe &probe) const override
    {
        NamedTensors tensors;
        CaptureOptions capture;
        capture.hiddenStates = false;
        const ModelOutputs outputs = model.run(probe.inputs, capture);
        for (const char *stack : {"cross_attentions", "encoder_attentions", "decoder_attentions"})
            for (int64_t l = 0; l < model.info().config.layers; ++l) {
                FloatTensor a = outputs.at(std::string(stack) + "." + std::to_string(l));
                a.shape.erase(a.shape.begin()); // batch of one
                tensors.emplace_back(std::string(stack) + "." + std::to_string(l), std::move(a));
            }
        tensors.emplace_back("token_embeddings", fromTorch(weights.at("shared.weight").detach()));
        return tensors;
    }

    // Greedy decoding of every held-out example, all at once (the target's length is fixed):
    // the share written exactly right.
    double sequenceAccuracy(const Model &model, int64_t batchSize, JobContext &context) const
    {
        torch::NoGradGuard noGrad;
        const ModelNetwork network = networkOf(model);
        CaptureOptions none;
        none.attentions = none.hiddenStates = false;
        ModelOutputs unused;
        nn::Pass pass(none, unused, nullptr);
        int64_t right = 0, total = 0;
        for (int64_t b = 0; b < evaluationBatches(batchSize); ++b) {
            context.throwIfCancelled();
            const Batch batch = this->batch(b, true, batchSize);
            EncoderDecoderInputs in;
            in.sourceIds = nn::intTensor(batch.inputs.integers.at("input_ids"));
            in.sourceMask = nn::intTensor(batch.inputs.integers.at("attention_mask"));
            const torch::Tensor encoded = network.architecture->encode(*network.weights, in, pass);
            torch::Tensor written = torch::full({batchSize, 1}, kPad, torch::kInt64);
            for (int64_t t = 0; t < kTargetLength; ++t) {
                in.targetIds = written;
                const torch::Tensor logits = network.architecture->decode(*network.weights, in, encoded, pass);
                written = torch::cat({written, logits.select(1, t).argmax(-1, true)}, 1);
            }
            const torch::Tensor exact = written.slice(1, 1).eq(batch.targets).all(1);
            right += exact.sum().item<int64_t>();
            total += batchSize;
        }
        return total ? double(right) / double(total) : 0.0;
    }

    Evaluation evaluate(const Model &model, int64_t batchSize, JobContext &context) const override
    {
        Evaluation e = Recipe::evaluate(model, batchSize, context);
        e.accuracy = sequenceAccuracy(model, batchSize, context);
        return e;
    }

    std::string accuracyName() const override { return "sequence_accuracy"; }

    void writeTokenizer(const std::string &folder) const override
    {
        nlohmann::json vocab = nlohmann::json::array();
        for (const std::string &piece : m_vocabulary)
            vocab.push_back({piece, piece.size() > 2 && piece.front() == '<' ? 0.0 : -1.0});
        const nlohmann::json metaspace = {
            {"type", "Metaspace"}, {"replacement", kSpace}, {"prepend_scheme", "always"}, {"split", true}};
        nlohmann::json added = nlohmann::json::array();
        for (int64_t id : {kPad, kEnd, kUnknown})
            added.push_back({{"id", id},
                             {"content", m_vocabulary[size_t(id)]},
                             {"single_word", false},
                             {"lstrip", false},
                             {"rstrip", false},
                             {"normalized", false},
                             {"special", true}});
        const nlohmann::json end = {{"SpecialToken", {{"id", "</s>"}, {"type_id", 0}}}};
        const nlohmann::json a = {{"Sequence", {{"id", "A"}, {"type_id", 0}}}};
        const nlohmann::json b = {{"Sequence", {{"id", "B"}, {"type_id", 0}}}};
        const nlohmann::json tokenizer = {
            {"version", "1.0"},
            {"truncation", nullptr},
            {"padding", nullptr},
            {"added_tokens", added},
            {"normalizer", nullptr},
            {"pre_tokenizer", metaspace},
            {"post_processor",
             {{"type", "TemplateProcessing"},
              {"single", {a, end}},
              {"pair", {a, end, b, end}},
              {"special_tokens", {{"</s>", {{"id", "</s>"}, {"ids", {kEnd}}, {"tokens", {"</s>"}}}}}}}},
            {"decoder", metaspace},
            {"model", {{"type", "Unigram"}, {"unk_id", kUnknown}, {"vocab", vocab}, {"byte_fallback", false}}}};
        writeFileAtomically(folder + "/tokenizer.json", tokenizer.dump(1));
        writeJson(folder + "/tokenizer_config.json", {{"tokenizer_class", "T5Tokenizer"},
                                                      {"eos_token", "</s>"},
                                                      {"pad_token", "<pad>"},
                                                      {"unk_token", "<unk>"},
                                                      {"extra_ids", 0},
                                                      {"model_max_length", kSourceLength}});
    }

    void finalMetrics(const Model &model, std::map<std::string, double> &metrics, JobContext &context) const override
    {
        metrics["sequence_accuracy"] = sequenceAccuracy(model, 64, context);
        metrics["held_out_examples"] = double(evaluationBatches(64) * 64);
    }

    std::string groupOf(const std::string &name) const override
    {
        for (const char *stack : {"encoder", "decoder"})
            if (name.rfind(std::string(stack) + ".block.", 0) == 0) {
                const size_t start = std::string(stack).size() + 7;
                return std::string(stack) + " " + name.substr(start, name.find('.', start) - start);
            }
        return name.rfind("shared", 0) == 0 ? "embeddings" : "norms";
    }

private:
    TrainingOptions m_options;
    std::vector<std::string> m_vocabulary;
    std::map<std::string, int64_t> m_ids;
};

} // namespace

std::vector<RecipeRow> datesRecipeRows()
{
    return {{recipeInfo("dates", "Dates to ISO 8601 (encoder-decoder)",
                        "A small T5 learns to write \"2 December 2026\", \"Dec 2, 2026\", \"12/02/2026\", "
                        "\"2026년 12월 2일\" and other forms as \"2026-12-02\", character by character; its "
                        "cross-attention aligns each output digit with the year, month or day wherever the input "
                        "puts them.",
                        "t5", false, 3000, 64, 2e-3, 2, 64, 4, kSourceLength),
             [](const TrainingOptions &o) { return std::make_unique<Dates>(o); }}};
}

} // namespace tessera::detail
