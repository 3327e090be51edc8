#include "tessera/widgets/CompositeFigure.h"

#include <QHBoxLayout>
#include <qcustomplot.h>

namespace tessera::widgets {

CompositeFigure::CompositeFigure(const QString &title, QWidget *parent)
    : QWidget(parent), m_title(title), m_layout(new QHBoxLayout(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
}

void CompositeFigure::addChild(QWidget *widget, Figure *figure, int stretch)
{
    m_layout->addWidget(widget, stretch);
    m_children.append(figure);
    m_stretches.append(std::max(stretch, 1));
}

QSize CompositeFigure::defaultFigureSize() const
{
    return {qMin(1500, 650 * int(std::max<qsizetype>(m_children.size(), 1))), 600};
}

void CompositeFigure::renderFigure(QCPPainter &painter, const QSize &size)
{
    int total = 0;
    for (int stretch : m_stretches)
        total += stretch;
    int x = 0;
    for (int i = 0; i < m_children.size(); ++i) {
        const int width = i + 1 == m_children.size() ? size.width() - x : size.width() * m_stretches[i] / std::max(total, 1);
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
