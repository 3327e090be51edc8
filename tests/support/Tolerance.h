#pragma once
// The one way the suites compare numbers with a reference: |actual - reference| <= atol +
// rtol |reference| (numpy.allclose, torch.allclose), with the tolerances the fixtures were made
// for (../shared/fixtures/README.md). Header-only; Qt Test macros; any test thread.

#include "tessera/core/Model.h"

#include <QString>
#include <QtTest>

#include <cmath>
#include <cstddef>
#include <limits>

namespace tessera::test {

struct Tolerance {
    double atol = 0.0;
    double rtol = 0.0;

    // How far beyond the tolerance actual is (<= 0: within it).
    double excess(double actual, double reference) const
    {
        return std::abs(actual - reference) - (atol + rtol * std::abs(reference));
    }
    bool close(double actual, double reference) const { return excess(actual, reference) <= 0.0; }
};

// Hugging Face transformers fixtures (BERT, GPT-2, ViT, ...).
inline constexpr Tolerance kTransformers{2e-4, 1e-3};
// diffusers and DETR fixtures (longer chains of convolutions).
inline constexpr Tolerance kDiffusers{5e-4, 2e-3};

// The element furthest beyond the tolerance.
struct Worst {
    bool sameShape = true;
    double excess = -std::numeric_limits<double>::infinity();
    size_t index = 0;
    double actual = 0.0, reference = 0.0;

    bool within() const { return sameShape && excess <= 0.0; }
    QString describe(const QString &name) const
    {
        if (!sameShape)
            return name + ": shapes differ";
        return QString("%1: element %2 is %3, reference %4 (beyond the tolerance by %5)")
            .arg(name)
            .arg(index)
            .arg(actual)
            .arg(reference)
            .arg(excess);
    }
};

inline Worst worstOf(const FloatTensor &actual, const FloatTensor &reference, Tolerance tolerance)
{
    Worst worst;
    if (actual.shape != reference.shape || actual.values.size() != reference.values.size()) {
        worst.sameShape = false;
        return worst;
    }
    for (size_t i = 0; i < reference.values.size(); ++i) {
        const double e = tolerance.excess(actual.values[i], reference.values[i]);
        if (e > worst.excess)
            worst = {true, e, i, actual.values[i], reference.values[i]};
    }
    return worst;
}

} // namespace tessera::test

// QVERIFY that every element of actual is within tolerance of reference (a FloatTensor each);
// the message names the worst element.
#define TESSERA_VERIFY_CLOSE(actual, reference, tolerance, name)                                                       \
    do {                                                                                                               \
        const ::tessera::test::Worst worst_ = ::tessera::test::worstOf((actual), (reference), (tolerance));            \
        QVERIFY2(worst_.within(), qPrintable(worst_.describe(name)));                                                  \
    } while (false)
