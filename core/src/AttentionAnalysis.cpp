#include "tessera/core/AttentionAnalysis.h"

#include "tessera/core/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace tessera::attention {
namespace {

// Validates the layer and returns its heads, queries and keys (equal for self-attention; a
// cross-attention's target x source differ) and where batch item batchIndex starts.
void dimensions(const FloatTensor &layer, int64_t batchIndex, int64_t &heads, int64_t &queries, int64_t &keys,
                size_t &offset)
{
    std::vector<int64_t> shape = layer.shape;
    int64_t batch = 1;
    if (shape.size() == 4) {
        batch = shape[0];
        shape.erase(shape.begin());
    }
    if (shape.size() != 3)
        throw Error("attention must be [batch, heads, queries, keys] or [heads, queries, keys], found " +
                    shapeToString(layer.shape));
    if (batchIndex < 0 || batchIndex >= batch)
        throw Error("batch item " + std::to_string(batchIndex) + " does not exist (batch of " + std::to_string(batch) +
                    ")");
    heads = shape[0];
    queries = shape[1];
    keys = shape[2];
    offset = size_t(batchIndex * heads * queries * keys);
}

bool valid(const std::vector<int64_t> &validKeys, size_t k)
{
    return validKeys.empty() || (k < validKeys.size() && validKeys[k]);
}

} // namespace

Matrix head(const FloatTensor &layer, int64_t h, int64_t batchIndex)
{
    int64_t heads = 0, queries = 0, keys = 0;
    size_t offset = 0;
    dimensions(layer, batchIndex, heads, queries, keys, offset);
    if (h < 0 || h >= heads)
        throw Error("head " + std::to_string(h) + " does not exist (" + std::to_string(heads) + " heads)");
    Matrix m(queries, keys);
    std::copy_n(layer.values.begin() + long(offset + size_t(h * queries * keys)), size_t(queries * keys),
                m.values.begin());
    return m;
}

Matrix meanOverHeads(const FloatTensor &layer, int64_t batchIndex)
{
    int64_t heads = 0, queries = 0, keys = 0;
    size_t offset = 0;
    dimensions(layer, batchIndex, heads, queries, keys, offset);
    const int64_t cells = queries * keys;
    Matrix m(queries, keys);
    for (int64_t h = 0; h < heads; ++h)
        for (int64_t i = 0; i < cells; ++i)
            m.values[size_t(i)] += layer.values[offset + size_t(h * cells + i)] / float(heads);
    return m;
}

Matrix maxOverHeads(const FloatTensor &layer, int64_t batchIndex)
{
    int64_t heads = 0, queries = 0, keys = 0;
    size_t offset = 0;
    dimensions(layer, batchIndex, heads, queries, keys, offset);
    const int64_t cells = queries * keys;
    Matrix m(queries, keys, -std::numeric_limits<float>::infinity());
    for (int64_t h = 0; h < heads; ++h)
        for (int64_t i = 0; i < cells; ++i)
            m.values[size_t(i)] = std::max(m.values[size_t(i)], layer.values[offset + size_t(h * cells + i)]);
    return m;
}

std::vector<double> queryEntropy(const Matrix &attention, const std::vector<int64_t> &validKeys)
{
    std::vector<double> entropy(size_t(attention.rows), 0.0);
    for (int64_t q = 0; q < attention.rows; ++q) {
        double sum = 0.0;
        for (int64_t k = 0; k < attention.cols; ++k) {
            const double p = attention.at(q, k);
            if (valid(validKeys, size_t(k)) && p > 0.0)
                sum -= p * std::log(p);
        }
        entropy[size_t(q)] = sum;
    }
    return entropy;
}

std::vector<double> distanceFromUniform(const Matrix &attention, const std::vector<int64_t> &validKeys)
{
    std::vector<double> distance(size_t(attention.rows), 0.0);
    for (int64_t q = 0; q < attention.rows; ++q) {
        double logSum = 0.0;
        int64_t count = 0;
        for (int64_t k = 0; k < attention.cols; ++k) {
            if (!valid(validKeys, size_t(k)))
                continue;
            const double p = attention.at(q, k);
            logSum += p > 0.0 ? std::log(p) : -std::numeric_limits<double>::infinity();
            ++count;
        }
        distance[size_t(q)] = count ? -std::log(double(count)) - logSum / double(count) : 0.0;
    }
    return distance;
}

std::vector<int64_t> topIndices(const std::vector<double> &values, int64_t u)
{
    std::vector<int64_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return values[size_t(a)] > values[size_t(b)]; });
    order.resize(size_t(std::clamp<int64_t>(u, 0, int64_t(order.size()))));
    return order;
}

Matrix difference(const Matrix &a, const Matrix &b)
{
    if (a.rows != b.rows || a.cols != b.cols)
        throw Error("cannot subtract a " + std::to_string(a.rows) + "x" + std::to_string(a.cols) + " map from a " +
                    std::to_string(b.rows) + "x" + std::to_string(b.cols) +
                    " one: the inputs have different token counts");
    Matrix d(a.rows, a.cols);
    for (size_t i = 0; i < a.values.size(); ++i)
        d.values[i] = a.values[i] - b.values[i];
    return d;
}

} // namespace tessera::attention
