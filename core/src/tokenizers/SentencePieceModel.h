#pragma once
// Internal to core: SentencePiece `.model` files (sentencepiece.bpe.model, spiece.model,
// tokenizer.model) read and turned into the tokenizer.json pipeline transformers' converters
// build from them (XLMRobertaConverter, T5Converter, LlamaConverter), so that a folder without
// tokenizer.json tokenises as the `tokenizers` library does on the converted file.

#include "tessera/core/Tokenizer.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tessera::detail::tok {

// What Tessera uses of sentencepiece_model.proto's ModelProto.
struct SentencePieceModelFile {
    enum class Type { Unigram = 1, Bpe = 2, Word = 3, Character = 4 };
    enum class PieceType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };
    struct Piece {
        std::string text;
        float score = 0;
        PieceType type = PieceType::Normal;
    };
    std::vector<Piece> pieces;
    Type type = Type::Unigram;
    bool byteFallback = false;
    int64_t unknownId = 0; // trainer_spec ids; -1 = the model has none
    int64_t bosId = 1;
    int64_t eosId = 2;
    int64_t padId = -1;
    std::string precompiledCharsmap; // raw bytes of normalizer_spec.precompiled_charsmap
    bool addDummyPrefix = true;
    bool removeExtraWhitespaces = true;

    // The piece's id, or -1.
    int64_t find(const std::string &text) const;
};

// Parses the protobuf with libsentencepiece's load-time checks (pieces named, unique and with
// finite scores, one unknown piece, a sound character map). Throws tessera::Error naming path for
// anything that is not a SentencePiece model: empty, truncated, random bytes, a broken map.
SentencePieceModelFile parseSentencePieceModel(const std::string &bytes, const std::string &path);

// The family conventions transformers applies to a bare .model file.
enum class SentencePieceFamily {
    XlmRoberta, // <s>=0 <pad>=1 </s>=2 <unk>=3, pieces 3.. shifted by one, <mask> last; <s> A </s>
    T5,         // the pieces' own ids, <extra_id_N> after them (N = 0 last); A </s>
    Llama,      // the pieces' own ids; <s> A
};

// The tokenizer.json the converter of that family writes for the model.
nlohmann::json convertSentencePieceModel(const SentencePieceModelFile &model, SentencePieceFamily family,
                                         int64_t extraIds);

// A .model file, its family from tokenizer_config.json / config.json beside it (tokenizer_class,
// model_type), else from its name (sentencepiece.bpe.model: XLM-R, spiece.model: T5, else Llama).
std::unique_ptr<Tokenizer> loadSentencePieceModel(const std::string &path);

} // namespace tessera::detail::tok
