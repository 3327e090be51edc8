#pragma once
// The 2-D scatter of the embedding projector: up to ~100,000 points (a PCA, t-SNE or UMAP
// layout) coloured by category or by a continuous value, with hover, box and lasso
// selection, highlighted points (search results, neighbours) and zoom and pan. The points
// are rasterised into a cached image, so a new layout arriving ten times a second while an
// optimiser runs costs a few milliseconds. GUI thread only.
//
// Coordinates: "data" positions are the layout's own units, x to the right and y up (the
// values given to setPoints). "Widget" positions are logical pixels of this widget (1/96
// inch at 100 % scaling), origin at the top-left, y down. The view keeps one data unit
// equally long on both axes unless setEqualAspect(false).

#include "tessera/widgets/Figure.h"

#include <QColor>
#include <QImage>
#include <QPointF>
#include <QPolygonF>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <cstdint>
#include <vector>

namespace tessera::widgets {

class ScatterView : public QWidget, public Figure {
    Q_OBJECT
public:
    // What a plain left-button drag does. Shift+drag always selects with a box, Ctrl+drag
    // (or Alt+drag) always with a lasso.
    enum class Interaction { Pan, Box, Lasso };

    explicit ScatterView(QWidget *parent = nullptr);
    ~ScatterView() override;

    // The layout: N points as [N, 2] interleaved x, y (data units); non-finite points are
    // neither drawn nor picked. O(N). Until the user zooms or pans, the view follows the
    // points' bounding box; afterwards it stays where the user put it until resetView().
    // A selection keeps the indices that still exist.
    void setPoints(std::vector<float> xy);
    int pointCount() const { return int(m_xy.size() / 2); }
    QPointF point(int index) const; // data units; index in [0, pointCount())

    // Per-point hover text (e.g. the token); entry i belongs to point i, missing entries: none.
    void setLabels(const QStringList &labels);
    // Colour by category: index[i] in [0, names.size()) or -1 (no category: grey). The legend
    // (at most 20 names, then "+ N more") sits at the plot's top-right, or in another corner
    // when clearly fewer points lie there.
    void setCategories(std::vector<int> index, const QStringList &names);
    // Colour by a continuous value per point (viridis over [min, max] of the finite values;
    // NaN: grey), with a colour bar titled name.
    void setValues(std::vector<float> values, const QString &name = {});
    // Back to one colour for every point.
    void clearColouring();

    void setFigureTitle(const QString &title);
    void setAxisLabels(const QString &x, const QString &y); // e.g. "PC 1 (12.3%)"
    void setFootnote(const QString &text);                  // a line under the plot
    void setPlaceholder(const QString &text);               // shown while there are no points
    // Diameter of a point in logical pixels (default 3); highlighted points are larger.
    void setPointSize(double pixels);
    double pointSize() const { return m_pointSize; }
    void setEqualAspect(bool equal);
    void setInteraction(Interaction interaction) { m_interaction = interaction; }
    Interaction interaction() const { return m_interaction; }

    // Selected point indices, sorted ascending without duplicates. setSelection drops
    // indices outside [0, pointCount()) and emits selectionChanged when the set changes.
    void setSelection(const QVector<int> &indices);
    QVector<int> selection() const { return m_selection; }
    void clearSelection() { setSelection({}); }
    // Points drawn larger, outlined and on top, labelled when there are at most 30.
    void setHighlighted(const QVector<int> &indices, const QColor &color = QColor(255, 200, 0));
    QVector<int> highlighted() const { return m_highlighted; }

    // Fits every point into the plot again and follows new layouts from now on.
    void resetView();
    // Multiplies the scale by factor (> 1 zooms in) keeping the data point under widget
    // position anchor in place; stops following the layout.
    void zoomBy(double factor, const QPointF &anchor);

    // The nearest point within 6 pixels of a widget position, -1 when none.
    int pointAt(const QPointF &widgetPos) const;
    QPointF toWidget(const QPointF &data) const;
    QPointF toData(const QPointF &widgetPos) const;
    // Indices (ascending) of the points inside a rectangle / polygon given in data units.
    QVector<int> pointsInRect(const QRectF &dataRect) const;
    QVector<int> pointsInPolygon(const QPolygonF &dataPolygon) const;
    // The plot area (inside the axes) in widget coordinates.
    QRectF plotRect() const;
    // Milliseconds the last rasterisation of the points took (status lines, benchmarks).
    double lastRasterMilliseconds() const { return m_lastRasterMilliseconds; }

    QString figureTitle() const override { return m_title; }
    void renderFigure(QCPPainter &painter, const QSize &size) override;
    // Columns index, x, y, category (-1: none), selected (0/1), and value when values are set.
    // Labels and category names are text, which FigureTable cannot carry.
    FigureTable figureTable() const override;

signals:
    // "label (#index) x, y" of the point under the mouse; empty when none.
    void readoutChanged(const QString &text);
    void selectionChanged(const QVector<int> &indices);
    // A click (press and release without moving) on a point.
    void pointClicked(int index);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    struct Transform;
    struct Layout;
    enum class Gesture { None, Pan, Box, Lasso };

    Layout layoutFor(const QSize &size) const;
    // The view of the plot rectangle: the user's, or the points' bounding box when fitted.
    Transform transformFor(const QRectF &plot, bool fitted = false) const;
    Transform currentTransform() const;
    QRectF fittedView() const;
    void setVisibleRect(const Transform &transform);
    void rebuildColors();
    void rebuildGrid() const;
    QImage rasterize(const Transform &transform, double scale) const;
    void paint(QPainter &painter, const QSize &size, bool paper, bool vector);
    void drawVectorPoints(QPainter &painter, const Transform &transform) const;
    int legendCorner(const Layout &layout, const Transform &transform, int current) const;
    void drawLegend(QPainter &painter, const QRectF &box, bool paper) const;
    void drawColorBar(QPainter &painter, const Layout &layout, const QColor &text) const;
    void drawHighlights(QPainter &painter, const Transform &transform, const QRectF &avoid, bool paper) const;
    QString readoutFor(int index) const;
    float xOf(int index) const { return m_xy[2 * size_t(index)]; }
    float yOf(int index) const { return m_xy[2 * size_t(index) + 1]; }
    void setSelectionAndNotify(QVector<int> indices);
    void setHover(int index);

    std::vector<float> m_xy; // [N, 2]
    QRectF m_bounds;         // of the finite points, data units (top = min y)
    QStringList m_labels;
    std::vector<int> m_categories;
    QStringList m_categoryNames;
    std::vector<float> m_values;
    QString m_valueName;
    float m_valueMin = 0.0f, m_valueMax = 1.0f;
    std::vector<uint32_t> m_colors;      // per point, opaque ARGB (alpha is applied when drawing)
    std::vector<uint8_t> m_selectedMask; // per point
    QVector<int> m_selection;
    QVector<int> m_highlighted;
    QColor m_highlightColor;

    QString m_title, m_xLabel, m_yLabel, m_footnote, m_placeholder;
    double m_pointSize = 3.0;
    bool m_equalAspect = true;
    Interaction m_interaction = Interaction::Pan;

    bool m_followData = true;
    QRectF m_view; // the data region to show (top = min y)

    // Hover index: a uniform grid over m_bounds, rebuilt lazily after setPoints.
    mutable bool m_gridDirty = true;
    mutable int m_gridColumns = 0, m_gridRows = 0;
    mutable std::vector<int> m_gridStart;  // [cells + 1] offsets into m_gridPoints
    mutable std::vector<int> m_gridPoints; // point indices sorted by cell

    // Cached raster of the points for the widget, and what it was drawn for.
    QImage m_raster;
    quint64 m_contentVersion = 0; // bumped by points, colours, selection, point size
    quint64 m_rasterVersion = ~quint64(0);
    QRectF m_rasterPlot;
    double m_rasterCenterX = 0, m_rasterCenterY = 0, m_rasterScaleX = 0, m_rasterScaleY = 0, m_rasterDpr = 0;
    mutable double m_lastRasterMilliseconds = 0.0;
    int m_legendCorner = 1; // 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right

    int m_hover = -1;
    Gesture m_gesture = Gesture::None;
    bool m_moved = false;
    QPointF m_pressPos, m_lastPos; // widget coordinates
    QPolygonF m_lasso;             // widget coordinates
};

} // namespace tessera::widgets
