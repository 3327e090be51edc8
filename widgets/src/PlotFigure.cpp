#include "tessera/widgets/PlotFigure.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QLabel>
#include <QVBoxLayout>

namespace tessera::widgets {

QColor seriesColor(int index)
{
    static const QColor colors[] = {QColor(0, 114, 178),   QColor(230, 159, 0),  QColor(0, 158, 115),
                                    QColor(204, 121, 167), QColor(86, 180, 233), QColor(213, 94, 0),
                                    QColor(240, 228, 66),  QColor(0, 0, 0)};
    return colors[index % 8];
}

PlotFigure::PlotFigure(QWidget *parent) : QWidget(parent), m_plot(new QCustomPlot(this)), m_readout(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_readout);
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_readout->setMinimumHeight(m_readout->fontMetrics().height() + 4);
    m_readout->setToolTip(tr("Hover over the plot to read exact values; drag to pan, wheel to zoom, "
                             "double-click to reset the view."));
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->setMinimumSize(200, 150);
    applyTheme(false);
}

void PlotFigure::setFigureTitle(const QString &title)
{
    m_title = title;
    if (!m_titleElement) {
        m_plot->plotLayout()->insertRow(0);
        m_titleElement = new QCPTextElement(m_plot, title, QFont(font().family(), 11, QFont::Bold));
        m_plot->plotLayout()->addElement(0, 0, m_titleElement);
        applyTheme(false);
    }
    m_titleElement->setText(title);
    m_plot->replot(QCustomPlot::rpQueuedReplot); // a new title alone must show too
}

QString PlotFigure::readout() const
{
    return m_readout->text();
}

void PlotFigure::setReadout(const QString &text)
{
    if (text == m_readout->text())
        return;
    m_readout->setText(text);
    emit readoutChanged(text);
}

void PlotFigure::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyTheme(false);
        m_plot->replot();
    }
}

void PlotFigure::applyTheme(bool paper)
{
    const QPalette palette = this->palette();
    const QColor background = paper ? QColor(Qt::white) : palette.color(QPalette::Base);
    const QColor foreground = paper ? QColor(Qt::black) : palette.color(QPalette::Text);
    QColor grid = foreground;
    grid.setAlpha(40);
    m_plot->setBackground(background);
    const QList<QCPAxisRect *> rects = m_plot->axisRects();
    for (QCPAxisRect *rect : rects) {
        for (QCPAxis *axis : rect->axes()) {
            axis->setBasePen(QPen(foreground, 1));
            axis->setTickPen(QPen(foreground, 1));
            axis->setSubTickPen(QPen(foreground, 1));
            axis->setTickLabelColor(foreground);
            axis->setLabelColor(foreground);
            axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        }
    }
    for (int i = 0; i < m_plot->plotLayout()->elementCount(); ++i) {
        if (auto *scale = qobject_cast<QCPColorScale *>(m_plot->plotLayout()->elementAt(i))) {
            QCPAxis *axis = scale->axis();
            axis->setBasePen(QPen(foreground, 1));
            axis->setTickPen(QPen(foreground, 1));
            axis->setSubTickPen(QPen(foreground, 1));
            axis->setTickLabelColor(foreground);
            axis->setLabelColor(foreground);
        }
    }
    if (m_titleElement)
        m_titleElement->setTextColor(foreground);
    if (m_plot->legend) {
        m_plot->legend->setBrush(background);
        m_plot->legend->setTextColor(foreground);
        m_plot->legend->setBorderPen(QPen(grid));
    }
}

void PlotFigure::renderFigure(QCPPainter &painter, const QSize &size)
{
    applyTheme(true);
    const QRect screenViewport = m_plot->viewport();
    // prepareRender may adjust ranges for the export size; the screen keeps its own view.
    QList<QPair<QCPAxis *, QCPRange>> ranges;
    for (QCPAxisRect *rect : m_plot->axisRects())
        for (QCPAxis *axis : rect->axes())
            ranges.append({axis, axis->range()});
    m_plot->setViewport(QRect(QPoint(0, 0), size));
    for (auto phase : {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout})
        m_plot->plotLayout()->update(phase);
    prepareRender();
    m_plot->toPainter(&painter, size.width(), size.height());
    m_plot->setViewport(screenViewport);
    for (const auto &[axis, range] : ranges)
        axis->setRange(range);
    applyTheme(false);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace tessera::widgets
