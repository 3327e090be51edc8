#include "tessera/widgets/CompositeFigure.h"

#include <QGridLayout>
#include <qcustomplot.h>

namespace tessera::widgets {

CompositeFigure::CompositeFigure(const QString &title, QWidget *parent)
    : QWidget(parent), m_title(title), m_layout(new QGridLayout(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
}

void CompositeFigure::setColumns(int columns)
{
    m_columns = std::max(columns, 0);
}

void CompositeFigure::addChild(QWidget *widget, Figure *figure, int stretch)
{
    const int index = int(m_children.size());
    if (m_columns > 0) {
        m_layout->addWidget(widget, index / m_columns, index % m_columns);
    } else {
        m_layout->addWidget(widget, 0, index);
        m_layout->setColumnStretch(index, stretch);
    }
    m_children.append(figure);
    m_stretches.append(std::max(stretch, 1));
}

QSize CompositeFigure::defaultFigureSize() const
{
    if (m_columns > 0) {
        const int rows = int((m_children.size() + m_columns - 1) / m_columns);
        return {qMin(1800, 450 * m_columns), 400 * std::max(rows, 1)};
    }
    return {qMin(1500, 650 * int(std::max<qsizetype>(m_children.size(), 1))), 600};
}

void CompositeFigure::renderFigure(QCPPainter &painter, const QSize &size)
{
    if (m_columns > 0) {
        const int rows = int((m_children.size() + m_columns - 1) / m_columns);
        const int width = size.width() / m_columns;
        const int height = size.height() / std::max(rows, 1);
        for (int i = 0; i < m_children.size(); ++i) {
            painter.save();
            painter.translate((i % m_columns) * width, (i / m_columns) * height);
            painter.setClipRect(QRect(0, 0, width, height));
            m_children[i]->renderFigure(painter, QSize(width, height));
            painter.restore();
        }
        return;
    }
    int total = 0;
    for (int stretch : m_stretches)
        total += stretch;
    int x = 0;
    for (int i = 0; i < m_children.size(); ++i) {
        const int width =
            i + 1 == m_children.size() ? size.width() - x : size.width() * m_stretches[i] / std::max(total, 1);
        painter.save();
        painter.translate(x, 0);
        painter.setClipRect(QRect(0, 0, width, size.height()));
        m_children[i]->renderFigure(painter, QSize(width, size.height()));
        painter.restore();
        x += width;
    }
}

FigureTable CompositeFigure::figureTable() const
{
    if (m_primary < 0 || m_primary >= m_children.size())
        return {};
    return m_children[m_primary]->figureTable();
}

} // namespace tessera::widgets
