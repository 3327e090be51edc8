#pragma once
// What the training studio draws from its curves and snapshots: the loss, accuracy,
// learning-rate and gradient-norm series, one snapshot's attention map, and the status and
// metric lines. Pure functions of their arguments; GUI thread (they touch the views and tr()).

#include "tessera/core/Matrix.h"
#include "tessera/core/Training.h"

#include <QString>
#include <QVector>

#include <map>
#include <string>

namespace tessera::widgets {
class HeatmapView;
class LinePlotView;
} // namespace tessera::widgets

namespace tessera::training {

struct CurveViews {
    widgets::LinePlotView *loss = nullptr;
    widgets::LinePlotView *accuracy = nullptr;
    widgets::LinePlotView *rate = nullptr;
    widgets::LinePlotView *gradients = nullptr;
};

struct TrainingCurves {
    const QVector<TrainingPoint> &points;                     // every training step reported
    const QVector<TrainingPoint> &evaluations;                // held-out evaluations
    const std::map<std::string, QVector<double>> &groupNorms; // group -> norm per reported step
    const QVector<double> &groupSteps;                        // the steps of groupNorms
};

// The four curve views and the timeline heatmap, titled and with their axes; the caller
// owns them (parents them in a layout).
CurveViews makeCurveViews();
widgets::HeatmapView *makeTimelineView();

// Sets the series of the curve shown (a figure name: loss, accuracy, schedule, gradients), or
// of every curve when all.
void showCurves(const CurveViews &views, const TrainingCurves &curves, const QString &shown, bool all);

// One snapshot's attention, [heads, n, n] -> [n, n]: head "mean" or a head index; the
// future of a causal model is NaN (absent, not zero).
Matrix snapshotAttention(const FloatTensor &attentions, const QString &head, bool causal);

// Shows one snapshot's attention of a layer in view, titled with the recipe, step, layer and
// head (headName). Throws tessera::Error when the snapshot has no attention for the layer.
void showSnapshotAttention(widgets::HeatmapView *view, const SnapshotIndex &index,
                           const std::map<std::string, FloatTensor> &snapshot, int64_t step, int layer,
                           const QString &head, const QString &headName);

// "snapshot i of count · step · held-out loss · accuracy" (index from 0).
QString snapshotCaption(int index, int count, int64_t step, double loss, double accuracy);

// The status line of a run in progress: step, loss, accuracy, speed, held-out number.
QString progressLine(const QVector<TrainingPoint> &points, const QVector<TrainingPoint> &evaluations,
                     int64_t totalSteps);

// The position in index.steps of the snapshot named by its step or "last"; -1 when none.
int snapshotPosition(const SnapshotIndex &index, const QString &snapshot);
// "0, 100, 200": the steps that have a snapshot, for messages.
QString snapshotSteps(const SnapshotIndex &index);

// "key: value" lines of metrics.json, whole numbers as they are.
QString metricLines(const std::map<std::string, double> &metrics);

} // namespace tessera::training
