#include "tessera/core/Tokenizer.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"

#include "UnicodeText.h"
#include "tokenizers/Bpe.h"
#include "tokenizers/JsonTokenizer.h"
#include "tokenizers/Pipeline.h"
#include "tokenizers/SentencePieceModel.h"

#include <nlohmann/json.hpp>

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <climits>
#include <map>
#include <mutex>
#include <sstream>
#include <sys/stat.h>
#include <unordered_map>

// Unicode character properties, normalisation and case mapping come from ICU (Debian's
// libicu): the tables behind them are far too large to keep by hand.

namespace tessera {
namespace {

using namespace detail::unicode;
using detail::tok::AlignedChar;
using detail::tok::byteToUnicode;

constexpr size_t kMaxTokenizerFileBytes = size_t(256) << 20;

bool isDirectory(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool fileExists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}
std::string parentFolder(const std::string &path)
{
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}
std::string baseName(const std::string &path)
{
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

struct WordPieceConfig {
    bool lowercase = false;
    bool stripAccents = false;
    bool cleanText = true;
    bool chineseChars = true;
    std::string unknown = "[UNK]";
    std::string prefix = "##";
    size_t maxCharactersPerWord = 100;
    std::string classifier = "[CLS]";
    std::string separator = "[SEP]";
};

class WordPieceTokenizer : public Tokenizer {
public:
    WordPieceTokenizer(std::vector<std::string> vocabulary, WordPieceConfig config, std::string source)
        : m_tokens(std::move(vocabulary)), m_config(std::move(config)), m_source(std::move(source))
    {
        for (size_t i = 0; i < m_tokens.size(); ++i)
            m_ids.emplace(m_tokens[i], int64_t(i)); // the first occurrence wins, as in the reference
        for (const std::string &name : {m_config.unknown, m_config.classifier, m_config.separator})
            if (!m_ids.count(name))
                throw Error("the vocabulary has no " + name + " token", m_source);
        for (const char *special : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"})
            if (m_ids.count(special)) {
                m_special.push_back(m_ids.at(special));
                m_specialTexts.push_back(decodeUtf8(special));
            }
        m_special.push_back(m_ids.at(m_config.unknown));
    }

    Kind kind() const override { return Kind::WordPiece; }
    std::string description() const override
    {
        return "WordPiece, " + std::to_string(m_tokens.size()) + " tokens, " +
               (m_config.lowercase ? "uncased" : "cased");
    }
    int64_t vocabularySize() const override { return int64_t(m_tokens.size()); }
    int64_t tokenToId(const std::string &token) const override
    {
        const auto it = m_ids.find(token);
        return it == m_ids.end() ? -1 : it->second;
    }
    std::string idToToken(int64_t id) const override
    {
        if (id < 0 || id >= int64_t(m_tokens.size()))
            throw Error("token id " + std::to_string(id) + " is outside the vocabulary of " +
                        std::to_string(m_tokens.size()));
        return m_tokens[size_t(id)];
    }

    Encoding encode(const std::string &text, bool addSpecialTokens) const override
    {
        Encoding encoding;
        if (addSpecialTokens)
            addSpecial(encoding, m_config.classifier, 0);
        appendWords(encoding, decodeUtf8(text), 0);
        if (addSpecialTokens)
            addSpecial(encoding, m_config.separator, 0);
        return encoding;
    }

    Encoding encodePair(const std::string &first, const std::string &second, bool addSpecialTokens) const override
    {
        Encoding encoding = encode(first, addSpecialTokens);
        appendWords(encoding, decodeUtf8(second), 1);
        if (addSpecialTokens)
            addSpecial(encoding, m_config.separator, 1);
        return encoding;
    }

    std::string decode(const std::vector<int64_t> &ids, bool skipSpecialTokens) const override
    {
        std::string text;
        bool first = true;
        for (int64_t id : ids) {
            if (skipSpecialTokens && std::find(m_special.begin(), m_special.end(), id) != m_special.end())
                continue;
            std::string token = idToToken(id);
            if (!first) {
                if (token.rfind(m_config.prefix, 0) == 0)
                    token = token.substr(m_config.prefix.size());
                else
                    token = " " + token;
            }
            first = false;
            text += cleanup(token);
        }
        return text;
    }

private:
    // The reference decoder cleans each token (with its leading space) on its own.
    static std::string cleanup(std::string token)
    {
        static const std::pair<const char *, const char *> rules[] = {
            {" .", "."},   {" ?", "?"},           {" !", "!"},   {" ,", ","},     {" ' ", "'"},   {" n't", "n't"},
            {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
        for (const auto &[from, to] : rules) {
            size_t at = 0;
            const std::string f(from), t(to);
            while ((at = token.find(f, at)) != std::string::npos) {
                token.replace(at, f.size(), t);
                at += t.size();
            }
        }
        return token;
    }

    void addSpecial(Encoding &encoding, const std::string &token, int64_t typeId) const
    {
        encoding.ids.push_back(m_ids.at(token));
        encoding.tokens.push_back(token);
        encoding.offsets.emplace_back(0, 0);
        encoding.typeIds.push_back(typeId);
        encoding.specialTokens.push_back(true);
    }

    std::vector<AlignedChar> normalize(const std::u32string &text) const
    {
        std::vector<AlignedChar> chars;
        chars.reserve(text.size());
        for (size_t i = 0; i < text.size(); ++i) {
            char32_t c = text[i];
            const int64_t at = int64_t(i);
            if (m_config.cleanText) {
                if (c == 0 || c == 0xFFFD || isBertControl(c))
                    continue;
                if (isBertWhitespace(c))
                    c = ' ';
            }
            if (m_config.chineseChars && isCjk(c)) {
                chars.push_back({' ', at, at + 1});
                chars.push_back({c, at, at + 1});
                chars.push_back({' ', at, at + 1});
            } else {
                chars.push_back({c, at, at + 1});
            }
        }
        if (m_config.stripAccents) {
            UErrorCode status = U_ZERO_ERROR;
            const icu::Normalizer2 *nfd = icu::Normalizer2::getNFDInstance(status);
            if (U_FAILURE(status))
                throw Error("Unicode normalisation is unavailable (ICU data missing)");
            std::vector<AlignedChar> stripped;
            stripped.reserve(chars.size());
            for (const AlignedChar &a : chars) {
                icu::UnicodeString decomposed;
                status = U_ZERO_ERROR;
                nfd->normalize(icu::UnicodeString(UChar32(a.c)), decomposed, status);
                for (char32_t d : toU32(decomposed))
                    if (category(d) != U_NON_SPACING_MARK)
                        stripped.push_back({d, a.start, a.end});
            }
            chars.swap(stripped);
        }
        if (m_config.lowercase) {
            std::vector<AlignedChar> lowered;
            lowered.reserve(chars.size());
            for (const AlignedChar &a : chars) {
                if (a.c < 0x80) {
                    lowered.push_back({char32_t(a.c >= 'A' && a.c <= 'Z' ? a.c + 32 : a.c), a.start, a.end});
                    continue;
                }
                icu::UnicodeString s(UChar32(a.c));
                s.toLower(icu::Locale::getRoot());
                for (char32_t l : toU32(s))
                    lowered.push_back({l, a.start, a.end});
            }
            chars.swap(lowered);
        }
        return chars;
    }

    // Special tokens written in the text ("The capital is [MASK].") are matched as they are,
    // before normalisation, like the reference's added tokens; the rest is tokenised.
    void appendWords(Encoding &encoding, const std::u32string &text, int64_t typeId) const
    {
        size_t start = 0;
        while (start <= text.size()) {
            size_t bestAt = std::u32string::npos;
            const std::u32string *best = nullptr;
            for (const std::u32string &special : m_specialTexts) {
                const size_t at = text.find(special, start);
                if (at != std::u32string::npos && (at < bestAt || (at == bestAt && special.size() > best->size()))) {
                    bestAt = at;
                    best = &special;
                }
            }
            const size_t end = best ? bestAt : text.size();
            appendPlainWords(encoding, text, start, end, typeId);
            if (!best)
                break;
            const std::string token = encodeUtf8(*best);
            encoding.ids.push_back(m_ids.at(token));
            encoding.tokens.push_back(token);
            encoding.offsets.emplace_back(int64_t(bestAt), int64_t(bestAt + best->size()));
            encoding.typeIds.push_back(typeId);
            encoding.specialTokens.push_back(true);
            start = bestAt + best->size();
        }
    }

    void appendPlainWords(Encoding &encoding, const std::u32string &whole, size_t begin, size_t end,
                          int64_t typeId) const
    {
        std::vector<AlignedChar> chars = normalize(whole.substr(begin, end - begin));
        for (AlignedChar &a : chars) {
            a.start += int64_t(begin);
            a.end += int64_t(begin);
        }
        std::vector<AlignedChar> word;
        auto flush = [&]() {
            if (!word.empty())
                appendWord(encoding, word, typeId);
            word.clear();
        };
        for (const AlignedChar &a : chars) {
            if (isWhiteSpace(a.c)) {
                flush();
            } else if (isBertPunctuation(a.c)) {
                flush();
                word.push_back(a);
                flush();
            } else {
                word.push_back(a);
            }
        }
        flush();
    }

    void appendWord(Encoding &encoding, const std::vector<AlignedChar> &word, int64_t typeId) const
    {
        auto push = [&](const std::string &token, int64_t start, int64_t end) {
            encoding.ids.push_back(m_ids.at(token));
            encoding.tokens.push_back(token);
            encoding.offsets.emplace_back(start, end);
            encoding.typeIds.push_back(typeId);
            encoding.specialTokens.push_back(false);
        };
        if (word.size() > m_config.maxCharactersPerWord) {
            push(m_config.unknown, word.front().start, word.back().end);
            return;
        }
        std::vector<std::string> pieces;
        std::vector<std::pair<size_t, size_t>> spans;
        size_t start = 0;
        while (start < word.size()) {
            size_t end = word.size();
            std::string found;
            while (start < end) {
                std::string candidate = start > 0 ? m_config.prefix : std::string();
                for (size_t i = start; i < end; ++i)
                    candidate += utf8Of(word[i].c);
                if (m_ids.count(candidate)) {
                    found = std::move(candidate);
                    break;
                }
                --end;
            }
            if (found.empty()) {
                push(m_config.unknown, word.front().start, word.back().end);
                return;
            }
            pieces.push_back(std::move(found));
            spans.emplace_back(start, end);
            start = end;
        }
        for (size_t i = 0; i < pieces.size(); ++i)
            push(pieces[i], word[spans[i].first].start, word[spans[i].second - 1].end);
    }

    std::vector<std::string> m_tokens;
    std::unordered_map<std::string, int64_t> m_ids;
    std::vector<int64_t> m_special;
    std::vector<std::u32string> m_specialTexts;
    WordPieceConfig m_config;
    std::string m_source;
};

std::vector<std::string> readVocabularyLines(const std::string &path)
{
    const std::string text = readFile(path, kMaxTokenizerFileBytes);
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(std::move(line));
        start = end + 1;
    }
    if (lines.empty())
        throw Error("the vocabulary is empty", path);
    decodeUtf8(text, path); // refuses a vocabulary that is not UTF-8, naming the byte
    return lines;
}

nlohmann::json readJson(const std::string &path)
{
    const std::string text = readFile(path, kMaxTokenizerFileBytes);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("not valid JSON: ") + e.what(), path);
    }
}

// An uncased BERT vocabulary holds no capital letters outside its [SPECIAL] tokens.
bool looksCased(const std::vector<std::string> &tokens)
{
    int capitals = 0;
    for (const std::string &token : tokens) {
        if (token.size() > 2 && token.front() == '[' && token.back() == ']')
            continue;
        if (std::any_of(token.begin(), token.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
            ++capitals;
    }
    return capitals > 100;
}

std::unique_ptr<Tokenizer> loadWordPieceVocabulary(const std::string &path)
{
    std::vector<std::string> tokens = readVocabularyLines(path);
    while (!tokens.empty() && tokens.back().empty())
        tokens.pop_back();
    WordPieceConfig config;
    const std::string configPath = parentFolder(path) + "/tokenizer_config.json";
    bool decided = false;
    if (fileExists(configPath)) {
        const nlohmann::json tokenizerConfig = readJson(configPath);
        if (tokenizerConfig.is_object() && tokenizerConfig.contains("do_lower_case") &&
            tokenizerConfig["do_lower_case"].is_boolean()) {
            config.lowercase = tokenizerConfig["do_lower_case"].get<bool>();
            decided = true;
        }
        if (tokenizerConfig.is_object() && tokenizerConfig.contains("strip_accents") &&
            tokenizerConfig["strip_accents"].is_boolean()) {
            config.stripAccents = tokenizerConfig["strip_accents"].get<bool>();
        } else {
            config.stripAccents = config.lowercase;
        }
    }
    if (!decided) {
        config.lowercase = !looksCased(tokens);
        config.stripAccents = config.lowercase;
    }
    return std::make_unique<WordPieceTokenizer>(std::move(tokens), config, path);
}

std::vector<std::pair<std::string, std::string>> parseMerges(const std::vector<std::string> &lines,
                                                             const std::string &path)
{
    std::vector<std::pair<std::string, std::string>> merges;
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string &line = lines[i];
        if (line.empty() || (i == 0 && line.rfind("#version", 0) == 0))
            continue;
        const size_t space = line.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 >= line.size())
            throw Error("line " + std::to_string(i + 1) + " is not a merge of two symbols (\"a b\")", path);
        merges.emplace_back(line.substr(0, space), line.substr(space + 1));
    }
    return merges;
}

std::unordered_map<std::string, int64_t> parseVocabularyMap(const nlohmann::json &vocabulary, const std::string &path)
{
    if (!vocabulary.is_object() || vocabulary.empty())
        throw Error("the vocabulary must be a non-empty JSON object of token: id", path);
    std::unordered_map<std::string, int64_t> ids;
    for (auto it = vocabulary.begin(); it != vocabulary.end(); ++it) {
        if (!it.value().is_number_integer())
            throw Error("the id of a token must be an integer", path, it.key());
        ids.emplace(it.key(), it.value().get<int64_t>());
    }
    return ids;
}

std::unique_ptr<Tokenizer> loadByteLevelFiles(const std::string &vocabularyPath, const std::string &mergesPath)
{
    // GPT-2's files: the ByteLevel pre-tokenizer with GPT-2's regex and the ByteLevel decoder, no
    // special tokens added (as GPT2TokenizerFast's own tokenizer.json).
    detail::tok::BpeSettings settings;
    settings.vocabulary = parseVocabularyMap(readJson(vocabularyPath), vocabularyPath);
    settings.merges = parseMerges(readVocabularyLines(mergesPath), mergesPath);
    detail::tok::PipelineParts parts;
    parts.model = detail::tok::makeBpeModel(std::move(settings), vocabularyPath);
    parts.preTokenizer = detail::tok::gpt2PreTokenizer();
    parts.decoder = detail::tok::byteLevelDecoder();
    parts.source = vocabularyPath;
    return detail::tok::makePipelineTokenizer(std::move(parts));
}

std::unique_ptr<Tokenizer> loadTokenizerJson(const std::string &path)
{
    const nlohmann::json root = readJson(path);
    if (!root.is_object() || !root.contains("model") || !root["model"].is_object())
        throw Error("no \"model\" object: not a tokenizers file", path);
    const nlohmann::json &model = root["model"];
    const std::string type = model.value("type", std::string());
    if (type == "WordPiece") {
        const auto ids = parseVocabularyMap(model.value("vocab", nlohmann::json()), path);
        std::vector<std::string> tokens(ids.size());
        for (const auto &[token, id] : ids) {
            if (id < 0 || id >= int64_t(tokens.size()))
                throw Error("token id " + std::to_string(id) + " leaves gaps in a vocabulary of " +
                                std::to_string(ids.size()),
                            path, token);
            tokens[size_t(id)] = token;
        }
        WordPieceConfig config;
        config.unknown = model.value("unk_token", config.unknown);
        config.prefix = model.value("continuing_subword_prefix", config.prefix);
        config.maxCharactersPerWord = model.value("max_input_chars_per_word", size_t(100));
        const nlohmann::json normalizer = root.value("normalizer", nlohmann::json());
        if (normalizer.is_object() && normalizer.value("type", "") == "BertNormalizer") {
            config.lowercase = normalizer.value("lowercase", true);
            config.cleanText = normalizer.value("clean_text", true);
            config.chineseChars = normalizer.value("handle_chinese_chars", true);
            config.stripAccents = normalizer.contains("strip_accents") && normalizer["strip_accents"].is_boolean()
                                      ? normalizer["strip_accents"].get<bool>()
                                      : config.lowercase;
        }
        const nlohmann::json post = root.value("post_processor", nlohmann::json());
        if (post.is_object() && post.value("type", "") == "BertProcessing") {
            if (post.contains("cls") && post["cls"].is_array() && !post["cls"].empty() && post["cls"][0].is_string())
                config.classifier = post["cls"][0].get<std::string>();
            if (post.contains("sep") && post["sep"].is_array() && !post["sep"].empty() && post["sep"][0].is_string())
                config.separator = post["sep"][0].get<std::string>();
        }
        return std::make_unique<WordPieceTokenizer>(std::move(tokens), config, path);
    }
    if (type == "BPE" || type == "Unigram")
        return detail::tok::loadPipelineJson(root, path);
    throw Error("model type \"" + type + "\" is not supported (supported: WordPiece, BPE, Unigram)", path,
                "model.type");
}

} // namespace

std::vector<std::string> byteLevelAlphabet()
{
    std::vector<std::string> alphabet;
    for (char32_t c : byteToUnicode())
        alphabet.push_back(encodeUtf8(std::u32string(1, c)));
    return alphabet;
}

std::u32string decodeUtf8(const std::string &text, const std::string &nameForErrors)
{
    std::u32string out;
    out.reserve(text.size());
    int32_t i = 0;
    if (text.size() > size_t(INT32_MAX))
        throw Error("text of " + std::to_string(text.size()) + " bytes is too long", nameForErrors);
    const int32_t length = int32_t(text.size());
    const auto *data = reinterpret_cast<const uint8_t *>(text.data());
    while (i < length) {
        const int32_t at = i;
        UChar32 c;
        U8_NEXT(data, i, length, c);
        if (c < 0)
            throw Error("not valid UTF-8 at byte " + std::to_string(at) + " (save the text as UTF-8)", nameForErrors);
        out.push_back(char32_t(c));
    }
    return out;
}

std::string encodeUtf8(const std::u32string &text)
{
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text)
        out += utf8Of(c);
    return out;
}

BatchEncoding encodeBatch(const Tokenizer &tokenizer, const std::vector<std::string> &first,
                          const std::vector<std::string> &second, int64_t maxLength, int64_t padId)
{
    if (!second.empty() && second.size() != first.size())
        throw Error("a batch of pairs needs as many second texts as first texts");
    if (maxLength < 0)
        throw Error("the maximum length cannot be negative");
    BatchEncoding batch;
    batch.batch = int64_t(first.size());
    for (size_t i = 0; i < first.size(); ++i) {
        Encoding e = second.empty() ? tokenizer.encode(first[i]) : tokenizer.encodePair(first[i], second[i]);
        bool cut = false;
        if (maxLength > 0 && int64_t(e.ids.size()) > maxLength) {
            cut = true;
            // Keep the closing special token ([SEP]) when there is one.
            const bool closing = !e.specialTokens.empty() && e.specialTokens.back() && maxLength >= 2;
            const size_t keep = size_t(maxLength) - (closing ? 1 : 0);
            auto trim = [&](auto &values) {
                auto last = values.back();
                values.resize(keep);
                if (closing)
                    values.push_back(last);
            };
            trim(e.ids);
            trim(e.tokens);
            trim(e.offsets);
            trim(e.typeIds);
            std::vector<bool> special(e.specialTokens.begin(), e.specialTokens.begin() + long(keep));
            if (closing)
                special.push_back(true);
            e.specialTokens = special;
        }
        batch.length = std::max(batch.length, int64_t(e.ids.size()));
        batch.truncated.push_back(cut);
        batch.rows.push_back(std::move(e));
    }
    const size_t cells = size_t(batch.batch * batch.length);
    batch.ids.assign(cells, padId);
    batch.attentionMask.assign(cells, 0);
    batch.typeIds.assign(cells, 0);
    for (size_t r = 0; r < batch.rows.size(); ++r)
        for (size_t t = 0; t < batch.rows[r].ids.size(); ++t) {
            const size_t at = r * size_t(batch.length) + t;
            batch.ids[at] = batch.rows[r].ids[t];
            batch.attentionMask[at] = 1;
            batch.typeIds[at] = batch.rows[r].typeIds[t];
        }
    return batch;
}

namespace {
std::unique_ptr<Tokenizer> loadTokenizerFiles(const std::string &path);
} // namespace

std::unique_ptr<Tokenizer> loadTokenizer(const std::string &path)
{
    // A value of the wrong JSON type deep inside a tokenizer file (found by fuzzing: a number
    // where a token string belongs) is the file's fault: say so, never let the library's
    // exception escape.
    try {
        return loadTokenizerFiles(path);
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("unexpected value: ") + e.what(), path);
    }
}

namespace {
std::unique_ptr<Tokenizer> loadTokenizerFiles(const std::string &path)
{
    if (isDirectory(path)) {
        const std::string folder = path;
        if (fileExists(folder + "/tokenizer.json"))
            return loadTokenizerJson(folder + "/tokenizer.json");
        for (const char *model : {"sentencepiece.bpe.model", "spiece.model", "tokenizer.model"})
            if (fileExists(folder + "/" + model))
                return detail::tok::loadSentencePieceModel(folder + "/" + model);
        if (fileExists(folder + "/vocab.txt"))
            return loadWordPieceVocabulary(folder + "/vocab.txt");
        if (fileExists(folder + "/vocab.json") && fileExists(folder + "/merges.txt"))
            return loadByteLevelFiles(folder + "/vocab.json", folder + "/merges.txt");
        throw Error("no tokenizer here (expected tokenizer.json, a SentencePiece sentencepiece.bpe.model, spiece.model "
                    "or tokenizer.model, vocab.txt, or vocab.json with merges.txt)",
                    path);
    }
    if (!fileExists(path))
        throw Error("no such file or folder", path);
    const std::string name = baseName(path);
    const std::string folder = parentFolder(path);
    if (name.size() >= 5 && name.substr(name.size() - 5) == ".json") {
        const nlohmann::json root = readJson(path);
        // (GPT-2's vocab.json has a token called "model": look at its type too.)
        if (root.is_object() && root.contains("model") && root["model"].is_object())
            return loadTokenizerJson(path);
        if (fileExists(folder + "/merges.txt"))
            return loadByteLevelFiles(path, folder + "/merges.txt");
        throw Error("neither a tokenizer.json nor a vocab.json with merges.txt beside it", path);
    }
    if (name.size() >= 6 && name.substr(name.size() - 6) == ".model")
        return detail::tok::loadSentencePieceModel(path);
    if (name == "merges.txt" && fileExists(folder + "/vocab.json"))
        return loadByteLevelFiles(folder + "/vocab.json", path);
    return loadWordPieceVocabulary(path);
}
} // namespace

} // namespace tessera
