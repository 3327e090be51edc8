// SentencePiece's Unigram model and Precompiled normalizer with the semantics of Hugging Face
// `tokenizers` (Unigram.h, Pipeline.h). Grapheme clusters come from ICU's character break
// iterator.

#include "tokenizers/Unigram.h"
#include "tokenizers/Pipeline.h"

#include "tessera/core/Error.h"

#include "UnicodeText.h"

#include <nlohmann/json.hpp>

#include <unicode/brkiter.h>
#include <unicode/locid.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace tessera::detail::tok {
namespace {

using namespace detail::unicode;
using nlohmann::json;

class UnigramModel : public Model {
public:
    UnigramModel(std::vector<std::pair<std::string, double>> pieces, int64_t unknownId, bool byteFallback)
        : m_pieces(std::move(pieces)), m_unknownId(unknownId), m_byteFallback(byteFallback)
    {
        m_minScore = std::numeric_limits<double>::infinity();
        for (size_t i = 0; i < m_pieces.size(); ++i) {
            m_ids.emplace(m_pieces[i].first, int64_t(i)); // unique: parseUnigramModel refuses duplicates
            m_minScore = std::min(m_minScore, m_pieces[i].second);
            m_longest = std::max(m_longest, m_pieces[i].first.size());
        }
    }

    const std::unordered_map<std::string, int64_t> &vocabulary() const override { return m_ids; }
    std::vector<std::string> tokens() const override
    {
        std::vector<std::string> out;
        for (const auto &piece : m_pieces)
            out.push_back(piece.first);
        return out;
    }
    std::string name() const override { return "Unigram"; }
    std::string details() const override { return m_byteFallback ? "byte fallback" : ""; }

    // Viterbi over byte positions, as the reference: every piece that starts at a character
    // boundary is a candidate edge; a character no single piece covers gets an unknown edge
    // scored 10 below the lowest piece. Ties keep the earlier candidate.
    std::vector<ModelToken> tokenize(const std::u32string &word) const override
    {
        std::string bytes;
        std::vector<size_t> charAt; // byte offset -> character index
        for (size_t i = 0; i < word.size(); ++i) {
            const std::string c = utf8Of(word[i]);
            bytes += c;
            charAt.insert(charAt.end(), c.size(), i);
        }
        charAt.push_back(word.size());
        const size_t size = bytes.size();
        struct Node {
            int64_t id = -1;
            double score = 0;
            long startsAt = -1;
        };
        std::vector<Node> best(size + 1);
        best[0].startsAt = 0;
        const double unknownScore = m_minScore - 10.0;
        size_t at = 0;
        while (at < size) {
            const double base = best[at].score;
            const size_t charLength = utf8Of(word[charAt[at]]).size();
            bool single = false;
            for (size_t length = 1; length <= m_longest && at + length <= size; ++length) {
                const auto it = m_ids.find(bytes.substr(at, length));
                if (it == m_ids.end())
                    continue;
                Node &target = best[at + length];
                const double candidate = base + m_pieces[size_t(it->second)].second;
                if (target.startsAt < 0 || candidate > target.score)
                    target = {it->second, candidate, long(at)};
                if (length == charLength)
                    single = true;
            }
            if (!single) {
                Node &target = best[at + charLength];
                const double candidate = base + unknownScore;
                if (target.startsAt < 0 || candidate > target.score)
                    target = {m_unknownId, candidate, long(at)};
            }
            at += charLength;
        }
        // Back from the end; consecutive unknowns fuse into one token.
        std::vector<std::pair<size_t, size_t>> spans; // bytes, reversed
        std::vector<bool> unknown;
        for (size_t end = size; end > 0;) {
            const Node &node = best[end];
            const size_t start = size_t(node.startsAt);
            const bool isUnknown = node.id == m_unknownId;
            if (isUnknown && !unknown.empty() && unknown.back())
                spans.back().first = start;
            else {
                spans.emplace_back(start, end);
                unknown.push_back(isUnknown);
            }
            end = start;
        }
        std::reverse(spans.begin(), spans.end());
        std::vector<ModelToken> tokens;
        for (const auto &[start, end] : spans) {
            std::string text = bytes.substr(start, end - start);
            const auto it = m_ids.find(text);
            tokens.push_back(
                {it == m_ids.end() ? m_unknownId : it->second, charAt[start], charAt[end], std::move(text)});
        }
        return tokens;
    }

private:
    std::vector<std::pair<std::string, double>> m_pieces;
    std::unordered_map<std::string, int64_t> m_ids;
    int64_t m_unknownId;
    bool m_byteFallback;
    double m_minScore = 0;
    size_t m_longest = 0;
};

std::string decodeBase64(const std::string &text, const Where &where)
{
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+')
            return 62;
        if (c == '/')
            return 63;
        return -1;
    };
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    size_t digits = 0, padding = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n' || c == '\r')
            continue;
        if (c == '=') {
            ++padding;
            continue;
        }
        const int v = value(c);
        if (v < 0 || padding > 0)
            throw Error(std::string("not base64 (") + (v < 0 ? "a character outside its alphabet" : "data after '='") +
                            " at character " + std::to_string(i) + ")",
                        where.file, where.key);
        ++digits;
        buffer = (buffer << 6) | uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((buffer >> bits) & 0xFF));
        }
    }
    // Four digits make three bytes; a lone digit at the end, or padding that does not fill the
    // last group, is a cut or damaged string.
    if (digits % 4 == 1 || padding > 2 || (padding > 0 && (digits + padding) % 4 != 0))
        throw Error("not base64 (" + std::to_string(digits) + " digits and " + std::to_string(padding) +
                        " '=': the text is cut or damaged)",
                    where.file, where.key);
    return out;
}

// SentencePiece's precompiled character map: a darts-clone double-array trie over UTF-8 keys
// whose values are offsets of NUL-terminated replacements in the string pool after it.
class PrecompiledNormalizer : public Normalizer {
public:
    PrecompiledNormalizer(const std::string &charsmap, const Where &where)
    {
        const std::string blob = decodeBase64(charsmap, where);
        if (blob.size() < 4)
            throw Error("the character map is too short", where.file, where.key);
        const uint32_t trieBytes = uint32_t(uint8_t(blob[0])) | uint32_t(uint8_t(blob[1])) << 8 |
                                   uint32_t(uint8_t(blob[2])) << 16 | uint32_t(uint8_t(blob[3])) << 24;
        if (trieBytes % 4 != 0 || size_t(trieBytes) + 4 > blob.size() || trieBytes == 0)
            throw Error("the character map's trie size (" + std::to_string(trieBytes) + " bytes) does not fit its " +
                            std::to_string(blob.size()) + " bytes",
                        where.file, where.key);
        m_units.resize(trieBytes / 4);
        for (size_t i = 0; i < m_units.size(); ++i) {
            const auto *p = reinterpret_cast<const uint8_t *>(blob.data() + 4 + 4 * i);
            m_units[i] = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
        }
        m_pool = blob.substr(4 + trieBytes);
    }

    void apply(Piece &text) const override
    {
        if (text.empty())
            return;
        // (character, change) as the reference's transform: 0 replaces one input character,
        // +1 inserts after the previous one, -n replaces one and drops n more.
        std::vector<std::pair<char32_t, long>> changes;
        bool modified = false;
        auto replace = [&](const std::u32string &old, const std::u32string &now) {
            for (char32_t c : now)
                changes.emplace_back(c, 0);
            const long diff = long(now.size()) - long(old.size());
            if (diff > 0) {
                for (long i = 0; i < diff; ++i)
                    changes[changes.size() - 1 - size_t(i)].second = 1;
            } else if (diff < 0 && !changes.empty()) {
                changes.back().second += diff;
            }
            modified = true;
        };
        icu::UnicodeString utf16;
        std::vector<size_t> charOfUnit;
        for (size_t i = 0; i < text.size(); ++i) {
            utf16.append(UChar32(text[i].c));
            charOfUnit.resize(size_t(utf16.length()), i);
        }
        charOfUnit.push_back(text.size());
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::BreakIterator> graphemes(
            icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
        if (U_FAILURE(status))
            throw Error("grapheme segmentation is unavailable (ICU data missing)");
        graphemes->setText(utf16);
        int32_t from = graphemes->first();
        for (int32_t to = graphemes->next(); to != icu::BreakIterator::DONE; from = to, to = graphemes->next()) {
            const size_t begin = charOfUnit[size_t(from)], end = charOfUnit[size_t(to)];
            std::u32string grapheme;
            for (size_t i = begin; i < end; ++i)
                grapheme.push_back(text[i].c);
            std::u32string normal;
            if (encodeUtf8(grapheme).size() < 6 && transform(grapheme, normal)) {
                replace(grapheme, normal);
                continue;
            }
            for (char32_t c : grapheme) {
                const std::u32string one(1, c);
                if (transform(one, normal))
                    replace(one, normal);
                else
                    changes.emplace_back(c, 0);
            }
        }
        if (!modified)
            return;
        Piece out;
        size_t index = 0;
        for (const auto &[c, change] : changes) {
            AlignedChar a{c, 0, 0};
            if (change > 0) {
                if (index >= 1) {
                    a.start = text[index - 1].start;
                    a.end = text[index - 1].end;
                }
            } else if (index < text.size()) {
                a.start = text[index].start;
                a.end = text[index].end;
            } else if (!text.empty()) {
                a.start = a.end = text.back().end;
            }
            out.push_back(a);
            index += size_t(1 - change);
        }
        text.swap(out);
    }

private:
    // The reference takes the first (shortest) prefix of the chunk the trie knows.
    bool transform(const std::u32string &chunk, std::u32string &normal) const
    {
        const std::string key = encodeUtf8(chunk);
        const auto offset = [](uint32_t unit) { return (unit >> 10) << ((unit & (1u << 9)) >> 6); };
        const auto label = [](uint32_t unit) { return unit & ((1u << 31) | 0xFFu); };
        const auto hasLeaf = [](uint32_t unit) { return ((unit >> 8) & 1u) == 1u; };
        const auto value = [](uint32_t unit) { return unit & ((1u << 31) - 1); };
        size_t node = offset(m_units[0]);
        for (unsigned char byte : key) {
            node ^= byte;
            if (node >= m_units.size())
                return false;
            const uint32_t unit = m_units[node];
            if (label(unit) != byte)
                return false;
            node ^= offset(unit);
            if (node >= m_units.size())
                return false;
            if (hasLeaf(unit)) {
                const size_t at = value(m_units[node]);
                if (at >= m_pool.size())
                    return false;
                const size_t end = m_pool.find('\0', at);
                normal = decodeUtf8(m_pool.substr(at, (end == std::string::npos ? m_pool.size() : end) - at));
                return true;
            }
        }
        return false;
    }

    std::vector<uint32_t> m_units;
    std::string m_pool;
};

} // namespace

std::unique_ptr<Normalizer> makePrecompiledNormalizer(const std::string &charsmap, const Where &where)
{
    return std::make_unique<PrecompiledNormalizer>(charsmap, where);
}

std::unique_ptr<Model> parseUnigramModel(const json &model, const std::string &path)
{
    const json &vocabulary = model.contains("vocab") ? model["vocab"] : json();
    if (!vocabulary.is_array() || vocabulary.empty())
        throw Error("the vocabulary must be a non-empty list of [piece, score]", path, "model.vocab");
    std::vector<std::pair<std::string, double>> pieces;
    std::unordered_map<std::string, size_t> seen;
    for (size_t i = 0; i < vocabulary.size(); ++i) {
        const json &entry = vocabulary[i];
        const std::string key = "model.vocab[" + std::to_string(i) + "]";
        if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() || !entry[1].is_number())
            throw Error("must be [piece, score], not " + entry.dump().substr(0, 80), path, key);
        const double score = entry[1].get<double>();
        // (nlohmann refuses 1e999 as an overflow; an infinite score from elsewhere would win or
        // lose every segmentation.)
        if (!std::isfinite(score))
            throw Error("the score must be a finite number, not " + entry[1].dump(), path, key);
        std::string piece = entry[0].get<std::string>();
        const auto [at, fresh] = seen.emplace(piece, i);
        if (!fresh)
            throw Error("the piece \"" + piece + "\" is listed twice (first at model.vocab[" +
                            std::to_string(at->second) + "]): each piece needs its own id",
                        path, key);
        pieces.emplace_back(std::move(piece), score);
    }
    if (!model.contains("unk_id") || !model["unk_id"].is_number_integer())
        throw Error("a Unigram model needs an integer unk_id", path, "model.unk_id");
    const int64_t unknown = model["unk_id"].get<int64_t>();
    if (unknown < 0 || unknown >= int64_t(pieces.size()))
        throw Error("unk_id " + std::to_string(unknown) + " is outside the vocabulary of " +
                        std::to_string(pieces.size()),
                    path, "model.unk_id");
    if (model.value("byte_fallback", false))
        throw Error("byte_fallback in Unigram models is not supported", path, "model.byte_fallback");
    return std::make_unique<UnigramModel>(std::move(pieces), unknown, false);
}

} // namespace tessera::detail::tok
