#pragma once
// Internal to core (no LibTorch; the fuzz targets build it): the stages of a Hugging Face
// `tokenizers` pipeline as tokenizer.json describes them, each with the library's semantics:
// normalizers and pre-tokenizers work on text whose every character remembers the span of input
// characters it came from (so offsets survive every rewrite), decoders turn tokens back into
// text, post-processors add special tokens and adjust offsets. Parsed once, then const: any thread.

#include "tessera/core/Tokenizer.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tessera::detail::tok {

// A character of the normalised text and the span [start, end) of input code points it came
// from; an inserted character (a prepended "▁") has the span of the character after it.
struct AlignedChar {
    char32_t c;
    int64_t start;
    int64_t end;
};
using Piece = std::vector<AlignedChar>;

// GPT-2's reversible map from bytes to printable code points, and back.
const std::array<char32_t, 256> &byteToUnicode();
const std::unordered_map<char32_t, uint8_t> &unicodeToByte();

// Where a stage sits in the file, for error messages: the file and the JSON key path
// ("pre_tokenizer.pretokenizers[0]").
struct Where {
    std::string file;
    std::string key;
    Where at(const std::string &child) const { return {file, key.empty() ? child : key + "." + child}; }
    Where index(size_t i) const { return {file, key + "[" + std::to_string(i) + "]"}; }
};

class Normalizer {
public:
    virtual ~Normalizer() = default;
    virtual void apply(Piece &text) const = 0;
};

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    // Splits (and may rewrite) every piece. firstSection: the pieces come from the text before
    // any added token (Metaspace's prepend_scheme "first").
    virtual void apply(std::vector<Piece> &pieces, bool firstSection) const = 0;
    // True when this stage maps text to GPT-2's byte alphabet (the tokenizer is byte-level).
    virtual bool byteLevel() const { return false; }
};

class Decoder {
public:
    virtual ~Decoder() = default;
    // A step of the library's decode chain: tokens in, tokens out; the caller joins the result.
    virtual void apply(std::vector<std::string> &tokens) const = 0;
};

class PostProcessor {
public:
    virtual ~PostProcessor() = default;
    // Adds special tokens (when addSpecialTokens) and adjusts offsets; second may be null.
    virtual Encoding process(Encoding first, const Encoding *second, bool addSpecialTokens) const = 0;
};

// Each parser accepts the JSON object of its stage (null gives nullptr: no such stage) and throws
// tessera::Error naming the file, the key path and the types it supports for anything else.
std::unique_ptr<Normalizer> parseNormalizer(const nlohmann::json &json, const Where &where);
std::unique_ptr<PreTokenizer> parsePreTokenizer(const nlohmann::json &json, const Where &where);
std::unique_ptr<Decoder> parseDecoder(const nlohmann::json &json, const Where &where);
std::unique_ptr<PostProcessor> parsePostProcessor(const nlohmann::json &json, const Where &where);

// SentencePiece's Precompiled normalizer (Unigram.cpp): precompiled_charsmap, base64.
std::unique_ptr<Normalizer> makePrecompiledNormalizer(const std::string &charsmap, const Where &where);

// GPT-2's own stages: the ByteLevel pre-tokenizer with its regex and the ByteLevel decoder.
std::unique_ptr<PreTokenizer> gpt2PreTokenizer();
std::unique_ptr<Decoder> byteLevelDecoder();

// The "type" of a stage's object, or an error naming where.
std::string stageType(const nlohmann::json &json, const Where &where);

} // namespace tessera::detail::tok
