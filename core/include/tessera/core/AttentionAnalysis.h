#pragma once
// Analyses of captured attention for the attention explorer. Inputs are one layer's
// probabilities of one batch item, [heads, query, key] row-major, as ModelOutputs'
// "attentions.{i}" hold them (batch 0 sliced). Pure functions, any thread.

#include "tessera/core/Matrix.h"

#include <vector>

namespace tessera::attention {

// Head h of a layer [heads, queries, keys] (or [batch, heads, queries, keys]) -> [queries, keys];
// self-attention has queries = keys = n, a cross-attention target x source.
Matrix head(const FloatTensor &layer, int64_t head, int64_t batchIndex = 0);
// Mean and maximum over heads -> [queries, keys].
Matrix meanOverHeads(const FloatTensor &layer, int64_t batchIndex = 0);
Matrix maxOverHeads(const FloatTensor &layer, int64_t batchIndex = 0);

// Shannon entropy (nats) of each query row over the keys with validKeys[k] != 0 (all when
// empty) -> [n]. Uniform attention over L keys gives ln L.
std::vector<double> queryEntropy(const Matrix &attention, const std::vector<int64_t> &validKeys = {});

// Each query's distance from the uniform distribution over its valid keys: KL(U || p) =
// -ln L - mean_k ln p_k. It is Informer's sparsity measure M(q, K) minus ln L; 0 for a
// "lazy" query that attends evenly, large for an "active" one (Zhou et al. 2021). A query
// that puts zero weight on a valid key gets +infinity. -> [n]
std::vector<double> distanceFromUniform(const Matrix &attention, const std::vector<int64_t> &validKeys = {});

// Indices of the u largest values, largest first (ties: lower index first).
std::vector<int64_t> topIndices(const std::vector<double> &values, int64_t u);

// a - b for matrices of one shape (throws tessera::Error otherwise).
Matrix difference(const Matrix &a, const Matrix &b);

} // namespace tessera::attention
