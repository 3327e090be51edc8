#include "tessera/widgets/TokenLinkView.h"

#include <qcustomplot.h>

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace tessera::widgets {
namespace {
constexpr double kTop = 34.0;
constexpr double kColumnWidth = 150.0;
} // namespace

TokenLinkView::TokenLinkView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumSize(360, 240);
    setToolTip(tr("Hover a token on the left to see where it attends; click to keep it; click again to show all."));
}

void TokenLinkView::setTokens(const QStringList &tokens)
{
    setTokens(tokens, tokens);
}

void TokenLinkView::setTokens(const QStringList &queries, const QStringList &keys)
{
    m_tokens = queries;
    m_keys = keys;
    if (m_selected >= queries.size())
        m_selected = -1;
    update();
}

void TokenLinkView::setLayers(const QList<LinkLayer> &layers)
{
    m_layers = layers;
    update();
}

void TokenLinkView::setSelectedQuery(int query)
{
    m_selected = query;
    update();
}

QSize TokenLinkView::defaultFigureSize() const
{
    return {700, int(kTop) + 30 + std::max<int>(int(std::max(m_tokens.size(), m_keys.size())), 1) * 22};
}

double TokenLinkView::rowHeight(const QSize &size) const
{
    const qsizetype rows = std::max<qsizetype>(std::max(m_tokens.size(), m_keys.size()), 1);
    return std::max(4.0, (size.height() - kTop - 24.0) / double(rows));
}

int TokenLinkView::tokenAt(const QPointF &position, const QSize &size) const
{
    if (position.x() > kColumnWidth + 10 || position.y() < kTop)
        return -1;
    const int row = int((position.y() - kTop) / rowHeight(size));
    return row >= 0 && row < m_tokens.size() ? row : -1;
}

void TokenLinkView::paint(QPainter &painter, const QSize &size, bool paper) const
{
    const QColor background = paper ? QColor(Qt::white) : palette().color(QPalette::Base);
    const QColor text = paper ? QColor(Qt::black) : palette().color(QPalette::Text);
    painter.fillRect(QRect(QPoint(0, 0), size), background);
    painter.setRenderHint(QPainter::Antialiasing);
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(text);
    painter.drawText(QRectF(0, 0, size.width(), 24), Qt::AlignCenter, m_title);
    painter.setFont(font());
    if (m_tokens.isEmpty()) {
        painter.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter, tr("Run a model to see its attention links"));
        return;
    }
    const double row = rowHeight(size);
    const double left = kColumnWidth;
    const double right = size.width() - kColumnWidth;
    const int focus = m_hovered >= 0 ? m_hovered : m_selected;
    // Lines first, so the labels stay readable on top of them.
    for (const LinkLayer &layer : m_layers) {
        if (!layer.weights)
            continue;
        const Matrix &w = *layer.weights;
        for (int q = 0; q < std::min<int>(int(w.rows), int(m_tokens.size())); ++q) {
            if (focus >= 0 && q != focus)
                continue;
            for (int k = 0; k < std::min<int>(int(w.cols), int(m_keys.size())); ++k) {
                const float weight = w.at(q, k);
                if (!(weight > 0.01f))
                    continue;
                QColor color = layer.color;
                color.setAlphaF(std::min(1.0f, weight) * (focus >= 0 ? 0.95 : 0.6));
                painter.setPen(QPen(color, 1.0 + 3.0 * weight));
                painter.drawLine(QPointF(left + 6, kTop + (q + 0.5) * row), QPointF(right - 6, kTop + (k + 0.5) * row));
            }
        }
    }
    QFont small = font();
    small.setPointSizeF(std::clamp(row * 0.55, 5.0, font().pointSizeF()));
    painter.setFont(small);
    for (int i = 0; i < m_tokens.size(); ++i) {
        painter.setPen(i == focus ? QColor(220, 40, 40) : text);
        painter.drawText(QRectF(0, kTop + i * row, left, row), Qt::AlignRight | Qt::AlignVCenter, m_tokens[i]);
    }
    painter.setPen(text);
    for (int i = 0; i < m_keys.size(); ++i)
        painter.drawText(QRectF(right, kTop + i * row, kColumnWidth, row), Qt::AlignLeft | Qt::AlignVCenter, m_keys[i]);
    // Legend: one colour per head.
    double x = 8;
    for (const LinkLayer &layer : m_layers) {
        painter.fillRect(QRectF(x, size.height() - 16, 12, 10), layer.color);
        painter.setPen(text);
        painter.drawText(QPointF(x + 16, size.height() - 7), layer.name);
        x += 24 + painter.fontMetrics().horizontalAdvance(layer.name);
    }
}

void TokenLinkView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paint(painter, size(), false);
}

void TokenLinkView::renderFigure(QCPPainter &painter, const QSize &size)
{
    painter.save();
    paint(painter, size, true);
    painter.restore();
}

FigureTable TokenLinkView::figureTable() const
{
    FigureTable table;
    if (m_layers.isEmpty() || !m_layers.front().weights)
        return table;
    const Matrix &w = *m_layers.front().weights;
    if (m_selected >= 0 && m_selected < w.rows) {
        auto row = std::make_shared<Matrix>(1, w.cols);
        std::copy_n(w.values.begin() + long(m_selected * w.cols), size_t(w.cols), row->values.begin());
        table.matrix = row;
    } else {
        table.matrix = m_layers.front().weights;
    }
    return table;
}

void TokenLinkView::mouseMoveEvent(QMouseEvent *event)
{
    const int token = tokenAt(event->position(), size());
    if (token != m_hovered) {
        m_hovered = token;
        update();
    }
}

void TokenLinkView::mousePressEvent(QMouseEvent *event)
{
    const int token = tokenAt(event->position(), size());
    m_selected = token == m_selected ? -1 : token;
    emit querySelected(m_selected);
    update();
}

void TokenLinkView::leaveEvent(QEvent *)
{
    m_hovered = -1;
    update();
}

} // namespace tessera::widgets
