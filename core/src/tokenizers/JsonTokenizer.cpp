// A tokenizer.json pipeline with the semantics of Hugging Face `tokenizers` (JsonTokenizer.h).

#include "tokenizers/JsonTokenizer.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"

#include "UnicodeText.h"
#include "tokenizers/Bpe.h"
#include "tokenizers/Unigram.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sys/stat.h>

namespace tessera::detail::tok {
namespace {

using namespace detail::unicode;
using nlohmann::json;

class PipelineTokenizer : public Tokenizer {
public:
    explicit PipelineTokenizer(PipelineParts parts) : m_parts(std::move(parts))
    {
        const std::string &source = m_parts.source;
        std::vector<std::pair<std::string, int64_t>> added;
        for (const AddedToken &token : m_parts.added)
            added.emplace_back(token.content, token.id);
        const int64_t largest = checkTokenIds(m_parts.model->vocabulary(), added, source);
        m_tokens.resize(size_t(largest + 1));
        m_special.assign(m_tokens.size(), false);
        const std::vector<std::string> modelTokens = m_parts.model->tokens();
        std::copy(modelTokens.begin(), modelTokens.end(), m_tokens.begin());
        for (const AddedToken &added : m_parts.added) {
            m_tokens[size_t(added.id)] = added.content;
            m_special[size_t(added.id)] = added.special;
            if (added.content.empty())
                throw Error("an added token is empty", source, "added_tokens");
            const std::u32string text = decodeUtf8(added.content, source);
            m_addedByFirst[text[0]].push_back({text, &added});
        }
        // Longest first, so that the first hit at a position is the longest (as the reference).
        for (auto &[first, list] : m_addedByFirst)
            std::sort(list.begin(), list.end(),
                      [](const AddedText &a, const AddedText &b) { return a.text.size() > b.text.size(); });
        m_byteLevel = m_parts.preTokenizer && m_parts.preTokenizer->byteLevel();
    }

    Kind kind() const override
    {
        if (m_parts.model->name() == "Unigram")
            return Kind::Unigram;
        return m_byteLevel ? Kind::ByteLevelBpe : Kind::SentencePieceBpe;
    }
    std::string description() const override
    {
        const std::string size = std::to_string(m_tokens.size()) + " tokens";
        const std::string details = m_parts.model->details();
        switch (kind()) {
        case Kind::ByteLevelBpe:
            return "byte-level BPE, " + size + ", " + details;
        case Kind::Unigram:
            return "Unigram, " + size + (details.empty() ? "" : ", " + details);
        default: // SentencePiece BPE: the merge count says little to a reader
            return "SentencePiece BPE, " + size +
                   (details.find("byte fallback") != std::string::npos ? ", byte fallback" : "");
        }
    }
    int64_t vocabularySize() const override { return int64_t(m_tokens.size()); }
    int64_t tokenToId(const std::string &token) const override
    {
        const int64_t id = vocabularyId(token);
        if (id >= 0)
            return id;
        for (const AddedToken &added : m_parts.added)
            if (added.content == token)
                return added.id;
        return -1;
    }
    std::string idToToken(int64_t id) const override
    {
        if (id < 0 || id >= int64_t(m_tokens.size()) || m_tokens[size_t(id)].empty())
            throw Error("token id " + std::to_string(id) + " is outside the vocabulary of " +
                        std::to_string(m_tokens.size()));
        return m_tokens[size_t(id)];
    }

    Encoding encode(const std::string &text, bool addSpecialTokens) const override
    {
        Encoding encoding = encodeSequence(decodeUtf8(text));
        if (m_parts.postProcessor)
            return m_parts.postProcessor->process(std::move(encoding), nullptr, addSpecialTokens);
        return encoding;
    }

    Encoding encodePair(const std::string &first, const std::string &second, bool addSpecialTokens) const override
    {
        Encoding a = encodeSequence(decodeUtf8(first));
        Encoding b = encodeSequence(decodeUtf8(second));
        if (m_parts.postProcessor)
            return m_parts.postProcessor->process(std::move(a), &b, addSpecialTokens);
        // No processor: the two one after the other, the second with type id 1.
        a.ids.insert(a.ids.end(), b.ids.begin(), b.ids.end());
        a.tokens.insert(a.tokens.end(), b.tokens.begin(), b.tokens.end());
        a.offsets.insert(a.offsets.end(), b.offsets.begin(), b.offsets.end());
        a.typeIds.insert(a.typeIds.end(), b.ids.size(), 1);
        a.specialTokens.insert(a.specialTokens.end(), b.specialTokens.begin(), b.specialTokens.end());
        return a;
    }

    std::string decode(const std::vector<int64_t> &ids, bool skipSpecialTokens) const override
    {
        std::vector<std::string> tokens;
        for (int64_t id : ids) {
            std::string token = idToToken(id);
            if (skipSpecialTokens && m_special[size_t(id)])
                continue;
            tokens.push_back(std::move(token));
        }
        if (m_parts.decoder)
            m_parts.decoder->apply(tokens);
        std::string text;
        for (size_t i = 0; i < tokens.size(); ++i)
            text += (i > 0 && !m_parts.decoder ? " " : "") + tokens[i]; // no decoder: joined by spaces
        return text;
    }

private:
    struct AddedText {
        std::u32string text;
        const AddedToken *token;
    };

    int64_t vocabularyId(const std::string &token) const
    {
        const auto &vocabulary = m_parts.model->vocabulary();
        const auto it = vocabulary.find(token);
        return it == vocabulary.end() ? -1 : it->second;
    }

    // Added tokens first (on the input as it is), then normalizer, pre-tokenizer and model on
    // each stretch between them.
    Encoding encodeSequence(const std::u32string &chars) const
    {
        Encoding encoding;
        size_t start = 0;
        size_t at = 0;
        while (at <= chars.size()) {
            size_t matchBegin = at, matchEnd = at;
            const AddedToken *found = at < chars.size() ? addedAt(chars, at, matchEnd) : nullptr;
            if (!found && at < chars.size()) {
                ++at;
                continue;
            }
            if (found) {
                if (found->lstrip)
                    while (matchBegin > start && isWhiteSpace(chars[matchBegin - 1]))
                        --matchBegin;
                if (found->rstrip)
                    while (matchEnd < chars.size() && isWhiteSpace(chars[matchEnd]))
                        ++matchEnd;
            }
            appendSection(encoding, chars, start, found ? matchBegin : chars.size());
            if (!found)
                break;
            encoding.ids.push_back(found->id);
            encoding.tokens.push_back(found->content);
            encoding.offsets.emplace_back(int64_t(matchBegin), int64_t(matchEnd));
            encoding.typeIds.push_back(0);
            encoding.specialTokens.push_back(found->special);
            start = at = matchEnd;
        }
        return encoding;
    }

    const AddedToken *addedAt(const std::u32string &chars, size_t at, size_t &end) const
    {
        const auto it = m_addedByFirst.find(chars[at]);
        if (it == m_addedByFirst.end())
            return nullptr;
        for (const AddedText &candidate : it->second)
            if (chars.compare(at, candidate.text.size(), candidate.text) == 0) {
                end = at + candidate.text.size();
                return candidate.token;
            }
        return nullptr;
    }

    void appendSection(Encoding &encoding, const std::u32string &chars, size_t begin, size_t end) const
    {
        if (end <= begin)
            return;
        Piece text;
        text.reserve(end - begin);
        for (size_t i = begin; i < end; ++i)
            text.push_back({chars[i], int64_t(i), int64_t(i + 1)});
        if (m_parts.normalizer)
            m_parts.normalizer->apply(text);
        std::vector<Piece> pieces{std::move(text)};
        if (m_parts.preTokenizer)
            m_parts.preTokenizer->apply(pieces, begin == 0);
        for (const Piece &piece : pieces) {
            if (piece.empty())
                continue;
            std::u32string word;
            word.reserve(piece.size());
            for (const AlignedChar &a : piece)
                word.push_back(a.c);
            for (const ModelToken &t : m_parts.model->tokenize(word)) {
                encoding.ids.push_back(t.id);
                encoding.tokens.push_back(t.text.empty() ? m_tokens[size_t(t.id)] : t.text);
                encoding.offsets.emplace_back(piece[t.begin].start, piece[t.end - 1].end);
                encoding.typeIds.push_back(0);
                encoding.specialTokens.push_back(false);
            }
        }
    }

    PipelineParts m_parts;
    std::vector<std::string> m_tokens;
    std::vector<bool> m_special;
    std::unordered_map<char32_t, std::vector<AddedText>> m_addedByFirst;
    bool m_byteLevel = false;
};

bool fileExists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string tokenName(const json &value)
{
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_object() && value.contains("content") && value["content"].is_string())
        return value["content"].get<std::string>();
    return {};
}

// transformers rebuilds the post-processor of Llama-style tokenizers from add_bos_token /
// add_eos_token: [bos] A [eos] for one text, [bos] A [eos] [bos] B [eos] for a pair.
json templateFromConfig(const json &config)
{
    const bool bos = config.value("add_bos_token", true); // transformers' default for Llama

    const bool eos = config.value("add_eos_token", false);
    json single = json::array(), pair = json::array(), specials = json::object();
    const std::string bosName = tokenName(config.value("bos_token", json()));
    const std::string eosName = tokenName(config.value("eos_token", json()));
    for (int sequence = 0; sequence < 2; ++sequence) {
        json &list = sequence == 0 ? single : pair;
        for (int part = 0; part <= sequence; ++part) {
            if (bos && !bosName.empty())
                list.push_back({{"SpecialToken", {{"id", bosName}, {"type_id", part}}}});
            list.push_back({{"Sequence", {{"id", part == 0 ? "A" : "B"}, {"type_id", part}}}});
            if (eos && !eosName.empty())
                list.push_back({{"SpecialToken", {{"id", eosName}, {"type_id", part}}}});
        }
    }
    json processor = {{"type", "TemplateProcessing"}, {"single", single}, {"pair", pair}};
    processor["special_tokens"] = specials;
    return processor;
}

} // namespace

int64_t checkTokenIds(const std::unordered_map<std::string, int64_t> &vocabulary,
                      const std::vector<std::pair<std::string, int64_t>> &more, const std::string &source)
{
    int64_t largest = -1;
    auto check = [&](const std::string &token, int64_t id) {
        if (id < 0 || id > (int64_t(1) << 31))
            throw Error("token \"" + token + "\" has id " + std::to_string(id) + ", outside any vocabulary", source);
        largest = std::max(largest, id);
    };
    for (const auto &[token, id] : vocabulary)
        check(token, id);
    for (const auto &[token, id] : more)
        check(token, id);
    // The id -> token table is dense: a few gaps are fine, but one huge id in a tiny file would
    // allocate gigabytes (found by fuzzing), so ids must stay near the token count.
    const size_t count = vocabulary.size() + more.size();
    const int64_t bound = 2 * int64_t(count) + 1024;
    if (largest >= bound)
        throw Error("the largest token id, " + std::to_string(largest) + ", is far beyond the " +
                        std::to_string(count) + " tokens listed (ids must be nearly dense: below " +
                        std::to_string(bound) + ")",
                    source);
    return largest;
}

std::unique_ptr<Tokenizer> makePipelineTokenizer(PipelineParts parts)
{
    return std::make_unique<PipelineTokenizer>(std::move(parts));
}

std::unique_ptr<Tokenizer> loadPipelineJson(const json &root, const std::string &path)
{
    const json &model = root["model"];
    PipelineParts parts;
    parts.source = path;
    const std::string type = model.value("type", std::string());
    if (type == "BPE")
        parts.model = parseBpeModel(model, path);
    else if (type == "Unigram")
        parts.model = parseUnigramModel(model, path);
    else
        throw Error("model type \"" + type + "\" is not supported (supported: WordPiece, BPE, Unigram)", path,
                    "model.type");
    const json added = root.value("added_tokens", json::array());
    for (size_t i = 0; i < added.size(); ++i) {
        const json &entry = added[i];
        const std::string key = "added_tokens[" + std::to_string(i) + "]";
        if (!entry.is_object() || !entry.contains("id") || !entry["id"].is_number_integer() ||
            !entry.contains("content") || !entry["content"].is_string())
            throw Error("must be an object with an integer \"id\" and a string \"content\"", path, key);
        AddedToken token;
        token.content = entry["content"].get<std::string>();
        token.id = entry["id"].get<int64_t>();
        token.special = entry.value("special", false);
        token.lstrip = entry.value("lstrip", false);
        token.rstrip = entry.value("rstrip", false);
        parts.added.push_back(std::move(token));
    }
    const Where where{path, ""};
    parts.normalizer = parseNormalizer(root.value("normalizer", json()), where.at("normalizer"));
    parts.preTokenizer = parsePreTokenizer(root.value("pre_tokenizer", json()), where.at("pre_tokenizer"));
    parts.decoder = parseDecoder(root.value("decoder", json()), where.at("decoder"));
    json post = root.value("post_processor", json());
    const size_t slash = path.find_last_of('/');
    const std::string config =
        (slash == std::string::npos ? std::string(".") : path.substr(0, slash)) + "/tokenizer_config.json";
    if (fileExists(config)) {
        json settings;
        try {
            settings = json::parse(readFile(config, size_t(64) << 20));
        } catch (const json::exception &e) {
            throw Error(std::string("not valid JSON: ") + e.what(), config);
        }
        if (settings.is_object() && ((settings.contains("add_bos_token") && settings["add_bos_token"].is_boolean()) ||
                                     (settings.contains("add_eos_token") && settings["add_eos_token"].is_boolean()))) {
            post = templateFromConfig(settings);
            for (const char *name : {"bos_token", "eos_token"}) {
                const std::string token = tokenName(settings.value(name, json()));
                if (token.empty())
                    continue;
                const auto &vocabulary = parts.model->vocabulary();
                int64_t id = vocabulary.count(token) ? vocabulary.at(token) : -1;
                for (const AddedToken &a : parts.added)
                    if (a.content == token)
                        id = a.id;
                if (id < 0)
                    throw Error(std::string(name) + " \"" + token + "\" is not in the vocabulary", config, name);
                post["special_tokens"][token] = {{"id", token}, {"ids", {id}}, {"tokens", {token}}};
            }
        }
    }
    parts.postProcessor = parsePostProcessor(post, where.at("post_processor"));
    return makePipelineTokenizer(std::move(parts));
}

} // namespace tessera::detail::tok
