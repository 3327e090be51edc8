// Tokens as a reader sees them (Tokenizer.h, displayTokens). Written on decode() alone, so
// that it holds for every kind of tokenizer and needs no table of its own.

#include "tessera/core/Tokenizer.h"

#include <algorithm>
#include <string>
#include <vector>

namespace tessera {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD"; // U+FFFD: decode() met an incomplete character
const std::string kSpaceMark = "\xE2\x90\xA3";   // U+2423 ␣

bool startsWith(const std::string &text, const std::string &prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

// Leading spaces as ␣, line breaks and tabs as arrows: what a label cannot show otherwise.
std::string visible(const std::string &text)
{
    std::string out;
    size_t i = 0;
    for (; i < text.size() && text[i] == ' '; ++i)
        out += kSpaceMark;
    for (; i < text.size(); ++i) {
        if (text[i] == '\n')
            out += "\xE2\x86\xB5"; // ↵
        else if (text[i] == '\t')
            out += "\xE2\x87\xA5"; // ⇥
        else if (text[i] == '\r')
            continue;
        else
            out += text[i];
    }
    return out.empty() ? text : out;
}

} // namespace

std::vector<std::string> displayTokens(const Tokenizer &tokenizer, const Encoding &encoding)
{
    const size_t n = encoding.ids.size();
    if (tokenizer.kind() == Tokenizer::Kind::WordPiece) // "##ing" says what it is
        return encoding.tokens;
    std::vector<std::string> labels(n);
    for (size_t i = 0; i < n;) {
        const std::string &raw = encoding.tokens[i];
        if (i < encoding.specialTokens.size() && encoding.specialTokens[i]) {
            labels[i++] = raw;
            continue;
        }
        std::string text = tokenizer.decode({encoding.ids[i]}, false);
        if (text.find(kReplacement) == std::string::npos) {
            // A decoder may strip the space a word-initial piece stands for ("▁the" alone
            // decodes to "the"); the label keeps it.
            const bool spaceMarked = startsWith(raw, "\xE2\x96\x81") || startsWith(raw, "\xC4\xA0"); // ▁ Ġ
            if (spaceMarked && !startsWith(text, " "))
                text = " " + text;
            labels[i] = text.empty() ? raw : visible(text);
            ++i;
            continue;
        }
        // Pieces of one character's bytes: the shortest run of tokens that decodes whole (a
        // UTF-8 character has at most four bytes, a token at least one).
        size_t end = i + 1;
        std::string whole;
        for (; end <= std::min(n, i + 4); ++end) {
            std::vector<int64_t> run(encoding.ids.begin() + int64_t(i), encoding.ids.begin() + int64_t(end));
            whole = tokenizer.decode(run, false);
            if (whole.find(kReplacement) == std::string::npos)
                break;
        }
        if (end > std::min(n, i + 4)) { // never completes: show the token as it is spelled
            labels[i] = raw;
            ++i;
            continue;
        }
        const size_t pieces = end - i;
        for (size_t k = 0; k < pieces; ++k)
            labels[i + k] = visible(whole) + " " + std::to_string(k + 1) + "/" + std::to_string(pieces);
        i = end;
    }
    return labels;
}

} // namespace tessera
