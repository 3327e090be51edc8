#pragma once
// Perceptual colour maps for exact heatmaps. QCustomPlot 2.1 ships no viridis, so the
// 256-entry tables of matplotlib (viridis, magma: CC0, van der Walt & Smith; RdBu_r for
// differences) are defined here. GUI thread or any thread (pure functions).

#include <QColor>
#include <QString>
#include <QStringList>

class QCPColorGradient;

namespace tessera::widgets {

enum class ColorMap { Viridis, Magma, Diverging, Grey };

// t in [0, 1] (clamped) to the map's colour; the nearest of the 256 entries, never blended.
QRgb colorMapColor(ColorMap map, double t);
// A QCustomPlot gradient with exactly the 256 table entries as levels.
QCPColorGradient colorMapGradient(ColorMap map);

QString colorMapName(ColorMap map); // "viridis", "magma", "diverging", "grey"
ColorMap colorMapFromName(const QString &name, bool *ok = nullptr);
QStringList colorMapNames();
// The colour used for cells that do not exist (NaN: masked entries).
QColor maskedCellColor();

} // namespace tessera::widgets
