#pragma once
// Internal to core: a tokenizer.json pipeline as Hugging Face `tokenizers` runs it: added tokens
// matched in the input first, then normalizer, pre-tokenizer and model (BPE or Unigram) on the
// text between them, then the post-processor; decoding through the decoder chain.

#include "tokenizers/Model.h"
#include "tokenizers/Pipeline.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <vector>

namespace tessera::detail::tok {

struct AddedToken {
    std::string content;
    int64_t id = 0;
    bool special = false;
    bool lstrip = false; // the match takes the whitespace on its left
    bool rstrip = false; // ... and on its right
};

struct PipelineParts {
    std::unique_ptr<Model> model;
    std::vector<AddedToken> added;
    std::unique_ptr<Normalizer> normalizer;
    std::unique_ptr<PreTokenizer> preTokenizer;
    std::unique_ptr<PostProcessor> postProcessor;
    std::unique_ptr<Decoder> decoder;
    std::string source; // the file, for error messages
};

// Throws tessera::Error naming parts.source when ids are far from dense.
std::unique_ptr<Tokenizer> makePipelineTokenizer(PipelineParts parts);

// A tokenizer.json whose model is BPE or Unigram, with add_bos_token / add_eos_token from a
// tokenizer_config.json beside it overriding the post-processor as transformers does.
std::unique_ptr<Tokenizer> loadPipelineJson(const nlohmann::json &root, const std::string &path);

} // namespace tessera::detail::tok
