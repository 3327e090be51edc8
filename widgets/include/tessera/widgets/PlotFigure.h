#pragma once
// A Figure drawn by one QCustomPlot: the base of HeatmapView and LinePlotView. On screen it
// follows the application palette (light or dark); exports always use the paper theme
// (white background, black text). GUI thread only.

#include "tessera/widgets/Figure.h"

#include <QWidget>

class QCustomPlot;
class QCPTextElement;
class QLabel;

class QCPPainter;

namespace tessera::widgets {

class PlotFigure : public QWidget, public Figure {
    Q_OBJECT
public:
    explicit PlotFigure(QWidget *parent = nullptr);

    QCustomPlot *plot() const { return m_plot; }
    QString figureTitle() const override { return m_title; }
    void setFigureTitle(const QString &title);
    void renderFigure(QCPPainter &painter, const QSize &size) override;

    // The hover read-out shown under the plot (and emitted for the status bar).
    QString readout() const;

signals:
    void readoutChanged(const QString &text);

protected:
    void setReadout(const QString &text);
    void changeEvent(QEvent *event) override;
    // Colours axes, grid and background; paper = the export theme.
    virtual void applyTheme(bool paper);
    // Called with the plot laid out at the export size, just before it is painted.
    virtual void prepareRender() {}

private:
    QCustomPlot *m_plot;
    QCPTextElement *m_titleElement = nullptr;
    QLabel *m_readout;
    QString m_title;
};

// The colour-blind-safe qualitative palette (Okabe & Ito) used for series.
QColor seriesColor(int index);

} // namespace tessera::widgets
