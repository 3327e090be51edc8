// Unicode helpers of the tokenizers (UnicodeText.h). Character properties come from ICU (Debian's
// libicu): the tables behind them are far too large to keep by hand.

#include "UnicodeText.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace tessera::detail::unicode {

std::string utf8Of(char32_t c)
{
    std::string out;
    if (c < 0x80) {
        out.push_back(char(c));
    } else if (c < 0x800) {
        out.push_back(char(0xC0 | (c >> 6)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(char(0xE0 | (c >> 12)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (c >> 18)));
        out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    }
    return out;
}

// Bytes to text, replacing every invalid sequence with U+FFFD (decoding model output).
std::string lossyUtf8(const std::string &bytes)
{
    std::string out;
    int32_t i = 0;
    const int32_t length = int32_t(bytes.size());
    const auto *data = reinterpret_cast<const uint8_t *>(bytes.data());
    while (i < length) {
        UChar32 c;
        U8_NEXT(data, i, length, c);
        out += utf8Of(c < 0 ? 0xFFFD : char32_t(c));
    }
    return out;
}

int8_t category(char32_t c)
{
    return int8_t(u_charType(UChar32(c)));
}

bool isOtherCategory(char32_t c)
{
    const int8_t t = category(c);
    return t == U_CONTROL_CHAR || t == U_FORMAT_CHAR || t == U_UNASSIGNED || t == U_PRIVATE_USE_CHAR ||
           t == U_SURROGATE;
}
bool isPunctuationCategory(char32_t c)
{
    const int8_t t = category(c);
    return t == U_CONNECTOR_PUNCTUATION || t == U_DASH_PUNCTUATION || t == U_START_PUNCTUATION ||
           t == U_END_PUNCTUATION || t == U_INITIAL_PUNCTUATION || t == U_FINAL_PUNCTUATION || t == U_OTHER_PUNCTUATION;
}
bool isLetter(char32_t c)
{
    const int8_t t = category(c);
    return t == U_UPPERCASE_LETTER || t == U_LOWERCASE_LETTER || t == U_TITLECASE_LETTER || t == U_MODIFIER_LETTER ||
           t == U_OTHER_LETTER;
}
bool isNumber(char32_t c)
{
    const int8_t t = category(c);
    return t == U_DECIMAL_DIGIT_NUMBER || t == U_LETTER_NUMBER || t == U_OTHER_NUMBER;
}
// The Unicode White_Space property (Rust's char::is_whitespace, the regex class \s).
bool isWhiteSpace(char32_t c)
{
    return u_hasBinaryProperty(UChar32(c), UCHAR_WHITE_SPACE);
}

// BertNormalizer's notions.
bool isBertWhitespace(char32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || category(c) == U_SPACE_SEPARATOR;
}
bool isBertControl(char32_t c)
{
    if (c == '\t' || c == '\n' || c == '\r')
        return false;
    return isOtherCategory(c);
}
bool isBertPunctuation(char32_t c)
{
    const bool asciiPunctuation =
        (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
    return asciiPunctuation || isPunctuationCategory(c);
}
bool isCjk(char32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

std::u32string toU32(const icu::UnicodeString &s)
{
    std::u32string out;
    for (int32_t i = 0; i < s.length();) {
        const UChar32 c = s.char32At(i);
        out.push_back(char32_t(c));
        i += U16_LENGTH(c);
    }
    return out;
}

} // namespace tessera::detail::unicode
