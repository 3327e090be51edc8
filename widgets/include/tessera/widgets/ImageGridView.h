#pragma once
// Images in a grid of tiles, each with an optional colour-mapped map laid over it (attention
// on the patch grid, a similarity map), the patch grid drawn as lines, one cell outlined and a
// caption: the ViT lens's views (one image with its overlay, every head of a layer, the
// paper's grid of position-similarity maps, the patch-embedding filters). One colour range is
// shared by all tiles so that they compare, with a colour bar. Over an image, an overlay cell's
// opacity grows with its value, so the image stays visible where the map is low. Small images are enlarged
// without smoothing (a 28 x 28 sample shows its pixels); photos are reduced smoothly.
// Hover reads the cell under the mouse; a click reports it. GUI thread only.

#include "tessera/core/Pipelines.h"
#include "tessera/widgets/ColorMaps.h"
#include "tessera/widgets/Figure.h"

#include <QImage>
#include <QPoint>
#include <QVector>
#include <QWidget>

namespace tessera::widgets {

struct ImageTile {
    QImage image;      // drawn aspect-correct in the tile; null: the overlay alone, opaque
    MatrixPtr overlay; // [rows, cols] over the whole image (NaN cells left clear)
    QString caption;   // under the tile
    int gridRows = 0;  // patch grid lines over the image (0: none)
    int gridColumns = 0;
    QPoint marked{-1, -1}; // (column, row) of a cell outlined; (-1, -1): none
};

// 8-bit pixels (grey or RGB) as a QImage of their own (a copy).
QImage imageFromPixels(const Image8 &image);
// Any QImage (a pasted or dropped picture) as RGB pixels; empty for a null image.
Image8 pixelsFromImage(const QImage &image);

class ImageGridView : public QWidget, public Figure {
    Q_OBJECT
public:
    explicit ImageGridView(QWidget *parent = nullptr);

    // columns 0: as close to square as the count allows.
    void setTiles(const QVector<ImageTile> &tiles, int columns = 0);
    const QVector<ImageTile> &tiles() const { return m_tiles; }
    void setMarked(int tile, QPoint cell);
    // Overlay colours: map, opacity in [0, 1] over images, and a fixed range (lower < upper) or
    // automatic (the finite range of all overlays) when lower >= upper.
    void setOverlayStyle(ColorMap map, double opacity, double lower = 0.0, double upper = 0.0);
    // A colour bar for the overlays titled so; empty: none.
    void setColorBarTitle(const QString &title);
    void setFigureTitle(const QString &title);
    // Shown when there are no tiles.
    void setPlaceholder(const QString &text);
    // The numbers exported as CSV (the panel knows what they are).
    void setTable(const FigureTable &table) { m_table = table; }

    // The tile and cell (of the overlay, else the grid) under a point of this widget.
    bool cellAt(const QPointF &position, int &tile, int &row, int &column) const;

    QString figureTitle() const override { return m_title; }
    QSize defaultFigureSize() const override;
    void renderFigure(QCPPainter &painter, const QSize &size) override;
    FigureTable figureTable() const override { return m_table; }

signals:
    void cellClicked(int tile, int row, int column);
    void readoutChanged(const QString &text);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    struct Layout {
        QRectF area;
        int columns = 1;
        int rows = 1;
        double tileWidth = 0;
        double tileHeight = 0;
        double captionHeight = 0;
        QRectF colorBar;
    };
    Layout layout(const QSize &size) const;
    double titleHeight(const QSize &size) const;
    QRectF imageRect(const Layout &layout, int tile) const;
    void paint(QPainter &painter, const QSize &size, bool paper) const;
    QImage overlayImage(const Matrix &overlay, bool opaque) const;
    std::pair<double, double> range() const;

    QVector<ImageTile> m_tiles;
    int m_columns = 0;
    ColorMap m_colorMap = ColorMap::Viridis;
    double m_opacity = 0.6;
    double m_lower = 0.0;
    double m_upper = 0.0;
    QString m_colorBarTitle;
    QString m_title;
    QString m_placeholder;
    FigureTable m_table;
};

} // namespace tessera::widgets
