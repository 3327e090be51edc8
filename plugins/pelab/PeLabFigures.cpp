#include "PeLabFigures.h"

#include <QCoreApplication>

#include <algorithm>

namespace tessera::pelab {
namespace {

using widgets::Series;

// Translated under the panel's name, where the strings were first.
QString tr(const char *text)
{
    return QCoreApplication::translate("tessera::pelab::PeLabPanel", text);
}

QVector<double> toQVector(const std::vector<double> &values)
{
    return QVector<double>(values.begin(), values.end());
}

QVector<double> range(int from, int count)
{
    QVector<double> values(count);
    for (int i = 0; i < count; ++i)
        values[i] = from + i;
    return values;
}

} // namespace

QVector<Series> encodingCurves(const PeResult &result, const PeSettings &settings)
{
    const int positions = int(result.table->rows);
    QVector<Series> curves;
    for (int dimension : settings.curveDimensions) {
        Series series;
        series.name = tr("dim %1 %2").arg(dimension).arg(dimension % 2 == 0 ? "sin" : "cos");
        series.x = range(0, positions);
        series.y.resize(positions);
        for (int p = 0; p < positions; ++p)
            series.y[p] = result.table->at(p, dimension);
        curves.append(series);
    }
    return curves;
}

Series similarityProfile(const PeResult &result)
{
    Series profile;
    profile.name = tr("mean similarity");
    profile.x = range(0, int(result.profile.size()));
    profile.y = toQVector(result.profile);
    return profile;
}

QVector<Series> ropeRotation(const PeResult &result, const PeSettings &settings)
{
    Series fast;
    fast.name = tr("pair 0");
    fast.x = toQVector(result.ropeFast.x);
    fast.y = toQVector(result.ropeFast.y);
    fast.parametric = true;
    fast.markers = true;
    Series slow = fast;
    slow.name = tr("pair %1").arg(std::clamp(settings.ropePair, 0, settings.ropeDimension / 2 - 1));
    slow.x = toQVector(result.ropeSlow.x);
    slow.y = toQVector(result.ropeSlow.y);
    return {fast, slow};
}

QVector<Series> ropeDiagonals(const PeResult &result)
{
    QVector<Series> diagonals;
    for (size_t i = 0; i < result.ropeOffsets.size(); ++i) {
        Series diagonal;
        diagonal.name = tr("m - n = %1").arg(result.ropeOffsets[i]);
        diagonal.x = range(result.ropeOffsets[i], int(result.ropeDiagonals[i].size()));
        diagonal.y = toQVector(result.ropeDiagonals[i]);
        diagonals.append(diagonal);
    }
    return diagonals;
}

Series alibiSlopes(const PeResult &result)
{
    Series slopes;
    slopes.name = tr("slope");
    slopes.x = range(0, int(result.alibiSlopes.size()));
    slopes.y = toQVector(result.alibiSlopes);
    slopes.markers = true;
    return slopes;
}

} // namespace tessera::pelab
