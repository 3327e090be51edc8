#pragma once
// The DETR lens's figures, drawn from a DetrAnalysis: each function fills one view (boxes or
// tiles, title, footnote and exported table). GUI thread only.

#include "DetrAnalysis.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <array>
#include <vector>

namespace tessera::widgets {
class BoxImageView;
class CompositeFigure;
class HeatmapView;
class ImageGridView;
} // namespace tessera::widgets

namespace tessera::detrlens {

// The model's name of a class, or "class N".
QString className(const Model *model, int64_t label);

// The detections scoring above threshold whose classes are not hidden; query is highlighted.
// Returns the query of each box drawn.
QVector<int> showBoxes(widgets::BoxImageView &view, const DetrAnalysis &analysis, double threshold,
                       const QStringList &hidden, int query);
// One object query's cross-attention per decoder layer and head, and every query's classes.
void showQuery(widgets::ImageGridView &queries, widgets::HeatmapView &classes, const Model &model,
               const DetrAnalysis &analysis, int query);
// Encoder self-attention of the feature at (row, column) in layer; head: "all" or a number.
void showEncoder(widgets::ImageGridView &view, const Model &model, const DetrAnalysis &analysis, int layer,
                 const QString &head, int row, int column);
// The 2-D sine position encoding on a rows x cols feature grid.
void showPosition(widgets::ImageGridView &view, int64_t dModel, int64_t rows, int64_t cols);

// Ground truth: labels and boxes (cx, cy, w, h in [0, 1]).
struct Targets {
    std::vector<int64_t> labels;
    std::vector<std::array<float, 4>> boxes;
};
// The ground truth (imageWidth x imageHeight pixels) drawn dashed, then, when there is any,
// the Hungarian matching and its cost parts. Returns the matcher's error, or an empty string.
QString showMatching(widgets::BoxImageView &matching, widgets::CompositeFigure &cost,
                     widgets::HeatmapView *const (&costParts)[4], const Model &model, const DetrAnalysis &analysis,
                     const Targets &targets, double imageWidth, double imageHeight);

} // namespace tessera::detrlens
