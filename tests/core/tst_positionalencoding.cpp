// Sinusoidal PE, similarity, RoPE and ALiBi against the study notes, the papers and hand
// calculations.

#include "tessera/core/Error.h"
#include "tessera/core/PositionalEncoding.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace tessera;

namespace {
bool near(double actual, double expected, double absolute, double relative = 0.0)
{
    return std::abs(actual - expected) <= absolute + relative * std::abs(expected);
}
} // namespace

class TestPositionalEncoding : public QObject {
    Q_OBJECT
private slots:
    void notesWorkedExample()
    {
        // 003:214-232 and 000:215-227 of the study notes, d = 4.
        const Matrix table = pe::sinusoidalTable(3, 4);
        QCOMPARE(table.rows, 3);
        QCOMPARE(table.cols, 4);
        const double pos1[] = {0.841471, 0.540302, 0.010000, 0.999950};
        const double pos2[] = {0.909297, -0.416147, 0.019999, 0.999800};
        for (int c = 0; c < 4; ++c) {
            QVERIFY2(near(table.at(1, c), pos1[c], 1e-6),
                     qPrintable(QString("pos 1 dim %1: %2").arg(c).arg(table.at(1, c))));
            QVERIFY2(near(table.at(2, c), pos2[c], 1e-6),
                     qPrintable(QString("pos 2 dim %1: %2").arg(c).arg(table.at(2, c))));
        }
        // Position 0 is sin(0) = 0, cos(0) = 1 in every pair.
        for (int c = 0; c < 4; ++c)
            QCOMPARE(table.at(0, c), c % 2 == 0 ? 0.0f : 1.0f);
    }

    void oddWidthAndLongPositions()
    {
        // d = 5: the last dimension (index 4, i = 2) is a sine of pos / 10000^(4/5).
        const Matrix table = pe::sinusoidalTable(2049, 5);
        QVERIFY(near(table.at(7, 4), std::sin(7 / std::pow(10000.0, 0.8)), 1e-6));
        // Far positions stay exact: sin(2048) computed by hand in double.
        QVERIFY(near(table.at(2048, 0), std::sin(2048.0), 1e-6));
    }

    void invalidSizesAreRefused()
    {
        QVERIFY_THROWS_EXCEPTION(Error, pe::sinusoidalTable(0, 4));
        QVERIFY_THROWS_EXCEPTION(Error, pe::sinusoidalTable(4, 0));
        QVERIFY_THROWS_EXCEPTION(Error, pe::ropeRotate({1.0f, 2.0f, 3.0f}, 1.0));
        QVERIFY_THROWS_EXCEPTION(Error, pe::alibiSlopes(0));
    }

    void similarity()
    {
        const Matrix table = pe::sinusoidalTable(50, 16);
        const Matrix cosine = pe::positionSimilarity(table, pe::Similarity::Cosine);
        const Matrix dot = pe::positionSimilarity(table, pe::Similarity::Dot);
        for (int p = 0; p < 50; ++p) {
            QVERIFY(near(cosine.at(p, p), 1.0, 1e-6));
            // sin^2 + cos^2 = 1 for each of the d/2 pairs.
            QVERIFY(near(dot.at(p, p), 8.0, 1e-5));
        }
        // PE(p) . PE(q) = sum_i cos((p - q) w_i): depends only on the offset.
        double expected = 0.0;
        for (int i = 0; i < 8; ++i)
            expected += std::cos(3.0 * std::pow(10000.0, -2.0 * i / 16));
        QVERIFY(near(dot.at(10, 13), expected, 1e-5));
        QVERIFY(near(dot.at(40, 37), expected, 1e-5));
        const std::vector<double> profile = pe::similarityProfile(cosine);
        QCOMPARE(profile.size(), size_t(50));
        QVERIFY(near(profile[0], 1.0, 1e-6));
        QVERIFY(near(profile[3], expected / 8.0, 1e-5));
        // A zero row has no direction: its cosine is NaN, not a made-up number.
        Matrix zero(2, 3);
        zero.at(1, 0) = 1.0f;
        QVERIFY(std::isnan(pe::positionSimilarity(zero, pe::Similarity::Cosine).at(0, 1)));
    }

    void ropeRotatesPairs()
    {
        // d = 2: theta_0 = 1, so position 1 rotates (1, 0) by one radian.
        const std::vector<float> rotated = pe::ropeRotate({1.0f, 0.0f}, 1.0);
        QVERIFY(near(rotated[0], std::cos(1.0), 1e-6));
        QVERIFY(near(rotated[1], std::sin(1.0), 1e-6));
        // theta_i = 10000^(-2i/d): pair 1 of d = 4 turns by pos / 100.
        const std::vector<float> second = pe::ropeRotate({0.0f, 0.0f, 0.0f, 1.0f}, 5.0);
        QVERIFY(near(second[2], -std::sin(0.05), 1e-6));
        QVERIFY(near(second[3], std::cos(0.05), 1e-6));
    }

    void ropeScoreDependsOnlyOnOffset()
    {
        std::mt19937 generator(7);
        std::normal_distribution<float> normal;
        std::vector<float> q(32), k(32);
        for (float &v : q)
            v = normal(generator);
        for (float &v : k)
            v = normal(generator);
        const Matrix scores = pe::ropeScores(q, k, 40);
        double scale = 0.0;
        for (float v : scores.values)
            scale = std::max(scale, double(std::abs(v)));
        QVERIFY(pe::diagonalSpread(scores) < 1e-5 * scale);
        // <R_m q, R_n k> = <R_{m+s} q, R_{n+s} k> directly from rotated vectors.
        auto dot = [](const std::vector<float> &a, const std::vector<float> &b) {
            double sum = 0.0;
            for (size_t i = 0; i < a.size(); ++i)
                sum += double(a[i]) * b[i];
            return sum;
        };
        const double near3 = dot(pe::ropeRotate(q, 7), pe::ropeRotate(k, 4));
        const double far3 = dot(pe::ropeRotate(q, 1007), pe::ropeRotate(k, 1004));
        QVERIFY(near(far3, near3, 1e-3, 1e-4));
        // And the check can fail: an unrotated score matrix is not constant along diagonals.
        Matrix plain = scores;
        plain.at(5, 2) += 1.0f;
        QVERIFY(pe::diagonalSpread(plain) > 0.5);
    }

    void alibiSlopesFromThePaper()
    {
        // Press et al. 2022: 8 heads -> 1/2, 1/4, ..., 1/256.
        const std::vector<double> eight = pe::alibiSlopes(8);
        QCOMPARE(eight.size(), size_t(8));
        for (int h = 0; h < 8; ++h)
            QVERIFY(near(eight[size_t(h)], std::pow(2.0, -(h + 1)), 1e-12));
        // 12 heads: the 8-head slopes, then 2^-0.5, 2^-1.5, 2^-2.5, 2^-3.5 from the 16-head sequence.
        const std::vector<double> twelve = pe::alibiSlopes(12);
        QCOMPARE(twelve.size(), size_t(12));
        QVERIFY(near(twelve[7], 1.0 / 256, 1e-12));
        for (int i = 0; i < 4; ++i)
            QVERIFY(near(twelve[size_t(8 + i)], std::pow(2.0, -0.5 - i), 1e-12));
    }

    void alibiBias()
    {
        const Matrix causal = pe::alibiBias(0.25, 4, true);
        QVERIFY(std::isnan(causal.at(0, 1)));
        QVERIFY(std::isnan(causal.at(2, 3)));
        QCOMPARE(causal.at(3, 0), -0.75f);
        QCOMPARE(causal.at(2, 2), 0.0f);
        const Matrix both = pe::alibiBias(0.5, 4, false);
        QCOMPARE(both.at(0, 3), -1.5f);
        QCOMPARE(both.at(3, 0), -1.5f);
    }

    void cancellation()
    {
        BasicJobContext context;
        context.cancel();
        const Matrix table = pe::sinusoidalTable(64, 8);
        QVERIFY_THROWS_EXCEPTION(CancelledError, pe::positionSimilarity(table, pe::Similarity::Dot, &context));
    }
};

QTEST_GUILESS_MAIN(TestPositionalEncoding)
#include "tst_positionalencoding.moc"
