// The stages of a tokenizer.json pipeline (Pipeline.h). Regular expressions (Split patterns,
// GPT-2's pre-tokenisation) run on PCRE2 from Debian (libpcre2-8) in UTF + UCP mode, whose
// \p{L}, \p{N}, \s, (?i:...) and lookahead agree with the Rust regex crate the reference uses on
// these patterns; Unicode normalisation comes from ICU.

#include "tokenizers/Pipeline.h"

#include "tessera/core/Error.h"

#include "UnicodeText.h"

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
using nlohmann::json;

const json &member(const json &object, const char *name, const Where &where)
{
    if (!object.contains(name))
        throw Error(std::string("missing \"") + name + "\"", where.file, where.key);
    return object[name];
}
std::string stringMember(const json &object, const char *name, const Where &where)
{
    const json &value = member(object, name, where);
    if (!value.is_string())
        throw Error("must be a string, not " + value.dump(), where.file, where.at(name).key);
    return value.get<std::string>();
}
bool boolMember(const json &object, const char *name, bool fallback)
{
    return object.contains(name) && object[name].is_boolean() ? object[name].get<bool>() : fallback;
}
char32_t singleChar(const std::string &text, const Where &where)
{
    const std::u32string chars = decodeUtf8(text, where.file);
    if (chars.size() != 1)
        throw Error("must be one character, not \"" + text + "\"", where.file, where.key);
    return chars[0];
}
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

std::string unsupported(const std::string &stage, const std::string &type, const char *supported)
{
    return stage + " type \"" + type + "\" is not supported (supported: " + supported + ")";
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
        for (size_t i = 0; i < content.size(); ++i) {
            // Same length: character for character; otherwise the whole match's span.
            const bool same = content.size() == end - begin;
            out.push_back({content[i], same ? text[begin + i].start : text[begin].start,
                           same ? text[begin + i].end : text[end - 1].end});
        }
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

// ---- decoders ----

class SequenceDecoder : public Decoder {
public:
    std::vector<std::unique_ptr<Decoder>> steps;
    void apply(std::vector<std::string> &tokens) const override
    {
        for (const auto &step : steps)
            step->apply(tokens);
    }
};

class ByteLevelDecoder : public Decoder {
public:
    void apply(std::vector<std::string> &tokens) const override
    {
        const auto &back = unicodeToByte();
        std::string bytes;
        for (const std::string &token : tokens)
            for (char32_t c : decodeUtf8(token)) {
                const auto it = back.find(c);
                if (it != back.end())
                    bytes.push_back(char(it->second));
                else
                    bytes += utf8Of(c);
            }
        tokens = {lossyUtf8(bytes)};
    }
};

std::string replaceText(const std::string &text, const std::string &from, const std::string &to)
{
    if (from.empty())
        return text;
    std::string out;
    size_t at = 0, found;
    while ((found = text.find(from, at)) != std::string::npos) {
        out.append(text, at, found - at);
        out += to;
        at = found + from.size();
    }
    out.append(text, at, std::string::npos);
    return out;
}

class ReplaceDecoder : public Decoder {
public:
    std::string from, to;
    void apply(std::vector<std::string> &tokens) const override
    {
        for (std::string &token : tokens)
            token = replaceText(token, from, to);
    }
};

// Runs of <0xNN> tokens become their bytes when those are valid UTF-8, else one U+FFFD each.
class ByteFallbackDecoder : public Decoder {
public:
    void apply(std::vector<std::string> &tokens) const override
    {
        std::vector<std::string> out;
        std::string bytes;
        size_t count = 0;
        auto flush = [&] {
            if (count == 0)
                return;
            bool valid = true;
            try {
                decodeUtf8(bytes);
            } catch (const Error &) {
                valid = false;
            }
            if (valid)
                out.push_back(bytes);
            else
                out.insert(out.end(), count, "\xEF\xBF\xBD");
            bytes.clear();
            count = 0;
        };
        for (const std::string &token : tokens) {
            const bool isByte = token.size() == 6 && token.compare(0, 3, "<0x") == 0 && token[5] == '>' &&
                                std::isxdigit(static_cast<unsigned char>(token[3])) &&
                                std::isxdigit(static_cast<unsigned char>(token[4]));
            if (isByte) {
                bytes.push_back(char(std::stoi(token.substr(3, 2), nullptr, 16)));
                ++count;
            } else {
                flush();
                out.push_back(token);
            }
        }
        flush();
        tokens.swap(out);
    }
};

class FuseDecoder : public Decoder {
public:
    void apply(std::vector<std::string> &tokens) const override
    {
        std::string all;
        for (const std::string &token : tokens)
            all += token;
        tokens = {all};
    }
};

class StripDecoder : public Decoder {
public:
    char32_t content = ' ';
    size_t start = 0, stop = 0;
    void apply(std::vector<std::string> &tokens) const override
    {
        for (std::string &token : tokens) {
            std::u32string chars = decodeUtf8(token);
            size_t begin = 0, end = chars.size();
            while (begin < start && begin < end && chars[begin] == content)
                ++begin;
            size_t cut = 0;
            while (cut < stop && end > begin && chars[end - 1] == content) {
                --end;
                ++cut;
            }
            token = encodeUtf8(chars.substr(begin, end - begin));
        }
    }
};

class MetaspaceDecoder : public Decoder {
public:
    std::string replacement = "\u2581";
    bool prepend = true;
    void apply(std::vector<std::string> &tokens) const override
    {
        for (size_t i = 0; i < tokens.size(); ++i) {
            tokens[i] = replaceText(tokens[i], replacement, " ");
            if (i == 0 && prepend && !tokens[i].empty() && tokens[i][0] == ' ')
                tokens[i].erase(0, 1);
        }
    }
};

// ---- post-processors ----

void append(Encoding &to, const Encoding &from, int64_t typeId, bool keepTypes)
{
    to.ids.insert(to.ids.end(), from.ids.begin(), from.ids.end());
    to.tokens.insert(to.tokens.end(), from.tokens.begin(), from.tokens.end());
    to.offsets.insert(to.offsets.end(), from.offsets.begin(), from.offsets.end());
    if (keepTypes)
        to.typeIds.insert(to.typeIds.end(), from.typeIds.begin(), from.typeIds.end());
    else
        to.typeIds.insert(to.typeIds.end(), from.ids.size(), typeId);
    to.specialTokens.insert(to.specialTokens.end(), from.specialTokens.begin(), from.specialTokens.end());
}
void appendSpecial(Encoding &to, int64_t id, const std::string &token, int64_t typeId)
{
    to.ids.push_back(id);
    to.tokens.push_back(token);
    to.offsets.emplace_back(0, 0);
    to.typeIds.push_back(typeId);
    to.specialTokens.push_back(true);
}
// Without special tokens: the sequences one after the other, the second with type id 1.
Encoding plainPair(Encoding first, const Encoding *second)
{
    if (second)
        append(first, *second, 1, false);
    return first;
}

// The ByteLevel processor's trim_offsets: offsets leave out a token's leading and trailing
// spaces (the first token keeps one leading space that add_prefix_space put there).
void trimOffsets(Encoding &e, bool addPrefixSpace)
{
    const char32_t space = byteToUnicode()[' '];
    for (size_t i = 0; i < e.tokens.size(); ++i) {
        if (e.specialTokens[i])
            continue;
        const std::u32string chars = decodeUtf8(e.tokens[i]);
        auto isSpace = [&](char32_t c) { return c == space || isWhiteSpace(c); };
        size_t leading = 0, trailing = 0;
        while (leading < chars.size() && isSpace(chars[leading]))
            ++leading;
        while (trailing < chars.size() && isSpace(chars[chars.size() - 1 - trailing]))
            ++trailing;
        auto &[start, end] = e.offsets[i];
        if (leading > 0) {
            const bool first = i == 0 || start == 0;
            if (first && addPrefixSpace && leading == 1)
                leading = 0;
            start = std::min(start + int64_t(leading), end);
        }
        if (trailing > 0 && end >= int64_t(trailing))
            end = std::max(end - int64_t(trailing), start);
    }
}

class ByteLevelProcessor : public PostProcessor {
public:
    bool trim = false, addPrefixSpace = false;
    Encoding process(Encoding first, const Encoding *second, bool) const override
    {
        Encoding other = second ? *second : Encoding();
        if (trim) {
            trimOffsets(first, addPrefixSpace);
            trimOffsets(other, addPrefixSpace);
        }
        return plainPair(std::move(first), second ? &other : nullptr);
    }
};

class RobertaProcessor : public PostProcessor {
public:
    std::string cls, sep;
    int64_t clsId = 0, sepId = 0;
    bool trim = true, addPrefixSpace = false;
    Encoding process(Encoding first, const Encoding *second, bool addSpecialTokens) const override
    {
        Encoding other = second ? *second : Encoding();
        if (trim) {
            trimOffsets(first, addPrefixSpace);
            trimOffsets(other, addPrefixSpace);
        }
        if (!addSpecialTokens)
            return plainPair(std::move(first), second ? &other : nullptr);
        Encoding out;
        appendSpecial(out, clsId, cls, 0);
        append(out, first, 0, false);
        appendSpecial(out, sepId, sep, 0);
        if (second) {
            appendSpecial(out, sepId, sep, 0);
            append(out, other, 0, false);
            appendSpecial(out, sepId, sep, 0);
        }
        return out;
    }
};

class TemplateProcessor : public PostProcessor {
public:
    struct Item {
        bool special;
        std::string name; // "A" / "B" or the special token's key
        int64_t typeId;
    };
    std::vector<Item> single, pair;
    std::map<std::string, std::pair<std::vector<int64_t>, std::vector<std::string>>> specials;
    Encoding process(Encoding first, const Encoding *second, bool addSpecialTokens) const override
    {
        if (!addSpecialTokens)
            return plainPair(std::move(first), second);
        Encoding out;
        for (const Item &item : second ? pair : single) {
            if (!item.special) {
                append(out, item.name == "B" && second ? *second : first, item.typeId, false);
                continue;
            }
            const auto &[ids, tokens] = specials.at(item.name);
            for (size_t i = 0; i < ids.size(); ++i)
                appendSpecial(out, ids[i], tokens[i], item.typeId);
        }
        return out;
    }
};

class SequenceProcessor : public PostProcessor {
public:
    std::vector<std::unique_ptr<PostProcessor>> steps;
    Encoding process(Encoding first, const Encoding *second, bool addSpecialTokens) const override
    {
        for (size_t i = 0; i < steps.size(); ++i)
            first = steps[i]->process(std::move(first), i == 0 ? second : nullptr, addSpecialTokens);
        return first;
    }
};

std::vector<TemplateProcessor::Item> parseTemplate(const json &list, const Where &where)
{
    if (!list.is_array())
        throw Error("must be a list of {\"SpecialToken\": ...} and {\"Sequence\": ...}", where.file, where.key);
    std::vector<TemplateProcessor::Item> items;
    for (size_t i = 0; i < list.size(); ++i) {
        const json &entry = list[i];
        const Where at = where.index(i);
        const bool special = entry.is_object() && entry.contains("SpecialToken");
        if (!special && !(entry.is_object() && entry.contains("Sequence")))
            throw Error("must be {\"SpecialToken\": ...} or {\"Sequence\": ...}, not " + entry.dump(), at.file, at.key);
        const json &body = entry[special ? "SpecialToken" : "Sequence"];
        items.push_back({special, stringMember(body, "id", at), body.value("type_id", int64_t(0))});
    }
    return items;
}

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
    if (type == "Strip") {
        auto strip = std::make_unique<StripNormalizer>();
        strip->left = boolMember(object, "strip_left", true);
        strip->right = boolMember(object, "strip_right", true);
        return strip;
    }
    throw Error(unsupported("normalizer", type, "Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip"),
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

std::unique_ptr<Decoder> parseDecoder(const json &object, const Where &where)
{
    if (object.is_null())
        return nullptr;
    const std::string type = stageType(object, where);
    if (type == "Sequence") {
        auto sequence = std::make_unique<SequenceDecoder>();
        const json &list = member(object, "decoders", where);
        if (!list.is_array())
            throw Error("must be a list", where.file, where.at("decoders").key);
        for (size_t i = 0; i < list.size(); ++i)
            if (auto step = parseDecoder(list[i], where.at("decoders").index(i)))
                sequence->steps.push_back(std::move(step));
        return sequence;
    }
    if (type == "ByteLevel")
        return std::make_unique<ByteLevelDecoder>();
    if (type == "ByteFallback")
        return std::make_unique<ByteFallbackDecoder>();
    if (type == "Fuse")
        return std::make_unique<FuseDecoder>();
    if (type == "Replace") {
        auto replace = std::make_unique<ReplaceDecoder>();
        const json &pattern = member(object, "pattern", where);
        if (!pattern.is_object() || !pattern.contains("String") || !pattern["String"].is_string())
            throw Error("only {\"String\": ...} patterns are supported in a Replace decoder, not " + pattern.dump(),
                        where.file, where.at("pattern").key);
        replace->from = pattern["String"].get<std::string>();
        replace->to = stringMember(object, "content", where);
        return replace;
    }
    if (type == "Strip") {
        auto strip = std::make_unique<StripDecoder>();
        strip->content = singleChar(stringMember(object, "content", where), where.at("content"));
        strip->start = object.value("start", size_t(0));
        strip->stop = object.value("stop", size_t(0));
        return strip;
    }
    if (type == "Metaspace") {
        auto meta = std::make_unique<MetaspaceDecoder>();
        meta->replacement = object.value("replacement", std::string("\u2581"));
        const std::string scheme = object.value(
            "prepend_scheme", std::string(boolMember(object, "add_prefix_space", true) ? "always" : "never"));
        meta->prepend = scheme != "never";
        return meta;
    }
    throw Error(unsupported("decoder", type, "Sequence, ByteLevel, ByteFallback, Fuse, Replace, Strip, Metaspace"),
                where.file, where.at("type").key);
}

std::unique_ptr<PostProcessor> parsePostProcessor(const json &object, const Where &where)
{
    if (object.is_null())
        return nullptr;
    const std::string type = stageType(object, where);
    if (type == "Sequence") {
        auto sequence = std::make_unique<SequenceProcessor>();
        const json &list = member(object, "processors", where);
        if (!list.is_array())
            throw Error("must be a list", where.file, where.at("processors").key);
        for (size_t i = 0; i < list.size(); ++i)
            if (auto step = parsePostProcessor(list[i], where.at("processors").index(i)))
                sequence->steps.push_back(std::move(step));
        return sequence;
    }
    if (type == "ByteLevel") {
        auto level = std::make_unique<ByteLevelProcessor>();
        level->trim = boolMember(object, "trim_offsets", true);
        level->addPrefixSpace = boolMember(object, "add_prefix_space", true);
        return level;
    }
    if (type == "RobertaProcessing" || type == "BertProcessing") {
        auto roberta = std::make_unique<RobertaProcessor>();
        auto token = [&](const char *name, std::string &text, int64_t &id) {
            const json &pair = member(object, name, where);
            if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_number_integer())
                throw Error("must be [\"token\", id], not " + pair.dump(), where.file, where.at(name).key);
            text = pair[0].get<std::string>();
            id = pair[1].get<int64_t>();
        };
        token("cls", roberta->cls, roberta->clsId);
        token("sep", roberta->sep, roberta->sepId);
        // BertProcessing is the same frame without offset trimming.
        roberta->trim = type == "RobertaProcessing" && boolMember(object, "trim_offsets", true);
        roberta->addPrefixSpace = boolMember(object, "add_prefix_space", true);
        return roberta;
    }
    if (type == "TemplateProcessing") {
        auto processor = std::make_unique<TemplateProcessor>();
        processor->single = parseTemplate(member(object, "single", where), where.at("single"));
        processor->pair = parseTemplate(member(object, "pair", where), where.at("pair"));
        const json &specials = object.value("special_tokens", json::object());
        for (auto it = specials.begin(); it != specials.end(); ++it) {
            const Where at = where.at("special_tokens").at(it.key());
            const json &ids = member(it.value(), "ids", at);
            const json &tokens = member(it.value(), "tokens", at);
            if (!ids.is_array() || !tokens.is_array() || ids.size() != tokens.size())
                throw Error("\"ids\" and \"tokens\" must be lists of one length", at.file, at.key);
            auto &entry = processor->specials[it.key()];
            for (size_t i = 0; i < ids.size(); ++i) {
                entry.first.push_back(ids[i].get<int64_t>());
                entry.second.push_back(tokens[i].get<std::string>());
            }
        }
        for (const auto *list : {&processor->single, &processor->pair})
            for (const auto &item : *list)
                if (item.special && !processor->specials.count(item.name))
                    throw Error("the template uses \"" + item.name + "\", which special_tokens does not define",
                                where.file, where.at("special_tokens").key);
        return processor;
    }
    throw Error(unsupported("post_processor", type,
                            "Sequence, ByteLevel, RobertaProcessing, BertProcessing, TemplateProcessing"),
                where.file, where.at("type").key);
}

std::unique_ptr<PreTokenizer> gpt2PreTokenizer()
{
    auto level = std::make_unique<ByteLevelPreTokenizer>();
    level->pattern = std::make_unique<Regex>(kGpt2Pattern, false, Where{});
    return level;
}

std::unique_ptr<Decoder> byteLevelDecoder()
{
    return std::make_unique<ByteLevelDecoder>();
}

} // namespace tessera::detail::tok
