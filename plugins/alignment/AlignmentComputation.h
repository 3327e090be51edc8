#pragma once
// The alignment view's work, from a plain settings struct (no Qt types): an encoder-decoder
// (T5, BART) reads a source; its decoder writes a target (generated greedily or by beam search,
// or typed) and every attention of the three stacks is kept: the encoder's self-attention, the
// decoder's causal self-attention and the cross-attention of each target token over the source
// (the alignment of Bahdanau et al. 2015, Fig. 3). computeAlignment is the job body (a worker
// thread); the map functions are pure, callable from any thread.

#include "tessera/core/Generation.h"
#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"
#include "tessera/core/Model.h"
#include "tessera/core/Tokenizer.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tessera::alignment {

struct AlignmentSettings {
    std::string folder;
    std::string source;
    std::string target; // empty: the model writes it
    int beams = 1;      // generation: 1 greedy, more a beam search (the best beam is shown)
    int maxTokens = 32; // generation's limit
};

struct AlignmentResult {
    std::shared_ptr<const Model> model;
    std::shared_ptr<const Tokenizer> tokenizer;
    std::vector<std::string> sourceLabels; // the source's tokens as drawn (displayTokens)
    // One per decoder position t: the token it produced (generated, or the typed target's t-th).
    std::vector<std::string> targetLabels;
    // What position t reads (decoder_start_token_id, then the target shifted right).
    std::vector<std::string> decoderInputLabels;
    bool generated = false;
    std::vector<GeneratedSequence> beams; // generation's hypotheses, best first
    std::vector<std::string> beamTexts;
    // "encoder_attentions" [1, heads, s, s], "decoder_attentions" [1, heads, t, t],
    // "cross_attentions" [1, heads, t, s]: one tensor per layer.
    std::map<std::string, std::vector<FloatTensor>> stacks;
};

// The job body. Throws tessera::Error (no encoder-decoder, an empty source, a target the
// tokenizer makes nothing of, ...) and CancelledError.
std::shared_ptr<AlignmentResult> computeAlignment(const AlignmentSettings &settings, JobContext &context);

// One stack's map [queries, keys]: layer (-1: the mean over layers) and head (-1: the mean over
// heads). Throws tessera::Error for a stack, layer or head the result does not have.
Matrix stackMap(const AlignmentResult &result, const std::string &stack, int layer, int head);

// The decoder step-through of the cross-attention: at target position step, each head's weights
// over the source tokens: [heads, source] for one layer (-1: the mean over layers).
Matrix stepMap(const AlignmentResult &result, int layer, int64_t step);

} // namespace tessera::alignment
