#include "tessera/core/Projection.h"

#include "tessera/core/Error.h"

#include "ProjectionDetail.h"
#include "TorchTensors.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

namespace tessera::projection {
namespace {

using detail::checkFinite;
using detail::tensorOf;

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
    // The mean and the total variance in float64; the centred data stays float32 (as the input
    // and scikit-learn's randomized solver) and is widened only for the exact covariance.
    const torch::Tensor x32 = tensorOf(data);
    const torch::Tensor mean = x32.sum(0, false, torch::kFloat64) / double(n);
    const torch::Tensor centred = x32 - mean.to(torch::kFloat32);
    if (context)
        context->setProgress(0.1, "covariance");
    PcaResult r;
    torch::Tensor axes;      // [D, k]
    torch::Tensor projected; // [N, k] when the solver gives it
    torch::Tensor variance;  // [k]
    const double total = centred.pow(2).sum(torch::kFloat64).item<double>() / double(n - 1);
    // scikit-learn's choice (svd_solver="auto"): exact when the matrix is small or most
    // components are wanted, else randomized, whose cost grows with k rather than with D^2.
    const bool exact = d <= 4096 && (std::max(n, d) <= 500 || double(k) >= 0.8 * double(std::min(n, d)));
    if (exact) {
        const torch::Tensor c64 = centred.to(torch::kFloat64);
        const torch::Tensor covariance = c64.t().matmul(c64) / double(n - 1);
        const auto [values, vectors] = torch::linalg_eigh(covariance);
        // eigh is ascending: the last k, reversed.
        variance = values.flip(0).slice(0, 0, k).clamp_min(0.0);
        axes = vectors.flip(1).slice(1, 0, k);
    } else {
        // Halko et al.: a seeded Gaussian test matrix, 10 extra columns, power iterations (7 when
        // k is under a tenth of min(N, D), else 4, as scikit-learn) re-orthonormalised by QR.
        r.randomized = true;
        // A generator of our own: the global one belongs to whatever else runs (training).
        const at::Generator generator = at::detail::createCPUGenerator(seed);
        const int64_t width = std::min<int64_t>(k + 10, std::min(n, d));
        const int iterations = double(k) < 0.1 * double(std::min(n, d)) ? 7 : 4;
        torch::Tensor q =
            std::get<0>(torch::linalg_qr(centred.matmul(torch::randn({d, width}, generator, torch::kFloat32))));
        for (int i = 0; i < iterations; ++i) {
            if (context)
                context->throwIfCancelled();
            q = std::get<0>(torch::linalg_qr(centred.t().matmul(q)));
            q = std::get<0>(torch::linalg_qr(centred.matmul(q)));
        }
        // The small [width, D] problem in float64.
        const auto [u, s, vh] = torch::linalg_svd(q.t().matmul(centred).to(torch::kFloat64), false);
        axes = vh.slice(0, 0, k).t();
        variance = s.slice(0, 0, k).pow(2) / double(n - 1);
        // X V = Q U S: the coordinates without another pass over the data.
        projected = q.to(torch::kFloat64).matmul(u.slice(1, 0, k) * s.slice(0, 0, k));
    }
    if (context)
        context->setProgress(0.8, "projecting");
    torch::Tensor coordinates =
        projected.defined() ? projected : centred.matmul(axes.to(torch::kFloat32)).to(torch::kFloat64); // [N, k]
    // svd_flip: the coordinate of largest magnitude on each axis is positive.
    const torch::Tensor largest = coordinates.abs().argmax(0);
    const torch::Tensor signs = torch::sign(coordinates.gather(0, largest.unsqueeze(0))).squeeze(0).clamp_min(-1.0);
    const torch::Tensor fixed = torch::where(signs == 0, torch::ones_like(signs), signs);
    coordinates = coordinates * fixed;
    axes = axes * fixed;
    const FloatTensor c = tessera::detail::fromTorch(coordinates),
                      a = tessera::detail::fromTorch(axes.t().contiguous()), m = tessera::detail::fromTorch(mean);
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

Quality quality(const Matrix &high, const Matrix &low, int64_t k, int64_t queries, uint64_t seed, JobContext *context)
{
    checkPair(high, low, k);
    torch::NoGradGuard noGrad;
    const int64_t n = high.rows;
    const std::vector<int64_t> rows = queryRows(n, queries, seed);
    const torch::Tensor th = tensorOf(high), tl = tensorOf(low);
    const torch::Tensor nh = th.pow(2).sum(1), nl = tl.pow(2).sum(1);
    // Blocks of query rows keep the [q, k, N] comparison table near 64 MB.
    const size_t block = size_t(std::clamp<int64_t>((int64_t(1) << 26) / (n * k), 1, 4096));
    double penalty = 0.0, shared = 0.0;
    for (size_t begin = 0; begin < rows.size(); begin += block) {
        if (context) {
            context->throwIfCancelled();
            context->setProgress(double(begin) / double(rows.size()),
                                 "quality: trustworthiness and neighbour preservation");
        }
        const torch::Tensor part = torch::tensor(std::vector<int64_t>(
            rows.begin() + std::ptrdiff_t(begin), rows.begin() + std::ptrdiff_t(std::min(rows.size(), begin + block))));
        const auto distancesOf = [&](const torch::Tensor &x, const torch::Tensor &norms) {
            torch::Tensor d = (norms.index_select(0, part).unsqueeze(1) - 2.0f * x.index_select(0, part).matmul(x.t()) +
                               norms.unsqueeze(0))
                                  .clamp_min_(0.0f);
            d.scatter_(1, part.unsqueeze(1), INFINITY); // the point itself is nobody's neighbour
            return d;
        };
        const torch::Tensor dh = distancesOf(th, nh), dl = distancesOf(tl, nl);
        const torch::Tensor lowNeighbours = std::get<1>(dl.topk(k, 1, false, true));  // [q, k]
        const torch::Tensor highNeighbours = std::get<1>(dh.topk(k, 1, false, true)); // [q, k]
        // r(i, j): 1 + the points strictly nearer to i than j in the high space.
        const torch::Tensor threshold = dh.gather(1, lowNeighbours);                      // [q, k]
        const torch::Tensor rank = (dh.unsqueeze(1) < threshold.unsqueeze(2)).sum(2) + 1; // [q, k]
        penalty += (rank - k).clamp_min(0).sum().item<double>();
        shared += (lowNeighbours.unsqueeze(2) == highNeighbours.unsqueeze(1)).any(2).sum().item<double>() / double(k);
    }
    const double m = double(rows.size());
    Quality q;
    q.trustworthiness = 1.0 - 2.0 / (m * double(k) * (2.0 * double(n) - 3.0 * double(k) - 1.0)) * penalty;
    q.preservation = shared / m;
    return q;
}

double trustworthiness(const Matrix &high, const Matrix &low, int64_t k, int64_t queries, uint64_t seed)
{
    return quality(high, low, k, queries, seed).trustworthiness;
}

double neighbourPreservation(const Matrix &high, const Matrix &low, int64_t k, int64_t queries, uint64_t seed)
{
    return quality(high, low, k, queries, seed).preservation;
}

std::string methodName(Method method)
{
    switch (method) {
    case Method::Pca:
        return "pca";
    case Method::Tsne:
        return "tsne";
    case Method::Umap:
        return "umap";
    }
    return "pca";
}

bool parseMethod(const std::string &text, Method &method)
{
    if (text == "pca")
        method = Method::Pca;
    else if (text == "tsne" || text == "t-sne")
        method = Method::Tsne;
    else if (text == "umap")
        method = Method::Umap;
    else
        return false;
    return true;
}

Projection project(const Matrix &data, const ProjectionRequest &request, JobContext *context)
{
    const auto started = std::chrono::steady_clock::now();
    BasicJobContext silent;
    JobContext &ctx = context ? *context : silent;
    Projection p;
    p.method = request.method;
    switch (request.method) {
    case Method::Pca: {
        const int64_t components = std::min<int64_t>(std::min<int64_t>(data.cols, data.rows),
                                                     std::max<int64_t>(request.dimensions, request.pcaComponents));
        PcaResult r = pca(data, components, request.tsne.seed, &ctx);
        p.explainedRatio = r.explainedRatio;
        p.coordinates = Matrix(data.rows, request.dimensions);
        for (int64_t i = 0; i < data.rows; ++i)
            for (int64_t d = 0; d < request.dimensions; ++d)
                p.coordinates.at(i, d) = d < components ? r.coordinates.at(i, d) : 0.0f;
        p.steps = 1;
        break;
    }
    case Method::Tsne:
    case Method::Umap: {
        LayoutResult r;
        if (request.method == Method::Tsne) {
            TsneOptions options = request.tsne;
            options.dimensions = int(request.dimensions);
            r = tsne(data, options, &ctx);
        } else {
            UmapOptions options = request.umap;
            options.dimensions = int(request.dimensions);
            r = umap(data, options, &ctx);
        }
        p.coordinates = std::move(r.coordinates);
        p.klDivergence = r.klDivergence;
        p.steps = r.steps;
        p.neighbourSeconds = r.neighbourSeconds.empty() ? 0.0 : r.neighbourSeconds[0];
        p.approximateNeighbours = r.approximateNeighbours;
        break;
    }
    }
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const int64_t k = request.qualityNeighbours;
    if (k > 0 && 2 * k < data.rows) {
        ctx.setProgress(1.0, "quality: trustworthiness and neighbour preservation");
        const int64_t queries = data.rows > request.qualityExactUpTo ? request.qualitySample : 0;
        p.qualityQueries = queries > 0 ? std::min(queries, data.rows) : data.rows;
        const Quality q = quality(data, p.coordinates, k, queries, 7, &ctx);
        p.trustworthiness = q.trustworthiness;
        p.preservation = q.preservation;
    }
    return p;
}

} // namespace tessera::projection
