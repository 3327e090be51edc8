#pragma once
// An image with boxes on it: detections with their class colour and a "label score" tag,
// ground-truth boxes dashed, lines linking matched pairs (DETR's Hungarian matching), and boxes
// the user draws by dragging (ground truth for the matcher). Boxes and links are in pixels of
// the image; the image is drawn aspect-correct under a title. Hover names the box under the
// mouse; a click reports it. GUI thread only.

#include "tessera/widgets/Figure.h"

#include <QColor>
#include <QImage>
#include <QRectF>
#include <QVector>
#include <QWidget>

namespace tessera::widgets {

struct DrawnBox {
    QRectF box; // (x0, y0) - (x1, y1) in image pixels
    QColor color;
    QString label;       // the tag (above the top-left corner; ground truth: below the bottom-left); empty: none
    QString tooltip;     // the hover read-out
    bool dashed = false; // ground truth
    bool highlighted = false;
};

struct BoxLink {
    int from = -1; // box indices; the line joins their centres
    int to = -1;
    QString label; // at the middle of the line
};

// A categorical colour (matplotlib's tab10, then repeated lighter) for class index i.
QColor categoryColor(int index);

class BoxImageView : public QWidget, public Figure {
    Q_OBJECT
public:
    explicit BoxImageView(QWidget *parent = nullptr);

    void setImage(const QImage &image);
    const QImage &image() const { return m_image; }
    void setBoxes(const QVector<DrawnBox> &boxes, const QVector<BoxLink> &links = {});
    const QVector<DrawnBox> &boxes() const { return m_boxes; }
    void setFigureTitle(const QString &title);
    void setPlaceholder(const QString &text);
    // A line under the image (a legend, the matched losses).
    void setFootnote(const QString &text);
    void setTable(const FigureTable &table) { m_table = table; }
    // When on, dragging on the image draws a box (reported by boxDrawn) instead of clicking.
    void setDrawingEnabled(bool enabled) { m_drawing = enabled; }

    // The image pixel under a widget position, false when outside the image.
    bool imagePointAt(const QPointF &position, QPointF &pixel) const;

    QString figureTitle() const override { return m_title; }
    QSize defaultFigureSize() const override;
    void renderFigure(QCPPainter &painter, const QSize &size) override;
    FigureTable figureTable() const override { return m_table; }

signals:
    void boxClicked(int index);       // -1: a click outside every box
    void imageClicked(QPointF pixel); // any click on the image (pixels)
    void boxDrawn(QRectF box);        // in image pixels
    void readoutChanged(const QString &text);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    QRectF imageRect(const QSize &size) const;
    double titleHeight() const;
    double footHeight() const;
    void paint(QPainter &painter, const QSize &size, bool paper) const;
    int boxAt(const QPointF &pixel) const;

    QImage m_image;
    QVector<DrawnBox> m_boxes;
    QVector<BoxLink> m_links;
    QString m_title;
    QString m_placeholder;
    QString m_footnote;
    FigureTable m_table;
    bool m_drawing = false;
    bool m_dragging = false;
    QPointF m_dragStart; // image pixels
    QPointF m_dragEnd;
};

} // namespace tessera::widgets
