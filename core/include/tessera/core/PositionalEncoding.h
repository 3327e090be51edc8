#pragma once
// The maths of the positional-encoding lab: sinusoidal tables (Vaswani et al. 2017),
// position-similarity matrices, RoPE (Su et al. 2021) and ALiBi (Press et al. 2022).
// Pure functions, callable from any thread.

#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

// Rotary position embeddings as a checkpoint's config describes them (rope_parameters in
// transformers 5, rope_theta + rope_scaling in transformers 4), for rotate-half RoPE over a
// head's dimensions (Llama, Mistral, Qwen, Gemma).
struct RotaryEmbedding {
    std::string type = "default"; // default, linear, dynamic, llama3, yarn
    double theta = 10000.0;       // rope_theta: the base
    double factor = 1.0;          // how much longer a context the scaling stretches to
    // The context the model was trained on before scaling (llama3, yarn; dynamic and yarn
    // fall back to max_position_embeddings).
    int64_t originalMaxPositions = 0;
    double lowFrequencyFactor = 1.0, highFrequencyFactor = 4.0; // llama3's band edges
    double betaFast = 32.0, betaSlow = 1.0;                     // yarn's ramp, in rotations
    bool truncate = true;                                       // yarn: ramp ends rounded to whole dimensions
    double attentionFactor = 0.0;            // yarn: cos / sin scaled by this (0: 0.1 ln(factor) + 1)
    double mscale = 0.0, mscaleAllDim = 0.0; // yarn (DeepSeek style), when attentionFactor is 0
};

namespace pe {

// What RoPE rotates each pair of a head by: pair i (dimensions i and i + headSize / 2, the
// rotate-half layout) turns by position x inverseFrequencies[i]; cos and sin are multiplied
// by attentionScaling (yarn). As transformers computes them (modeling_rope_utils), in double.
struct RotaryFrequencies {
    std::vector<double> inverseFrequencies; // [headSize / 2]
    double attentionScaling = 1.0;
};
// maxPositions: the config's max_position_embeddings; sequenceLength: the longest position + 1
// of the run (dynamic scaling stretches the base beyond maxPositions; 0: not longer). Throws
// tessera::Error for an unknown type or values out of range.
RotaryFrequencies rotaryFrequencies(const RotaryEmbedding &rope, int64_t headSize, int64_t maxPositions,
                                    int64_t sequenceLength = 0);

// PE(pos, 2i) = sin(pos / base^(2i/d)), PE(pos, 2i+1) = cos(pos / base^(2i/d)).
// Returns [maxLength, dModel]; row p is position p (starting at 0). Throws on sizes < 1.
Matrix sinusoidalTable(int maxLength, int dModel, double base = 10000.0);

enum class Similarity { Dot, Cosine };

// S[p, q] = similarity of rows p and q of table [positions, dims] -> [positions, positions].
// Cosine of a zero row is NaN. With a context: progress is reported and cancellation honoured.
Matrix positionSimilarity(const Matrix &table, Similarity similarity, JobContext *context = nullptr);

// Mean of S[p, p + k] over every p, for offsets k = 0 .. positions - 1: how similarity
// falls off with distance. Returns positions values.
std::vector<double> similarityProfile(const Matrix &similarityMatrix);

// RoPE with the paper's interleaved pairs (x[2i], x[2i+1]) rotated by pos * theta_i,
// theta_i = base^(-2i/d). x has d (even) entries; returns the rotated copy.
std::vector<float> ropeRotate(const std::vector<float> &x, double position, double base = 10000.0);
double ropeTheta(int pairIndex, int dimension, double base = 10000.0);

// S[m, n] = <R_m q, R_n k> for m, n in [0, length): [length, length]. q, k: [d], d even.
Matrix ropeScores(const std::vector<float> &query, const std::vector<float> &key, int length, double base = 10000.0);

// The largest spread max - min of S[m, n] along any diagonal m - n = const: zero (up to
// rounding) exactly when the score depends only on the offset m - n.
double diagonalSpread(const Matrix &scores);

// Head slopes of ALiBi: the geometric sequence 2^(-8/n), 2^(-16/n), ... for n a power of
// two; otherwise the paper's rule (the slopes of the next lower power of two, then every
// other slope of the next higher one).
std::vector<double> alibiSlopes(int heads);

// bias[i, j] = -slope * |i - j|; with causal, entries with j > i are NaN (masked). [length, length].
Matrix alibiBias(double slope, int length, bool causal);

} // namespace pe
} // namespace tessera
