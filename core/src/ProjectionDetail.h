#pragma once
// Pieces the projection sources share (Projection.cpp, Neighbours.cpp, Tsne.cpp, Umap.cpp).
// Internal to core: includes LibTorch.

#include "tessera/core/Error.h"
#include "tessera/core/Matrix.h"
#include "tessera/core/Projection.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace tessera::projection::detail {

// A view of the matrix as a [rows, cols] float32 tensor (no copy; the matrix must outlive it).
inline torch::Tensor tensorOf(const Matrix &m)
{
    return torch::from_blob(const_cast<float *>(m.values.data()), {m.rows, m.cols}, torch::kFloat32);
}

inline void checkFinite(const Matrix &m, const char *what)
{
    for (float v : m.values)
        if (!std::isfinite(v))
            throw Error(std::string(what) + " holds NaN or infinite values");
}

// A square sparse matrix in compressed rows.
template <class Value> struct SparseRows {
    std::vector<int64_t> rowStart; // [N + 1]
    std::vector<int32_t> column;
    std::vector<Value> value;
};

// The symmetric matrix made of a k-NN graph's directed entries v(i, j) (values [N, k], as the
// graph's index) and their transposes: entry (i, j) is v(i, j), v(j, i), or combine(v(i, j),
// v(j, i)) when both exist. Columns ascend within each row.
template <class Value, class Combine>
SparseRows<Value> symmetricRows(const NeighbourGraph &graph, const std::vector<Value> &values, Combine combine)
{
    const int64_t n = graph.n, k = graph.k;
    std::vector<int64_t> count(static_cast<size_t>(n) + 1, 0);
    for (int64_t e = 0; e < n * k; ++e) {
        ++count[size_t(e / k) + 1];
        ++count[size_t(graph.index[size_t(e)]) + 1];
    }
    std::partial_sum(count.begin(), count.end(), count.begin());
    std::vector<std::pair<int32_t, Value>> entries(static_cast<size_t>(count.back()));
    std::vector<int64_t> fill(count.begin(), count.end() - 1);
    for (int64_t e = 0; e < n * k; ++e) {
        const int64_t i = e / k;
        const int32_t j = graph.index[size_t(e)];
        entries[size_t(fill[size_t(i)]++)] = {j, values[size_t(e)]};
        entries[size_t(fill[size_t(j)]++)] = {int32_t(i), values[size_t(e)]};
    }
    SparseRows<Value> rows;
    rows.rowStart.assign(size_t(n) + 1, 0);
    rows.column.reserve(entries.size());
    rows.value.reserve(entries.size());
    for (int64_t i = 0; i < n; ++i) {
        auto first = entries.begin() + std::ptrdiff_t(count[size_t(i)]),
             last = entries.begin() + std::ptrdiff_t(count[size_t(i) + 1]);
        std::sort(first, last, [](const auto &a, const auto &b) { return a.first < b.first; });
        for (auto it = first; it != last; ++it) {
            // A column seen twice in a row is (i, j) and the transpose of (j, i).
            if (int64_t(rows.column.size()) > rows.rowStart[size_t(i)] && rows.column.back() == it->first)
                rows.value.back() = combine(rows.value.back(), it->second);
            else {
                rows.column.push_back(it->first);
                rows.value.push_back(it->second);
            }
        }
        rows.rowStart[size_t(i) + 1] = int64_t(rows.column.size());
    }
    return rows;
}

} // namespace tessera::projection::detail
