#include "tessera/widgets/LinePlotView.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tessera::widgets {

LinePlotView::LinePlotView(QWidget *parent) : PlotFigure(parent)
{
    QCustomPlot *p = plot();
    p->legend->setVisible(false); // shown once there are two series to tell apart
    p->legend->setFont(QFont(font().family(), 8));
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_tracer = new QCPItemTracer(p);
    m_tracer->setStyle(QCPItemTracer::tsCircle);
    m_tracer->setSize(7);
    m_tracer->setPen(QPen(QColor(220, 40, 40), 1.5));
    m_tracer->setVisible(false);
    p->setMouseTracking(true);
    connect(p, &QCustomPlot::mouseMove, this, &LinePlotView::onMouseMove);
    connect(p, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent *) { rescale(); });
    connect(p, &QCustomPlot::afterLayout, this, &LinePlotView::keepAspect);
    applyTheme(false);
}

void LinePlotView::setSeries(const QVector<Series> &series)
{
    QCustomPlot *p = plot();
    m_tracer->setGraph(nullptr);
    m_tracer->setVisible(false);
    p->clearPlottables();
    m_series = series;
    for (int i = 0; i < m_series.size(); ++i) {
        const Series &s = m_series[i];
        const QColor color = s.color.isValid() ? s.color : seriesColor(i);
        QPen pen(color, s.width > 0.0 ? s.width : 1.6);
        if (s.dashed)
            pen.setStyle(Qt::DashLine);
        QCPAbstractPlottable *plottable = nullptr;
        if (s.parametric) {
            auto *curve = new QCPCurve(p->xAxis, p->yAxis);
            curve->setData(s.x, s.y);
            if (s.markers)
                curve->setScatterStyle(
                    QCPScatterStyle(QCPScatterStyle::ssDisc, color, s.markerSize > 0.0 ? s.markerSize : 4));
            plottable = curve;
        } else {
            QCPGraph *graph = p->addGraph();
            graph->setData(s.x, s.y, s.line); // a scatter's points come in any order: QCustomPlot sorts them
            if (s.markers || !s.line)
                graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color,
                                                       s.markerSize > 0.0 ? s.markerSize
                                                       : s.line           ? 4
                                                                          : 6));
            if (!s.line)
                graph->setLineStyle(QCPGraph::lsNone);
            if (s.errors.size() == s.y.size() && !s.errors.isEmpty()) {
                auto *bars = new QCPErrorBars(p->xAxis, p->yAxis);
                bars->removeFromLegend();
                bars->setAntialiased(false);
                bars->setDataPlottable(graph);
                bars->setData(s.errors);
                bars->setPen(QPen(color, 1.0));
            }
            plottable = graph;
        }
        plottable->setPen(pen);
        plottable->setName(s.name);
        if (!s.legend)
            plottable->removeFromLegend();
    }
    p->legend->setVisible(p->legend->itemCount() > 1 && m_legendWanted);
    rescale();
}

void LinePlotView::setAxisTitles(const QString &x, const QString &y)
{
    plot()->xAxis->setLabel(x);
    plot()->yAxis->setLabel(y);
    plot()->replot();
}

void LinePlotView::setLogY(bool logarithmic)
{
    QCustomPlot *p = plot();
    p->yAxis->setScaleType(logarithmic ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (logarithmic)
        p->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    else
        p->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    rescale();
}

void LinePlotView::setEqualAspect(bool equal)
{
    m_equalAspect = equal;
    rescale();
}

void LinePlotView::setLegendVisible(bool visible)
{
    m_legendWanted = visible;
    plot()->legend->setVisible(visible && plot()->legend->itemCount() > 1);
    plot()->replot();
}

void LinePlotView::rescale()
{
    QCustomPlot *p = plot();
    p->rescaleAxes();
    const QCPRange x = p->xAxis->range();
    const QCPRange y = p->yAxis->range();
    if (p->yAxis->scaleType() == QCPAxis::stLinear) {
        const double margin = std::max(y.size() * 0.05, 1e-12);
        p->yAxis->setRange(y.lower - margin, y.upper + margin);
    }
    // Scatters (markers only) keep their outermost points off the frame.
    if (std::any_of(m_series.begin(), m_series.end(), [](const Series &s) { return !s.line; }))
        p->xAxis->setRange(x.lower - 0.5, x.upper + 0.5);
    if (m_equalAspect) {
        const double extent =
            std::max({std::abs(x.lower), std::abs(x.upper), std::abs(y.lower), std::abs(y.upper)}) * 1.1;
        p->xAxis->setRange(-extent, extent);
        p->yAxis->setRange(-extent, extent);
        keepAspect();
    }
    p->replot();
}

void LinePlotView::keepAspect()
{
    if (!m_equalAspect)
        return;
    // Widen whichever axis has room so one unit is as long on x as on y (circles stay round).
    QCustomPlot *p = plot();
    const QRect rect = p->axisRect()->rect();
    if (rect.width() <= 0 || rect.height() <= 0)
        return;
    const double unitsPerPixel =
        std::max(p->xAxis->range().size() / rect.width(), p->yAxis->range().size() / rect.height());
    p->xAxis->setRange(p->xAxis->range().center(), unitsPerPixel * rect.width(), Qt::AlignCenter);
    p->yAxis->setRange(p->yAxis->range().center(), unitsPerPixel * rect.height(), Qt::AlignCenter);
}

void LinePlotView::prepareRender()
{
    keepAspect();
}

void LinePlotView::onMouseMove(QMouseEvent *event)
{
    QCustomPlot *p = plot();
    double bestDistance = std::numeric_limits<double>::max();
    int bestSeries = -1;
    int bestIndex = -1;
    for (int s = 0; s < m_series.size(); ++s) {
        const Series &series = m_series[s];
        for (int i = 0; i < series.x.size(); ++i) {
            const double dx = p->xAxis->coordToPixel(series.x[i]) - event->pos().x();
            const double dy = p->yAxis->coordToPixel(series.y[i]) - event->pos().y();
            const double distance = dx * dx + dy * dy;
            if (distance < bestDistance) {
                bestDistance = distance;
                bestSeries = s;
                bestIndex = i;
            }
        }
    }
    if (bestSeries < 0 || bestDistance > 30.0 * 30.0) {
        m_tracer->setVisible(false);
        setReadout(QString());
        p->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const Series &series = m_series[bestSeries];
    m_tracer->setGraph(nullptr);
    m_tracer->position->setCoords(series.x[bestIndex], series.y[bestIndex]);
    m_tracer->setVisible(true);
    setReadout(QStringLiteral("%1 \u00b7 %2 = %3 \u00b7 %4 = %5")
                   .arg(series.name.isEmpty() ? tr("series %1").arg(bestSeries + 1) : series.name,
                        p->xAxis->label().isEmpty() ? QStringLiteral("x") : p->xAxis->label(),
                        QString::number(series.x[bestIndex], 'g', 6),
                        p->yAxis->label().isEmpty() ? QStringLiteral("y") : p->yAxis->label(),
                        QString::number(series.y[bestIndex], 'g', 6)));
    p->replot(QCustomPlot::rpQueuedReplot);
}

FigureTable LinePlotView::figureTable() const
{
    if (!m_table.isEmpty())
        return m_table;
    FigureTable table;
    bool sharedX = !m_series.isEmpty();
    for (const Series &s : m_series)
        sharedX = sharedX && !s.parametric && s.x == m_series.front().x;
    const QString xName = plot()->xAxis->label().isEmpty() ? QStringLiteral("x") : plot()->xAxis->label();
    if (sharedX) {
        table.columnNames << xName;
        table.columns.emplace_back(m_series.front().x.begin(), m_series.front().x.end());
        for (const Series &s : m_series) {
            table.columnNames << s.name;
            table.columns.emplace_back(s.y.begin(), s.y.end());
        }
    } else {
        for (const Series &s : m_series) {
            table.columnNames << s.name + QStringLiteral(" x") << s.name + QStringLiteral(" y");
            table.columns.emplace_back(s.x.begin(), s.x.end());
            table.columns.emplace_back(s.y.begin(), s.y.end());
        }
    }
    return table;
}

} // namespace tessera::widgets
