// t-SNE with a Barnes-Hut tree, following scikit-learn's TSNE (method="barnes_hut") step by step
// so that the objective, schedule and defaults are the same; see Projection.h. Written here
// rather than taken from a library because Debian packages no C++ t-SNE (multicore-tsne and
// openTSNE are Python packages outside Debian).
//
// Threads: the caller's; the per-point loops run on LibTorch's intra-op pool (at::parallel_for).

#include "tessera/core/Error.h"
#include "tessera/core/Projection.h"

#include "ProjectionDetail.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace tessera::projection {
namespace {

// scikit-learn's guards: sums are kept above float64's epsilon, the logarithm's arguments above
// float32's smallest normal number (FLOAT64_EPS and FLOAT32_TINY in _barnes_hut_tsne.pyx).
constexpr double kMachineEpsilon = std::numeric_limits<double>::epsilon();
constexpr double kTiny = std::numeric_limits<float>::min();

// The symmetric joint probabilities P as a compressed sparse row matrix [N, N].
using SparseP = detail::SparseRows<double>;

// Conditional probabilities p(j | i) over each row's neighbours with the perplexity reached
// by bisection on the precision beta (sklearn's _binary_search_perplexity: natural-log
// entropy, tolerance 1e-5, at most 100 steps). distance: [N, k] values as given (squared
// Euclidean for the Euclidean metric).
std::vector<double> conditionalP(const std::vector<double> &distance, int64_t n, int64_t k, double perplexity)
{
    std::vector<double> p(distance.size());
    const double desiredEntropy = std::log(perplexity);
    at::parallel_for(0, n, 64, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            const double *d = distance.data() + i * k;
            double *row = p.data() + i * k;
            double beta = 1.0, betaMin = -INFINITY, betaMax = INFINITY;
            for (int step = 0; step < 100; ++step) {
                double sum = 0.0;
                for (int64_t j = 0; j < k; ++j) {
                    row[j] = std::exp(-d[j] * beta);
                    sum += row[j];
                }
                if (sum == 0.0)
                    sum = 1e-8;
                double weighted = 0.0;
                for (int64_t j = 0; j < k; ++j) {
                    row[j] /= sum;
                    weighted += d[j] * row[j];
                }
                const double difference = std::log(sum) + beta * weighted - desiredEntropy;
                if (std::abs(difference) <= 1e-5)
                    break;
                if (difference > 0.0) {
                    betaMin = beta;
                    beta = betaMax == INFINITY ? beta * 2.0 : (beta + betaMax) / 2.0;
                } else {
                    betaMax = beta;
                    beta = betaMin == -INFINITY ? beta / 2.0 : (beta + betaMin) / 2.0;
                }
            }
        }
    });
    return p;
}

// P = (C + C^T) / sum(C + C^T) for the conditional matrix C given as k entries a row.
SparseP symmetrise(const NeighbourGraph &graph, const std::vector<double> &conditional)
{
    SparseP p = detail::symmetricRows(graph, conditional, [](double a, double b) { return a + b; });
    const double total = std::max(std::accumulate(p.value.begin(), p.value.end(), 0.0), kMachineEpsilon);
    for (double &v : p.value)
        v /= total;
    return p;
}

// A Barnes-Hut tree over Dim-dimensional points: each cell is a cube split at its centre into
// 2^Dim children; a cell with at most kLeafSize points (or at the depth limit, for duplicates)
// is a leaf whose points interact exactly.
template <int Dim> class BarnesHutTree {
public:
    static constexpr int kChildren = 1 << Dim;
    static constexpr int kLeafSize = 4;
    static constexpr int kMaxDepth = 40;

    struct Cell {
        std::array<double, Dim> centre{};
        std::array<double, Dim> mass{}; // centre of mass
        double width = 0.0;             // full side length
        int32_t count = 0;
        int32_t firstChild = -1;    // -1: leaf
        int32_t begin = 0, end = 0; // the cell's points: order[begin, end)
    };

    void build(const std::vector<double> &y, int64_t n)
    {
        m_y = y.data();
        m_order.resize(size_t(n));
        std::iota(m_order.begin(), m_order.end(), int32_t(0));
        m_scratch.resize(size_t(n));
        m_cells.clear();
        std::array<double, Dim> low, high;
        low.fill(INFINITY);
        high.fill(-INFINITY);
        for (int64_t i = 0; i < n; ++i)
            for (int d = 0; d < Dim; ++d) {
                low[size_t(d)] = std::min(low[size_t(d)], y[size_t(i * Dim + d)]);
                high[size_t(d)] = std::max(high[size_t(d)], y[size_t(i * Dim + d)]);
            }
        Cell root;
        double width = 0.0;
        for (int d = 0; d < Dim; ++d) {
            root.centre[size_t(d)] = 0.5 * (low[size_t(d)] + high[size_t(d)]);
            width = std::max(width, high[size_t(d)] - low[size_t(d)]);
        }
        root.width = std::max(width * (1.0 + 1e-9), 1e-300);
        root.begin = 0;
        root.end = int32_t(n);
        m_cells.push_back(root);
        split(0, 0);
    }

    const std::vector<int32_t> &order() const { return m_order; }

    // The repulsion on point i: sum over j != i of q_ij^2 (y_i - y_j) into force, and returns
    // sum over j != i of q_ij (q unnormalised, 1 / (1 + |y_i - y_j|^2)).
    double repulsion(int64_t i, double thetaSquared, double *force) const
    {
        const double *yi = m_y + i * Dim;
        double z = 0.0;
        std::array<double, Dim> f{};
        int32_t stack[kMaxDepth * kChildren + 8];
        int top = 0;
        stack[top++] = 0;
        while (top > 0) {
            const Cell &cell = m_cells[size_t(stack[--top])];
            if (cell.count == 0)
                continue;
            if (cell.firstChild < 0) {
                for (int32_t s = cell.begin; s < cell.end; ++s) {
                    const int32_t j = m_order[size_t(s)];
                    if (j == i)
                        continue;
                    const double *yj = m_y + int64_t(j) * Dim;
                    double d2 = 0.0;
                    std::array<double, Dim> delta;
                    for (int d = 0; d < Dim; ++d) {
                        delta[size_t(d)] = yi[d] - yj[d];
                        d2 += delta[size_t(d)] * delta[size_t(d)];
                    }
                    const double q = 1.0 / (1.0 + d2);
                    z += q;
                    for (int d = 0; d < Dim; ++d)
                        f[size_t(d)] += q * q * delta[size_t(d)];
                }
                continue;
            }
            double d2 = 0.0;
            std::array<double, Dim> delta;
            for (int d = 0; d < Dim; ++d) {
                delta[size_t(d)] = yi[d] - cell.mass[size_t(d)];
                d2 += delta[size_t(d)] * delta[size_t(d)];
            }
            if (cell.width * cell.width < thetaSquared * d2) {
                const double q = 1.0 / (1.0 + d2);
                const double mult = double(cell.count) * q;
                z += mult;
                for (int d = 0; d < Dim; ++d)
                    f[size_t(d)] += mult * q * delta[size_t(d)];
                continue;
            }
            for (int c = 0; c < kChildren; ++c)
                stack[top++] = cell.firstChild + c;
        }
        for (int d = 0; d < Dim; ++d)
            force[d] = f[size_t(d)];
        return z;
    }

private:
    void split(int32_t index, int depth)
    {
        Cell cell = m_cells[size_t(index)];
        cell.count = cell.end - cell.begin;
        cell.mass.fill(0.0);
        for (int32_t s = cell.begin; s < cell.end; ++s)
            for (int d = 0; d < Dim; ++d)
                cell.mass[size_t(d)] += m_y[int64_t(m_order[size_t(s)]) * Dim + d];
        for (int d = 0; d < Dim && cell.count > 0; ++d)
            cell.mass[size_t(d)] /= double(cell.count);
        if (cell.count <= kLeafSize || depth >= kMaxDepth) {
            m_cells[size_t(index)] = cell;
            return;
        }
        // Counting sort of the cell's points by child.
        std::array<int32_t, kChildren + 1> start{};
        const auto childOf = [&](int32_t point) {
            int code = 0;
            for (int d = 0; d < Dim; ++d)
                if (m_y[int64_t(point) * Dim + d] >= cell.centre[size_t(d)])
                    code |= 1 << d;
            return code;
        };
        for (int32_t s = cell.begin; s < cell.end; ++s)
            ++start[size_t(childOf(m_order[size_t(s)])) + 1];
        for (int c = 0; c < kChildren; ++c)
            start[size_t(c) + 1] += start[size_t(c)];
        std::array<int32_t, kChildren> fill;
        for (int c = 0; c < kChildren; ++c)
            fill[size_t(c)] = cell.begin + start[size_t(c)];
        for (int32_t s = cell.begin; s < cell.end; ++s) {
            const int32_t point = m_order[size_t(s)];
            m_scratch[size_t(fill[size_t(childOf(point))]++)] = point;
        }
        std::copy(m_scratch.begin() + cell.begin, m_scratch.begin() + cell.end, m_order.begin() + cell.begin);
        cell.firstChild = int32_t(m_cells.size());
        m_cells[size_t(index)] = cell;
        for (int c = 0; c < kChildren; ++c) {
            Cell child;
            child.width = cell.width / 2.0;
            for (int d = 0; d < Dim; ++d)
                child.centre[size_t(d)] = cell.centre[size_t(d)] + ((c >> d) & 1 ? 0.25 : -0.25) * cell.width;
            child.begin = cell.begin + start[size_t(c)];
            child.end = cell.begin + start[size_t(c) + 1];
            child.count = child.end - child.begin;
            m_cells.push_back(child);
        }
        for (int c = 0; c < kChildren; ++c)
            if (m_cells[size_t(cell.firstChild + c)].count > 0)
                split(cell.firstChild + c, depth + 1);
    }

    const double *m_y = nullptr;
    std::vector<int32_t> m_order;
    std::vector<int32_t> m_scratch;
    std::vector<Cell> m_cells;
};

Matrix toMatrix(const std::vector<double> &y, int64_t n, int dims)
{
    Matrix m(n, dims);
    for (size_t i = 0; i < y.size(); ++i)
        m.values[i] = float(y[i]);
    return m;
}

// The gradient of KL(P || Q) into grad [N, Dim] (scikit-learn's scaling, 4 (p - q) q Z
// (y_i - y_j)); returns the KL divergence when wanted (else 0). exaggeration multiplies P.
template <int Dim>
double gradient(const SparseP &p, const std::vector<double> &y, int64_t n, double exaggeration, double theta,
                BarnesHutTree<Dim> &tree, std::vector<double> &grad, std::vector<double> &negative,
                std::vector<double> &zParts, bool wantError)
{
    tree.build(y, n);
    const std::vector<int32_t> &order = tree.order();
    const double thetaSquared = theta * theta;
    // Repulsion in the tree's order, so neighbouring points walk the same cells.
    // Dynamic chunks: dense clusters cost more to walk than sparse ones, and equal halves left
    // one thread waiting (measured with perf: ~9% of the time spinning in libgomp).
#pragma omp parallel for schedule(dynamic, 128) num_threads(at::get_num_threads())
    for (int64_t s = 0; s < n; ++s) {
        const int64_t i = order[size_t(s)];
        zParts[size_t(i)] = tree.repulsion(i, thetaSquared, negative.data() + i * Dim);
    }
    double z = 0.0;
    for (int64_t i = 0; i < n; ++i)
        z += zParts[size_t(i)];
    z = std::max(z, kMachineEpsilon);
    std::vector<double> errors(wantError ? size_t(n) : 0, 0.0);
    at::parallel_for(0, n, 256, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            std::array<double, Dim> attraction{};
            double error = 0.0;
            const double *yi = y.data() + i * Dim;
            for (int64_t e = p.rowStart[size_t(i)]; e < p.rowStart[size_t(i) + 1]; ++e) {
                const int64_t j = p.column[size_t(e)];
                const double *yj = y.data() + j * Dim;
                double d2 = 0.0;
                std::array<double, Dim> delta;
                for (int d = 0; d < Dim; ++d) {
                    delta[size_t(d)] = yi[d] - yj[d];
                    d2 += delta[size_t(d)] * delta[size_t(d)];
                }
                const double q = 1.0 / (1.0 + d2);
                const double pij = p.value[size_t(e)] * exaggeration;
                for (int d = 0; d < Dim; ++d)
                    attraction[size_t(d)] += pij * q * delta[size_t(d)];
                if (wantError)
                    error += pij * std::log(std::max(pij, kTiny) / std::max(q / z, kTiny));
            }
            for (int d = 0; d < Dim; ++d)
                grad[size_t(i * Dim + d)] = 4.0 * (attraction[size_t(d)] - negative[size_t(i * Dim + d)] / z);
            if (wantError)
                errors[size_t(i)] = error;
        }
    });
    return wantError ? std::accumulate(errors.begin(), errors.end(), 0.0) : 0.0;
}

template <int Dim>
LayoutResult optimise(const SparseP &p, std::vector<double> y, int64_t n, const TsneOptions &options,
                      JobContext *context, LayoutResult result)
{
    const double learningRate =
        options.learningRate > 0.0 ? options.learningRate : std::max(double(n) / options.earlyExaggeration / 4.0, 50.0);
    std::vector<double> update(y.size(), 0.0), gains(y.size(), 1.0), grad(y.size(), 0.0), negative(y.size(), 0.0),
        zParts(size_t(n), 0.0);
    BarnesHutTree<Dim> tree;
    const int total = options.iterations;
    const int exploration = std::min(options.exaggerationIterations, total);
    double error = 0.0;
    int it = 0;
    // Two stages as sklearn: exaggerated P with momentum 0.5, then P itself with momentum 0.8;
    // each stops early when the error has not improved for 300 iterations (checked every 50)
    // or the gradient norm falls below 1e-7.
    for (int stage = 0; stage < 2; ++stage) {
        const int stageEnd = stage == 0 ? exploration : total;
        const double momentum = stage == 0 ? 0.5 : 0.8;
        const double exaggeration = stage == 0 ? options.earlyExaggeration : 1.0;
        // scikit-learn calls its gradient descent once per stage, each from rest.
        std::fill(update.begin(), update.end(), 0.0);
        std::fill(gains.begin(), gains.end(), 1.0);
        double bestError = INFINITY;
        int bestIteration = it;
        for (; it < stageEnd; ++it) {
            if (context) {
                context->throwIfCancelled();
                if (it % 5 == 0)
                    context->setProgress(0.25 + 0.75 * double(it) / double(total),
                                         "t-SNE iteration " + std::to_string(it) + " of " + std::to_string(total));
            }
            const bool check = (it + 1) % 50 == 0 || it == total - 1;
            const double e = gradient<Dim>(p, y, n, exaggeration, options.theta, tree, grad, negative, zParts, check);
            double gradNorm = 0.0;
            for (size_t v = 0; v < y.size(); ++v) {
                const bool sameSign = update[v] * grad[v] >= 0.0;
                gains[v] = sameSign ? std::max(gains[v] * 0.8, 0.01) : gains[v] + 0.2;
                const double g = grad[v] * gains[v];
                gradNorm += g * g;
                update[v] = momentum * update[v] - learningRate * g;
                y[v] += update[v];
            }
            if (options.onLayout && options.callbackEvery > 0 && (it + 1) % options.callbackEvery == 0)
                options.onLayout(toMatrix(y, n, Dim), it + 1, total);
            if (check) {
                error = e;
                if (e < bestError) {
                    bestError = e;
                    bestIteration = it;
                } else if (it - bestIteration > 300) {
                    ++it;
                    break;
                }
                if (std::sqrt(gradNorm) <= 1e-7) {
                    ++it;
                    break;
                }
            }
        }
    }
    result.coordinates = toMatrix(y, n, Dim);
    result.steps = it;
    result.klDivergence = error;
    if (options.onLayout)
        options.onLayout(result.coordinates, it, total);
    return result;
}

} // namespace

LayoutResult tsne(const Matrix &data, const TsneOptions &options, JobContext *context)
{
    const auto started = std::chrono::steady_clock::now();
    const int64_t n = data.rows;
    if (options.dimensions != 2 && options.dimensions != 3)
        throw Error("t-SNE lays points out in 2 or 3 dimensions, not " + std::to_string(options.dimensions));
    if (!(options.perplexity > 0.0) || !std::isfinite(options.perplexity))
        throw Error("the perplexity must be a positive number");
    if (n < 4 || double(n) <= 3.0 * options.perplexity)
        throw Error("t-SNE with perplexity " + std::to_string(options.perplexity) + " needs more than " +
                    std::to_string(int64_t(3.0 * options.perplexity)) + " points; there are " + std::to_string(n) +
                    " (lower the perplexity)");
    if (options.iterations < 1 || options.exaggerationIterations < 0 || !(options.earlyExaggeration >= 1.0) ||
        !(options.theta >= 0.0) || !std::isfinite(options.learningRate))
        throw Error("t-SNE needs at least one iteration, exaggeration >= 1, theta >= 0 and a finite learning rate");
    const int64_t k = std::min<int64_t>(n - 1, int64_t(3.0 * options.perplexity + 1.0));
    BasicJobContext silent;
    JobContext &ctx = context ? *context : silent;
    ctx.setProgress(0.0, "nearest neighbours");
    // Neighbours take the first 20% of the progress bar.
    struct Scaled : JobContext {
        JobContext &outer;
        explicit Scaled(JobContext &o) : outer(o) {}
        void setProgress(double f, const std::string &m) override { outer.setProgress(0.2 * f, m); }
        bool isCancelled() const override { return outer.isCancelled(); }
    } scaled(ctx);
    const auto neighboursStarted = std::chrono::steady_clock::now();
    const NeighbourGraph graph = nearestNeighbours(data, k, options.metric, options.search, options.seed, &scaled);
    LayoutResult result;
    result.approximateNeighbours = graph.approximate;
    result.neighbourSeconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - neighboursStarted).count());
    ctx.setProgress(0.2, "perplexity calibration");
    std::vector<double> distance(graph.distance.begin(), graph.distance.end());
    if (options.metric == Metric::Euclidean)
        for (double &d : distance)
            d *= d;
    const SparseP p = symmetrise(graph, conditionalP(distance, n, k, options.perplexity));
    ctx.throwIfCancelled();

    const int dims = options.dimensions;
    std::vector<double> y(static_cast<size_t>(n * dims));
    if (options.pcaInit && data.cols >= dims) {
        ctx.setProgress(0.22, "PCA initialisation");
        const Matrix start = pca(data, dims, options.seed).coordinates;
        double mean = 0.0, variance = 0.0;
        for (int64_t i = 0; i < n; ++i)
            mean += start.at(i, 0);
        mean /= double(n);
        for (int64_t i = 0; i < n; ++i)
            variance += (start.at(i, 0) - mean) * (start.at(i, 0) - mean);
        const double sd = std::sqrt(variance / double(n));
        const double scale = sd > 0.0 ? 1e-4 / sd : 1.0;
        for (size_t v = 0; v < y.size(); ++v)
            y[v] = double(start.values[v]) * scale;
    } else {
        std::mt19937_64 random(options.seed);
        std::normal_distribution<double> normal(0.0, 1e-4);
        for (double &v : y)
            v = normal(random);
    }
    result = dims == 2 ? optimise<2>(p, std::move(y), n, options, context, std::move(result))
                       : optimise<3>(p, std::move(y), n, options, context, std::move(result));
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ctx.setProgress(1.0, "t-SNE done");
    return result;
}

} // namespace tessera::projection
