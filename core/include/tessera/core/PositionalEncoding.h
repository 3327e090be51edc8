#pragma once
// The maths of the positional-encoding lab: sinusoidal tables (Vaswani et al. 2017),
// position-similarity matrices, RoPE (Su et al. 2021) and ALiBi (Press et al. 2022).
// Pure functions, callable from any thread.

#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"

#include <vector>

namespace tessera::pe {

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

} // namespace tessera::pe
