#pragma once
// An exact heatmap of a matrix [rows, cols]: one flat cell per entry, never smoothed, row 0
// at the top. Perceptual colour maps with a colour bar; NaN cells (masked) drawn grey.
// Hover shows row label, column label and value; a click selects a cell and highlights its
// row and column; wheel zooms, drag pans, double-click resets. When more cells are in view than
// the plot has device pixels, a max-pooled overview is drawn instead (no weight silently
// dropped), turning into exact cells as the view zooms in (level of detail); so a 4096-token
// head stays fluid. Hover always reads the exact value. GUI thread only.

#include "tessera/widgets/ColorMaps.h"
#include "tessera/widgets/PlotFigure.h"

#include <QRect>
#include <QStringList>

#include <vector>

class QCPColorMap;
class QCPColorScale;
class QCPItemRect;
class QCPItemStraightLine;

namespace tessera::widgets {

class HeatmapView : public PlotFigure {
    Q_OBJECT
public:
    explicit HeatmapView(QWidget *parent = nullptr);

    // Labels are optional; when given they must match rows / cols (else indices are shown).
    void setMatrix(MatrixPtr matrix, const QStringList &rowLabels = {}, const QStringList &columnLabels = {});
    MatrixPtr matrix() const { return m_matrix; }

    void setAxisTitles(const QString &columns, const QString &rows);
    void setValueName(const QString &name);
    void setColorMap(ColorMap map);
    ColorMap colorMap() const { return m_colorMap; }
    // Diverging data: the colour range becomes [-m, m], m = max |value|, so 0 sits in the middle.
    void setSymmetricRange(bool symmetric);
    // Fixes the colour range (both finite); an invalid (lower >= upper) range means automatic.
    void setValueRange(double lower, double upper);
    // Lines before these row/column indices on both axes (segment A/B of a sentence pair).
    void setBoundaries(const std::vector<int> &indices);
    // Column names written as the CSV header (empty: no header line).
    void setCsvHeader(const QStringList &header) { m_csvHeader = header; }

    // The cell under a pixel position of plot(), or false when outside the matrix.
    bool cellAt(const QPoint &position, int &row, int &column) const;
    void selectCell(int row, int column); // -1, -1 clears
    QPair<int, int> selectedCell() const { return {m_selectedRow, m_selectedColumn}; }

    FigureTable figureTable() const override;

signals:
    void cellSelected(int row, int column);

protected:
    void applyTheme(bool paper) override;
    void prepareRender() override;

public:
    void renderFigure(QCPPainter &painter, const QSize &size) override;

private:
    void updateColorRange();
    bool updateLevelOfDetail(); // true when what is drawn changed
    void updateTicks();
    void resetView();
    void onMouseMove(QMouseEvent *event);
    void onMousePress(QMouseEvent *event);
    void onMouseRelease(QMouseEvent *event);

    QCPColorMap *m_map;
    QCPColorScale *m_scale;
    QCPItemRect *m_rowHighlight;
    QCPItemRect *m_columnHighlight;
    QList<QCPItemStraightLine *> m_boundaryLines;
    MatrixPtr m_matrix;
    QStringList m_rowLabels;
    QStringList m_columnLabels;
    QStringList m_csvHeader;
    QString m_valueName = QStringLiteral("value");
    ColorMap m_colorMap = ColorMap::Viridis;
    bool m_symmetric = false;
    double m_fixedLower = 0.0;
    double m_fixedUpper = 0.0;
    QPoint m_pressPosition;
    // Level of detail: at most one exact cell per device pixel; beyond, a max-pooled overview.
    static constexpr int kVectorExactSide = 4096; // vector exports: exact cells up to this
    static constexpr int kMinimumBudget = 64;     // before the first layout
    QSize cellBudget() const;                     // most cells drawn per axis, exact
    QCPColorMap *m_overview;                      // max-pooled, drawn instead of m_map when zoomed out
    QRect m_window;                               // matrix cells currently held by m_map
    int m_overviewFactor = 0;                     // pooling of m_overview; 0: not built
    double m_renderScale = 0.0;                   // 0: screen; > 0: raster export scale; < 0: vector
    bool m_detailScheduled = false;
    int m_selectedRow = -1;
    int m_selectedColumn = -1;
};

} // namespace tessera::widgets
