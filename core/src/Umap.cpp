// UMAP following umap-learn 0.5 (umap_.py: smooth_knn_dist, compute_membership_strengths,
// fuzzy_simplicial_set, spectral_layout, make_epochs_per_sample, optimize_layout_euclidean);
// see Projection.h. Written here because Debian packages no C++ UMAP (uwot is R, umap-learn
// Python + numba). The spectral initialisation uses Lanczos with full re-orthogonalisation
// (the role scipy's eigsh plays in umap-learn); dense algebra through LibTorch.
//
// Threads: the caller's; smoothing and the SGD epochs run on LibTorch's intra-op pool.

#include "tessera/core/Error.h"
#include "tessera/core/Projection.h"

#include "ProjectionDetail.h"

#include <ATen/Parallel.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>

namespace tessera::projection {
namespace {

// A symmetric sparse matrix in compressed rows (the fuzzy graph).
struct Graph : detail::SparseRows<float> {
    int64_t n = 0;
};

// smooth_knn_dist: rho (distance to the nearest other point) and sigma per row, so that
// sum_j exp(-max(0, d_ij - rho_i) / sigma_i) over the k - 1 others = log2(k).
void smoothDistances(const NeighbourGraph &g, int64_t kWithSelf, std::vector<double> &rho, std::vector<double> &sigma)
{
    const int64_t n = g.n, k = g.k;
    rho.assign(size_t(n), 0.0);
    sigma.assign(size_t(n), 1.0);
    const double target = std::log2(double(kWithSelf));
    double meanAll = 0.0;
    for (float d : g.distance)
        meanAll += d;
    meanAll /= double(n * (k + 1)); // umap-learn's mean includes each point's zero distance to itself
    at::parallel_for(0, n, 64, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            const float *d = g.distance.data() + i * k;
            double r = 0.0, meanRow = 0.0;
            for (int64_t j = 0; j < k; ++j) {
                meanRow += d[j];
                if (r == 0.0 && d[j] > 0.0f)
                    r = d[j];
            }
            meanRow /= double(k + 1);
            double low = 0.0, high = INFINITY, mid = 1.0;
            for (int step = 0; step < 64; ++step) {
                double sum = 0.0;
                for (int64_t j = 0; j < k; ++j) {
                    const double x = double(d[j]) - r;
                    sum += x > 0.0 ? std::exp(-x / mid) : 1.0;
                }
                if (std::abs(sum - target) < 1e-5)
                    break;
                if (sum > target) {
                    high = mid;
                    mid = (low + high) / 2.0;
                } else {
                    low = mid;
                    mid = high == INFINITY ? mid * 2.0 : (low + high) / 2.0;
                }
            }
            const double floor = 1e-3 * (r > 0.0 ? meanRow : meanAll);
            rho[size_t(i)] = r;
            sigma[size_t(i)] = std::max(mid, floor);
        }
    });
}

// The fuzzy union W = A + A^T - A o A^T of the membership strengths A.
Graph fuzzyUnion(const NeighbourGraph &g, const std::vector<double> &rho, const std::vector<double> &sigma)
{
    std::vector<float> membership(g.distance.size());
    for (int64_t e = 0; e < g.n * g.k; ++e) {
        const int64_t i = e / g.k;
        const double x = double(g.distance[size_t(e)]) - rho[size_t(i)];
        membership[size_t(e)] = float(x <= 0.0 || sigma[size_t(i)] == 0.0 ? 1.0 : std::exp(-x / sigma[size_t(i)]));
    }
    Graph w;
    static_cast<detail::SparseRows<float> &>(w) =
        detail::symmetricRows(g, membership, [](float a, float b) { return a + b - a * b; });
    w.n = g.n;
    return w;
}

// Connected components (labels 0..c-1 by first appearance).
std::vector<int32_t> components(const Graph &w, int32_t &count)
{
    std::vector<int32_t> label(static_cast<size_t>(w.n), -1);
    count = 0;
    std::vector<int32_t> stack;
    for (int64_t s = 0; s < w.n; ++s) {
        if (label[size_t(s)] >= 0)
            continue;
        label[size_t(s)] = count;
        stack.push_back(int32_t(s));
        while (!stack.empty()) {
            const int32_t i = stack.back();
            stack.pop_back();
            for (int64_t e = w.rowStart[size_t(i)]; e < w.rowStart[size_t(i) + 1]; ++e)
                if (label[size_t(w.column[size_t(e)])] < 0) {
                    label[size_t(w.column[size_t(e)])] = count;
                    stack.push_back(w.column[size_t(e)]);
                }
        }
        ++count;
    }
    return label;
}

// The `dims` eigenvectors after the trivial one of the normalised adjacency D^-1/2 W D^-1/2 of
// the rows in `members` (one connected component): the smallest non-trivial eigenvectors of
// the normalised Laplacian, as umap-learn's spectral_layout. Lanczos, full re-orthogonalisation,
// the trivial vector D^1/2 1 projected out. Returns [m, dims] (float64).
torch::Tensor spectral(const Graph &w, const std::vector<int32_t> &members, int dims, uint64_t seed,
                       JobContext *context)
{
    const int64_t m = int64_t(members.size());
    std::vector<int32_t> local(static_cast<size_t>(w.n), -1);
    for (int64_t i = 0; i < m; ++i)
        local[size_t(members[size_t(i)])] = int32_t(i);
    std::vector<double> degree(static_cast<size_t>(m), 0.0);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t e = w.rowStart[size_t(members[size_t(i)])]; e < w.rowStart[size_t(members[size_t(i)]) + 1]; ++e)
            degree[size_t(i)] += w.value[size_t(e)];
    std::vector<double> invSqrt(static_cast<size_t>(m));
    for (int64_t i = 0; i < m; ++i)
        invSqrt[size_t(i)] = degree[size_t(i)] > 0.0 ? 1.0 / std::sqrt(degree[size_t(i)]) : 0.0;
    const auto multiply = [&](const double *x, double *y) {
        at::parallel_for(0, m, 1024, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
                const int32_t row = members[size_t(i)];
                double sum = 0.0;
                for (int64_t e = w.rowStart[size_t(row)]; e < w.rowStart[size_t(row) + 1]; ++e) {
                    const int32_t j = local[size_t(w.column[size_t(e)])];
                    sum += double(w.value[size_t(e)]) * invSqrt[size_t(j)] * x[j];
                }
                y[i] = invSqrt[size_t(i)] * sum;
            }
        });
    };
    auto options = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor trivial = torch::empty({m}, options);
    for (int64_t i = 0; i < m; ++i)
        trivial[i] = std::sqrt(degree[size_t(i)]);
    trivial = trivial / trivial.norm();
    const int64_t steps = std::min<int64_t>(m - 1, std::max<int64_t>(4 * dims + 20, 80));
    torch::Tensor basis = torch::zeros({steps + 1, m}, options); // Lanczos vectors as rows
    std::vector<double> alpha, beta;
    const at::Generator generator = at::detail::createCPUGenerator(seed); // not the global one
    torch::Tensor v = torch::rand({m}, generator, options) - 0.5;
    v = v - trivial * trivial.dot(v);
    v = v / v.norm();
    basis[0] = v;
    torch::Tensor out = torch::empty({m}, options);
    int64_t built = 0;
    for (int64_t j = 0; j < steps; ++j) {
        if (context)
            context->throwIfCancelled();
        torch::Tensor q = basis[j].contiguous();
        multiply(q.data_ptr<double>(), out.data_ptr<double>());
        torch::Tensor r = out.clone();
        const double a = r.dot(q).item<double>();
        alpha.push_back(a);
        // Full re-orthogonalisation against every vector so far and the trivial one (twice).
        const torch::Tensor used = basis.slice(0, 0, j + 1);
        for (int pass = 0; pass < 2; ++pass) {
            r = r - used.t().matmul(used.matmul(r));
            r = r - trivial * trivial.dot(r);
        }
        const double b = r.norm().item<double>();
        built = j + 1;
        if (b < 1e-10)
            break;
        beta.push_back(b);
        basis[j + 1] = r / b;
    }
    const int64_t size = built;
    torch::Tensor t = torch::zeros({size, size}, options);
    for (int64_t i = 0; i < size; ++i) {
        t[i][i] = alpha[size_t(i)];
        if (i + 1 < size) {
            t[i][i + 1] = beta[size_t(i)];
            t[i + 1][i] = beta[size_t(i)];
        }
    }
    const auto [values, vectors] = torch::linalg_eigh(t); // ascending
    const int64_t take = std::min<int64_t>(dims, size);
    torch::Tensor ritz = basis.slice(0, 0, size).t().matmul(vectors.slice(1, size - take, size).flip(1)); // [m, take]
    if (take < dims)
        ritz = torch::cat({ritz, torch::rand({m, dims - take}, generator, options) * 1e-3}, 1);
    return ritz;
}

// The initial layout [N, dims]: spectral per component, components placed apart (their
// centres from a PCA of the component centroids), then umap-learn's scaling: 10 / max|x|,
// noise of sd 1e-4, each axis mapped to [0, 10].
std::vector<float> initialLayout(const Matrix &data, const Graph &w, const UmapOptions &options, JobContext *context)
{
    const int64_t n = w.n;
    const int dims = options.dimensions;
    std::mt19937_64 random(options.seed);
    std::vector<double> y(static_cast<size_t>(n * dims), 0.0);
    if (!options.spectralInit) {
        std::uniform_real_distribution<double> uniform(-10.0, 10.0);
        for (double &v : y)
            v = uniform(random);
    } else {
        int32_t count = 0;
        const std::vector<int32_t> label = components(w, count);
        std::vector<std::vector<int32_t>> members(static_cast<size_t>(count));
        for (int64_t i = 0; i < n; ++i)
            members[size_t(label[size_t(i)])].push_back(int32_t(i));
        // Component centres: one component at the origin; several spread by a PCA of their
        // centroids (unit scale), each component fitted into a ball of a third of the nearest
        // centre spacing.
        std::vector<double> centre(static_cast<size_t>(count) * size_t(dims), 0.0);
        double radius = 1.0;
        if (count > 1) {
            Matrix centroids(count, data.cols);
            for (int32_t c = 0; c < count; ++c) {
                for (int32_t i : members[size_t(c)])
                    for (int64_t j = 0; j < data.cols; ++j)
                        centroids.at(c, j) += data.at(i, j) / float(members[size_t(c)].size());
            }
            std::uniform_real_distribution<double> uniform(-1.0, 1.0);
            if (count > dims && data.cols >= dims) {
                const Matrix p = pca(centroids, dims, options.seed).coordinates;
                for (size_t v = 0; v < centre.size(); ++v)
                    centre[v] = p.values[v] + 1e-6 * uniform(random);
            } else {
                for (int32_t c = 0; c < count; ++c)
                    centre[size_t(c * dims + (c / 2) % dims)] = c % 2 == 0 ? 1.0 : -1.0;
            }
            double spread = 0.0;
            for (double v : centre)
                spread = std::max(spread, std::abs(v));
            for (double &v : centre)
                v /= spread > 0.0 ? spread : 1.0;
            double nearest = INFINITY;
            for (int32_t a = 0; a < count; ++a)
                for (int32_t b = a + 1; b < count; ++b) {
                    double d2 = 0.0;
                    for (int d = 0; d < dims; ++d)
                        d2 += std::pow(centre[size_t(a * dims + d)] - centre[size_t(b * dims + d)], 2);
                    nearest = std::min(nearest, std::sqrt(d2));
                }
            radius = std::isfinite(nearest) && nearest > 0.0 ? nearest / 3.0 : 1.0;
        }
        for (int32_t c = 0; c < count; ++c) {
            const auto &rows = members[size_t(c)];
            std::uniform_real_distribution<double> uniform(-radius, radius);
            if (int64_t(rows.size()) <= dims + 1) {
                for (int32_t i : rows)
                    for (int d = 0; d < dims; ++d)
                        y[size_t(i * dims + d)] = centre[size_t(c * dims + d)] + uniform(random);
                continue;
            }
            const torch::Tensor e = spectral(w, rows, dims, options.seed + uint64_t(c), context).contiguous();
            const double largest = std::max(e.abs().max().item<double>(), 1e-12);
            const double *pe = e.data_ptr<double>();
            for (size_t r = 0; r < rows.size(); ++r)
                for (int d = 0; d < dims; ++d)
                    y[size_t(rows[r] * dims + d)] =
                        centre[size_t(c * dims + d)] + radius * pe[r * size_t(dims) + size_t(d)] / largest;
        }
    }
    double largest = 0.0;
    for (double v : y)
        largest = std::max(largest, std::abs(v));
    const double expansion = largest > 0.0 ? 10.0 / largest : 1.0;
    std::normal_distribution<double> noise(0.0, 1e-4);
    for (double &v : y)
        v = v * expansion + noise(random);
    std::vector<float> out(y.size());
    for (int d = 0; d < dims; ++d) {
        double low = INFINITY, high = -INFINITY;
        for (int64_t i = 0; i < n; ++i) {
            low = std::min(low, y[size_t(i * dims + d)]);
            high = std::max(high, y[size_t(i * dims + d)]);
        }
        const double range = high > low ? high - low : 1.0;
        for (int64_t i = 0; i < n; ++i)
            out[size_t(i * dims + d)] = float(10.0 * (y[size_t(i * dims + d)] - low) / range);
    }
    return out;
}

// splitmix64: a cheap, well-mixed random stream per (seed, epoch, edge).
inline uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// x^b for x > 0 through a fast log2 / exp2 (relative error about 1e-5 for |b log2 x| < 20), about ten times faster
// than powf: the SGD evaluates two powers per edge and per negative sample, and its steps are
// clipped noisy updates that need no more digits than this.
inline float fastLog2(float x)
{
    uint32_t bits;
    std::memcpy(&bits, &x, 4);
    const float exponent = float(int32_t((bits >> 23) & 0xff) - 127);
    bits = (bits & 0x007fffffu) | 0x3f800000u; // mantissa m in [1, 2)
    float m;
    std::memcpy(&m, &bits, 4);
    // log2(m) on [1, 2): a degree-7 polynomial in t = m - 1 without constant term (least-squares
    // fit, absolute error below 7e-7).
    const float t = m - 1.0f;
    const float p =
        t * (1.44265926f +
             t * (-0.72045832f +
                  t * (0.47289337f + t * (-0.32429487f + t * (0.1923071f + t * (-0.07835691f + t * 0.01525105f))))));
    return exponent + p;
}

inline float fastExp2(float y)
{
    y = std::clamp(y, -126.0f, 126.0f);
    const float whole = std::floor(y);
    const float f = y - whole; // [0, 1)
    // 2^f on [0, 1): degree-6 Taylor polynomial of e^(f ln 2), relative error below 1e-5.
    const float p =
        1.0f +
        f * (0.69314718f +
             f * (0.24022651f + f * (0.055504109f + f * (0.0096181291f + f * (0.0013333558f + f * 0.00015403530f)))));
    const uint32_t bits = uint32_t(int32_t(whole) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, 4);
    return p * scale;
}

inline float fastPow(float x, float b)
{
    return fastExp2(b * fastLog2(x));
}

inline float clip(float v)
{
    return std::clamp(v, -4.0f, 4.0f);
}

Matrix toMatrix(const std::vector<float> &y, int64_t n, int dims)
{
    Matrix m(n, dims);
    m.values = y;
    return m;
}

} // namespace

std::pair<double, double> umapCurve(double spread, double minDist)
{
    if (!(spread > 0.0) || !(minDist >= 0.0) || minDist > spread)
        throw Error("UMAP needs spread > 0 and min_dist between 0 and the spread (" + std::to_string(spread) + ")");
    // Levenberg-Marquardt on f(x) = 1 / (1 + a x^(2b)) from (a, b) = (1, 1), as scipy's
    // curve_fit does for umap-learn.
    std::vector<double> xs(300), ys(300);
    for (int i = 0; i < 300; ++i) {
        xs[size_t(i)] = 3.0 * spread * double(i) / 299.0;
        ys[size_t(i)] = xs[size_t(i)] < minDist ? 1.0 : std::exp(-(xs[size_t(i)] - minDist) / spread);
    }
    const auto residuals = [&](double a, double b, std::vector<double> *ja, std::vector<double> *jb) {
        double sum = 0.0;
        for (size_t i = 0; i < xs.size(); ++i) {
            const double x = xs[i];
            const double p = x > 0.0 ? std::pow(x, 2.0 * b) : 0.0;
            const double f = 1.0 / (1.0 + a * p);
            const double r = f - ys[i];
            sum += r * r;
            if (ja) {
                (*ja)[i] = -p * f * f;
                (*jb)[i] = x > 0.0 ? -a * p * 2.0 * std::log(x) * f * f : 0.0;
            }
        }
        return sum;
    };
    double a = 1.0, b = 1.0, lambda = 1e-3;
    std::vector<double> ja(xs.size()), jb(xs.size());
    double cost = residuals(a, b, &ja, &jb);
    for (int iteration = 0; iteration < 500; ++iteration) {
        double aa = 0, ab = 0, bb = 0, ga = 0, gb = 0;
        for (size_t i = 0; i < xs.size(); ++i) {
            const double x = xs[i];
            const double p = x > 0.0 ? std::pow(x, 2.0 * b) : 0.0;
            const double r = 1.0 / (1.0 + a * p) - ys[i];
            aa += ja[i] * ja[i];
            ab += ja[i] * jb[i];
            bb += jb[i] * jb[i];
            ga += ja[i] * r;
            gb += jb[i] * r;
        }
        bool improved = false;
        for (int tries = 0; tries < 30 && !improved; ++tries) {
            const double m00 = aa * (1.0 + lambda), m11 = bb * (1.0 + lambda);
            const double det = m00 * m11 - ab * ab;
            if (det == 0.0)
                break;
            const double da = -(m11 * ga - ab * gb) / det, db = -(m00 * gb - ab * ga) / det;
            const double next = residuals(a + da, b + db, nullptr, nullptr);
            if (next < cost && std::isfinite(next)) {
                const double change = std::abs(da) + std::abs(db);
                a += da;
                b += db;
                cost = residuals(a, b, &ja, &jb);
                lambda = std::max(lambda / 10.0, 1e-12);
                improved = true;
                if (change < 1e-12)
                    return {a, b};
            } else {
                lambda *= 10.0;
            }
        }
        if (!improved)
            break;
    }
    return {a, b};
}

LayoutResult umap(const Matrix &data, const UmapOptions &options, JobContext *context)
{
    const auto started = std::chrono::steady_clock::now();
    const int64_t n = data.rows;
    const int dims = options.dimensions;
    if (dims < 1 || dims > 3)
        throw Error("UMAP lays points out in 1 to 3 dimensions here, not " + std::to_string(dims));
    if (options.neighbours < 2)
        throw Error("UMAP needs n_neighbors of at least 2");
    if (n <= options.neighbours)
        throw Error("UMAP with n_neighbors " + std::to_string(options.neighbours) +
                    " needs more than that many points; there are " + std::to_string(n));
    if (options.negativeSampleRate < 0 || !(options.learningRate > 0.0) || !(options.repulsion >= 0.0))
        throw Error("UMAP needs a positive learning rate, repulsion >= 0 and a negative sample rate >= 0");
    const auto [a, b] = umapCurve(options.spread, options.minDist);
    const int epochs = options.epochs > 0 ? options.epochs : (n <= 10000 ? 500 : 200);

    BasicJobContext silent;
    JobContext &ctx = context ? *context : silent;
    struct Scaled : JobContext {
        JobContext &outer;
        double from, span;
        Scaled(JobContext &o, double f, double s) : outer(o), from(f), span(s) {}
        void setProgress(double f, const std::string &m) override { outer.setProgress(from + span * f, m); }
        bool isCancelled() const override { return outer.isCancelled(); }
    } neighbourProgress(ctx, 0.0, 0.3), spectralProgress(ctx, 0.3, 0.1);
    LayoutResult result;
    const auto neighboursStarted = std::chrono::steady_clock::now();
    const NeighbourGraph knn = nearestNeighbours(data, options.neighbours - 1, options.metric, options.search,
                                                 options.seed, &neighbourProgress);
    result.approximateNeighbours = knn.approximate;
    result.neighbourSeconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - neighboursStarted).count());
    ctx.setProgress(0.3, "fuzzy simplicial set");
    std::vector<double> rho, sigma;
    smoothDistances(knn, options.neighbours, rho, sigma);
    Graph w = fuzzyUnion(knn, rho, sigma);
    // Drop the edges too weak to be sampled once in the run (umap-learn: w < max / epochs, with
    // the default epochs when fewer than 11 are asked for).
    const float maxWeight = *std::max_element(w.value.begin(), w.value.end());
    const int pruneEpochs = epochs > 10 ? epochs : (n <= 10000 ? 500 : 200);
    {
        Graph kept;
        kept.n = n;
        kept.rowStart.assign(size_t(n) + 1, 0);
        for (int64_t i = 0; i < n; ++i) {
            for (int64_t e = w.rowStart[size_t(i)]; e < w.rowStart[size_t(i) + 1]; ++e)
                if (w.value[size_t(e)] >= maxWeight / float(pruneEpochs)) {
                    kept.column.push_back(w.column[size_t(e)]);
                    kept.value.push_back(w.value[size_t(e)]);
                }
            kept.rowStart[size_t(i) + 1] = int64_t(kept.column.size());
        }
        w = std::move(kept);
    }
    ctx.throwIfCancelled();
    ctx.setProgress(0.32, "spectral initialisation");
    std::vector<float> y = initialLayout(data, w, options, &spectralProgress);
    ctx.throwIfCancelled();

    // Edge sampling schedule (make_epochs_per_sample): an edge of weight w is sampled every
    // max / w epochs; its negative samples every that / negative_sample_rate.
    const int64_t edges = int64_t(w.column.size());
    std::vector<int32_t> head(static_cast<size_t>(edges));
    for (int64_t i = 0; i < n; ++i)
        for (int64_t e = w.rowStart[size_t(i)]; e < w.rowStart[size_t(i) + 1]; ++e)
            head[size_t(e)] = int32_t(i);
    std::vector<double> perSample(static_cast<size_t>(edges)), nextSample(static_cast<size_t>(edges)),
        perNegative(static_cast<size_t>(edges)), nextNegative(static_cast<size_t>(edges));
    const double rate = double(std::max(options.negativeSampleRate, 1));
    for (int64_t e = 0; e < edges; ++e) {
        const double samples = double(epochs) * double(w.value[size_t(e)]) / double(maxWeight);
        perSample[size_t(e)] = samples > 0.0 ? double(epochs) / samples : -1.0;
        nextSample[size_t(e)] = perSample[size_t(e)];
        perNegative[size_t(e)] = perSample[size_t(e)] / rate;
        nextNegative[size_t(e)] = perNegative[size_t(e)];
    }
    const float fa = float(a), fb = float(b), gamma = float(options.repulsion);
    const bool negatives = options.negativeSampleRate > 0;
    std::vector<float> snapshot;
    for (int epoch = 0; epoch < epochs; ++epoch) {
        ctx.throwIfCancelled();
        if (epoch % 5 == 0)
            ctx.setProgress(0.4 + 0.6 * double(epoch) / double(epochs),
                            "UMAP epoch " + std::to_string(epoch) + " of " + std::to_string(epochs));
        const float alpha = float(options.learningRate * (1.0 - double(epoch) / double(epochs)));
        // Negative samples are random points read from a copy taken at the start of the epoch:
        // read-only memory both cores can cache, where reading the live layout that the other
        // thread keeps writing made two threads no faster than one (measured: 7.8 s against
        // 7.3 s for 250 epochs of 10,000 points). Their positions lag by at most one epoch.
        snapshot = y;
        const double n0 = double(epoch);
        at::parallel_for(0, edges, 4096, [&](int64_t begin, int64_t end) {
            for (int64_t e = begin; e < end; ++e) {
                if (perSample[size_t(e)] <= 0.0 || nextSample[size_t(e)] > n0)
                    continue;
                const int64_t i = head[size_t(e)], j = w.column[size_t(e)];
                float *current = y.data() + i * dims;
                float *other = y.data() + j * dims;
                float d2 = 0.0f;
                for (int d = 0; d < dims; ++d)
                    d2 += (current[d] - other[d]) * (current[d] - other[d]);
                if (d2 > 0.0f) {
                    const float powered = fastPow(d2, fb); // d^(2b); d^(2b - 2) = that / d^2
                    const float coefficient = -2.0f * fa * fb * (powered / d2) / (fa * powered + 1.0f);
                    for (int d = 0; d < dims; ++d) {
                        const float g = clip(coefficient * (current[d] - other[d]));
                        current[d] += g * alpha;
                        other[d] -= g * alpha;
                    }
                }
                nextSample[size_t(e)] += perSample[size_t(e)];
                if (!negatives)
                    continue;
                const int64_t count = int64_t((n0 - nextNegative[size_t(e)]) / perNegative[size_t(e)]);
                uint64_t state = mix(options.seed ^ mix(uint64_t(epoch) * 0x100000001b3ULL + uint64_t(e)));
                for (int64_t s = 0; s < count; ++s) {
                    state = mix(state);
                    const int64_t k = int64_t(state % uint64_t(n));
                    if (k == i)
                        continue;
                    const float *negative = snapshot.data() + k * dims;
                    float q2 = 0.0f;
                    for (int d = 0; d < dims; ++d)
                        q2 += (current[d] - negative[d]) * (current[d] - negative[d]);
                    const float coefficient =
                        q2 > 0.0f ? 2.0f * gamma * fb / ((0.001f + q2) * (fa * fastPow(q2, fb) + 1.0f)) : 0.0f;
                    for (int d = 0; d < dims; ++d) {
                        const float g = coefficient > 0.0f ? clip(coefficient * (current[d] - negative[d])) : 4.0f;
                        current[d] += g * alpha;
                    }
                }
                nextNegative[size_t(e)] += double(count) * perNegative[size_t(e)];
            }
        });
        if (options.onLayout && options.callbackEvery > 0 && (epoch + 1) % options.callbackEvery == 0)
            options.onLayout(toMatrix(y, n, dims), epoch + 1, epochs);
    }
    result.coordinates = toMatrix(y, n, dims);
    result.steps = epochs;
    if (options.onLayout)
        options.onLayout(result.coordinates, epochs, epochs);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ctx.setProgress(1.0, "UMAP done");
    return result;
}

} // namespace tessera::projection
