#pragma once
// The tokenizer lab's work, Qt-free: which tokenizers ship with Tessera, loading tokenizers
// once (a 128k-token tokenizer.json takes a moment) and encoding one text with each of them.
// tokenizeWithEach runs on a job thread; TokenizerCache may be used from any thread.

#include "tessera/core/Job.h"
#include "tessera/core/Tokenizer.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tessera::tokenizerlab {

// A tokenizer the lab can use: a name to show and where it is (a checkpoint folder or a
// tokenizer.json, vocab.txt or vocab.json file: whatever loadTokenizer reads).
struct TokenizerSource {
    std::string name; // "GPT-2"
    std::string path;
    std::string note; // where it comes from ("the real bert-base-uncased vocabulary")
};

// The tokenizers bundled in folder (share/tessera/tokenizers: one folder each, listed in its
// manifest.json as [{"name", "folder", "note"}]), in the manifest's order. Throws
// tessera::Error naming the manifest when it is unreadable; a listed folder that is missing is
// skipped.
std::vector<TokenizerSource> bundledTokenizers(const std::string &folder);

// Loaded tokenizers by path, each loaded once. Thread-safe.
class TokenizerCache {
public:
    std::shared_ptr<const Tokenizer> get(const std::string &path);

private:
    std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<const Tokenizer>> m_loaded;
};

struct TokenizerRun {
    TokenizerSource source;
    std::string description; // Tokenizer::description()
    Encoding encoding;
    std::vector<std::string> labels; // displayTokens: the tokens as a reader reads them
    std::vector<bool> unknown;       // per token: the tokenizer's unknown token ([UNK], <unk>)
    std::string error;               // instead of an encoding: why it could not load or encode
};

struct TokenizerLabResult {
    std::string text;
    std::vector<TokenizerRun> runs; // one per source, in order
};

// text encoded by each source (with the special tokens its post-processor adds, when
// specialTokens). A source that fails gets its error, the others still run. Progress per source;
// cancellable between sources.
TokenizerLabResult tokenizeWithEach(const std::string &text, const std::vector<TokenizerSource> &sources,
                                    bool specialTokens, TokenizerCache &cache, JobContext &context);

} // namespace tessera::tokenizerlab
