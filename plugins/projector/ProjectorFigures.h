#pragma once
// What the projector draws from its data and layouts: scatter points, labels and colours,
// quality and timing lines, the explained-variance bars, the neighbour table and chart, and
// the coordinates file. GUI thread (they touch views and tr()).

#include "tessera/core/EmbeddingSources.h"
#include "tessera/core/Projection.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <vector>

class QTableWidget;

namespace tessera::widgets {
class BarChartView;
class ScatterView;
} // namespace tessera::widgets

namespace tessera::projector {

// "PCA", "t-SNE", "UMAP".
QString methodTitle(projection::Method method);
// coordinates [n, 2 or 3] -> x0, y0, x1, y1, ... (the first two columns).
std::vector<float> interleaved(const Matrix &coordinates);
QStringList labelList(const projection::EmbeddingSet &set);
// Colours by the set's categories, or one colour when it has none.
void colourByCategory(widgets::ScatterView *view, const projection::EmbeddingSet &set);
// Points, labels and colours of a set into a scatter.
void fillScatter(widgets::ScatterView *view, const projection::EmbeddingSet &set, const Matrix &coordinates);
// Trustworthiness and k-NN preservation of a layout; empty when they were not measured.
QString qualityText(const projection::Projection &p, int64_t k);
// "t-SNE in 3.2 s, KL 1.234 after 1000 iterations, exact neighbours".
QString layoutDetail(const projection::Projection &p);
// PCA's explained variance per component (percent) into the bar chart.
void showVariance(widgets::BarChartView *view, const projection::Projection &p, const QString &description);
// One value per row for the colour mode "norm" (the vector's L2 norm) or "row" (its index).
std::vector<float> colouringValues(const projection::EmbeddingSet &set, const QString &mode);
// Writes coordinates [n, 2 or 3] to .csv (x, y[, z]) or .npy; the error message, or empty.
QString writeCoordinates(const QString &path, const Matrix &coordinates);
// The row of a label (exact; then without GPT-2's space marker, any case; then a row number); -1.
int64_t rowOfLabel(const projection::EmbeddingSet &set, const QString &label);
// The neighbours into the table and the bar chart; returns their rows.
QVector<int> showNeighbourRows(QTableWidget *table, widgets::BarChartView *chart, const projection::EmbeddingSet &set,
                               const std::vector<projection::Neighbour> &found, const QString &metricName,
                               bool similarity, const QString &title);

} // namespace tessera::projector
