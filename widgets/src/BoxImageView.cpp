#include "tessera/widgets/BoxImageView.h"

#include <qcustomplot.h>

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace tessera::widgets {
namespace {
constexpr double kMargin = 6.0;
} // namespace

QColor categoryColor(int index)
{
    static const QRgb tab10[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    const int i = std::abs(index);
    QColor c = QColor::fromRgb(tab10[i % 10]);
    return (i / 10) % 2 == 1 ? c.lighter(135) : c;
}

BoxImageView::BoxImageView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumSize(240, 200);
}

void BoxImageView::setImage(const QImage &image)
{
    m_image = image;
    update();
}

void BoxImageView::setBoxes(const QVector<DrawnBox> &boxes, const QVector<BoxLink> &links)
{
    m_boxes = boxes;
    m_links = links;
    update();
}

void BoxImageView::setFigureTitle(const QString &title)
{
    m_title = title;
    update();
}

void BoxImageView::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    update();
}

void BoxImageView::setFootnote(const QString &text)
{
    m_footnote = text;
    update();
}

QSize BoxImageView::defaultFigureSize() const
{
    if (m_image.isNull())
        return {800, 600};
    // The image at up to 900 pixels wide, plus title and footnote.
    const double scale = std::min(1.0, 900.0 / m_image.width()) * (m_image.width() < 400 ? 2.0 : 1.0);
    return {int(m_image.width() * scale + 2 * kMargin),
            int(m_image.height() * scale + titleHeight() + footHeight() + 2 * kMargin)};
}

double BoxImageView::titleHeight() const
{
    return m_title.isEmpty() ? 0.0 : 26.0;
}

double BoxImageView::footHeight() const
{
    return m_footnote.isEmpty() ? 0.0 : 2.4 * QFontMetricsF(font()).lineSpacing();
}

QRectF BoxImageView::imageRect(const QSize &size) const
{
    const QRectF area(kMargin, titleHeight() + kMargin, std::max(1.0, size.width() - 2 * kMargin),
                      std::max(1.0, size.height() - titleHeight() - footHeight() - 2 * kMargin));
    if (m_image.isNull())
        return area;
    const double scale = std::min(area.width() / m_image.width(), area.height() / m_image.height());
    const QSizeF drawn(m_image.width() * scale, m_image.height() * scale);
    return QRectF(area.center().x() - drawn.width() / 2, area.top() + (area.height() - drawn.height()) / 2,
                  drawn.width(), drawn.height());
}

bool BoxImageView::imagePointAt(const QPointF &position, QPointF &pixel) const
{
    if (m_image.isNull())
        return false;
    const QRectF target = imageRect(size());
    if (!target.contains(position))
        return false;
    pixel = QPointF((position.x() - target.left()) / target.width() * m_image.width(),
                    (position.y() - target.top()) / target.height() * m_image.height());
    return true;
}

int BoxImageView::boxAt(const QPointF &pixel) const
{
    // The smallest box containing the point: nested boxes stay reachable.
    int best = -1;
    double bestArea = 0.0;
    for (int i = 0; i < m_boxes.size(); ++i) {
        const QRectF b = m_boxes[i].box.normalized();
        if (!b.contains(pixel))
            continue;
        const double area = b.width() * b.height();
        if (best < 0 || area < bestArea) {
            best = i;
            bestArea = area;
        }
    }
    return best;
}

void BoxImageView::paint(QPainter &painter, const QSize &size, bool paper) const
{
    const QColor background = paper ? QColor(Qt::white) : palette().color(QPalette::Base);
    const QColor text = paper ? QColor(Qt::black) : palette().color(QPalette::Text);
    painter.fillRect(QRect(QPoint(0, 0), size), background);
    painter.setPen(text);
    if (!m_title.isEmpty()) {
        QFont bold = font();
        bold.setBold(true);
        painter.setFont(bold);
        painter.drawText(QRectF(6, 2, size.width() - 12, titleHeight() - 2), Qt::AlignCenter,
                         QFontMetricsF(bold).elidedText(m_title, Qt::ElideRight, size.width() - 12));
        painter.setFont(font());
    }
    if (m_image.isNull()) {
        painter.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    const QRectF target = imageRect(size);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_image.width() > target.width());
    painter.drawImage(target, m_image);
    painter.setRenderHint(QPainter::Antialiasing, true);
    const double sx = target.width() / m_image.width(), sy = target.height() / m_image.height();
    auto toWidget = [&](const QRectF &b) {
        const QRectF n = b.normalized();
        return QRectF(target.left() + n.left() * sx, target.top() + n.top() * sy, n.width() * sx, n.height() * sy);
    };
    painter.save();
    painter.setClipRect(target.adjusted(-1, -1, 1, 1));
    for (const BoxLink &link : m_links) {
        if (link.from < 0 || link.to < 0 || link.from >= m_boxes.size() || link.to >= m_boxes.size())
            continue;
        const QPointF a = toWidget(m_boxes[link.from].box).center(), b = toWidget(m_boxes[link.to].box).center();
        painter.setPen(QPen(QColor(255, 255, 255, 220), 4.0, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(a, b);
        painter.setPen(QPen(QColor(20, 20, 20), 2.0, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(a, b);
        painter.setBrush(QColor(20, 20, 20));
        painter.drawEllipse(a, 3.0, 3.0);
        painter.drawEllipse(b, 3.0, 3.0);
        painter.setBrush(Qt::NoBrush);
    }
    QFont tagFont = font();
    tagFont.setPointSizeF(std::max(6.5, font().pointSizeF() - 1.0));
    const QFontMetricsF metrics(tagFont);
    for (const DrawnBox &box : m_boxes) {
        const QRectF r = toWidget(box.box);
        const double width = box.highlighted ? 3.5 : 2.0;
        // A light halo keeps boxes visible on dark and bright images alike.
        painter.setPen(QPen(QColor(255, 255, 255, 160), width + 2.0));
        painter.drawRect(r);
        painter.setPen(QPen(box.color, width, box.dashed ? Qt::DashLine : Qt::SolidLine));
        painter.drawRect(r);
        if (box.label.isEmpty())
            continue;
        const QSizeF tag(metrics.horizontalAdvance(box.label) + 6, metrics.height() + 2);
        // Predictions tag their top-left corner from above, ground truth its bottom-left from below
        // (a good prediction and its truth then keep both tags readable); inside the box when
        // that would leave the image, and always on the image.
        QPointF corner = box.dashed ? r.bottomLeft() : r.topLeft() - QPointF(0, tag.height());
        if (!box.dashed && corner.y() < target.top())
            corner.setY(r.top());
        if (box.dashed && corner.y() + tag.height() > target.bottom())
            corner.setY(r.bottom() - tag.height());
        corner.setX(std::clamp(corner.x(), target.left(), std::max(target.left(), target.right() - tag.width())));
        corner.setY(std::clamp(corner.y(), target.top(), std::max(target.top(), target.bottom() - tag.height())));
        const QRectF tagRect(corner, tag);
        painter.fillRect(tagRect, box.dashed ? QColor(255, 255, 255, 230) : box.color);
        painter.setFont(tagFont);
        painter.setPen(box.dashed ? box.color.darker(130) : QColor(Qt::white));
        painter.drawText(tagRect, Qt::AlignCenter, box.label);
        painter.setFont(font());
    }
    if (m_dragging) {
        const QRectF r = toWidget(QRectF(m_dragStart, m_dragEnd));
        painter.setPen(QPen(QColor(Qt::white), 3.0));
        painter.drawRect(r);
        painter.setPen(QPen(QColor(Qt::black), 1.5, Qt::DashLine));
        painter.drawRect(r);
    }
    painter.restore();
    if (!m_footnote.isEmpty()) {
        painter.setPen(text);
        painter.drawText(QRectF(kMargin, size.height() - footHeight(), size.width() - 2 * kMargin, footHeight()),
                         Qt::AlignCenter | Qt::TextWordWrap, m_footnote);
    }
}

void BoxImageView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paint(painter, size(), false);
}

void BoxImageView::renderFigure(QCPPainter &painter, const QSize &size)
{
    painter.save();
    paint(painter, size, true);
    painter.restore();
}

void BoxImageView::mousePressEvent(QMouseEvent *event)
{
    QPointF pixel;
    if (event->button() != Qt::LeftButton || !imagePointAt(event->position(), pixel))
        return;
    if (m_drawing) {
        m_dragging = true;
        m_dragStart = m_dragEnd = pixel;
        return;
    }
    emit imageClicked(pixel);
    emit boxClicked(boxAt(pixel));
}

void BoxImageView::mouseMoveEvent(QMouseEvent *event)
{
    QPointF pixel;
    const bool inside = imagePointAt(event->position(), pixel);
    if (m_dragging) {
        const QRectF target = imageRect(size());
        const QPointF clamped(std::clamp(event->position().x(), target.left(), target.right()),
                              std::clamp(event->position().y(), target.top(), target.bottom()));
        imagePointAt(clamped, m_dragEnd);
        update();
        return;
    }
    if (!inside) {
        emit readoutChanged(QString());
        return;
    }
    const int box = boxAt(pixel);
    const QString where = tr("x %1, y %2").arg(int(pixel.x())).arg(int(pixel.y()));
    emit readoutChanged(box >= 0 && !m_boxes[box].tooltip.isEmpty()
                            ? m_boxes[box].tooltip + QStringLiteral(" \u00b7 ") + where
                            : where);
}

void BoxImageView::mouseReleaseEvent(QMouseEvent *event)
{
    if (!m_dragging || event->button() != Qt::LeftButton)
        return;
    m_dragging = false;
    const QRectF box = QRectF(m_dragStart, m_dragEnd).normalized();
    update();
    if (box.width() >= 2.0 && box.height() >= 2.0)
        emit boxDrawn(box);
}

void BoxImageView::leaveEvent(QEvent *)
{
    emit readoutChanged(QString());
}

} // namespace tessera::widgets
