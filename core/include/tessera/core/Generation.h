#pragma once
// Text generation from causal language models (ModelCapabilities::generates): greedy,
// temperature, top-k and top-p (nucleus) sampling with a seed, one token at a time, with a
// key/value cache where the family has one (the Llama family), else rerunning the sequence.
// Plain functions; run them off the GUI thread (a JobContext cancels between tokens).

#include "tessera/core/Job.h"
#include "tessera/core/Model.h"

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

namespace tessera {

struct SamplingSettings {
    int maxNewTokens = 32;
    double temperature = 0.0; // 0: greedy (the most likely token)
    int topK = 0;             // sample among the k most likely (0: all)
    double topP = 1.0;        // then among the fewest whose probabilities reach p (1: all)
    uint64_t seed = 1;        // the same seed, settings and model give the same tokens
    bool stopAtEnd = true;    // stop after one of the config's eos_token_id
};

// Picks the next id from logits [vocabulary] as settings say, drawing from random.
int64_t sampleNext(const float *logits, int64_t vocabulary, const SamplingSettings &settings, std::mt19937_64 &random);

// Continues prompt (at least one id) by up to settings.maxNewTokens ids and returns the new ones
// (an end id included when it stopped there). onToken sees each as soon as it is chosen, on
// the calling thread (streaming). A prompt longer than the model's positions keeps its last
// max_position_embeddings. Throws tessera::Error for a model that does not generate or ids
// outside its vocabulary.
std::vector<int64_t> generateIds(const Model &model, const std::vector<int64_t> &prompt,
                                 const SamplingSettings &settings, const std::function<void(int64_t)> &onToken = {},
                                 JobContext *context = nullptr);

// Encoder-decoder generation (ModelCapabilities::conditionalGeneration: T5, BART): the source
// is encoded once, the target starts at decoder_start_token_id and grows by the most likely token
// (beams = 1, what transformers' greedy generate does) or by beam search over `beams` hypotheses;
// config.json's forced_bos_token_id and forced_eos_token_id apply as in transformers.
struct SequenceSettings {
    int maxNewTokens = 32;
    int beams = 1;              // 1: greedy
    double lengthPenalty = 1.0; // a beam's score is its log-probability / (generated tokens)^penalty
    bool stopAtEnd = true;      // a hypothesis ends at one of the config's eos_token_id
};

struct GeneratedSequence {
    std::vector<int64_t> ids;    // decoder_start_token_id, then the generated ids (the end id included)
    double logProbability = 0.0; // of the generated ids under the model
    double score = 0.0;          // logProbability / (ids.size() - 1)^lengthPenalty
};

// The finished hypotheses, best first (one for greedy, up to beams for beam search). Throws
// tessera::Error for a model that does not generate from a source, an empty source or ids outside
// the vocabulary; CancelledError between tokens.
std::vector<GeneratedSequence> generateSequence(const Model &model, const std::vector<int64_t> &source,
                                                const SequenceSettings &settings, JobContext *context = nullptr);

} // namespace tessera
