// PCA and the layout quality measures against hand calculations: points on a line, a known
// covariance, rank-2 data through the randomized solver, and trustworthiness / neighbour
// preservation of a small layout worked out by hand.

#include "tessera/core/Error.h"
#include "tessera/core/Projection.h"

#include <QtTest>

#include <cmath>

using namespace tessera;
using namespace tessera::projection;

namespace {
Matrix rowsOf(std::initializer_list<std::initializer_list<float>> rows)
{
    Matrix m(int64_t(rows.size()), int64_t(rows.begin()->size()));
    size_t i = 0;
    for (const auto &row : rows)
        for (float v : row)
            m.values[i++] = v;
    return m;
}
} // namespace

class TestProjection : public QObject {
    Q_OBJECT
private slots:
    void pcaOfPointsOnALine()
    {
        // (t, 2t) for t = -1, 0, 1, 3: one axis (1, 2) / sqrt 5; coordinates (t - 0.75) sqrt 5, the
        // largest (t = 3) positive; variance 8.75 x 5 / 3.
        const PcaResult r = pca(rowsOf({{-1, -2}, {0, 0}, {1, 2}, {3, 6}}), 2);
        QVERIFY(std::abs(r.components.at(0, 0) - 1 / std::sqrt(5.0)) < 1e-6);
        QVERIFY(std::abs(r.components.at(0, 1) - 2 / std::sqrt(5.0)) < 1e-6);
        QVERIFY(std::abs(r.coordinates.at(3, 0) - 2.25 * std::sqrt(5.0)) < 1e-5);
        QVERIFY(std::abs(r.explainedVariance[0] - 8.75 * 5 / 3) < 1e-9);
        QVERIFY(std::abs(r.explainedRatio[0] - 1.0) < 1e-12);
        QVERIFY(std::abs(r.explainedVariance[1]) < 1e-9);
        QCOMPARE(r.mean, (std::vector<float>{0.75f, 1.5f}));
        QVERIFY(!r.randomized);
    }

    void pcaOfAKnownCovariance()
    {
        // (+-1, 0), (0, +-2): covariance diag(2/3, 8/3): the y axis first, 80% of the variance.
        const PcaResult r = pca(rowsOf({{1, 0}, {-1, 0}, {0, 2}, {0, -2}}), 2);
        QVERIFY(std::abs(std::abs(r.components.at(0, 1)) - 1.0) < 1e-6);
        QVERIFY(std::abs(r.explainedVariance[0] - 8.0 / 3.0) < 1e-9);
        QVERIFY(std::abs(r.explainedVariance[1] - 2.0 / 3.0) < 1e-9);
        QVERIFY(std::abs(r.explainedRatio[0] - 0.8) < 1e-12);
    }

    void randomizedPcaOfRankTwoData()
    {
        // 5000 columns (past the exact solver): x_i = a_i e_0 + b_i e_1 with a = (-3, -1, 0, 4, 0, 0),
        // b = (0, 0, 0, 0, 2, -2): variances 26 / 5 = 5.2 and 8 / 5 = 1.6, nothing else.
        const float a[6] = {-3, -1, 0, 4, 0, 0}, b[6] = {0, 0, 0, 0, 2, -2};
        Matrix data(6, 5000);
        for (int i = 0; i < 6; ++i) {
            data.at(i, 0) = a[i];
            data.at(i, 1) = b[i];
        }
        const PcaResult r = pca(data, 3, 7);
        QVERIFY(r.randomized);
        QVERIFY(std::abs(r.explainedVariance[0] - 5.2) < 1e-6);
        QVERIFY(std::abs(r.explainedVariance[1] - 1.6) < 1e-6);
        QVERIFY(std::abs(r.explainedVariance[2]) < 1e-6);
        QVERIFY(std::abs(r.explainedRatio[0] + r.explainedRatio[1] - 1.0) < 1e-9);
        QVERIFY(std::abs(r.coordinates.at(3, 0) - 4.0f) < 1e-4); // the largest coordinate, positive
    }

    void qualityOfASmallLayoutByHand()
    {
        // High: 0, 1, 3, 7, 15 (every distance from a point distinct). Low: 15, 7, 3, 1, 0.
        // k = 1: nearest in low p0->p1, p1->p2, p2->p3, p3->p4, p4->p3; their ranks in high 1, 2,
        // 3, 4, 1, so the penalty is 0 + 1 + 2 + 3 + 0 = 6 and T = 1 - 2 / (5 (10 - 3 - 1)) 6 = 0.6.
        // Nearest neighbours kept: p0 (p1) and p4 (p3): 2 of 5.
        const Matrix high = rowsOf({{0}, {1}, {3}, {7}, {15}}), low = rowsOf({{15}, {7}, {3}, {1}, {0}});
        QVERIFY(std::abs(trustworthiness(high, low, 1) - 0.6) < 1e-12);
        QVERIFY(std::abs(neighbourPreservation(high, low, 1) - 0.4) < 1e-12);
        QCOMPARE(trustworthiness(high, high, 2), 1.0);
        QCOMPARE(neighbourPreservation(high, high, 2), 1.0);
        // A sample of all the queries is the whole.
        QVERIFY(std::abs(trustworthiness(high, low, 1, 5, 3) - 0.6) < 1e-12);
    }

    void badInputIsRefused()
    {
        const Matrix m = rowsOf({{0, 1}, {1, 0}, {2, 2}});
        QVERIFY_THROWS_EXCEPTION(Error, pca(m, 3));
        QVERIFY_THROWS_EXCEPTION(Error, pca(rowsOf({{1, 2}}), 1));
        Matrix nan = m;
        nan.values[2] = NAN;
        QVERIFY_THROWS_EXCEPTION(Error, pca(nan, 1));
        QVERIFY_THROWS_EXCEPTION(Error, trustworthiness(m, m, 2));                   // k >= N / 2
        QVERIFY_THROWS_EXCEPTION(Error, trustworthiness(m, rowsOf({{1}, {2}}), 1)); // rows differ
    }
};

QTEST_APPLESS_MAIN(TestProjection)
#include "tst_projection.moc"
