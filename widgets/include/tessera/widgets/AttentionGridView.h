#pragma once
// Small multiples: every layer x head of a model as a thumbnail heatmap (rows = layers,
// columns = heads), readable with 144 heads. Thumbnails are mean-pooled to at most 96 x 96
// cells on the global thread pool (never on the GUI thread); the finished thumbnails are
// installed on the GUI thread, and a computation made obsolete by new attentions or a new
// colour map is cancelled and discarded. renderFigure waits for them, so an export is always
// complete. Clicking a thumbnail emits headClicked. GUI thread only.

#include "tessera/widgets/ColorMaps.h"
#include "tessera/widgets/Figure.h"

#include <QFutureWatcher>
#include <QImage>
#include <QWidget>

#include <memory>
#include <vector>

namespace tessera::widgets {

class AttentionGridView : public QWidget, public Figure {
    Q_OBJECT
public:
    explicit AttentionGridView(QWidget *parent = nullptr);
    ~AttentionGridView() override;

    // layers[l] is [heads, queries, keys] (or [1, heads, queries, keys]) attention probabilities:
    // square for self-attention, target x source for a cross-attention (drawn in square cells).
    // layers: [1, heads, n, n] per layer, stored as float16 (shared, not copied).
    void setAttentions(std::shared_ptr<const std::vector<HalfTensor>> layers);
    void setColorMap(ColorMap map);
    void setSelected(int layer, int head);
    void setFigureTitle(const QString &title)
    {
        m_title = title;
        update();
    }

    QString figureTitle() const override { return m_title; }
    QSize defaultFigureSize() const override;
    void renderFigure(QCPPainter &painter, const QSize &size) override;
    FigureTable
    figureTable() const override; // mean attention weight per layer and head is meaningless; entropy-free: max weight

signals:
    void headClicked(int layer, int head);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    void rebuildThumbnails(); // starts pooling the thumbnails; GUI thread
    void takeThumbnails();    // installs the finished thumbnails; GUI thread
    void waitForThumbnails(); // blocks until the pending thumbnails are installed
    QRectF cellRect(const QSize &size, int layer, int head) const;
    void paintGrid(QPainter &painter, const QSize &size, bool paper) const;

    std::shared_ptr<const std::vector<HalfTensor>> m_layers = std::make_shared<std::vector<HalfTensor>>();
    std::vector<QImage> m_thumbnails; // layer-major
    QFutureWatcher<QImage> m_watcher;
    bool m_pending = false; // thumbnails are being pooled for the current layers and colour map
    int m_heads = 0;
    int m_selectedLayer = -1;
    int m_selectedHead = -1;
    ColorMap m_colorMap = ColorMap::Viridis;
    QString m_title;
};

} // namespace tessera::widgets
