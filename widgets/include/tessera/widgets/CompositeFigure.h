#pragma once
// Several figures side by side (a matrix and its profile, a map and its slopes) exported as
// one figure. Child widths follow their stretch factors on screen and in exports; the numbers
// exported as CSV are those of the primary child. GUI thread only.

#include "tessera/widgets/Figure.h"

#include <QWidget>

class QHBoxLayout;

class QCPPainter;

namespace tessera::widgets {

class CompositeFigure : public QWidget, public Figure {
    Q_OBJECT
public:
    explicit CompositeFigure(const QString &title, QWidget *parent = nullptr);

    // child must be a QWidget implementing Figure; it is reparented.
    template <class FigureWidget>
    FigureWidget *addFigure(FigureWidget *child, int stretch = 1)
    {
        addChild(child, child, stretch);
        return child;
    }
    void setPrimary(int index) { m_primary = index; }
    void setFigureTitle(const QString &title) { m_title = title; }

    QString figureTitle() const override { return m_title; }
    QSize defaultFigureSize() const override;
    void renderFigure(QCPPainter &painter, const QSize &size) override;
    FigureTable figureTable() const override;

private:
    void addChild(QWidget *widget, Figure *figure, int stretch);

    QString m_title;
    QHBoxLayout *m_layout;
    QList<Figure *> m_children;
    QList<int> m_stretches;
    int m_primary = 0;
};

} // namespace tessera::widgets
