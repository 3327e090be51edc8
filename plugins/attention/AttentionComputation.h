#pragma once
// The attention explorer's forward pass and the per-head statistics it shows, from a plain
// settings struct. No Qt types: captureAttention is the job body (a worker thread); the
// statistics are pure functions, callable from any thread.

#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"
#include "tessera/core/Model.h"
#include "tessera/core/Tokenizer.h"

#include <memory>
#include <string>
#include <vector>

namespace tessera::attentionlens {

struct Capture {
    Encoding encoding;               // padded when asked: [PAD] tokens at the end
    std::vector<int64_t> mask;       // attention_mask: 1 real token, 0 padding
    std::vector<std::string> labels; // the tokens as drawn (displayTokens: "␣the", "나 1/3")
    // [1, heads, n, n] per layer, float16 (half the memory; decoded per use, see layer())
    std::shared_ptr<std::vector<HalfTensor>> layers = std::make_shared<std::vector<HalfTensor>>();
    FloatTensor layer(size_t index) const { return (*layers)[index].toFloat(); }
    FloatTensor rollout; // [1, n, n]
    FloatTensor logits;  // [1, n, vocabulary] when the model has a head
};

struct CaptureResult {
    std::shared_ptr<const Model> model;
    std::shared_ptr<const Model> other; // a second checkpoint compared, or null
    std::shared_ptr<const Tokenizer> tokenizer;
    Capture first;
    Capture second; // empty when not comparing
};

struct CaptureSettings {
    std::string folder;      // the checkpoint explored
    std::string first;       // the text
    std::string second;      // a second text (compared) or sentence B (pair); empty for none
    bool pair = false;       // first and second are one sentence pair
    std::string otherFolder; // a second checkpoint run on the first text; empty for none
    int64_t padTo = 0;       // pad with [PAD] up to this many tokens
    bool applyMasks = true;  // the attention mask and causal mask applied in the forward pass
};

// The job body: every head of every layer of one or two inputs, kept as float16. Throws
// tessera::Error (a text model is needed; the capture must fit the memory budget) and
// CancelledError when cancelled.
std::shared_ptr<CaptureResult> captureAttention(const CaptureSettings &settings, JobContext &context);

// Mean entropy of each head over its queries (nats): [layers, heads]. validKeys empty = all.
Matrix meanEntropyPerHead(const Capture &capture, int64_t layers, int64_t heads, const std::vector<int64_t> &validKeys);

// Mean entropy of each head, first minus second (nats): [layers, heads].
Matrix entropyChangePerHead(const Capture &first, const Capture &second, int64_t layers, int64_t heads);

// Each query's distance from uniform attention over the keys it may see: weights [n, n] -> n
// values. mask: 1 real key, 0 padding; applied (with the causal mask) only when applyMasks.
std::vector<double> queryDistances(const Matrix &weights, const std::vector<int64_t> &mask, bool causal,
                                   bool applyMasks);

} // namespace tessera::attentionlens
