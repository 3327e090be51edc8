#pragma once
// Horizontal bars with text labels, largest on top: top-k predictions. GUI thread only.

#include "tessera/widgets/PlotFigure.h"

#include <QStringList>
#include <QVector>

class QCPBars;

namespace tessera::widgets {

class BarChartView : public PlotFigure {
    Q_OBJECT
public:
    explicit BarChartView(QWidget *parent = nullptr);

    // labels[i] is drawn beside values[i]; ids (optional) go to the CSV beside the values.
    void setBars(const QStringList &labels, const QVector<double> &values, const QVector<double> &ids = {});
    void setValueTitle(const QString &title);

    FigureTable figureTable() const override;

private:
    QCPBars *m_bars;
    QStringList m_labels;
    QVector<double> m_values;
    QVector<double> m_ids;
};

} // namespace tessera::widgets
