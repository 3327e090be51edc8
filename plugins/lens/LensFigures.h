#pragma once
// The Lens panel's figures from a LensResult: which matrix or bars each view shows, with its
// labels, colour map and title. GUI thread only.

#include "LensComputation.h"

#include <QString>

namespace tessera::widgets {
class BarChartView;
class HeatmapView;
} // namespace tessera::widgets

namespace tessera::lenspanel {

// What the metric is, for titles: "logit(\" Mary\") - logit(\" John\")".
QString metricName(const LensResult &result);

// Layer x position: the top token's probability (hover names it: topTokenAt).
void showLogitLens(widgets::HeatmapView &view, const LensResult &result);
QString topTokenAt(const LensResult &result, int row, int column);
// Layers x heads, diverging around 0, with the parts-sum check in the title.
void showDirectLogitAttribution(widgets::HeatmapView &view, const LensResult &result);
void showAblation(widgets::HeatmapView &view, const LensResult &result);
// Residual layers x positions, or heads layers x heads; raw metric or normalised.
void showPatching(widgets::HeatmapView &view, const LensResult &result, bool heads, bool normalised);
// Bars per input token: gradient x input, or integrated gradients with the completeness gap.
void showSaliency(widgets::BarChartView &view, const LensResult &result, bool integrated);
// ViT: Chefer's [CLS] relevance, or attention flow, over the patch grid.
void showPatchMap(widgets::HeatmapView &view, const LensResult &result, bool flow);

// An empty view saying what is missing.
void clearHeatmap(widgets::HeatmapView &view, const QString &title);
void clearBars(widgets::BarChartView &view, const QString &title);

} // namespace tessera::lenspanel
