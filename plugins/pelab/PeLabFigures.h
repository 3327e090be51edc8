#pragma once
// The positional-encoding lab's curves, built from a computed PeResult (PeLabComputation.h) for
// the line plots of PeLabPanel. Plain functions; GUI thread (they build Qt values).

#include "PeLabComputation.h"

#include "tessera/widgets/LinePlotView.h"

#include <QVector>

namespace tessera::pelab {

// One sin/cos curve over the positions per dimension of settings.curveDimensions.
QVector<widgets::Series> encodingCurves(const PeResult &result, const PeSettings &settings);
// The mean similarity by offset.
widgets::Series similarityProfile(const PeResult &result);
// RoPE: the fastest pair and the chosen one, rotating with the position (parametric).
QVector<widgets::Series> ropeRotation(const PeResult &result, const PeSettings &settings);
// RoPE: the score along each offset m - n.
QVector<widgets::Series> ropeDiagonals(const PeResult &result);
// ALiBi: the slope of each head.
widgets::Series alibiSlopes(const PeResult &result);

} // namespace tessera::pelab
