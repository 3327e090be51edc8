#pragma once
// Internal to core: the BPE model as Hugging Face `tokenizers` runs it, for every flavour the
// pipeline makes of it: byte-level (GPT-2, Llama-3, Qwen, RoBERTa: a ByteLevel pre-tokenizer maps
// text to the byte alphabet first) and SentencePiece-style (Llama-2: <0xNN> byte fallback, fused
// unknowns).

#include "tokenizers/Model.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tessera::detail::tok {

struct BpeSettings {
    std::unordered_map<std::string, int64_t> vocabulary;
    std::vector<std::pair<std::string, std::string>> merges; // by rank
    std::string unknown;                                     // empty: characters outside the vocabulary are dropped
    bool fuseUnknown = false;                                // consecutive unknowns become one token
    bool byteFallback = false;                               // unknown characters as <0xNN> tokens of their bytes
    bool ignoreMerges = false;                               // a pre-token in the vocabulary is one token
};

// Throws tessera::Error naming source when merges and vocabulary disagree.
std::unique_ptr<Model> makeBpeModel(BpeSettings settings, const std::string &source);
// tokenizer.json's "model" object of type BPE.
std::unique_ptr<Model> parseBpeModel(const nlohmann::json &model, const std::string &path);

} // namespace tessera::detail::tok
