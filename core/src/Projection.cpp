#include "tessera/core/Projection.h"

#include "tessera/core/Error.h"

#include "TorchTensors.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace tessera::projection {
namespace {

torch::Tensor tensorOf(const Matrix &m)
{
    return torch::from_blob(const_cast<float *>(m.values.data()), {m.rows, m.cols}, torch::kFloat32);
}

void checkFinite(const Matrix &m, const char *what)
{
    for (float v : m.values)
        if (!std::isfinite(v))
            throw Error(std::string(what) + " holds NaN or infinite values");
}

// The query rows: all, or a seeded sample without repetition.
std::vector<int64_t> queryRows(int64_t n, int64_t queries, uint64_t seed)
{
    std::vector<int64_t> rows(static_cast<size_t>(n));
    std::iota(rows.begin(), rows.end(), int64_t(0));
    if (queries <= 0 || queries >= n)
        return rows;
    std::mt19937_64 random(seed);
    std::shuffle(rows.begin(), rows.end(), random);
    rows.resize(static_cast<size_t>(queries));
    std::sort(rows.begin(), rows.end());
    return rows;
}

// Squared Euclidean distances of the query rows to every row [q, N] (float64), self excluded
// (+infinity).
torch::Tensor distances(const torch::Tensor &x, const std::vector<int64_t> &rows)
{
    const torch::Tensor all = x.to(torch::kFloat64);
    const torch::Tensor q = all.index_select(0, torch::tensor(rows));
    torch::Tensor d = (q.pow(2).sum(1, true) - 2.0 * q.matmul(all.t()) + all.pow(2).sum(1).unsqueeze(0)).clamp_min(0.0);
    for (size_t i = 0; i < rows.size(); ++i)
        d[int64_t(i)][rows[i]] = INFINITY;
    return d;
}

void checkPair(const Matrix &high, const Matrix &low, int64_t k)
{
    if (high.rows != low.rows)
        throw Error("the layout has " + std::to_string(low.rows) + " points, the data " + std::to_string(high.rows));
    if (k < 1 || 2 * k >= high.rows)
        throw Error("k must be at least 1 and below half the points (" + std::to_string(high.rows) + ")");
    checkFinite(high, "the data");
    checkFinite(low, "the layout");
}

} // namespace

PcaResult pca(const Matrix &data, int64_t k, uint64_t seed, JobContext *context)
{
    const int64_t n = data.rows, d = data.cols;
    if (n < 2 || d < 1)
        throw Error("PCA needs at least two rows and one column");
    if (k < 1 || k > std::min(n, d))
        throw Error("PCA components must be between 1 and " + std::to_string(std::min(n, d)));
    checkFinite(data, "the data");
    torch::NoGradGuard noGrad;
    const torch::Tensor x64 = tensorOf(data).to(torch::kFloat64);
    const torch::Tensor mean = x64.mean(0);
    const torch::Tensor centred = x64 - mean;
    if (context)
        context->setProgress(0.1, "covariance");
    PcaResult r;
    torch::Tensor axes;     // [D, k]
    torch::Tensor variance; // [k]
    const double total = centred.pow(2).sum().item<double>() / double(n - 1);
    if (d <= 4096) {
        const torch::Tensor covariance = centred.t().matmul(centred) / double(n - 1);
        const auto [values, vectors] = torch::linalg_eigh(covariance);
        // eigh is ascending: the last k, reversed.
        variance = values.flip(0).slice(0, 0, k).clamp_min(0.0);
        axes = vectors.flip(1).slice(1, 0, k);
    } else {
        r.randomized = true;
        torch::manual_seed(seed);
        const int64_t width = std::min<int64_t>(k + 10, std::min(n, d));
        torch::Tensor q = std::get<0>(torch::linalg_qr(centred.matmul(torch::randn({d, width}, torch::kFloat64))));
        for (int i = 0; i < 4; ++i) {
            if (context)
                context->throwIfCancelled();
            q = std::get<0>(torch::linalg_qr(centred.t().matmul(q)));
            q = std::get<0>(torch::linalg_qr(centred.matmul(q)));
        }
        const auto [u, s, vh] = torch::linalg_svd(q.t().matmul(centred), false);
        axes = vh.slice(0, 0, k).t();
        variance = s.slice(0, 0, k).pow(2) / double(n - 1);
    }
    if (context)
        context->setProgress(0.8, "projecting");
    torch::Tensor coordinates = centred.matmul(axes); // [N, k]
    // svd_flip: the coordinate of largest magnitude on each axis is positive.
    const torch::Tensor largest = coordinates.abs().argmax(0);
    const torch::Tensor signs = torch::sign(coordinates.gather(0, largest.unsqueeze(0))).squeeze(0).clamp_min(-1.0);
    const torch::Tensor fixed = torch::where(signs == 0, torch::ones_like(signs), signs);
    coordinates = coordinates * fixed;
    axes = axes * fixed;
    const FloatTensor c = detail::fromTorch(coordinates), a = detail::fromTorch(axes.t().contiguous()), m = detail::fromTorch(mean);
    r.coordinates = Matrix(n, k);
    r.coordinates.values = c.values;
    r.components = Matrix(k, d);
    r.components.values = a.values;
    r.mean = m.values;
    const torch::Tensor v = variance.contiguous();
    for (int64_t i = 0; i < k; ++i) {
        r.explainedVariance.push_back(v[i].item<double>());
        r.explainedRatio.push_back(total > 0.0 ? v[i].item<double>() / total : 0.0);
    }
    if (context)
        context->setProgress(1.0, "done");
    return r;
}

double trustworthiness(const Matrix &high, const Matrix &low, int64_t k, int64_t queries, uint64_t seed)
{
    checkPair(high, low, k);
    torch::NoGradGuard noGrad;
    const int64_t n = high.rows;
    const std::vector<int64_t> rows = queryRows(n, queries, seed);
    const torch::Tensor dh = distances(tensorOf(high), rows), dl = distances(tensorOf(low), rows);
    // rank[j] of every point in the high space (1 = nearest; self excluded by its +infinity).
    const torch::Tensor order = dh.argsort(int64_t(1), false);
    torch::Tensor ranks = torch::empty_like(order);
    ranks.scatter_(1, order, torch::arange(1, n + 1, torch::kInt64).unsqueeze(0).expand({int64_t(rows.size()), n}).contiguous());
    const torch::Tensor lowNeighbours = std::get<1>(dl.topk(k, 1, false, true)); // [q, k]
    const double penalty = (ranks.gather(1, lowNeighbours) - k).clamp_min(0).sum().item<double>();
    const double m = double(rows.size());
    return 1.0 - 2.0 / (m * double(k) * (2.0 * double(n) - 3.0 * double(k) - 1.0)) * penalty;
}

double neighbourPreservation(const Matrix &high, const Matrix &low, int64_t k, int64_t queries, uint64_t seed)
{
    checkPair(high, low, k);
    torch::NoGradGuard noGrad;
    const std::vector<int64_t> rows = queryRows(high.rows, queries, seed);
    const torch::Tensor a = std::get<1>(distances(tensorOf(high), rows).topk(k, 1, false, true)).contiguous();
    const torch::Tensor b = std::get<1>(distances(tensorOf(low), rows).topk(k, 1, false, true)).contiguous();
    double shared = 0.0;
    const int64_t *pa = a.data_ptr<int64_t>(), *pb = b.data_ptr<int64_t>();
    for (size_t i = 0; i < rows.size(); ++i) {
        std::vector<int64_t> x(pa + i * size_t(k), pa + (i + 1) * size_t(k)), y(pb + i * size_t(k), pb + (i + 1) * size_t(k));
        std::sort(x.begin(), x.end());
        std::sort(y.begin(), y.end());
        std::vector<int64_t> both;
        std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(both));
        shared += double(both.size()) / double(k);
    }
    return shared / double(rows.size());
}

} // namespace tessera::projection
