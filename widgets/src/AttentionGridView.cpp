#include "tessera/widgets/AttentionGridView.h"

#include <qcustomplot.h>

#include <QMouseEvent>
#include <QPainter>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cmath>

namespace tessera::widgets {
namespace {
constexpr int kMaxThumbnail = 96;
constexpr double kLabelWidth = 34.0;
constexpr double kHeaderHeight = 40.0;
} // namespace

AttentionGridView::AttentionGridView(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(300, 200);
    setToolTip(tr("Every layer (row) and head (column). Click a head to open it."));
    connect(&m_watcher, &QFutureWatcher<QImage>::finished, this, &AttentionGridView::takeThumbnails);
}

AttentionGridView::~AttentionGridView()
{
    // The workers hold their own references to the layers; they only need telling to stop.
    m_watcher.cancel();
}

void AttentionGridView::setAttentions(std::shared_ptr<const std::vector<HalfTensor>> layers)
{
    m_layers = layers ? std::move(layers) : std::make_shared<std::vector<HalfTensor>>();
    rebuildThumbnails();
    update();
}

void AttentionGridView::setColorMap(ColorMap map)
{
    m_colorMap = map;
    rebuildThumbnails();
    update();
}

void AttentionGridView::setSelected(int layer, int head)
{
    m_selectedLayer = layer;
    m_selectedHead = head;
    update();
}

namespace {

// Mean-pools one head's [n, n] map into side x side cells and colours it, each head scaled to
// its own maximum so that the pattern, not the scale, is compared across heads.
// One head [rows, cols] (queries x keys: square for self-attention, target x source for a
// cross-attention) mean-pooled to at most `side` cells a side, scaled to its maximum.
QImage thumbnail(const float *data, int64_t rows, int64_t cols, int side, ColorMap map)
{
    const int height = int(std::min<int64_t>(rows, side)), width = int(std::min<int64_t>(cols, side));
    std::vector<int> rowBin(static_cast<size_t>(rows)), colBin(static_cast<size_t>(cols));
    std::vector<int> rowCount(size_t(height), 0), colCount(size_t(width), 0);
    for (int64_t i = 0; i < rows; ++i)
        ++rowCount[size_t(rowBin[size_t(i)] = int(i * height / rows))];
    for (int64_t i = 0; i < cols; ++i)
        ++colCount[size_t(colBin[size_t(i)] = int(i * width / cols))];
    std::vector<float> pooled(size_t(height) * size_t(width), 0.0f);
    for (int64_t q = 0; q < rows; ++q) {
        float *row = &pooled[size_t(rowBin[size_t(q)]) * size_t(width)];
        const float *source = data + q * cols;
        for (int64_t k = 0; k < cols; ++k)
            row[colBin[size_t(k)]] += source[k];
    }
    float top = 0.0f;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            float &cell = pooled[size_t(y * width + x)];
            cell /= float(rowCount[size_t(y)] * colCount[size_t(x)]);
            top = std::max(top, cell);
        }
    QImage image(width, height, QImage::Format_RGB32);
    for (int y = 0; y < height; ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < width; ++x)
            line[x] = colorMapColor(map, top > 0.0f ? pooled[size_t(y * width + x)] / top : 0.0);
    }
    return image;
}

} // namespace

void AttentionGridView::rebuildThumbnails()
{
    // An older computation is obsolete: stop it, and never install what it produced.
    m_watcher.cancel();
    m_thumbnails.clear();
    m_heads = 0;
    struct Work {
        size_t layer;
        size_t offset;
        int64_t rows, cols;
    };
    std::vector<Work> work;
    for (size_t l = 0; l < m_layers->size(); ++l) {
        const HalfTensor &layer = (*m_layers)[l];
        const size_t dims = layer.shape.size();
        if (dims < 3)
            continue;
        const int heads = int(layer.shape[dims - 3]);
        const int64_t rows = layer.shape[dims - 2], cols = layer.shape[dims - 1];
        m_heads = std::max(m_heads, heads);
        for (int h = 0; h < heads; ++h)
            work.push_back({l, size_t(h) * size_t(rows * cols), rows, cols});
    }
    m_pending = !work.empty();
    if (!m_pending)
        return;
    // Heads are independent: pool them on the global thread pool, off the GUI thread. The
    // functor owns a reference to the layers, so they outlive a cancelled computation.
    m_watcher.setFuture(QtConcurrent::mapped(std::move(work), [layers = m_layers, map = m_colorMap](const Work &item) {
        std::vector<float> head(size_t(item.rows * item.cols)); // one head decoded from float16
        (*layers)[item.layer].decode(item.offset, head.size(), head.data());
        return thumbnail(head.data(), item.rows, item.cols, kMaxThumbnail, map);
    }));
}

void AttentionGridView::takeThumbnails()
{
    // A finished signal of a future that was replaced, or cancelled, carries nothing to show.
    if (!m_pending || !m_watcher.isFinished() || m_watcher.isCanceled())
        return;
    const QList<QImage> images = m_watcher.future().results();
    m_thumbnails.assign(images.begin(), images.end());
    m_pending = false;
    update();
}

void AttentionGridView::waitForThumbnails()
{
    if (!m_pending)
        return;
    m_watcher.waitForFinished();
    takeThumbnails();
}

QSize AttentionGridView::defaultFigureSize() const
{
    const int layers = std::max(int(m_layers->size()), 1);
    const int heads = std::max(m_heads, 1);
    // Cells of 40-120 px, and room for the title however few heads there are.
    const int cell = std::clamp(1200 / heads, 40, 120);
    return {std::max(640, int(kLabelWidth) + heads * cell + 10), int(kHeaderHeight) + layers * cell + 10};
}

QRectF AttentionGridView::cellRect(const QSize &size, int layer, int head) const
{
    const int layers = std::max<int>(int(m_layers->size()), 1);
    const int heads = std::max(m_heads, 1);
    const double cell = std::min((size.width() - kLabelWidth) / heads, (size.height() - kHeaderHeight) / layers);
    const double gap = std::max(1.0, cell * 0.06);
    return QRectF(kLabelWidth + head * cell + gap / 2, kHeaderHeight + layer * cell + gap / 2, cell - gap, cell - gap);
}

void AttentionGridView::paintGrid(QPainter &painter, const QSize &size, bool paper) const
{
    const QColor background = paper ? QColor(Qt::white) : palette().color(QPalette::Base);
    const QColor text = paper ? QColor(Qt::black) : palette().color(QPalette::Text);
    painter.fillRect(QRect(QPoint(0, 0), size), background);
    painter.setPen(text);
    QFont titleFont = font();
    titleFont.setBold(true);
    painter.setFont(titleFont);
    painter.drawText(QRectF(0, 0, size.width(), 22), Qt::AlignCenter, m_title);
    painter.setFont(font());
    if (m_thumbnails.empty()) {
        painter.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter,
                         m_pending ? tr("Drawing every layer and head…")
                                   : tr("Run a model to see every layer and head"));
        return;
    }
    size_t index = 0;
    for (int layer = 0; layer < int(m_layers->size()); ++layer) {
        const QRectF first = cellRect(size, layer, 0);
        painter.drawText(QRectF(0, first.top(), kLabelWidth - 4, first.height()), Qt::AlignRight | Qt::AlignVCenter,
                         QStringLiteral("L%1").arg(layer));
        const int heads = int((*m_layers)[size_t(layer)].shape[(*m_layers)[size_t(layer)].shape.size() - 3]);
        for (int head = 0; head < heads && index < m_thumbnails.size(); ++head, ++index) {
            const QRectF rect = cellRect(size, layer, head);
            if (layer == 0)
                painter.drawText(QRectF(rect.left(), 22, rect.width(), kHeaderHeight - 22), Qt::AlignCenter,
                                 QStringLiteral("H%1").arg(head));
            painter.drawImage(rect, m_thumbnails[index]);
            if (layer == m_selectedLayer && head == m_selectedHead) {
                painter.setPen(QPen(QColor(255, 64, 64), 2.0));
                painter.setBrush(Qt::NoBrush);
                painter.drawRect(rect.adjusted(-1, -1, 1, 1));
                painter.setPen(text);
            }
        }
    }
}

void AttentionGridView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paintGrid(painter, size(), false);
}

void AttentionGridView::renderFigure(QCPPainter &painter, const QSize &size)
{
    // An exported figure is always complete: wait for the thumbnails still being pooled.
    waitForThumbnails();
    painter.save();
    // Thumbnails stay crisp: one pooled cell per block, never smoothed.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    paintGrid(painter, size, true);
    painter.restore();
}

FigureTable AttentionGridView::figureTable() const
{
    // The largest weight of each head: [layers, heads].
    FigureTable table;
    auto matrix = std::make_shared<Matrix>(int64_t(m_layers->size()), int64_t(m_heads), std::nanf(""));
    for (size_t l = 0; l < m_layers->size(); ++l) {
        const FloatTensor layer = (*m_layers)[l].toFloat();
        const int heads = int(layer.shape[layer.shape.size() - 3]);
        const size_t perHead = layer.values.size() / size_t(std::max(heads, 1));
        for (int h = 0; h < heads && h < m_heads; ++h)
            matrix->at(int64_t(l), h) = *std::max_element(layer.values.begin() + long(size_t(h) * perHead),
                                                          layer.values.begin() + long(size_t(h + 1) * perHead));
    }
    if (!m_layers->empty())
        table.matrix = matrix;
    return table;
}

void AttentionGridView::mousePressEvent(QMouseEvent *event)
{
    for (int layer = 0; layer < int(m_layers->size()); ++layer)
        for (int head = 0; head < m_heads; ++head)
            if (cellRect(size(), layer, head).contains(event->position())) {
                setSelected(layer, head);
                emit headClicked(layer, head);
                return;
            }
}

} // namespace tessera::widgets
