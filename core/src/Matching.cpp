#include "tessera/core/Matching.h"

#include "tessera/core/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

namespace tessera::matching {

// The solver is written here: Debian packages none for real-valued costs (dlib's
// max_cost_assignment takes integers; OR-tools and lapjv are not packaged). It is the shortest
// augmenting path method with row and column potentials as Crouse (2016, "On implementing 2D
// rectangular assignment algorithms") describes it, the method scipy uses since 1.4: for each
// row a Dijkstra search over reduced costs to the nearest free column, the potentials updated
// once per row, then the path flipped. O(n^2 m) for n <= m; a tall matrix is transposed.
Assignment linearSumAssignment(const CostMatrix &cost)
{
    if (cost.rows < 0 || cost.cols < 0 || size_t(cost.rows * cost.cols) != cost.values.size())
        throw Error("a cost matrix of " + std::to_string(cost.rows) + " x " + std::to_string(cost.cols) +
                    " needs that many values");
    if (cost.rows > 4096 || cost.cols > 4096)
        throw Error("assignment is limited to 4096 x 4096 (" + std::to_string(cost.rows) + " x " +
                    std::to_string(cost.cols) + " asked)");
    Assignment result;
    if (cost.rows == 0 || cost.cols == 0)
        return result;
    for (double v : cost.values)
        if (std::isnan(v))
            throw Error("the cost matrix holds NaN");
    const bool transpose = cost.rows > cost.cols;
    const size_t n = size_t(transpose ? cost.cols : cost.rows), m = size_t(transpose ? cost.rows : cost.cols);
    std::vector<double> transposed;
    if (transpose) {
        transposed.resize(n * m);
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < m; ++j)
                transposed[i * m + j] = cost.values[j * n + i];
    }
    const double *c = transpose ? transposed.data() : cost.values.data();
    constexpr double inf = std::numeric_limits<double>::infinity();
    std::vector<double> u(n, 0.0), v(m, 0.0), shortest(m);
    // A square matrix starts from the column minima as column potentials (a feasible dual:
    // every reduced cost stays >= 0), so that most searches end at once on a zero reduced cost.
    // A wide one starts from zero: its unassigned columns must keep v = 0 to stay optimal.
    if (n == m)
        for (size_t j = 0; j < m; ++j) {
            double least = inf;
            for (size_t i = 0; i < n; ++i)
                least = std::min(least, c[i * m + j]);
            v[j] = std::isfinite(least) ? least : 0.0;
        }
    std::vector<int64_t> path(m, -1), colOfRow(n, -1), rowOfCol(m, -1);
    std::vector<size_t> remaining(m);
    std::vector<char> rowSeen(n), colSeen(m);
    for (size_t current = 0; current < n; ++current) {
        // Dijkstra from the current row over the reduced costs, to the nearest free column.
        std::fill(shortest.begin(), shortest.end(), inf);
        std::fill(rowSeen.begin(), rowSeen.end(), 0);
        std::fill(colSeen.begin(), colSeen.end(), 0);
        for (size_t k = 0; k < m; ++k)
            remaining[k] = m - 1 - k;
        size_t left = m, i = current;
        double reach = 0.0;
        int64_t sink = -1;
        while (sink < 0) {
            rowSeen[i] = 1;
            const double *row = c + i * m;
            const double base = reach - u[i];
            double lowest = inf;
            size_t lowestAt = 0;
            bool found = false;
            for (size_t k = 0; k < left; ++k) {
                const size_t j = remaining[k];
                const double r = base + row[j] - v[j];
                double s = shortest[j];
                if (r < s) {
                    path[j] = int64_t(i);
                    shortest[j] = s = r;
                }
                // Ties go to a free column: the search ends sooner.
                if (s < lowest || (s == lowest && rowOfCol[j] < 0)) {
                    lowest = s;
                    lowestAt = k;
                    found = true;
                }
            }
            if (!found || !std::isfinite(lowest))
                throw Error("the cost matrix has no finite assignment (too many infinite costs)");
            reach = lowest;
            const size_t j = remaining[lowestAt];
            colSeen[j] = 1;
            remaining[lowestAt] = remaining[--left];
            if (rowOfCol[j] < 0)
                sink = int64_t(j);
            else
                i = size_t(rowOfCol[j]);
        }
        // Potentials, once per row.
        u[current] += reach;
        for (size_t r = 0; r < n; ++r)
            if (rowSeen[r] && r != current)
                u[r] += reach - shortest[size_t(colOfRow[r])];
        for (size_t j = 0; j < m; ++j)
            if (colSeen[j])
                v[j] -= reach - shortest[j];
        // Flip the path from the sink back to the current row.
        for (size_t j = size_t(sink);;) {
            const size_t r = size_t(path[j]);
            rowOfCol[j] = int64_t(r);
            const int64_t previous = colOfRow[r];
            colOfRow[r] = int64_t(j);
            if (r == current)
                break;
            j = size_t(previous);
        }
    }
    std::vector<std::pair<int64_t, int64_t>> pairs;
    for (size_t r = 0; r < n; ++r)
        pairs.emplace_back(transpose ? colOfRow[r] : int64_t(r), transpose ? int64_t(r) : colOfRow[r]);
    std::sort(pairs.begin(), pairs.end());
    for (const auto &[r, col] : pairs) {
        result.rows.push_back(r);
        result.cols.push_back(col);
        result.total += cost.at(r, col);
    }
    return result;
}

namespace {

void requireBoxes(const Matrix &boxes, const char *what)
{
    if (boxes.cols != 4 && boxes.rows > 0)
        throw Error(std::string(what) + " must be [n, 4], found [" + std::to_string(boxes.rows) + ", " +
                    std::to_string(boxes.cols) + "]");
}

} // namespace

Matrix centerToCorners(const Matrix &b)
{
    requireBoxes(b, "boxes");
    Matrix out(b.rows, 4);
    for (int64_t i = 0; i < b.rows; ++i) {
        const float cx = b.at(i, 0), cy = b.at(i, 1), w = b.at(i, 2), h = b.at(i, 3);
        out.at(i, 0) = cx - 0.5f * w;
        out.at(i, 1) = cy - 0.5f * h;
        out.at(i, 2) = cx + 0.5f * w;
        out.at(i, 3) = cy + 0.5f * h;
    }
    return out;
}

Matrix cornersToCenter(const Matrix &b)
{
    requireBoxes(b, "boxes");
    Matrix out(b.rows, 4);
    for (int64_t i = 0; i < b.rows; ++i) {
        out.at(i, 0) = 0.5f * (b.at(i, 0) + b.at(i, 2));
        out.at(i, 1) = 0.5f * (b.at(i, 1) + b.at(i, 3));
        out.at(i, 2) = b.at(i, 2) - b.at(i, 0);
        out.at(i, 3) = b.at(i, 3) - b.at(i, 1);
    }
    return out;
}

namespace {

// IoU and the enclosing box's area of every pair, in float32 as torchvision computes them.
template <class F> Matrix pairwise(const Matrix &a, const Matrix &b, F &&value)
{
    requireBoxes(a, "boxes");
    requireBoxes(b, "boxes");
    Matrix out(a.rows, b.rows);
    for (int64_t i = 0; i < a.rows; ++i) {
        const float areaA = (a.at(i, 2) - a.at(i, 0)) * (a.at(i, 3) - a.at(i, 1));
        for (int64_t j = 0; j < b.rows; ++j) {
            const float areaB = (b.at(j, 2) - b.at(j, 0)) * (b.at(j, 3) - b.at(j, 1));
            const float w = std::max(0.0f, std::min(a.at(i, 2), b.at(j, 2)) - std::max(a.at(i, 0), b.at(j, 0)));
            const float h = std::max(0.0f, std::min(a.at(i, 3), b.at(j, 3)) - std::max(a.at(i, 1), b.at(j, 1)));
            const float inter = w * h, uni = areaA + areaB - inter;
            const float iou = inter / uni;
            const float ew = std::max(0.0f, std::max(a.at(i, 2), b.at(j, 2)) - std::min(a.at(i, 0), b.at(j, 0)));
            const float eh = std::max(0.0f, std::max(a.at(i, 3), b.at(j, 3)) - std::min(a.at(i, 1), b.at(j, 1)));
            out.at(i, j) = value(iou, uni, ew * eh);
        }
    }
    return out;
}

} // namespace

Matrix boxIou(const Matrix &a, const Matrix &b)
{
    return pairwise(a, b, [](float iou, float, float) { return iou; });
}

Matrix generalizedBoxIou(const Matrix &a, const Matrix &b)
{
    return pairwise(a, b, [](float iou, float uni, float enclosing) { return iou - (enclosing - uni) / enclosing; });
}

Matching hungarianMatch(const Matrix &logits, const Matrix &boxes, const std::vector<int64_t> &labels,
                        const Matrix &targetBoxes, const MatcherWeights &weights)
{
    const int64_t queries = logits.rows, classes = logits.cols, t = int64_t(labels.size());
    if (boxes.rows != queries || boxes.cols != 4)
        throw Error("predicted boxes must be [" + std::to_string(queries) + ", 4] for " + std::to_string(queries) +
                    " queries");
    if (targetBoxes.rows != t || (t > 0 && targetBoxes.cols != 4))
        throw Error("target boxes must be [" + std::to_string(t) + ", 4] for " + std::to_string(t) + " labels");
    for (int64_t label : labels)
        if (label < 0 || label >= classes)
            throw Error("target label " + std::to_string(label) + " is outside the " + std::to_string(classes) +
                        " classes");
    Matching m;
    for (CostMatrix *c : {&m.total, &m.classCost, &m.boxCost, &m.giouCost}) {
        c->rows = queries;
        c->cols = t;
        c->values.assign(size_t(queries * t), 0.0);
    }
    const Matrix giou = generalizedBoxIou(centerToCorners(boxes), centerToCorners(targetBoxes));
    for (int64_t q = 0; q < queries; ++q) {
        // softmax over the classes in float32, as the matcher's logits.softmax(-1)
        float peak = -std::numeric_limits<float>::infinity();
        for (int64_t k = 0; k < classes; ++k)
            peak = std::max(peak, logits.at(q, k));
        float sum = 0.0f;
        std::vector<float> p(static_cast<size_t>(classes));
        for (int64_t k = 0; k < classes; ++k)
            sum += (p[size_t(k)] = std::exp(logits.at(q, k) - peak));
        for (int64_t j = 0; j < t; ++j) {
            const size_t index = size_t(q * t + j);
            float l1 = 0.0f;
            for (int d = 0; d < 4; ++d)
                l1 += std::abs(boxes.at(q, d) - targetBoxes.at(j, d));
            m.classCost.values[index] = -double(p[size_t(labels[size_t(j)])] / sum);
            m.boxCost.values[index] = double(l1);
            m.giouCost.values[index] = -double(giou.at(q, j));
            m.total.values[index] = weights.classWeight * m.classCost.values[index] +
                                    weights.boxWeight * m.boxCost.values[index] +
                                    weights.giouWeight * m.giouCost.values[index];
        }
    }
    const Assignment a = linearSumAssignment(m.total);
    m.predictions = a.rows;
    m.targets = a.cols;
    return m;
}

SetLoss setLoss(const Matrix &logits, const Matrix &boxes, const std::vector<int64_t> &labels,
                const Matrix &targetBoxes, const Matching &matching, double eosCoefficient,
                const MatcherWeights &weights)
{
    const int64_t queries = logits.rows, columns = logits.cols, t = int64_t(labels.size());
    if (columns < 2 || boxes.rows != queries || boxes.cols != 4 || targetBoxes.rows != t ||
        (t > 0 && targetBoxes.cols != 4))
        throw Error("the set loss needs logits [queries, classes + 1], boxes [queries, 4] and targets [n, 4]");
    if (matching.predictions.size() != matching.targets.size())
        throw Error("the matching pairs do not line up");
    // Each query's class: no-object (the last column) unless matched.
    std::vector<int64_t> target(size_t(queries), columns - 1);
    for (size_t i = 0; i < matching.predictions.size(); ++i) {
        const int64_t q = matching.predictions[i], j = matching.targets[i];
        if (q < 0 || q >= queries || j < 0 || j >= t || labels[size_t(j)] < 0 || labels[size_t(j)] >= columns - 1)
            throw Error("the matching names a query or target that does not exist");
        target[size_t(q)] = labels[size_t(j)];
    }
    SetLoss loss;
    double weightSum = 0.0;
    for (int64_t q = 0; q < queries; ++q) {
        double peak = -INFINITY;
        for (int64_t k = 0; k < columns; ++k)
            peak = std::max(peak, double(logits.at(q, k)));
        double sum = 0.0;
        for (int64_t k = 0; k < columns; ++k)
            sum += std::exp(double(logits.at(q, k)) - peak);
        const double logP = double(logits.at(q, target[size_t(q)])) - peak - std::log(sum);
        const double w = target[size_t(q)] == columns - 1 ? eosCoefficient : 1.0;
        loss.classification += -w * logP;
        weightSum += w;
    }
    loss.classification = weightSum > 0.0 ? loss.classification / weightSum : 0.0;
    const double count = std::max<double>(1.0, double(t));
    if (!matching.predictions.empty()) {
        Matrix predicted(int64_t(matching.predictions.size()), 4), matched(int64_t(matching.predictions.size()), 4);
        for (size_t i = 0; i < matching.predictions.size(); ++i)
            for (int d = 0; d < 4; ++d) {
                predicted.at(int64_t(i), d) = boxes.at(matching.predictions[i], d);
                matched.at(int64_t(i), d) = targetBoxes.at(matching.targets[i], d);
                loss.l1 += std::abs(double(predicted.at(int64_t(i), d)) - double(matched.at(int64_t(i), d)));
            }
        const Matrix giou = generalizedBoxIou(centerToCorners(predicted), centerToCorners(matched));
        for (size_t i = 0; i < matching.predictions.size(); ++i)
            loss.giou += 1.0 - double(giou.at(int64_t(i), int64_t(i)));
    }
    loss.l1 /= count;
    loss.giou /= count;
    loss.total =
        weights.classWeight * loss.classification + weights.boxWeight * loss.l1 + weights.giouWeight * loss.giou;
    return loss;
}

} // namespace tessera::matching
