// BPE with the semantics of Hugging Face `tokenizers` (Bpe.h).

#include "tokenizers/Bpe.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"

#include "UnicodeText.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <queue>
#include <sys/stat.h>

namespace tessera::detail::tok {
namespace {

using namespace detail::unicode;
using nlohmann::json;

// A token the model produced: its id and the characters [begin, end) of the pre-token it covers.
struct ModelToken {
    int64_t id;
    size_t begin;
    size_t end;
};

class BpeTokenizer : public Tokenizer {
public:
    explicit BpeTokenizer(BpeParts parts) : m_parts(std::move(parts))
    {
        const std::string &source = m_parts.source;
        int64_t largest = -1;
        auto check = [&](const std::string &token, int64_t id) {
            if (id < 0 || id > (int64_t(1) << 31))
                throw Error("token \"" + token + "\" has id " + std::to_string(id) + ", outside any vocabulary",
                            source);
            largest = std::max(largest, id);
        };
        for (const auto &[token, id] : m_parts.vocabulary)
            check(token, id);
        for (const AddedToken &added : m_parts.added)
            check(added.content, added.id);
        // The id -> token table is dense: a few gaps are fine, but one huge id in a tiny file
        // would allocate gigabytes (found by fuzzing), so ids must stay near the token count.
        const size_t count = m_parts.vocabulary.size() + m_parts.added.size();
        const int64_t bound = 2 * int64_t(count) + 1024;
        if (largest >= bound)
            throw Error("the largest token id, " + std::to_string(largest) + ", is far beyond the " +
                            std::to_string(count) + " tokens listed (ids must be nearly dense: below " +
                            std::to_string(bound) + ")",
                        source);
        m_tokens.resize(size_t(largest + 1));
        m_special.assign(m_tokens.size(), false);
        for (const auto &[token, id] : m_parts.vocabulary)
            m_tokens[size_t(id)] = token;
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
        for (size_t rank = 0; rank < m_parts.merges.size(); ++rank) {
            const auto &[left, right] = m_parts.merges[rank];
            const int64_t a = tokenToId(left), b = tokenToId(right), merged = tokenToId(left + right);
            if (a < 0 || b < 0 || merged < 0)
                throw Error("merge " + std::to_string(rank) + " (\"" + left + "\" \"" + right +
                                "\") uses or makes a token the vocabulary lacks (merges and vocabulary disagree)",
                            source, "model.merges");
            m_merges.emplace(pairKey(a, b), Merge{int(rank), merged}); // the first (best) rank wins
        }
        if (!m_parts.unknown.empty()) {
            m_unknownId = vocabularyId(m_parts.unknown);
            if (m_unknownId < 0)
                throw Error("the unknown token \"" + m_parts.unknown + "\" is not in the vocabulary", source,
                            "model.unk_token");
        }
        if (m_parts.byteFallback)
            for (int b = 0; b < 256; ++b) {
                char name[8];
                std::snprintf(name, sizeof name, "<0x%02X>", b);
                m_byteIds[size_t(b)] = vocabularyId(name);
            }
        m_byteLevel = m_parts.preTokenizer && m_parts.preTokenizer->byteLevel();
    }

    Kind kind() const override { return m_byteLevel ? Kind::ByteLevelBpe : Kind::SentencePieceBpe; }
    std::string description() const override
    {
        if (m_byteLevel)
            return "byte-level BPE, " + std::to_string(m_tokens.size()) + " tokens, " +
                   std::to_string(m_parts.merges.size()) + " merges";
        return "SentencePiece BPE, " + std::to_string(m_tokens.size()) + " tokens" +
               (m_parts.byteFallback ? ", byte fallback" : "");
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
    struct Merge {
        int rank;
        int64_t id;
    };
    struct AddedText {
        std::u32string text;
        const AddedToken *token;
    };
    static uint64_t pairKey(int64_t a, int64_t b) { return (uint64_t(a) << 32) | uint64_t(b); }

    int64_t vocabularyId(const std::string &token) const
    {
        const auto it = m_parts.vocabulary.find(token);
        return it == m_parts.vocabulary.end() ? -1 : it->second;
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
            for (const ModelToken &t : model(piece)) {
                encoding.ids.push_back(t.id);
                encoding.tokens.push_back(m_tokens[size_t(t.id)]);
                encoding.offsets.emplace_back(piece[t.begin].start, piece[t.end - 1].end);
                encoding.typeIds.push_back(0);
                encoding.specialTokens.push_back(false);
            }
        }
    }

    // One pre-token through the model, with a cache of recent words (text repeats words).
    std::vector<ModelToken> model(const Piece &piece) const
    {
        std::u32string word;
        word.reserve(piece.size());
        for (const AlignedChar &a : piece)
            word.push_back(a.c);
        {
            std::lock_guard<std::mutex> lock(m_cacheMutex);
            const auto cached = m_cache.find(word);
            if (cached != m_cache.end())
                return cached->second;
        }
        std::vector<ModelToken> tokens = merge(word);
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        if (m_cache.size() < 100000 && word.size() < 256)
            m_cache.emplace(word, tokens);
        return tokens;
    }

    // Characters to symbols (byte fallback, unknowns), then merges by rank: always the best-ranked
    // pair, the leftmost of equals, as the reference's priority queue does.
    std::vector<ModelToken> merge(const std::u32string &word) const
    {
        if (m_parts.ignoreMerges) {
            const int64_t whole = vocabularyId(encodeUtf8(word));
            if (whole >= 0)
                return {{whole, 0, word.size()}};
        }
        struct Symbol {
            int64_t id;
            size_t begin, end;
            int prev, next;
            bool unknown;
        };
        std::vector<Symbol> symbols;
        for (size_t i = 0; i < word.size(); ++i) {
            const std::string text = utf8Of(word[i]);
            const int64_t id = vocabularyId(text);
            if (id >= 0) {
                symbols.push_back({id, i, i + 1, 0, 0, false});
                continue;
            }
            if (m_parts.byteFallback &&
                std::all_of(text.begin(), text.end(), [&](char b) { return m_byteIds[uint8_t(b)] >= 0; })) {
                for (char b : text)
                    symbols.push_back({m_byteIds[uint8_t(b)], i, i + 1, 0, 0, false});
                continue;
            }
            if (m_unknownId < 0)
                continue; // no unknown token: the reference drops the character
            if (m_parts.fuseUnknown && !symbols.empty() && symbols.back().unknown && symbols.back().end == i)
                symbols.back().end = i + 1;
            else
                symbols.push_back({m_unknownId, i, i + 1, 0, 0, true});
        }
        const int n = int(symbols.size());
        for (int i = 0; i < n; ++i) {
            symbols[size_t(i)].prev = i - 1;
            symbols[size_t(i)].next = i + 1 < n ? i + 1 : -1;
        }
        struct Candidate {
            int rank;
            int left;
            int64_t leftId, rightId;
            bool operator>(const Candidate &o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
        };
        std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
        auto consider = [&](int left) {
            if (left < 0)
                return;
            const int right = symbols[size_t(left)].next;
            if (right < 0)
                return;
            const auto it = m_merges.find(pairKey(symbols[size_t(left)].id, symbols[size_t(right)].id));
            if (it != m_merges.end())
                queue.push({it->second.rank, left, symbols[size_t(left)].id, symbols[size_t(right)].id});
        };
        for (int i = 0; i < n; ++i)
            consider(i);
        std::vector<bool> gone(size_t(n), false);
        while (!queue.empty()) {
            const Candidate c = queue.top();
            queue.pop();
            Symbol &left = symbols[size_t(c.left)];
            // Stale: one side merged since this pair was queued.
            if (gone[size_t(c.left)] || left.id != c.leftId || left.next < 0 ||
                symbols[size_t(left.next)].id != c.rightId)
                continue;
            const int rightIndex = left.next;
            Symbol &right = symbols[size_t(rightIndex)];
            left.id = m_merges.at(pairKey(c.leftId, c.rightId)).id;
            left.end = right.end;
            left.unknown = false;
            left.next = right.next;
            if (right.next >= 0)
                symbols[size_t(right.next)].prev = c.left;
            gone[size_t(rightIndex)] = true;
            consider(left.prev);
            consider(c.left);
        }
        std::vector<ModelToken> tokens;
        for (int i = n > 0 ? 0 : -1; i >= 0; i = symbols[size_t(i)].next)
            tokens.push_back({symbols[size_t(i)].id, symbols[size_t(i)].begin, symbols[size_t(i)].end});
        return tokens;
    }

    BpeParts m_parts;
    std::vector<std::string> m_tokens;
    std::vector<bool> m_special;
    std::unordered_map<uint64_t, Merge> m_merges;
    std::unordered_map<char32_t, std::vector<AddedText>> m_addedByFirst;
    std::array<int64_t, 256> m_byteIds{};
    int64_t m_unknownId = -1;
    bool m_byteLevel = false;
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::u32string, std::vector<ModelToken>> m_cache;
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

std::unique_ptr<Tokenizer> makeBpeTokenizer(BpeParts parts)
{
    return std::make_unique<BpeTokenizer>(std::move(parts));
}

std::unique_ptr<Tokenizer> loadBpeJson(const json &root, const std::string &path)
{
    const json &model = root["model"];
    BpeParts parts;
    parts.source = path;
    const json &vocabulary = model.contains("vocab") ? model["vocab"] : json();
    if (!vocabulary.is_object() || vocabulary.empty())
        throw Error("the vocabulary must be a non-empty JSON object of token: id", path, "model.vocab");
    for (auto it = vocabulary.begin(); it != vocabulary.end(); ++it) {
        if (!it.value().is_number_integer())
            throw Error("the id of a token must be an integer", path, "model.vocab." + it.key());
        parts.vocabulary.emplace(it.key(), it.value().get<int64_t>());
    }
    const json list = model.value("merges", json::array());
    for (const auto &merge : list) {
        if (merge.is_string()) {
            const std::string text = merge.get<std::string>();
            const size_t space = text.find(' ', 1);
            if (space == std::string::npos)
                throw Error("merge \"" + text + "\" is not two symbols", path, "model.merges");
            parts.merges.emplace_back(text.substr(0, space), text.substr(space + 1));
        } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
            parts.merges.emplace_back(merge[0].get<std::string>(), merge[1].get<std::string>());
        } else {
            throw Error("a merge must be \"a b\" or [\"a\", \"b\"]", path, "model.merges");
        }
    }
    for (const char *name : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (model.contains(name) && !model[name].is_null() && model[name] != "")
            throw Error(std::string(name) + " is not supported in BPE models", path, std::string("model.") + name);
    if (model.contains("dropout") && model["dropout"].is_number() && model["dropout"].get<double>() > 0)
        throw Error("BPE dropout is not supported (it makes tokenisation random)", path, "model.dropout");
    parts.unknown = tokenName(model.value("unk_token", json()));
    parts.fuseUnknown = model.value("fuse_unk", false);
    parts.byteFallback = model.value("byte_fallback", false);
    parts.ignoreMerges = model.value("ignore_merges", false);
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
                int64_t id = parts.vocabulary.count(token) ? parts.vocabulary.at(token) : -1;
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
    return makeBpeTokenizer(std::move(parts));
}

} // namespace tessera::detail::tok
