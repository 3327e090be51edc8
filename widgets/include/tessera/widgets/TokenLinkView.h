#pragma once
// BertViz's "head view": the tokens in two columns (queries left, keys right) joined by lines
// whose opacity is the attention weight; the columns may differ (cross-attention: the target's
// tokens reading the source's). Several heads are overlaid in distinct colours;
// hovering or clicking a query token keeps only its lines. GUI thread only.

#include "tessera/widgets/Figure.h"

#include <QColor>
#include <QStringList>
#include <QWidget>

namespace tessera::widgets {

struct LinkLayer {
    QString name;      // "head 3"
    MatrixPtr weights; // [n, n] query x key
    QColor color;
};

class TokenLinkView : public QWidget, public Figure {
    Q_OBJECT
public:
    explicit TokenLinkView(QWidget *parent = nullptr);

    // The same tokens on both sides (self-attention).
    void setTokens(const QStringList &tokens);
    // Queries left, keys right (weights [queries, keys]).
    void setTokens(const QStringList &queries, const QStringList &keys);
    void setLayers(const QList<LinkLayer> &layers);
    // -1 shows every query's lines.
    void setSelectedQuery(int query);
    int selectedQuery() const { return m_selected; }
    void setFigureTitle(const QString &title)
    {
        m_title = title;
        update();
    }

    QString figureTitle() const override { return m_title; }
    QSize defaultFigureSize() const override;
    void renderFigure(QCPPainter &painter, const QSize &size) override;
    FigureTable figureTable() const override; // the first layer's weights (of the selected query, if any)

signals:
    void querySelected(int query);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    void paint(QPainter &painter, const QSize &size, bool paper) const;
    int tokenAt(const QPointF &position, const QSize &size) const;
    double rowHeight(const QSize &size) const;

    QStringList m_tokens; // queries (left)
    QStringList m_keys;   // keys (right)
    QList<LinkLayer> m_layers;
    int m_selected = -1;
    int m_hovered = -1;
    QString m_title;
};

} // namespace tessera::widgets
