#pragma once
// Internal to core: the model stage of a tokenizer.json pipeline, which splits one pre-token into
// vocabulary tokens (BPE merges, Unigram's best segmentation).

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tessera::detail::tok {

// A token the model produced: its id, the characters [begin, end) of the pre-token it covers and
// its text when that is not the vocabulary's (Unigram names an unknown token by what it covers).
struct ModelToken {
    int64_t id;
    size_t begin;
    size_t end;
    std::string text;
};

class Model {
public:
    virtual ~Model() = default;
    // Const and thread-safe.
    virtual std::vector<ModelToken> tokenize(const std::u32string &word) const = 0;
    virtual const std::unordered_map<std::string, int64_t> &vocabulary() const = 0;
    // The vocabulary's token texts by id (gaps empty).
    virtual std::vector<std::string> tokens() const = 0;
    // "BPE", "Unigram"; details for Tokenizer::description() (", byte fallback").
    virtual std::string name() const = 0;
    virtual std::string details() const = 0;
};

// Every id in [0, 2^31] and the largest near the token count (the id -> token table is dense);
// the largest id, else tessera::Error naming source.
int64_t checkTokenIds(const std::unordered_map<std::string, int64_t> &vocabulary,
                      const std::vector<std::pair<std::string, int64_t>> &more, const std::string &source);

} // namespace tessera::detail::tok
