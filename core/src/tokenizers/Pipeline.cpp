// Normalizers and pre-tokenizers of a tokenizer.json pipeline (Pipeline.h; decoders and
// post-processors are in Decoding.cpp). Regular expressions (Split patterns, GPT-2's
// pre-tokenisation) run on PCRE2 from Debian (libpcre2-8) in UTF + UCP mode, whose \p{L}, \p{N},
// \s, (?i:...) and lookahead agree with the Rust regex crate the reference uses on these
// patterns; Unicode normalisation comes from ICU.

#include "tokenizers/Pipeline.h"

#include "tessera/core/Error.h"

#include "UnicodeText.h"
#include "tokenizers/JsonFields.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <nlohmann/json.hpp>

#include <unicode/locid.h>
#include <unicode/normalizer2.h>

#include <algorithm>
#include <functional>
#include <map>

namespace tessera::detail::tok {
namespace {

using namespace detail::unicode;
using namespace fields;
using nlohmann::json;

// Characters inserted before `next`: as the reference's NormalizedString::prepend, they take the
// span of the character they were put in front of (a lone prepended "▁" has the offsets of the
// first input character, as the Llama-2 fixture shows).
Piece prependedBefore(const std::u32string &text, const AlignedChar &next)
{
    Piece piece;
    for (char32_t c : text)
        piece.push_back({c, next.start, next.end});
    return piece;
}

// A compiled PCRE2 pattern; matching is const and thread-safe (match data is per call).
class Regex {
public:
    Regex(const std::string &pattern, bool literal, const Where &where) : m_pattern(pattern)
    {
        int code = 0;
        PCRE2_SIZE offset = 0;
        // PCRE2 refuses UCP together with LITERAL (a literal has no classes to widen).
        const uint32_t options = PCRE2_UTF | (literal ? PCRE2_LITERAL : PCRE2_UCP);
        m_code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &code, &offset,
                               nullptr);
        if (!m_code) {
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(code, message, sizeof message);
            throw Error("the regular expression \"" + pattern + "\" does not compile (PCRE2 at offset " +
                            std::to_string(offset) + ": " + reinterpret_cast<const char *>(message) + ")",
                        where.file, where.key);
        }
        pcre2_jit_compile(m_code, PCRE2_JIT_COMPLETE); // faster when available; plain matching otherwise
    }
    ~Regex() { pcre2_code_free(m_code); }
    Regex(const Regex &) = delete;
    Regex &operator=(const Regex &) = delete;

    // Non-overlapping matches, leftmost first, as [begin, end) indices into the piece.
    std::vector<std::pair<size_t, size_t>> findAll(const Piece &piece) const
    {
        std::string subject;
        std::vector<size_t> byteToChar;
        for (size_t i = 0; i < piece.size(); ++i) {
            const std::string bytes = utf8Of(piece[i].c);
            subject += bytes;
            byteToChar.insert(byteToChar.end(), bytes.size(), i);
        }
        byteToChar.push_back(piece.size());
        std::vector<std::pair<size_t, size_t>> matches;
        const std::unique_ptr<pcre2_match_data, void (*)(pcre2_match_data *)> owner(
            pcre2_match_data_create_from_pattern(m_code, nullptr), pcre2_match_data_free);
        pcre2_match_data *data = owner.get();
        PCRE2_SIZE offset = 0;
        while (offset <= subject.size()) {
            const int rc = pcre2_match(m_code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), offset,
                                       PCRE2_NO_UTF_CHECK, data, nullptr);
            if (rc < 0) {
                if (rc == PCRE2_ERROR_NOMATCH)
                    break;
                throw Error("matching \"" + m_pattern + "\" failed (PCRE2 error " + std::to_string(rc) + ")");
            }
            const PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(data);
            const size_t begin = ovector[0], end = ovector[1];
            if (end > begin) {
                matches.emplace_back(byteToChar[begin], byteToChar[end]);
                offset = end;
            } else {
                // An empty match splits nothing (as in the reference); step over one character.
                if (begin >= subject.size())
                    break;
                offset = begin + utf8Of(piece[byteToChar[begin]].c).size();
            }
        }
        return matches;
    }

private:
    std::string m_pattern;
    pcre2_code *m_code = nullptr;
};

// Splits a piece by matches with one of the reference's SplitDelimiterBehavior values.
enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

std::vector<Piece> splitPiece(const Piece &piece, const std::vector<std::pair<size_t, size_t>> &matches,
                              Behavior behavior, bool invert)
{
    struct Part {
        size_t begin, end;
        bool match;
    };
    std::vector<Part> parts;
    size_t at = 0;
    for (const auto &[begin, end] : matches) {
        if (begin > at)
            parts.push_back({at, begin, invert});
        parts.push_back({begin, end, !invert});
        at = end;
    }
    if (at < piece.size())
        parts.push_back({at, piece.size(), invert});
    // As the reference folds them: a delimiter merges with its neighbour only when that neighbour
    // is not a delimiter too ("▁▁a" split MergedWithNext is "▁", "▁a").
    std::vector<std::pair<size_t, size_t>> spans;
    switch (behavior) {
    case Behavior::Removed:
        for (const Part &p : parts)
            if (!p.match)
                spans.emplace_back(p.begin, p.end);
        break;
    case Behavior::Isolated:
        for (const Part &p : parts)
            spans.emplace_back(p.begin, p.end);
        break;
    case Behavior::MergedWithPrevious: {
        bool previousMatch = false;
        for (const Part &p : parts) {
            if (p.match && !previousMatch && !spans.empty())
                spans.back().second = p.end;
            else
                spans.emplace_back(p.begin, p.end);
            previousMatch = p.match;
        }
        break;
    }
    case Behavior::MergedWithNext: {
        bool nextMatch = false;
        for (size_t i = parts.size(); i-- > 0;) {
            const Part &p = parts[i];
            if (p.match && !nextMatch && !spans.empty())
                spans.back().first = p.begin;
            else
                spans.emplace_back(p.begin, p.end);
            nextMatch = p.match;
        }
        std::reverse(spans.begin(), spans.end());
        break;
    }
    case Behavior::Contiguous: {
        bool previousMatch = false;
        for (const Part &p : parts) {
            if (p.match && previousMatch)
                spans.back().second = p.end;
            else
                spans.emplace_back(p.begin, p.end);
            previousMatch = p.match;
        }
        break;
    }
    }
    std::vector<Piece> out;
    for (const auto &[begin, end] : spans)
        if (end > begin)
            out.emplace_back(piece.begin() + long(begin), piece.begin() + long(end));
    return out;
}

Behavior parseBehavior(const json &object, const Where &where)
{
    const std::string name = object.value("behavior", std::string("Isolated"));
    static const std::map<std::string, Behavior> names = {{"Removed", Behavior::Removed},
                                                          {"Isolated", Behavior::Isolated},
                                                          {"MergedWithPrevious", Behavior::MergedWithPrevious},
                                                          {"MergedWithNext", Behavior::MergedWithNext},
                                                          {"Contiguous", Behavior::Contiguous}};
    const auto it = names.find(name);
    if (it == names.end())
        throw Error("split behavior \"" + name +
                        "\" is not supported (supported: Removed, Isolated, MergedWithPrevious, MergedWithNext, "
                        "Contiguous)",
                    where.file, where.at("behavior").key);
    return it->second;
}

// {"String": "..."} or {"Regex": "..."}, as the reference's Split and Replace store patterns.
std::unique_ptr<Regex> parsePattern(const json &object, const Where &where)
{
    const Where at = where.at("pattern");
    const json &pattern = member(object, "pattern", where);
    if (pattern.is_object() && pattern.contains("String") && pattern["String"].is_string())
        return std::make_unique<Regex>(pattern["String"].get<std::string>(), true, at.at("String"));
    if (pattern.is_object() && pattern.contains("Regex") && pattern["Regex"].is_string())
        return std::make_unique<Regex>(pattern["Regex"].get<std::string>(), false, at.at("Regex"));
    throw Error("must be {\"String\": ...} or {\"Regex\": ...}, not " + pattern.dump(), at.file, at.key);
}

// ---- normalizers ----

class SequenceNormalizer : public Normalizer {
public:
    std::vector<std::unique_ptr<Normalizer>> steps;
    void apply(Piece &text) const override
    {
        for (const auto &step : steps)
            step->apply(text);
    }
};

// NFC / NFD / NFKC / NFKD. Text is normalised run by run (runs end where ICU says a character
// cannot interact with what precedes it); a run that keeps its length keeps each character's
// span, one that changes length gives all its characters the run's span.
class UnicodeNormalizer : public Normalizer {
public:
    explicit UnicodeNormalizer(const std::string &form)
    {
        UErrorCode status = U_ZERO_ERROR;
        if (form == "NFC")
            m_normalizer = icu::Normalizer2::getNFCInstance(status);
        else if (form == "NFD")
            m_normalizer = icu::Normalizer2::getNFDInstance(status);
        else if (form == "NFKC")
            m_normalizer = icu::Normalizer2::getNFKCInstance(status);
        else
            m_normalizer = icu::Normalizer2::getNFKDInstance(status);
        if (U_FAILURE(status))
            throw Error("Unicode normalisation is unavailable (ICU data missing)");
    }
    void apply(Piece &text) const override
    {
        Piece out;
        out.reserve(text.size());
        size_t begin = 0;
        while (begin < text.size()) {
            size_t end = begin + 1;
            while (end < text.size() && !m_normalizer->hasBoundaryBefore(UChar32(text[end].c)))
                ++end;
            icu::UnicodeString run;
            for (size_t i = begin; i < end; ++i)
                run.append(UChar32(text[i].c));
            UErrorCode status = U_ZERO_ERROR;
            const std::u32string normal = toU32(m_normalizer->normalize(run, status));
            if (normal.size() == end - begin) {
                for (size_t i = 0; i < normal.size(); ++i)
                    out.push_back({normal[i], text[begin + i].start, text[begin + i].end});
            } else {
                for (char32_t c : normal)
                    out.push_back({c, text[begin].start, text[end - 1].end});
            }
            begin = end;
        }
        text.swap(out);
    }

private:
    const icu::Normalizer2 *m_normalizer = nullptr;
};

class LowercaseNormalizer : public Normalizer {
public:
    void apply(Piece &text) const override
    {
        Piece out;
        out.reserve(text.size());
        for (const AlignedChar &a : text) {
            icu::UnicodeString s(UChar32(a.c));
            s.toLower(icu::Locale::getRoot());
            for (char32_t l : toU32(s))
                out.push_back({l, a.start, a.end});
        }
        text.swap(out);
    }
};

class PrependNormalizer : public Normalizer {
public:
    std::u32string prefix;
    void apply(Piece &text) const override
    {
        if (text.empty())
            return; // the reference prepends nothing to empty text
        const Piece head = prependedBefore(prefix, text.front());
        text.insert(text.begin(), head.begin(), head.end());
    }
};

Piece replaceAll(const Piece &text, const Regex &pattern, const std::u32string &content)
{
    Piece out;
    size_t at = 0;
    for (const auto &[begin, end] : pattern.findAll(text)) {
        out.insert(out.end(), text.begin() + long(at), text.begin() + long(begin));
        // As the reference's NormalizedString::replace: the match is removed, then the content
        // inserted, each new character with the span of the match's last character ("  " -> "▁"
        // has the offsets of the second space).
        for (char32_t c : content)
            out.push_back({c, text[end - 1].start, text[end - 1].end});
        at = end;
    }
    out.insert(out.end(), text.begin() + long(at), text.end());
    return out;
}

class ReplaceNormalizer : public Normalizer {
public:
    std::unique_ptr<Regex> pattern;
    std::u32string content;
    void apply(Piece &text) const override { text = replaceAll(text, *pattern, content); }
};

class StripNormalizer : public Normalizer {
public:
    bool left = true, right = true;
    void apply(Piece &text) const override
    {
        size_t begin = 0, end = text.size();
        while (left && begin < end && isWhiteSpace(text[begin].c))
            ++begin;
        while (right && end > begin && isWhiteSpace(text[end - 1].c))
            --end;
        text = Piece(text.begin() + long(begin), text.begin() + long(end));
    }
};

// ---- pre-tokenizers ----

class SequencePreTokenizer : public PreTokenizer {
public:
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    void apply(std::vector<Piece> &pieces, bool firstSection) const override
    {
        for (const auto &step : steps)
            step->apply(pieces, firstSection);
    }
    bool byteLevel() const override
    {
        return std::any_of(steps.begin(), steps.end(), [](const auto &s) { return s->byteLevel(); });
    }
};

class SplitPreTokenizer : public PreTokenizer {
public:
    std::unique_ptr<Regex> pattern;
    Behavior behavior = Behavior::Isolated;
    bool invert = false;
    void apply(std::vector<Piece> &pieces, bool) const override
    {
        std::vector<Piece> out;
        for (const Piece &piece : pieces)
            for (Piece &part : splitPiece(piece, pattern->findAll(piece), behavior, invert))
                out.push_back(std::move(part));
        pieces.swap(out);
    }
};

const char *kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// ByteLevel: an optional leading space per piece, GPT-2's split (use_regex), then every UTF-8
// byte as its printable stand-in, each with the span of the character it belongs to.
class ByteLevelPreTokenizer : public PreTokenizer {
public:
    bool addPrefixSpace = false;
    std::unique_ptr<Regex> pattern; // null when use_regex is false
    bool byteLevel() const override { return true; }
    void apply(std::vector<Piece> &pieces, bool) const override
    {
        std::vector<Piece> split;
        for (Piece &piece : pieces) {
            if (addPrefixSpace && !piece.empty() && piece.front().c != ' ')
                piece.insert(piece.begin(), AlignedChar{' ', piece.front().start, piece.front().end});
            if (!pattern) {
                split.push_back(std::move(piece));
                continue;
            }
            for (Piece &part : splitPiece(piece, pattern->findAll(piece), Behavior::Isolated, false))
                split.push_back(std::move(part));
        }
        const auto &table = byteToUnicode();
        pieces.clear();
        for (const Piece &piece : split) {
            Piece bytes;
            for (const AlignedChar &a : piece)
                for (unsigned char b : utf8Of(a.c))
                    bytes.push_back({table[b], a.start, a.end});
            pieces.push_back(std::move(bytes));
        }
    }
};

// Metaspace: spaces become the replacement ("▁"), which is prepended per prepend_scheme and,
// with split, starts every word.
class MetaspacePreTokenizer : public PreTokenizer {
public:
    char32_t replacement = U'\u2581';
    std::string scheme = "always";
    bool split = true;
    void apply(std::vector<Piece> &pieces, bool firstSection) const override
    {
        std::vector<Piece> out;
        for (size_t p = 0; p < pieces.size(); ++p) {
            Piece piece = pieces[p];
            for (AlignedChar &a : piece)
                if (a.c == ' ')
                    a.c = replacement;
            const bool prepend = scheme == "always" || (scheme == "first" && firstSection && p == 0);
            if (prepend && !piece.empty() && piece.front().c != replacement)
                piece.insert(piece.begin(), AlignedChar{replacement, piece.front().start, piece.front().end});
            if (!split) {
                out.push_back(std::move(piece));
                continue;
            }
            std::vector<std::pair<size_t, size_t>> marks;
            for (size_t i = 0; i < piece.size(); ++i)
                if (piece[i].c == replacement)
                    marks.emplace_back(i, i + 1);
            for (Piece &part : splitPiece(piece, marks, Behavior::MergedWithNext, false))
                out.push_back(std::move(part));
        }
        pieces.swap(out);
    }
};

} // namespace

const std::array<char32_t, 256> &byteToUnicode()
{
    static const std::array<char32_t, 256> table = [] {
        std::array<char32_t, 256> map{};
        std::array<bool, 256> printable{};
        for (int b = '!'; b <= '~'; ++b)
            printable[size_t(b)] = true;
        for (int b = 0xA1; b <= 0xAC; ++b)
            printable[size_t(b)] = true;
        for (int b = 0xAE; b <= 0xFF; ++b)
            printable[size_t(b)] = true;
        char32_t next = 256;
        for (int b = 0; b < 256; ++b)
            map[size_t(b)] = printable[size_t(b)] ? char32_t(b) : next++;
        return map;
    }();
    return table;
}

const std::unordered_map<char32_t, uint8_t> &unicodeToByte()
{
    static const std::unordered_map<char32_t, uint8_t> table = [] {
        std::unordered_map<char32_t, uint8_t> map;
        for (int b = 0; b < 256; ++b)
            map[byteToUnicode()[size_t(b)]] = uint8_t(b);
        return map;
    }();
    return table;
}

std::string stageType(const json &object, const Where &where)
{
    if (!object.is_object() || !object.contains("type") || !object["type"].is_string())
        throw Error("must be an object with a \"type\", not " + object.dump().substr(0, 80), where.file, where.key);
    return object["type"].get<std::string>();
}

std::unique_ptr<Normalizer> parseNormalizer(const json &object, const Where &where)
{
    if (object.is_null())
        return nullptr;
    const std::string type = stageType(object, where);
    if (type == "Sequence") {
        auto sequence = std::make_unique<SequenceNormalizer>();
        const json &list = member(object, "normalizers", where);
        if (!list.is_array())
            throw Error("must be a list", where.file, where.at("normalizers").key);
        for (size_t i = 0; i < list.size(); ++i)
            if (auto step = parseNormalizer(list[i], where.at("normalizers").index(i)))
                sequence->steps.push_back(std::move(step));
        return sequence;
    }
    if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD")
        return std::make_unique<UnicodeNormalizer>(type);
    if (type == "Lowercase")
        return std::make_unique<LowercaseNormalizer>();
    if (type == "Prepend") {
        auto prepend = std::make_unique<PrependNormalizer>();
        prepend->prefix = decodeUtf8(stringMember(object, "prepend", where), where.file);
        return prepend;
    }
    if (type == "Replace") {
        auto replace = std::make_unique<ReplaceNormalizer>();
        replace->pattern = parsePattern(object, where);
        replace->content = decodeUtf8(stringMember(object, "content", where), where.file);
        return replace;
    }
    if (type == "Precompiled")
        return makePrecompiledNormalizer(stringMember(object, "precompiled_charsmap", where),
                                         where.at("precompiled_charsmap"));
    if (type == "Strip") {
        auto strip = std::make_unique<StripNormalizer>();
        strip->left = boolMember(object, "strip_left", true);
        strip->right = boolMember(object, "strip_right", true);
        return strip;
    }
    throw Error(unsupported("normalizer", type,
                            "Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, Precompiled"),
                where.file, where.at("type").key);
}

std::unique_ptr<PreTokenizer> parsePreTokenizer(const json &object, const Where &where)
{
    if (object.is_null())
        return nullptr;
    const std::string type = stageType(object, where);
    if (type == "Sequence") {
        auto sequence = std::make_unique<SequencePreTokenizer>();
        const json &list = member(object, "pretokenizers", where);
        if (!list.is_array())
            throw Error("must be a list", where.file, where.at("pretokenizers").key);
        for (size_t i = 0; i < list.size(); ++i)
            if (auto step = parsePreTokenizer(list[i], where.at("pretokenizers").index(i)))
                sequence->steps.push_back(std::move(step));
        return sequence;
    }
    if (type == "Split") {
        auto split = std::make_unique<SplitPreTokenizer>();
        split->pattern = parsePattern(object, where);
        split->behavior = parseBehavior(object, where);
        split->invert = boolMember(object, "invert", false);
        return split;
    }
    if (type == "ByteLevel") {
        auto level = std::make_unique<ByteLevelPreTokenizer>();
        level->addPrefixSpace = boolMember(object, "add_prefix_space", true);
        if (boolMember(object, "use_regex", true))
            level->pattern = std::make_unique<Regex>(kGpt2Pattern, false, where);
        return level;
    }
    if (type == "Metaspace") {
        auto meta = std::make_unique<MetaspacePreTokenizer>();
        meta->replacement = singleChar(object.value("replacement", std::string("\u2581")), where.at("replacement"));
        meta->scheme = object.value("prepend_scheme",
                                    std::string(boolMember(object, "add_prefix_space", true) ? "always" : "never"));
        if (meta->scheme != "always" && meta->scheme != "first" && meta->scheme != "never")
            throw Error("prepend_scheme \"" + meta->scheme + "\" is not one of always, first, never", where.file,
                        where.at("prepend_scheme").key);
        meta->split = boolMember(object, "split", true);
        return meta;
    }
    throw Error(unsupported("pre_tokenizer", type, "Sequence, Split, ByteLevel, Metaspace"), where.file,
                where.at("type").key);
}

std::unique_ptr<PreTokenizer> gpt2PreTokenizer()
{
    auto level = std::make_unique<ByteLevelPreTokenizer>();
    level->pattern = std::make_unique<Regex>(kGpt2Pattern, false, Where{});
    return level;
}

} // namespace tessera::detail::tok
