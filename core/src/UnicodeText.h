#pragma once
// Internal to core (no LibTorch; the fuzz targets build it): the Unicode notions the tokenizers
// share, as the Hugging Face tokenizers library defines them. Plain functions; any thread.

#include <unicode/unistr.h>

#include <cstdint>
#include <string>

namespace tessera::detail::unicode {

// One code point as UTF-8.
std::string utf8Of(char32_t c);
// Bytes to text, replacing every invalid sequence with U+FFFD (decoding model output).
std::string lossyUtf8(const std::string &bytes);
// The ICU general category (UCharCategory) of c.
int8_t category(char32_t c);
bool isOtherCategory(char32_t c);       // Cc, Cf, Cn, Co, Cs
bool isPunctuationCategory(char32_t c); // P*
bool isLetter(char32_t c);              // L*
bool isNumber(char32_t c);              // N*
// The Unicode White_Space property (Rust's char::is_whitespace, the regex class \s).
bool isWhiteSpace(char32_t c);
// BertNormalizer's notions of whitespace, control and punctuation, and its CJK ranges.
bool isBertWhitespace(char32_t c);
bool isBertControl(char32_t c);
bool isBertPunctuation(char32_t c);
bool isCjk(char32_t c);
// An ICU string as code points.
std::u32string toU32(const icu::UnicodeString &s);

} // namespace tessera::detail::unicode
