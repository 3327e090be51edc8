#pragma once
// Embedding projections (issue [Projector], first piece): PCA of an N x D matrix and the quality
// measures shown with every layout, trustworthiness (Venna & Kaski; scikit-learn's definition)
// and k-nearest-neighbour preservation. Plain C++ (LibTorch inside core); any thread; long work
// reports progress and cancels through JobContext.

#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"

#include <cstdint>
#include <vector>

namespace tessera::projection {

struct PcaResult {
    Matrix coordinates;                   // [N, k]: the data projected on the components
    Matrix components;                    // [k, D]: unit principal axes, largest variance first
    std::vector<float> mean;              // [D]
    std::vector<double> explainedVariance; // [k], sample variance (N - 1) along each axis
    std::vector<double> explainedRatio;    // [k], of the total variance
    bool randomized = false;              // the randomized solver was used
};

// PCA with k components. Exact (the eigen-decomposition of the D x D covariance, in float64)
// when D <= 4096; otherwise the randomized SVD of Halko et al. (oversampling 10, 4 power
// iterations, seeded). Each axis's sign makes the coordinate of largest magnitude positive, as
// scikit-learn's svd_flip does. Throws tessera::Error for k outside [1, min(N, D)], fewer than
// two rows, or non-finite values.
PcaResult pca(const Matrix &data, int64_t k = 2, uint64_t seed = 0, JobContext *context = nullptr);

// Trustworthiness of a layout low [N, d] of data high [N, D] for k neighbours, in [0, 1]:
//   T = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in the k nearest of i in low} max(0, r(i, j) - k),
// r(i, j) the rank of j among i's neighbours in high (1 = nearest), Euclidean, as
// sklearn.manifold.trustworthiness. With queries > 0 the sum runs over that many points drawn
// with the seed (every neighbour search still over all N, and the normaliser uses the sample):
// an estimate for large N. Throws tessera::Error for k >= N / 2 or mismatched rows.
double trustworthiness(const Matrix &high, const Matrix &low, int64_t k = 5, int64_t queries = 0, uint64_t seed = 0);

// The mean fraction of each point's k nearest neighbours in high that are also among its k
// nearest in low (Euclidean), over all points or a seeded sample of queries.
double neighbourPreservation(const Matrix &high, const Matrix &low, int64_t k = 10, int64_t queries = 0, uint64_t seed = 0);

} // namespace tessera::projection
