#pragma once
// Line plots of one or more series (y against x, or parametric curves), with a legend,
// hover read-out of the nearest point, zoom and pan. GUI thread only.

#include "tessera/widgets/PlotFigure.h"

#include <QColor>
#include <QVector>

class QCPItemTracer;

namespace tessera::widgets {

struct Series {
    QString name;
    QVector<double> x;
    QVector<double> y;
    QColor color;            // invalid: the palette's next colour
    bool parametric = false; // draw in the given order (a trajectory), not sorted by x
    bool markers = false;    // a dot at every point
    bool dashed = false;
    bool line = true;            // false: markers only (a scatter)
    QVector<double> errors = {}; // when given (one per point): symmetric error bars of +- errors
    double width = 0.0;          // line width in pixels; 0: 1.6
    double markerSize = 0.0;     // marker diameter in pixels; 0: 4 on lines, 6 alone
    bool legend = true;          // false: not listed in the legend (trails, background clouds)
};

class LinePlotView : public PlotFigure {
    Q_OBJECT
public:
    explicit LinePlotView(QWidget *parent = nullptr);

    void setSeries(const QVector<Series> &series);
    const QVector<Series> &series() const { return m_series; }
    void setAxisTitles(const QString &x, const QString &y);
    void setLogY(bool logarithmic);
    void setEqualAspect(bool equal); // one unit on x as long as one on y (rotation plots)
    void setLegendVisible(bool visible);

    // The numbers exported as CSV instead of the series' (empty: the series').
    void setTable(const FigureTable &table) { m_table = table; }
    FigureTable figureTable() const override;

protected:
    void prepareRender() override;

private:
    void rescale();
    void keepAspect();
    void onMouseMove(QMouseEvent *event);

    QVector<Series> m_series;
    FigureTable m_table;
    bool m_equalAspect = false;
    bool m_legendWanted = true;
    QCPItemTracer *m_tracer;
};

} // namespace tessera::widgets
