#pragma once
// Tokenizers with the semantics of Hugging Face `tokenizers`, equal in ids, tokens, offsets
// and decoded text on the project's reference fixture:
// - WordPiece as BertWordPieceTokenizer / BertTokenizer: text cleaning, CJK characters split,
//   lower-casing and accent stripping after NFD when uncased, punctuation splitting, words
//   over max_input_chars_per_word characters to [UNK], [CLS] A [SEP] (B [SEP]) with
//   token_type_ids.
// - BPE from tokenizer.json with its normalizer, pre-tokenizer, post-processor and decoder:
//   byte-level BPE (GPT-2 from vocab.json + merges.txt, Llama-3, Qwen, RoBERTa: Split regexes,
//   ignore_merges, NFC, TemplateProcessing / RobertaProcessing) and SentencePiece-style BPE
//   (Llama-2: "▁" for spaces, <0xNN> byte fallback, fused unknowns); added tokens such as
//   <|im_start|> are matched in the text before anything else.
// - Unigram from tokenizer.json (T5, XLM-R: SentencePiece's Precompiled normalizer, Metaspace,
//   the best-scoring segmentation).
// - SentencePiece .model files (sentencepiece.bpe.model, spiece.model, tokenizer.model) in
//   folders without tokenizer.json, converted as transformers' converters do, with the
//   family's special tokens: XLM-R (<s>=0 <pad>=1 </s>=2 <unk>=3, pieces shifted by one,
//   <mask> last, <s> A </s>), T5 (the pieces' own ids, <extra_id_N>, A </s>), Llama (BPE with
//   merges from the pieces, <s> A).
// Offsets are [start, end) in Unicode code points of the input text; special tokens get
// (0, 0). Encoding is const and thread-safe. Text must be valid UTF-8 (else tessera::Error).

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tessera {

struct Encoding {
    std::vector<int64_t> ids;
    std::vector<std::string> tokens;                  // UTF-8, as in the vocabulary
    std::vector<std::pair<int64_t, int64_t>> offsets; // code points of the input
    std::vector<int64_t> typeIds;                     // token_type_ids (0 = first segment)
    std::vector<bool> specialTokens;                  // true for [CLS], [SEP], ...
};

class Tokenizer {
public:
    // ByteLevelBpe: tokens spell UTF-8 bytes in GPT-2's alphabet ("Ġthe"); SentencePieceBpe:
    // tokens are text with "▁" for spaces and <0xNN> for bytes; Unigram: SentencePiece pieces
    // ("▁the"). Decode a token to read it.
    enum class Kind { WordPiece, ByteLevelBpe, SentencePieceBpe, Unigram };

    virtual ~Tokenizer() = default;
    virtual Kind kind() const = 0;
    // "WordPiece, 28996 tokens, cased", "SentencePiece BPE, 32000 tokens, byte fallback"
    virtual std::string description() const = 0;

    virtual Encoding encode(const std::string &text, bool addSpecialTokens = true) const = 0;
    // A sentence pair: [CLS] a [SEP] b [SEP] with type ids 0 then 1 for WordPiece; the two
    // encodings concatenated for BPE.
    virtual Encoding encodePair(const std::string &first, const std::string &second,
                                bool addSpecialTokens = true) const = 0;
    // Text from ids; special tokens are left out when skipSpecialTokens.
    virtual std::string decode(const std::vector<int64_t> &ids, bool skipSpecialTokens = true) const = 0;

    virtual int64_t vocabularySize() const = 0;
    // -1 when the token is not in the vocabulary.
    virtual int64_t tokenToId(const std::string &token) const = 0;
    // Throws tessera::Error for ids outside the vocabulary.
    virtual std::string idToToken(int64_t id) const = 0;
};

// A batch padded to one length: ids, attention_mask (1 = real token) and token_type_ids,
// each [batch, length] row-major, plus each row's Encoding (truncated, unpadded).
struct BatchEncoding {
    int64_t batch = 0;
    int64_t length = 0;
    std::vector<int64_t> ids;
    std::vector<int64_t> attentionMask;
    std::vector<int64_t> typeIds;
    std::vector<Encoding> rows;
    std::vector<bool> truncated; // per row: tokens were dropped to fit maxLength
};

// Encodes texts (with special tokens), truncates each to maxLength tokens (keeping the final
// special token, as the reference's longest-first truncation of a single sequence does; 0 = no
// limit) and pads on the right with padId to the longest row. Pairs: second may be empty or
// hold one text per first text.
BatchEncoding encodeBatch(const Tokenizer &tokenizer, const std::vector<std::string> &first,
                          const std::vector<std::string> &second = {}, int64_t maxLength = 0, int64_t padId = 0);

// Loads a tokenizer from a checkpoint folder (tokenizer.json, else a SentencePiece .model, else
// vocab.txt, else vocab.json + merges.txt) or from one of those files. The family of a .model
// comes from tokenizer_config.json's tokenizer_class or config.json's model_type beside it,
// else from its name (sentencepiece.bpe.model: XLM-R, spiece.model: T5, tokenizer.model:
// Llama). Casing for a bare vocab.txt comes from tokenizer_config.json beside it
// (do_lower_case), else from the vocabulary itself (an uncased vocabulary has no capital
// letters). Throws tessera::Error naming the file.
std::unique_ptr<Tokenizer> loadTokenizer(const std::string &path);

// Tokens as a reader sees them, one label per token of encoding: byte-level "Ġthe" and
// SentencePiece "▁the" become "␣the"; tokens that are pieces of one character's bytes (GPT-2's
// "ë" "Ĥ" "ĺ", Llama's <0xEA> <0xB0> <0x84>) each show that character and their place ("나 1/3");
// line breaks and tabs become ↵ and ⇥; WordPiece pieces and special tokens stay as they are
// spelled. Built on decode() alone. The raw token stays in Encoding::tokens (hover read-outs).
std::vector<std::string> displayTokens(const Tokenizer &tokenizer, const Encoding &encoding);

// GPT-2's byte-to-unicode map: the token text (UTF-8) of each byte 0-255 in byte-level BPE
// vocabularies. A vocabulary of these 256 strings and no merges tokenises any text byte by byte.
std::vector<std::string> byteLevelAlphabet();

// UTF-8 to code points; throws tessera::Error with the byte offset of the first invalid byte.
std::u32string decodeUtf8(const std::string &text, const std::string &nameForErrors = {});
std::string encodeUtf8(const std::u32string &text);

} // namespace tessera
