#pragma once
// Several figures side by side (a matrix and its profile, a map and its slopes), or in a grid
// of rows, exported as one figure. In a single row, child widths follow their stretch factors
// on screen and in exports; the numbers exported as CSV are those of the primary child.
// GUI thread only.

#include "tessera/widgets/Figure.h"

#include <QWidget>

class QGridLayout;

class QCPPainter;

namespace tessera::widgets {

class CompositeFigure : public QWidget, public Figure {
    Q_OBJECT
public:
    explicit CompositeFigure(const QString &title, QWidget *parent = nullptr);

    // child must be a QWidget implementing Figure; it is reparented.
    template <class FigureWidget> FigureWidget *addFigure(FigureWidget *child, int stretch = 1)
    {
        addChild(child, child, stretch);
        return child;
    }
    void setPrimary(int index) { m_primary = index; }
    // Lay the children out in rows of this many (0: one row). Call before adding children.
    void setColumns(int columns);
    void setFigureTitle(const QString &title) { m_title = title; }

    QString figureTitle() const override { return m_title; }
    QSize defaultFigureSize() const override;
    void renderFigure(QCPPainter &painter, const QSize &size) override;
    FigureTable figureTable() const override;

private:
    void addChild(QWidget *widget, Figure *figure, int stretch);

    QString m_title;
    QGridLayout *m_layout;
    int m_columns = 0;
    QList<Figure *> m_children;
    QList<int> m_stretches;
    int m_primary = 0;
};

} // namespace tessera::widgets
