// DETR's matching against fixtures/reference/matching (scipy.optimize.linear_sum_assignment,
// torchvision's box ops, DETR's HungarianMatcher with costs 1/5/2), plus hand cases: a 3 x 3
// assignment worked on paper, ties, infinite and NaN costs, boxes.

#include "tessera/core/Error.h"
#include "tessera/core/Matching.h"
#include "tessera/core/Safetensors.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace tessera;
using namespace tessera::matching;

namespace {

const std::string kMatching = TESSERA_TEST_DATA "/reference/matching/expected.safetensors";

CostMatrix costOf(const SafetensorsFile &file, const std::string &key)
{
    const TensorInfo &info = file.info(key);
    CostMatrix c;
    c.rows = info.shape[0];
    c.cols = info.shape[1];
    c.values.resize(size_t(c.rows * c.cols));
    std::memcpy(c.values.data(), file.rawData(key), c.values.size() * sizeof(double)); // F64, exact
    return c;
}

double scalar64(const SafetensorsFile &file, const std::string &key)
{
    double v = 0.0;
    std::memcpy(&v, file.rawData(key), sizeof v);
    return v;
}

Matrix matrixOf(const FloatTensor &t)
{
    Matrix m(t.shape[0], t.shape[1]);
    m.values = t.values;
    return m;
}

} // namespace

class TestMatching : public QObject {
    Q_OBJECT
private slots:
    // scipy's totals for square, tall, wide and 1 x 7 matrices; with ties another optimal index
    // set is allowed, so the totals are compared and the pairs checked for validity.
    void assignmentMatchesScipy()
    {
        const SafetensorsFile file(kMatching);
        for (const char *shape : {"5x5", "10x3", "3x10", "100x100", "100x20", "1x7"}) {
            const std::string p = std::string("lsa.") + shape;
            const CostMatrix cost = costOf(file, p + ".cost");
            const Assignment a = linearSumAssignment(cost);
            const double expected = scalar64(file, p + ".total");
            QVERIFY2(std::abs(a.total - expected) <= 1e-9 * (1.0 + std::abs(expected)),
                     qPrintable(
                         QString("%1: %2 vs scipy %3").arg(shape).arg(a.total, 0, 'g', 17).arg(expected, 0, 'g', 17)));
            QCOMPARE(a.rows.size(), size_t(std::min(cost.rows, cost.cols)));
            QVERIFY(std::is_sorted(a.rows.begin(), a.rows.end()));
            std::vector<char> usedCols(size_t(cost.cols));
            for (size_t k = 0; k < a.cols.size(); ++k) {
                QVERIFY(!usedCols[size_t(a.cols[k])]);
                usedCols[size_t(a.cols[k])] = 1;
            }
            if (std::string(shape) == "5x5") // no ties there: the same pairs as scipy
                QCOMPARE(a.cols, file.readInt64(p + ".cols"));
        }
    }

    // By hand: [[4, 1, 3], [2, 0, 5], [3, 2, 2]]. The six permutations (column of row 0, 1, 2):
    // 012: 4+0+2 = 6, 021: 4+5+2 = 11, 102: 1+2+2 = 5, 120: 1+5+3 = 9, 201: 3+2+2 = 7,
    // 210: 3+0+3 = 6; the optimum is 102 with 5.
    void handWorkedExample()
    {
        const Assignment a = linearSumAssignment({3, 3, {4, 1, 3, 2, 0, 5, 3, 2, 2}});
        QCOMPARE(a.rows, (std::vector<int64_t>{0, 1, 2}));
        QCOMPARE(a.cols, (std::vector<int64_t>{1, 0, 2}));
        QCOMPARE(a.total, 5.0);
        // Infinite costs forbid pairs; NaN and impossible matrices are refused.
        const double inf = std::numeric_limits<double>::infinity();
        const Assignment forced = linearSumAssignment({2, 2, {inf, 1, 1, inf}});
        QCOMPARE(forced.cols, (std::vector<int64_t>{1, 0}));
        QVERIFY_THROWS_EXCEPTION(Error, linearSumAssignment({2, 2, {inf, inf, 1, inf}}));
        QVERIFY_THROWS_EXCEPTION(Error, linearSumAssignment({2, 2, {std::nan(""), 1, 1, 1}}));
        QVERIFY_THROWS_EXCEPTION(Error, linearSumAssignment({2, 2, {1, 2, 3}}));
        QVERIFY(linearSumAssignment({0, 5, {}}).rows.empty());
    }

    // Against every permutation of random 6 x 6 and 4 x 7 matrices (brute force).
    void bruteForce()
    {
        std::mt19937_64 random(7);
        std::uniform_real_distribution<double> uniform(-3.0, 10.0);
        for (int trial = 0; trial < 40; ++trial) {
            const int64_t rows = trial % 2 ? 4 : 6, cols = trial % 2 ? 7 : 6;
            CostMatrix c{rows, cols, std::vector<double>(size_t(rows * cols))};
            for (double &v : c.values)
                v = std::round(uniform(random) * 4.0) / 4.0; // quarter steps: ties happen
            std::vector<int64_t> perm(static_cast<size_t>(cols));
            std::iota(perm.begin(), perm.end(), 0);
            double best = std::numeric_limits<double>::infinity();
            do {
                double sum = 0.0;
                for (int64_t r = 0; r < rows; ++r)
                    sum += c.at(r, perm[size_t(r)]);
                best = std::min(best, sum);
            } while (std::next_permutation(perm.begin(), perm.end()));
            QCOMPARE(linearSumAssignment(c).total, best);
        }
    }

    void boxesMatchTorchvision()
    {
        const SafetensorsFile file(kMatching);
        const Matrix a = matrixOf(file.readFloat("giou.boxes1_cxcywh")),
                     b = matrixOf(file.readFloat("giou.boxes2_cxcywh"));
        const Matrix ax = centerToCorners(a), bx = centerToCorners(b);
        auto close = [](const Matrix &x, const FloatTensor &y, double tolerance) {
            for (size_t i = 0; i < y.values.size(); ++i)
                if (std::abs(x.values[i] - y.values[i]) > tolerance)
                    return false;
            return x.values.size() == y.values.size();
        };
        QVERIFY(close(ax, file.readFloat("giou.boxes1_xyxy"), 1e-6));
        QVERIFY(close(cornersToCenter(ax), file.readFloat("giou.boxes1_cxcywh"), 1e-6));
        QVERIFY(close(boxIou(ax, bx), file.readFloat("giou.iou"), 1e-6));
        QVERIFY(close(generalizedBoxIou(ax, bx), file.readFloat("giou.giou"), 1e-6));
        // By hand: unit squares overlapping by half: IoU 1/3; side by side with a gap of 1: GIoU
        // 0 - (3 - 2) / 3 = -1/3.
        Matrix u(1, 4), v(1, 4), w(1, 4);
        u.values = {0, 0, 1, 1};
        v.values = {0.5f, 0, 1.5f, 1};
        w.values = {2, 0, 3, 1};
        QVERIFY(std::abs(boxIou(u, v).at(0, 0) - 1.0 / 3.0) < 1e-6);
        QVERIFY(std::abs(generalizedBoxIou(u, w).at(0, 0) + 1.0 / 3.0) < 1e-6);
    }

    void matcherMatchesDetr()
    {
        const SafetensorsFile file(kMatching);
        const FloatTensor logits = file.readFloat("matcher.logits"), boxes = file.readFloat("matcher.pred_boxes");
        const int64_t queries = logits.shape[1], classes = logits.shape[2];
        for (int image = 0; image < 2; ++image) {
            Matrix l(queries, classes), b(queries, 4);
            std::copy_n(logits.values.begin() + image * queries * classes, queries * classes, l.values.begin());
            std::copy_n(boxes.values.begin() + image * queries * 4, queries * 4, b.values.begin());
            const std::string p = "matcher." + std::to_string(image) + ".";
            const Matching m =
                hungarianMatch(l, b, file.readInt64(p + "tgt_labels"), matrixOf(file.readFloat(p + "tgt_boxes")));
            QCOMPARE(m.predictions, file.readInt64(p + "pred_idx"));
            QCOMPARE(m.targets, file.readInt64(p + "tgt_idx"));
            // The parts add up with the weights 1 / 5 / 2.
            for (size_t k = 0; k < m.total.values.size(); ++k)
                QVERIFY(std::abs(m.total.values[k] - (m.classCost.values[k] + 5.0 * m.boxCost.values[k] +
                                                      2.0 * m.giouCost.values[k])) < 1e-12);
        }
        Matrix l(2, 3), b(2, 4), t(1, 4);
        QVERIFY_THROWS_EXCEPTION(Error, hungarianMatch(l, b, {3}, t)); // label outside the classes
        QVERIFY_THROWS_EXCEPTION(Error, hungarianMatch(l, Matrix(3, 4), {0}, t));
    }

    void setLossByHand()
    {
        // One class + no-object. Query 0 (matched, logits [ln 3, 0]: p(class) = 3/4) with box
        // (0.5, 0.5, 0.2, 0.2) against the target (0.5, 0.5, 0.4, 0.2); query 1 unmatched with
        // logits [0, 0] (p(no-object) = 1/2) weighted 0.1. Classification (ln(4/3) + 0.1 ln 2) / 1.1;
        // L1 0.2; IoU 0.04 / 0.08 = 0.5 with the target as enclosing box, so GIoU loss 0.5.
        Matrix logits(2, 2), boxes(2, 4), target(1, 4);
        logits.at(0, 0) = float(std::log(3.0));
        const float predicted[8] = {0.5f, 0.5f, 0.2f, 0.2f, 0.1f, 0.1f, 0.1f, 0.1f},
                    truth[4] = {0.5f, 0.5f, 0.4f, 0.2f};
        std::copy(predicted, predicted + 8, boxes.values.begin());
        std::copy(truth, truth + 4, target.values.begin());
        matching::Matching m;
        m.predictions = {0};
        m.targets = {0};
        const matching::SetLoss loss = matching::setLoss(logits, boxes, {0}, target, m);
        QVERIFY(std::abs(loss.classification - (std::log(4.0 / 3.0) + 0.1 * std::log(2.0)) / 1.1) < 1e-6);
        QVERIFY(std::abs(loss.l1 - 0.2) < 1e-6);
        QVERIFY(std::abs(loss.giou - 0.5) < 1e-6);
        QVERIFY(std::abs(loss.total - (loss.classification + 5 * loss.l1 + 2 * loss.giou)) < 1e-12);
    }
};

QTEST_GUILESS_MAIN(TestMatching)
#include "tst_matching.moc"
