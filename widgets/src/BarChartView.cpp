#include "tessera/widgets/BarChartView.h"

#include <qcustomplot.h>

namespace tessera::widgets {

BarChartView::BarChartView(QWidget *parent) : PlotFigure(parent)
{
    QCustomPlot *p = plot();
    m_bars = new QCPBars(p->yAxis, p->xAxis);
    m_bars->setWidth(0.7);
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(seriesColor(0));
    p->yAxis->setRangeReversed(true);
    p->yAxis->grid()->setVisible(false);
    p->yAxis->setSubTicks(false);
    p->yAxis->setTickLength(0, 0);
    p->setInteractions(QCP::Interactions());
    applyTheme(false);
}

void BarChartView::setBars(const QStringList &labels, const QVector<double> &values, const QVector<double> &ids)
{
    m_labels = labels;
    m_values = values;
    m_ids = ids;
    QVector<double> keys;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < values.size(); ++i) {
        keys << i;
        ticker->addTick(i, labels.value(i));
    }
    plot()->yAxis->setTicker(ticker);
    m_bars->setData(keys, values, true);
    plot()->yAxis->setRange(-0.6, std::max<qsizetype>(values.size(), 1) - 0.4);
    double top = 0.0;
    for (double v : values)
        top = std::max(top, v);
    plot()->xAxis->setRange(0.0, top > 0.0 ? top * 1.08 : 1.0);
    plot()->replot();
}

void BarChartView::setValueTitle(const QString &title)
{
    plot()->xAxis->setLabel(title);
    plot()->replot();
}

FigureTable BarChartView::figureTable() const
{
    FigureTable table;
    if (m_values.isEmpty())
        return table;
    table.columnNames << QStringLiteral("rank");
    std::vector<double> ranks;
    for (int i = 0; i < m_values.size(); ++i)
        ranks.push_back(i + 1);
    table.columns.push_back(ranks);
    if (!m_ids.isEmpty()) {
        table.columnNames << QStringLiteral("id");
        table.columns.emplace_back(m_ids.begin(), m_ids.end());
    }
    table.columnNames << (plot()->xAxis->label().isEmpty() ? QStringLiteral("value") : plot()->xAxis->label());
    table.columns.emplace_back(m_values.begin(), m_values.end());
    table.rowLabels = m_labels.mid(0, m_values.size()); // the token or class of each bar
    table.rowLabelName = QStringLiteral("label");
    return table;
}

} // namespace tessera::widgets
