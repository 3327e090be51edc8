// Nearest-neighbour graphs and queries for the projector. Exact search is blocked matrix
// products in float32 (LibTorch, so OpenBLAS); approximate search is hnswlib's HNSW (Debian's
// libhnswlib-dev, header-only), built in parallel. Known: hnswlib 0.6.2's searchBaseLayer
// prefetches one entry past a full upper-layer link list, a 4-byte read beyond its malloc block
// that AddressSanitizer reports (harmless in practice: inside the allocator's chunk); the ASan
// suite skips the HNSW test for it.

#include "tessera/core/Error.h"
#include "tessera/core/Projection.h"

#include "ProjectionDetail.h"

#include <ATen/Parallel.h>
#include <hnswlib/hnswlib.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

namespace tessera::projection {
namespace {

using detail::checkFinite;
using detail::tensorOf;

// Rows made unit length (cosine) or centred then unit length (Pearson): on such rows the
// squared Euclidean distance is 2 (1 - cos). A zero row stays zero (cosine distance 1 to everything
// in nearestTo; 0.5 in the neighbour graph, which halves the squared distance to a unit row).
torch::Tensor normalisedRows(torch::Tensor x, Metric metric)
{
    if (metric == Metric::Pearson)
        x = x - x.mean(1, true);
    const torch::Tensor norm = x.norm(2, 1, true);
    return x / torch::where(norm > 0, norm, torch::ones_like(norm));
}

// A block of squared Euclidean distances [b, N] of rows `rows` of x to all rows.
torch::Tensor squaredDistances(const torch::Tensor &x, const torch::Tensor &squaredNorms, int64_t begin, int64_t end)
{
    const torch::Tensor block = x.slice(0, begin, end);
    return (squaredNorms.slice(0, begin, end).unsqueeze(1) - 2.0f * block.matmul(x.t()) + squaredNorms.unsqueeze(0))
        .clamp_min_(0.0f);
}

// From squared L2 between prepared rows to the metric's distance.
float metricDistance(float squared, Metric metric)
{
    switch (metric) {
    case Metric::Cosine:
    case Metric::Pearson:
        return 0.5f * squared;
    default:
        return std::sqrt(squared);
    }
}

NeighbourGraph exactGraph(const Matrix &data, int64_t k, Metric metric, JobContext *context)
{
    torch::NoGradGuard noGrad;
    const int64_t n = data.rows;
    torch::Tensor x = tensorOf(data);
    if (metric == Metric::Cosine || metric == Metric::Pearson)
        x = normalisedRows(x, metric);
    x = x.contiguous();
    const torch::Tensor squaredNorms = x.pow(2).sum(1);
    NeighbourGraph g;
    g.n = n;
    g.k = k;
    g.index.resize(size_t(n * k));
    g.distance.resize(size_t(n * k));
    // About 64 MB of distances a block.
    const int64_t blockRows = std::clamp<int64_t>((int64_t(1) << 24) / std::max<int64_t>(n, 1), 16, 4096);
    for (int64_t begin = 0; begin < n; begin += blockRows) {
        if (context) {
            context->throwIfCancelled();
            context->setProgress(double(begin) / double(n), "nearest neighbours (exact)");
        }
        const int64_t end = std::min(n, begin + blockRows);
        torch::Tensor d;
        if (metric == Metric::Manhattan)
            d = torch::cdist(x.slice(0, begin, end), x, 1.0);
        else
            d = squaredDistances(x, squaredNorms, begin, end);
        const torch::Tensor rows = torch::arange(begin, end, torch::kInt64);
        d.index_put_({rows - begin, rows}, INFINITY);
        const auto [values, indices] = d.topk(k, 1, false, true);
        const torch::Tensor v = values.contiguous();
        const torch::Tensor i = indices.to(torch::kInt32).contiguous();
        const float *pv = v.data_ptr<float>();
        const int32_t *pi = i.data_ptr<int32_t>();
        for (int64_t e = 0; e < (end - begin) * k; ++e) {
            g.index[size_t(begin * k + e)] = pi[e];
            g.distance[size_t(begin * k + e)] = metric == Metric::Manhattan ? pv[e] : metricDistance(pv[e], metric);
        }
    }
    return g;
}

NeighbourGraph hnswGraph(const Matrix &data, int64_t k, Metric metric, uint64_t seed, JobContext *context)
{
    torch::NoGradGuard noGrad;
    const int64_t n = data.rows, dim = data.cols;
    torch::Tensor prepared = tensorOf(data);
    if (metric == Metric::Cosine || metric == Metric::Pearson)
        prepared = normalisedRows(prepared, metric);
    prepared = prepared.contiguous();
    const float *x = prepared.data_ptr<float>();
    hnswlib::L2Space space(static_cast<size_t>(dim));
    const size_t ef = size_t(std::max<int64_t>(2 * k + 2, 100));
    hnswlib::HierarchicalNSW<float> index(&space, size_t(n), 16, 200, size_t(seed % 1000003));
    index.setEf(ef);
    // Insertion then search, in chunks so that progress and cancellation are timely; each half
    // takes about half the time.
    const int64_t chunk = 2048;
    index.addPoint(x, 0);
    for (int64_t begin = 1; begin < n; begin += chunk) {
        if (context) {
            context->throwIfCancelled();
            context->setProgress(0.6 * double(begin) / double(n), "nearest neighbours (HNSW index)");
        }
        const int64_t end = std::min(n, begin + chunk);
        at::parallel_for(begin, end, 16, [&](int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i)
                index.addPoint(x + i * dim, size_t(i));
        });
    }
    NeighbourGraph g;
    g.n = n;
    g.k = k;
    g.approximate = true;
    g.index.resize(size_t(n * k));
    g.distance.resize(size_t(n * k));
    for (int64_t begin = 0; begin < n; begin += chunk) {
        if (context) {
            context->throwIfCancelled();
            context->setProgress(0.6 + 0.4 * double(begin) / double(n), "nearest neighbours (HNSW search)");
        }
        const int64_t end = std::min(n, begin + chunk);
        at::parallel_for(begin, end, 16, [&](int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i) {
                auto found = index.searchKnn(x + i * dim, size_t(k + 1));
                std::vector<std::pair<float, int64_t>> list;
                while (!found.empty()) {
                    if (int64_t(found.top().second) != i)
                        list.emplace_back(found.top().first, int64_t(found.top().second));
                    found.pop();
                }
                std::sort(list.begin(), list.end());
                // A duplicate of i may have displaced i itself from the k + 1: keep k.
                for (int64_t j = 0; j < k; ++j) {
                    const bool have = j < int64_t(list.size());
                    g.index[size_t(i * k + j)] = have ? int32_t(list[size_t(j)].second)
                                                      : int32_t(list.empty() ? (i + 1) % n : list.back().second);
                    g.distance[size_t(i * k + j)] =
                        have ? metricDistance(list[size_t(j)].first, metric)
                             : (list.empty() ? 0.0f : metricDistance(list.back().first, metric));
                }
            }
        });
    }
    return g;
}

} // namespace

std::string metricName(Metric metric)
{
    switch (metric) {
    case Metric::Euclidean:
        return "euclidean";
    case Metric::Cosine:
        return "cosine";
    case Metric::Manhattan:
        return "manhattan";
    case Metric::Pearson:
        return "pearson";
    }
    return "euclidean";
}

bool parseMetric(const std::string &text, Metric &metric)
{
    std::string t = text;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (t == "euclidean" || t == "l2")
        metric = Metric::Euclidean;
    else if (t == "cosine")
        metric = Metric::Cosine;
    else if (t == "manhattan" || t == "l1" || t == "cityblock")
        metric = Metric::Manhattan;
    else if (t == "pearson" || t == "correlation")
        metric = Metric::Pearson;
    else
        return false;
    return true;
}

NeighbourGraph nearestNeighbours(const Matrix &data, int64_t k, Metric metric, NeighbourSearch search, uint64_t seed,
                                 JobContext *context)
{
    if (data.rows < 2 || data.cols < 1)
        throw Error("a neighbour search needs at least two rows of at least one column");
    if (k < 1 || k >= data.rows)
        throw Error("the number of neighbours must be between 1 and " + std::to_string(data.rows - 1) +
                    " (rows - 1), not " + std::to_string(k));
    detail::checkFinite(data, "the data");
    if (search == NeighbourSearch::Hnsw && metric == Metric::Manhattan)
        throw Error(
            "HNSW search here covers Euclidean, cosine and Pearson distances; Manhattan needs the exact search");
    const bool approximate = search == NeighbourSearch::Hnsw ||
                             (search == NeighbourSearch::Auto && metric != Metric::Manhattan && data.rows > 20000);
    NeighbourGraph g = approximate ? hnswGraph(data, k, metric, seed, context) : exactGraph(data, k, metric, context);
    if (context)
        context->setProgress(1.0, "nearest neighbours found");
    return g;
}

std::vector<Neighbour> nearestTo(const Matrix &data, const std::vector<float> &query, int64_t k, Metric metric,
                                 const std::vector<int64_t> &exclude)
{
    if (int64_t(query.size()) != data.cols)
        throw Error("the query has " + std::to_string(query.size()) + " values, the rows " + std::to_string(data.cols));
    if (data.rows < 1)
        throw Error("there are no rows to search");
    torch::NoGradGuard noGrad;
    torch::Tensor x = tensorOf(data);
    torch::Tensor q = torch::from_blob(const_cast<float *>(query.data()), {1, data.cols}, torch::kFloat32);
    torch::Tensor distance, similarity;
    switch (metric) {
    case Metric::Euclidean:
        distance = (x - q).pow(2).sum(1).sqrt();
        similarity = -distance;
        break;
    case Metric::Manhattan:
        distance = (x - q).abs().sum(1);
        similarity = -distance;
        break;
    case Metric::Cosine:
    case Metric::Pearson:
        similarity = normalisedRows(x, metric).matmul(normalisedRows(q, metric).t()).squeeze(1);
        distance = 1.0f - similarity;
        break;
    }
    distance = distance.to(torch::kFloat64).contiguous();
    similarity = similarity.to(torch::kFloat64).contiguous();
    const std::unordered_set<int64_t> skip(exclude.begin(), exclude.end());
    std::vector<int64_t> order(static_cast<size_t>(data.rows));
    std::iota(order.begin(), order.end(), int64_t(0));
    const double *pd = distance.data_ptr<double>(), *ps = similarity.data_ptr<double>();
    order.erase(std::remove_if(order.begin(), order.end(),
                               [&](int64_t r) { return skip.count(r) > 0 || !std::isfinite(pd[r]); }),
                order.end());
    const size_t keep = std::min(order.size(), size_t(std::max<int64_t>(k, 0)));
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(keep), order.end(),
                      [&](int64_t a, int64_t b) { return pd[a] != pd[b] ? pd[a] < pd[b] : a < b; });
    std::vector<Neighbour> result;
    for (size_t i = 0; i < keep; ++i)
        result.push_back({order[i], pd[order[i]], ps[order[i]]});
    return result;
}

std::vector<float> analogyVector(const Matrix &data, int64_t a, int64_t b, int64_t c, bool normalise)
{
    for (int64_t r : {a, b, c})
        if (r < 0 || r >= data.rows)
            throw Error("row " + std::to_string(r) + " is outside the " + std::to_string(data.rows) + " rows");
    std::vector<float> out(static_cast<size_t>(data.cols), 0.0f);
    const auto add = [&](int64_t row, double sign) {
        double norm = 0.0;
        for (int64_t j = 0; j < data.cols; ++j)
            norm += double(data.at(row, j)) * double(data.at(row, j));
        const double scale = normalise && norm > 0.0 ? 1.0 / std::sqrt(norm) : 1.0;
        for (int64_t j = 0; j < data.cols; ++j)
            out[size_t(j)] += float(sign * scale * double(data.at(row, j)));
    };
    add(a, 1.0);
    add(b, -1.0);
    add(c, 1.0);
    return out;
}

} // namespace tessera::projection
