#include "tessera/widgets/ImageGridView.h"

#include <qcustomplot.h>

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tessera::widgets {
namespace {
constexpr double kTitleHeight = 26.0;
constexpr double kMargin = 6.0;
constexpr double kColorBarWidth = 74.0;

QString number(double value)
{
    return QString::number(value, 'g', 4);
}

// The font shrunk (down to minimum points) until text fits width; the caller elides the rest.
QFont fitted(QFont font, const QString &text, double width, double minimum)
{
    while (font.pointSizeF() > minimum && QFontMetricsF(font).horizontalAdvance(text) > width)
        font.setPointSizeF(std::max(minimum, font.pointSizeF() - 0.5));
    return font;
}
} // namespace

QImage imageFromPixels(const Image8 &image)
{
    if (image.empty())
        return {};
    const QImage::Format format = image.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
    return QImage(image.pixels.data(), int(image.width), int(image.height), int(image.width * image.channels), format)
        .copy();
}

Image8 pixelsFromImage(const QImage &source)
{
    Image8 image;
    if (source.isNull())
        return image;
    const QImage rgb = source.convertToFormat(QImage::Format_RGB888);
    image.width = rgb.width();
    image.height = rgb.height();
    image.channels = 3;
    image.pixels.resize(size_t(image.width * image.height * 3));
    for (int y = 0; y < rgb.height(); ++y)
        std::copy_n(rgb.constScanLine(y), size_t(image.width * 3), image.pixels.begin() + long(y * image.width * 3));
    return image;
}

ImageGridView::ImageGridView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumSize(240, 200);
}

void ImageGridView::setTiles(const QVector<ImageTile> &tiles, int columns)
{
    m_tiles = tiles;
    m_columns = columns;
    update();
}

void ImageGridView::setMarked(int tile, QPoint cell)
{
    for (int i = 0; i < m_tiles.size(); ++i)
        m_tiles[i].marked = i == tile ? cell : QPoint(-1, -1);
    update();
}

void ImageGridView::setOverlayStyle(ColorMap map, double opacity, double lower, double upper)
{
    m_colorMap = map;
    m_opacity = std::clamp(opacity, 0.0, 1.0);
    m_lower = lower;
    m_upper = upper;
    update();
}

void ImageGridView::setColorBarTitle(const QString &title)
{
    m_colorBarTitle = title;
    update();
}

void ImageGridView::setFigureTitle(const QString &title)
{
    m_title = title;
    update();
}

void ImageGridView::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    update();
}

QSize ImageGridView::defaultFigureSize() const
{
    const int count = std::max<int>(int(m_tiles.size()), 1);
    const int columns = m_columns > 0 ? m_columns : int(std::ceil(std::sqrt(double(count))));
    const int rows = (count + columns - 1) / columns;
    const int side = count == 1 ? 520 : count <= 4 ? 340 : count <= 16 ? 200 : count <= 64 ? 110 : 64;
    const bool captions =
        std::any_of(m_tiles.begin(), m_tiles.end(), [](const ImageTile &t) { return !t.caption.isEmpty(); });
    return {columns * side + (m_colorBarTitle.isEmpty() ? 0 : int(kColorBarWidth)) + 2 * int(kMargin),
            int(kTitleHeight) + rows * (side + (captions ? 18 : 0)) + 2 * int(kMargin)};
}

std::pair<double, double> ImageGridView::range() const
{
    if (m_lower < m_upper)
        return {m_lower, m_upper};
    double lower = std::numeric_limits<double>::infinity(), upper = -lower;
    for (const ImageTile &tile : m_tiles)
        if (tile.overlay)
            for (float v : tile.overlay->values)
                if (std::isfinite(v)) {
                    lower = std::min(lower, double(v));
                    upper = std::max(upper, double(v));
                }
    if (!(lower < upper))
        return {std::isfinite(lower) ? lower : 0.0, std::isfinite(lower) ? lower + 1.0 : 1.0};
    return {lower, upper};
}

double ImageGridView::titleHeight(const QSize &size) const
{
    // One line, or two when the title does not fit even in the smaller font.
    QFont bold = font();
    bold.setBold(true);
    bold = fitted(bold, m_title, size.width() - 12.0, std::max(7.0, font().pointSizeF() - 2.0));
    const QFontMetricsF metrics(bold);
    return metrics.horizontalAdvance(m_title) > size.width() - 12.0 ? 2 * metrics.lineSpacing() + 8 : kTitleHeight;
}

ImageGridView::Layout ImageGridView::layout(const QSize &size) const
{
    Layout l;
    const int count = std::max<int>(int(m_tiles.size()), 1);
    l.columns = m_columns > 0 ? std::min(m_columns, count) : int(std::ceil(std::sqrt(double(count))));
    l.rows = (count + l.columns - 1) / l.columns;
    const bool bar = !m_colorBarTitle.isEmpty() &&
                     std::any_of(m_tiles.begin(), m_tiles.end(), [](const ImageTile &t) { return bool(t.overlay); });
    const double right = bar ? kColorBarWidth : 0.0;
    const double title = titleHeight(size);
    l.area = QRectF(kMargin, title + kMargin, std::max(1.0, size.width() - 2 * kMargin - right),
                    std::max(1.0, size.height() - title - 2 * kMargin));
    l.tileWidth = l.area.width() / l.columns;
    l.tileHeight = l.area.height() / l.rows;
    const bool captions =
        std::any_of(m_tiles.begin(), m_tiles.end(), [](const ImageTile &t) { return !t.caption.isEmpty(); });
    l.captionHeight = captions ? std::min(18.0, l.tileHeight * 0.25) : 0.0;
    if (bar)
        l.colorBar =
            QRectF(size.width() - kMargin - right + 14, l.area.top() + 10, 14, std::max(20.0, l.area.height() - 20));
    return l;
}

QRectF ImageGridView::imageRect(const Layout &l, int index) const
{
    const ImageTile &tile = m_tiles[index];
    const int column = index % l.columns, row = index / l.columns;
    const double gap = m_tiles.size() > 1 ? std::min(4.0, l.tileWidth * 0.06) : 0.0;
    const QRectF cell(l.area.left() + column * l.tileWidth + gap / 2, l.area.top() + row * l.tileHeight + gap / 2,
                      l.tileWidth - gap, l.tileHeight - l.captionHeight - gap);
    double aspect = 1.0; // width / height
    if (!tile.image.isNull())
        aspect = double(tile.image.width()) / std::max(1, tile.image.height());
    else if (tile.overlay && tile.overlay->rows > 0)
        aspect = double(tile.overlay->cols) / double(tile.overlay->rows);
    double w = cell.width(), h = w / aspect;
    if (h > cell.height()) {
        h = cell.height();
        w = h * aspect;
    }
    return QRectF(cell.center().x() - w / 2, cell.center().y() - h / 2, std::max(w, 1.0), std::max(h, 1.0));
}

QImage ImageGridView::overlayImage(const Matrix &overlay, bool opaque) const
{
    const auto [lower, upper] = range();
    QImage image(int(overlay.cols), int(overlay.rows), QImage::Format_ARGB32);
    // Over an image the overlay's alpha grows with the value (from 15% of the opacity at the
    // bottom of the range to all of it at the top): where little goes, the image shows through.
    const double opacity = opaque ? 1.0 : m_opacity;
    for (int64_t r = 0; r < overlay.rows; ++r) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(int(r)));
        for (int64_t c = 0; c < overlay.cols; ++c) {
            const double v = overlay.at(r, c);
            if (!std::isfinite(v)) {
                line[c] = opaque ? maskedCellColor().rgb() : qRgba(0, 0, 0, 0);
                continue;
            }
            const double t = std::clamp((v - lower) / (upper - lower), 0.0, 1.0);
            const QRgb color = colorMapColor(m_colorMap, t);
            const int alpha = opaque ? 255 : int(std::lround(255.0 * opacity * (0.15 + 0.85 * t)));
            line[c] = qRgba(qRed(color), qGreen(color), qBlue(color), alpha);
        }
    }
    return image;
}

void ImageGridView::paint(QPainter &painter, const QSize &size, bool paper) const
{
    const QColor background = paper ? QColor(Qt::white) : palette().color(QPalette::Base);
    const QColor text = paper ? QColor(Qt::black) : palette().color(QPalette::Text);
    painter.fillRect(QRect(QPoint(0, 0), size), background);
    QFont bold = font();
    bold.setBold(true);
    bold = fitted(bold, m_title, size.width() - 12.0, std::max(7.0, font().pointSizeF() - 2.0));
    painter.setFont(bold);
    painter.setPen(text);
    painter.drawText(QRectF(6, 2, size.width() - 12, titleHeight(size) - 2), Qt::AlignCenter | Qt::TextWordWrap,
                     m_title);
    painter.setFont(font());
    if (m_tiles.isEmpty()) {
        painter.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    const Layout l = layout(size);
    QFont small = font();
    small.setPointSizeF(std::max(6.0, std::min(small.pointSizeF(), l.captionHeight * 0.55)));
    for (int i = 0; i < m_tiles.size(); ++i) {
        const ImageTile &tile = m_tiles[i];
        const QRectF target = imageRect(l, i);
        if (!tile.image.isNull()) {
            // Enlarged images keep their pixels (no smoothing); reduced ones are smoothed.
            const bool reduce = tile.image.width() > target.width() * painter.device()->devicePixelRatioF();
            painter.setRenderHint(QPainter::SmoothPixmapTransform, reduce);
            painter.drawImage(target, tile.image);
        }
        if (tile.overlay && !tile.overlay->empty()) {
            painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
            painter.drawImage(target, overlayImage(*tile.overlay, tile.image.isNull()));
        }
        const int gridRows = tile.gridRows > 0 ? tile.gridRows : 0,
                  gridColumns = tile.gridColumns > 0 ? tile.gridColumns : 0;
        if (gridRows > 0 && gridColumns > 0 && target.width() / gridColumns >= 3.0) {
            painter.setRenderHint(QPainter::Antialiasing, false);
            painter.setPen(QPen(QColor(255, 255, 255, 150), 0));
            for (int c = 1; c < gridColumns; ++c) {
                const double x = target.left() + target.width() * c / gridColumns;
                painter.drawLine(QPointF(x, target.top()), QPointF(x, target.bottom()));
            }
            for (int r = 1; r < gridRows; ++r) {
                const double y = target.top() + target.height() * r / gridRows;
                painter.drawLine(QPointF(target.left(), y), QPointF(target.right(), y));
            }
        }
        const int cellRows = tile.overlay ? int(tile.overlay->rows) : gridRows;
        const int cellColumns = tile.overlay ? int(tile.overlay->cols) : gridColumns;
        if (tile.marked.x() >= 0 && tile.marked.y() >= 0 && cellRows > 0 && cellColumns > 0) {
            const QRectF cell(target.left() + target.width() * tile.marked.x() / cellColumns,
                              target.top() + target.height() * tile.marked.y() / cellRows, target.width() / cellColumns,
                              target.height() / cellRows);
            painter.setRenderHint(QPainter::Antialiasing, true);
            painter.setBrush(Qt::NoBrush);
            painter.setPen(QPen(Qt::black, 3.0));
            painter.drawRect(cell);
            painter.setPen(QPen(QColor(255, 80, 40), 1.6));
            painter.drawRect(cell);
        }
        if (!tile.caption.isEmpty() && l.captionHeight > 4) {
            const double width = l.tileWidth - 4;
            const QFont captionFont = fitted(small, tile.caption, width, 6.0);
            painter.setFont(captionFont);
            painter.setPen(text);
            painter.drawText(QRectF(target.center().x() - width / 2, target.bottom() + 1, width, l.captionHeight),
                             Qt::AlignHCenter | Qt::AlignTop,
                             QFontMetricsF(captionFont).elidedText(tile.caption, Qt::ElideRight, width));
            painter.setFont(font());
        }
    }
    if (!l.colorBar.isNull()) {
        const auto [lower, upper] = range();
        QRectF bar = l.colorBar;
        if (m_tiles.size() == 1) // next to the one image, not at the far edge
            bar.moveLeft(std::min(bar.left(), imageRect(l, 0).right() + 18));
        small = font();
        small.setPointSizeF(std::max(7.0, font().pointSizeF() * 0.9));
        QImage strip(1, 256, QImage::Format_RGB32);
        for (int i = 0; i < 256; ++i)
            strip.setPixel(0, 255 - i, colorMapColor(m_colorMap, (i + 0.5) / 256.0));
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter.drawImage(bar, strip);
        painter.setPen(QPen(text, 0));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(bar);
        painter.setFont(small);
        const QFontMetricsF metrics(small);
        for (int i = 0; i <= 4; ++i) {
            const double value = lower + (upper - lower) * i / 4.0;
            const double y = bar.bottom() - bar.height() * i / 4.0;
            painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 3, y));
            painter.drawText(QRectF(bar.right() + 5, y - metrics.height() / 2, kColorBarWidth, metrics.height()),
                             Qt::AlignLeft | Qt::AlignVCenter, number(value));
        }
        painter.save();
        painter.translate(bar.left() - 4, bar.center().y());
        painter.rotate(-90);
        painter.drawText(QRectF(-bar.height() / 2, -metrics.height(), bar.height(), metrics.height()), Qt::AlignCenter,
                         m_colorBarTitle);
        painter.restore();
    }
}

bool ImageGridView::cellAt(const QPointF &position, int &tile, int &row, int &column) const
{
    if (m_tiles.isEmpty())
        return false;
    const Layout l = layout(size());
    for (int i = 0; i < m_tiles.size(); ++i) {
        const QRectF target = imageRect(l, i);
        if (!target.contains(position))
            continue;
        const ImageTile &t = m_tiles[i];
        const int rows = t.overlay ? int(t.overlay->rows) : t.gridRows;
        const int columns = t.overlay ? int(t.overlay->cols) : t.gridColumns;
        tile = i;
        row = rows > 0 ? std::clamp(int((position.y() - target.top()) / target.height() * rows), 0, rows - 1) : -1;
        column = columns > 0
                     ? std::clamp(int((position.x() - target.left()) / target.width() * columns), 0, columns - 1)
                     : -1;
        return true;
    }
    return false;
}

void ImageGridView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paint(painter, size(), false);
}

void ImageGridView::renderFigure(QCPPainter &painter, const QSize &size)
{
    painter.save();
    paint(painter, size, true);
    painter.restore();
}

void ImageGridView::mouseMoveEvent(QMouseEvent *event)
{
    int tile = 0, row = 0, column = 0;
    if (!cellAt(event->position(), tile, row, column)) {
        emit readoutChanged(QString());
        return;
    }
    const ImageTile &t = m_tiles[tile];
    QString text = t.caption.isEmpty() ? QString() : t.caption + QStringLiteral(" \u00b7 ");
    if (row >= 0 && column >= 0) {
        text += tr("row %1, column %2").arg(row).arg(column);
        if (t.overlay)
            text += QStringLiteral(" \u00b7 ") + number(t.overlay->at(row, column));
    }
    emit readoutChanged(text);
}

void ImageGridView::mousePressEvent(QMouseEvent *event)
{
    int tile = 0, row = 0, column = 0;
    if (event->button() == Qt::LeftButton && cellAt(event->position(), tile, row, column) && row >= 0 && column >= 0)
        emit cellClicked(tile, row, column);
}

void ImageGridView::leaveEvent(QEvent *)
{
    emit readoutChanged(QString());
}

} // namespace tessera::widgets
