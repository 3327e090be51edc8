#pragma once
// Embedding projections: PCA, t-SNE and UMAP layouts of an N x D matrix (rows = points), the
// nearest-neighbour graph they share, neighbour queries with a choice of similarity, and the
// quality measures shown with every layout, trustworthiness (Venna & Kaski; scikit-learn's
// definition) and k-nearest-neighbour preservation. Plain C++ (LibTorch, hnswlib inside core);
// any thread; long work reports progress, cancels through JobContext (CancelledError) and, for
// the iterative layouts, hands intermediate layouts to a callback on the calling thread.

#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tessera::projection {

struct PcaResult {
    Matrix coordinates;                    // [N, k]: the data projected on the components
    Matrix components;                     // [k, D]: unit principal axes, largest variance first
    std::vector<float> mean;               // [D]
    std::vector<double> explainedVariance; // [k], sample variance (N - 1) along each axis
    std::vector<double> explainedRatio;    // [k], of the total variance
    bool randomized = false;               // the randomized solver was used
};

// PCA with k components, choosing the solver as scikit-learn's svd_solver="auto": exact (the
// eigen-decomposition of the D x D covariance, in float64) when max(N, D) <= 500 or k >= 0.8
// min(N, D) (and D <= 4096); otherwise the randomized SVD of Halko et al. (oversampling 10,
// 7 power iterations when k < min(N, D) / 10, else 4; seeded). Each axis's sign makes the coordinate of largest
// magnitude positive, as scikit-learn's svd_flip does. Throws tessera::Error for k outside [1, min(N, D)], fewer than
// two rows, or non-finite values.
PcaResult pca(const Matrix &data, int64_t k = 2, uint64_t seed = 0, JobContext *context = nullptr);

// Trustworthiness of a layout low [N, d] of data high [N, D] for k neighbours, in [0, 1]:
//   T = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in the k nearest of i in low} max(0, r(i, j) - k),
// r(i, j) the rank of j among i's neighbours in high (1 = nearest), Euclidean, as
// sklearn.manifold.trustworthiness. With queries > 0 the sum runs over that many points drawn
// with the seed (every neighbour search still over all N, and the normaliser uses the sample):
// an estimate for large N. Throws tessera::Error for k >= N / 2 or mismatched rows.
double trustworthiness(const Matrix &high, const Matrix &low, int64_t k = 5, int64_t queries = 0, uint64_t seed = 0);

struct Quality {
    double trustworthiness = 0.0;
    double preservation = 0.0;
};
// Both measures in one pass (the distances computed once, float32; a tie ranks a point as
// near as the nearest of its equals).
// Reports progress and cancels through context when given.
Quality quality(const Matrix &high, const Matrix &low, int64_t k = 10, int64_t queries = 0, uint64_t seed = 0,
                JobContext *context = nullptr);

// The mean fraction of each point's k nearest neighbours in high that are also among its k
// nearest in low (Euclidean), over all points or a seeded sample of queries.
double neighbourPreservation(const Matrix &high, const Matrix &low, int64_t k = 10, int64_t queries = 0,
                             uint64_t seed = 0);

// ---- nearest neighbours ------------------------------------------------------------------

// The similarity a neighbour query ranks by. Distances reported: Euclidean (L2), Manhattan
// (L1), cosine distance 1 - cos, Pearson distance 1 - r (the cosine of the centred rows).
enum class Metric { Euclidean, Cosine, Manhattan, Pearson };
std::string metricName(Metric metric);                     // "euclidean", "cosine", ...
bool parseMetric(const std::string &text, Metric &metric); // also "l2", "l1", "correlation"

// The k nearest other rows of every row: index [N, k] and distance [N, k], nearest first,
// the row itself excluded.
struct NeighbourGraph {
    int64_t n = 0;
    int64_t k = 0;
    std::vector<int32_t> index;
    std::vector<float> distance;
    bool approximate = false; // found by HNSW rather than exhaustively
};

enum class NeighbourSearch { Auto, Exact, Hnsw };

// Exact search compares every pair in blocks (float32 matrix products, Euclidean / cosine /
// Pearson; Manhattan by blocks of |a - b| sums); HNSW (hnswlib; M = 16, ef = max(2k + 2, 100))
// is approximate and used by Auto for Euclidean, cosine and Pearson above 20,000 rows. Throws
// tessera::Error for k outside [1, N - 1] or non-finite data.
NeighbourGraph nearestNeighbours(const Matrix &data, int64_t k, Metric metric = Metric::Euclidean,
                                 NeighbourSearch search = NeighbourSearch::Auto, uint64_t seed = 0,
                                 JobContext *context = nullptr);

struct Neighbour {
    int64_t row = 0;
    double distance = 0.0;   // in the metric's own units (see Metric)
    double similarity = 0.0; // cosine / Pearson: cos or r; Euclidean / Manhattan: -distance
};

// The k rows nearest to query [D] (exhaustive), nearest first, skipping the rows in exclude.
std::vector<Neighbour> nearestTo(const Matrix &data, const std::vector<float> &query, int64_t k, Metric metric,
                                 const std::vector<int64_t> &exclude = {});
// The vector a - b + c of three rows (king - man + woman), each term taken as its unit vector
// first as in word2vec's analogy test when normalise is set.
std::vector<float> analogyVector(const Matrix &data, int64_t a, int64_t b, int64_t c, bool normalise = true);

// ---- iterative layouts (t-SNE, UMAP) ------------------------------------------------------

// A layout in progress: coordinates [N, dimensions], the step reached and the number of steps.
// Called on the job's thread every LayoutOptions::callbackEvery steps and once at the end.
using LayoutCallback = std::function<void(const Matrix &layout, int step, int steps)>;

struct LayoutResult {
    Matrix coordinates;        // [N, dimensions], input row order
    int steps = 0;             // iterations (t-SNE) or epochs (UMAP) run
    double klDivergence = 0.0; // t-SNE: the final KL(P || Q) (Barnes-Hut estimate); UMAP: 0
    bool approximateNeighbours = false;
    double seconds = 0.0;                 // wall time of the whole layout
    std::vector<double> neighbourSeconds; // [1]: time spent finding neighbours
};

struct TsneOptions {
    int dimensions = 2;       // 2 or 3
    double perplexity = 30.0; // effective neighbours; needs N > 3 perplexity
    double earlyExaggeration = 12.0;
    int exaggerationIterations = 250;
    int iterations = 1000;     // in total, exaggeration included (sklearn's n_iter)
    double learningRate = 0.0; // <= 0: automatic, max(N / exaggeration / 4, 50)
    double theta = 0.5;        // Barnes-Hut opening angle (sklearn's angle); 0 = exact
    bool pcaInit = true;       // else Gaussian noise of sd 1e-4
    Metric metric = Metric::Euclidean;
    NeighbourSearch search = NeighbourSearch::Auto;
    uint64_t seed = 0;
    int callbackEvery = 10;
    LayoutCallback onLayout;
};

// t-SNE (van der Maaten 2014) with scikit-learn's objective and schedule: conditional
// probabilities over the 3 perplexity nearest neighbours fitted by binary search to the
// perplexity (squared distances), symmetrised P = (P + P^T) / sum, Student-t similarities
// (one degree of freedom), early exaggeration with momentum 0.5 then 0.8, adaptive gains
// (+0.2 / x0.8, at least 0.01), gradient 4 (p - q) q Z (y_i - y_j); the repulsion by a
// Barnes-Hut quadtree (octree in 3-D) over the other points (a duplicate of a point counts, with
// q = 1; scikit-learn skips it). One degree of freedom in 2-D and 3-D alike (scikit-learn uses
// max(dimensions - 1, 1), two in 3-D). Momentum and gains start afresh in each stage, as
// scikit-learn's two gradient-descent calls. PCA initialisation scaled to a standard deviation
// of 1e-4 along the first axis. Parallel over points (LibTorch's threads). Throws tessera::Error for
// bad options or data; CancelledError when cancelled.
LayoutResult tsne(const Matrix &data, const TsneOptions &options = {}, JobContext *context = nullptr);

struct UmapOptions {
    int dimensions = 2;
    int neighbours = 15; // n_neighbors, the point itself included as in umap-learn
    double minDist = 0.1;
    double spread = 1.0;
    int epochs = 0; // <= 0: 500 up to 10,000 points, else 200 (umap-learn)
    double learningRate = 1.0;
    double repulsion = 1.0; // gamma
    int negativeSampleRate = 5;
    bool spectralInit = true; // else uniform in [-10, 10]
    Metric metric = Metric::Euclidean;
    NeighbourSearch search = NeighbourSearch::Auto;
    uint64_t seed = 0;
    int callbackEvery = 10;
    LayoutCallback onLayout;
};

// a and b of the low-dimensional similarity 1 / (1 + a d^(2b)) fitted (least squares over 300
// points of [0, 3 spread]) to 1 for d < minDist, exp(-(d - minDist) / spread) beyond, as
// umap-learn's find_ab_params. Throws for spread <= 0 or minDist outside [0, spread] (umap-learn
// refuses min_dist > spread too).
std::pair<double, double> umapCurve(double spread, double minDist);

// UMAP (McInnes, Healy & Melville 2018) as umap-learn 0.5: smooth k-NN distances (rho, sigma
// with sum exp(-(d - rho) / sigma) = log2 k), fuzzy union A + A^T - A o A^T, edges below
// max / epochs dropped, spectral initialisation (the normalised Laplacian's smallest
// non-trivial eigenvectors; each connected component laid out apart), scaled to [0, 10], SGD
// with negative sampling, gradients clipped to 4, learning rate decaying linearly. Edges are
// processed in parallel blocks as umap-learn does without a random_state: layouts repeat
// exactly with one thread. Throws tessera::Error; CancelledError when cancelled.
LayoutResult umap(const Matrix &data, const UmapOptions &options = {}, JobContext *context = nullptr);

// ---- one call for the panel and the CLI ----------------------------------------------------

enum class Method { Pca, Tsne, Umap };
std::string methodName(Method method);                     // "pca", "tsne", "umap"
bool parseMethod(const std::string &text, Method &method); // also "t-sne"

struct ProjectionRequest {
    Method method = Method::Pca;
    int64_t dimensions = 2;     // 2 or 3
    int64_t pcaComponents = 10; // PCA: variance ratios reported for this many axes
    TsneOptions tsne;           // its seed also seeds PCA's randomized solver
    UmapOptions umap;
    int64_t qualityNeighbours = 10;   // k of trustworthiness and preservation; 0: skip them
    int64_t qualityExactUpTo = 20000; // above this many rows, quality over a sample of
    int64_t qualitySample = 2000;     //   this many seeded query points
};

struct Projection {
    Method method = Method::Pca;
    Matrix coordinates;                 // [N, dimensions], input row order
    std::vector<double> explainedRatio; // PCA: of each of the first pcaComponents axes
    double klDivergence = 0.0;          // t-SNE
    int steps = 0;
    bool approximateNeighbours = false;
    double seconds = 0.0;          // the layout alone, quality excluded
    double neighbourSeconds = 0.0; // t-SNE / UMAP: of which finding neighbours
    double trustworthiness = -1.0; // -1: not measured
    double preservation = -1.0;
    int64_t qualityQueries = 0; // points the quality was averaged over
};

// Runs the method, then measures the layout's quality. Callbacks and errors as the methods.
Projection project(const Matrix &data, const ProjectionRequest &request, JobContext *context = nullptr);

} // namespace tessera::projection
