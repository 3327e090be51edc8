#pragma once
// Internal to core: BPE as Hugging Face `tokenizers` runs it, one class for every flavour the
// pipeline stages make of it: GPT-2 / Llama-3 / Qwen byte-level BPE (a ByteLevel pre-tokenizer
// maps text to the byte alphabet first) and SentencePiece-style BPE (Llama-2: "▁" for spaces,
// <0xNN> byte fallback, fused unknowns). Added tokens are matched in the input before anything else.

#include "tokenizers/Pipeline.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tessera::detail::tok {

struct AddedToken {
    std::string content;
    int64_t id = 0;
    bool special = false;
    bool lstrip = false; // the match takes the whitespace on its left
    bool rstrip = false; // ... and on its right
};

struct BpeParts {
    std::unordered_map<std::string, int64_t> vocabulary;
    std::vector<std::pair<std::string, std::string>> merges; // by rank
    std::string unknown;                                     // empty: characters outside the vocabulary are dropped
    bool fuseUnknown = false;                                // consecutive unknowns become one token
    bool byteFallback = false;                               // unknown characters as <0xNN> tokens of their bytes
    bool ignoreMerges = false;                               // a pre-token in the vocabulary is one token
    std::vector<AddedToken> added;
    std::unique_ptr<Normalizer> normalizer;
    std::unique_ptr<PreTokenizer> preTokenizer;
    std::unique_ptr<PostProcessor> postProcessor;
    std::unique_ptr<Decoder> decoder;
    std::string source; // the file, for error messages
};

// Throws tessera::Error naming parts.source when merges and vocabulary disagree or ids are far
// from dense.
std::unique_ptr<Tokenizer> makeBpeTokenizer(BpeParts parts);

// A tokenizer.json whose model is BPE: model, added_tokens, normalizer, pre_tokenizer,
// post_processor and decoder, with add_bos_token / add_eos_token from a tokenizer_config.json
// beside it overriding the post-processor as transformers does.
std::unique_ptr<Tokenizer> loadBpeJson(const nlohmann::json &root, const std::string &path);

} // namespace tessera::detail::tok
