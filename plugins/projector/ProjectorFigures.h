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

#include <memory>

class QTableWidget;
class QWidget;

namespace tessera::widgets {
class BarChartView;
class CompositeFigure;
class ScatterView;
} // namespace tessera::widgets

namespace tessera::projector {

// A layout with the data it was made from.
struct Layout {
    std::shared_ptr<const projection::EmbeddingSet> set;
    projection::Projection projection;
    QString title; // "t-SNE of bert-tiny: token embeddings"
};

// A live layout of a running t-SNE / UMAP.
struct LiveFrame {
    Matrix coordinates;
    int step = 0, steps = 0;
};
// A live layout into the scatter (when it is of set's rows), its step in the footnote.
void showLiveLayout(widgets::ScatterView *view, const projection::EmbeddingSet *set, const LiveFrame &frame);
// The request the layout controls describe (iterations 0: the method's default).
projection::ProjectionRequest layoutRequest(const QString &method, const QString &metric, double perplexity,
                                            int neighbours, double minDist, int iterations, int seed);

// The notes' contextual-embedding lesson: one word, several senses.
QString defaultCorpus();
// Shows or hides a row of a form: the field (a widget, or a layout holding it) and its label.
void showFormRow(QWidget *field, bool visible);
// A finished layout into the scatter: points, title, axes and the quality footnote.
void showLayoutResult(widgets::ScatterView *view, const Layout &layout, int64_t k);
// The pinned layout on the left of compare, the current one (if any) on the right.
void showComparison(widgets::CompositeFigure *compare, widgets::ScatterView *left, widgets::ScatterView *right,
                    const Layout &pinned, const Layout *current, int64_t k);
// "a - b + c" over labels or row numbers: the three rows and the three terms as written; false
// with the message when it is not that or a term is not a row.
bool parseAnalogy(const QString &text, const projection::EmbeddingSet &set, int64_t rows[3], QString terms[3],
                  QString *error);

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
