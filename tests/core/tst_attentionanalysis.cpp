// Attention analyses against hand calculations and the study notes' lazy/active queries.

#include "tessera/core/AttentionAnalysis.h"
#include "tessera/core/Error.h"

#include <QtTest>

#include <cmath>

using namespace tessera;

class TestAttentionAnalysis : public QObject {
    Q_OBJECT
private slots:
    void halfStorageKeepsWeightsWithinItsRoundoff()
    {
        // float16 has a 10-bit mantissa: powers of two are exact, anything in [6.1e-5, 1] is
        // within 2^-11 relative; below, within 2^-25 absolute (subnormals).
        FloatTensor weights{{1, 2, 3, 3}, {}};
        for (int i = 0; i < 18; ++i)
            weights.values.push_back(i % 3 == 0 ? 0.5f : float(1.0 / (3.0 + i * i)));
        weights.values[1] = 1.0f;
        weights.values[2] = 1e-6f;
        const HalfTensor half = HalfTensor::fromFloat(weights);
        QCOMPARE(half.shape, weights.shape);
        QCOMPARE(half.values.size() * sizeof(uint16_t), weights.values.size() * sizeof(float) / 2);
        const FloatTensor back = half.toFloat();
        QCOMPARE(back.values[0], 0.5f);
        QCOMPARE(back.values[1], 1.0f);
        for (size_t i = 0; i < back.values.size(); ++i)
            QVERIFY2(std::abs(back.values[i] - weights.values[i]) <=
                         std::ldexp(1.0, -11) * weights.values[i] + std::ldexp(1.0, -25),
                     qPrintable(QString::number(i)));
        float one[3];
        half.decode(15, 3, one);
        QCOMPARE(one[2], back.values[17]);
        QVERIFY_THROWS_EXCEPTION(Error, half.decode(16, 3, one));
    }

    void headsMeanAndMax()
    {
        // [1 batch, 2 heads, 2, 2]
        FloatTensor layer{{1, 2, 2, 2}, {1, 0, 0.5f, 0.5f, 0, 1, 0.25f, 0.75f}};
        const Matrix h1 = attention::head(layer, 1);
        QCOMPARE(h1.values, (std::vector<float>{0, 1, 0.25f, 0.75f}));
        QCOMPARE(attention::meanOverHeads(layer).values, (std::vector<float>{0.5f, 0.5f, 0.375f, 0.625f}));
        QCOMPARE(attention::maxOverHeads(layer).values, (std::vector<float>{1, 1, 0.5f, 0.75f}));
        QVERIFY_THROWS_EXCEPTION(Error, attention::head(layer, 2));
        QVERIFY_THROWS_EXCEPTION(Error, attention::head(layer, 0, 1));
    }

    void lazyAndActiveQueries()
    {
        // The notes' Informer example (003:413-480): a lazy query spreads evenly
        // ([0.02 0.02 ...] over 50 keys), an active one is peaked ([0.60 0.20 0.10 0.05 ...]).
        Matrix m(2, 50);
        for (int k = 0; k < 50; ++k) {
            m.at(0, k) = 0.02f;
            m.at(1, k) = 0.05f / 46;
        }
        m.at(1, 0) = 0.60f;
        m.at(1, 1) = 0.20f;
        m.at(1, 2) = 0.10f;
        m.at(1, 3) = 0.05f;
        const std::vector<double> distance = attention::distanceFromUniform(m);
        QVERIFY(std::abs(distance[0]) < 1e-6);
        // By hand: -ln 50 - (ln .6 + ln .2 + ln .1 + ln .05 + 46 ln(.05/46)) / 50.
        const double expected =
            -std::log(50.0) -
            (std::log(0.6) + std::log(0.2) + std::log(0.1) + std::log(0.05) + 46 * std::log(0.05 / 46)) / 50.0;
        QVERIFY(std::abs(distance[1] - expected) < 1e-4);
        QCOMPARE(attention::topIndices(distance, 1), (std::vector<int64_t>{1}));
        const std::vector<double> entropy = attention::queryEntropy(m);
        QVERIFY(std::abs(entropy[0] - std::log(50.0)) < 1e-5);
        QVERIFY(entropy[1] < entropy[0]);
    }

    void paddedKeysAreLeftOut()
    {
        Matrix m(1, 4);
        m.values = {0.5f, 0.5f, 0.0f, 0.0f};
        QVERIFY(std::isinf(attention::distanceFromUniform(m)[0]));
        QVERIFY(std::abs(attention::distanceFromUniform(m, {1, 1, 0, 0})[0]) < 1e-9);
        QVERIFY(std::abs(attention::queryEntropy(m, {1, 1, 0, 0})[0] - std::log(2.0)) < 1e-9);
    }

    void differences()
    {
        Matrix a(1, 2), b(1, 2), c(2, 2);
        a.values = {0.75f, 0.25f};
        b.values = {0.5f, 0.5f};
        QCOMPARE(attention::difference(a, b).values, (std::vector<float>{0.25f, -0.25f}));
        QVERIFY_THROWS_EXCEPTION(Error, attention::difference(a, c));
    }
};

QTEST_GUILESS_MAIN(TestAttentionAnalysis)
#include "tst_attentionanalysis.moc"
