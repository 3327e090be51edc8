#pragma once
// One text as several tokenizers cut it: the text on top, then one row per tokenizer of
// token chips (the token as a reader reads it, its id beneath) wrapped to the width, with the
// token count; the hover read-out gives the token as the vocabulary spells it. Hovering
// a chip marks the characters it covers in the text and every other tokenizer's chips over
// the same characters; special tokens are grey, unknown tokens red, byte pieces (a token
// covering part of a character) outlined in orange. Its CSV is one line per token. GUI thread
// only.

#include "tessera/widgets/Figure.h"

#include <QList>
#include <QPair>
#include <QRectF>
#include <QStringList>
#include <QVector>
#include <QWidget>

namespace tessera::widgets {

struct TokenRow {
    QString name;                   // "GPT-2"
    QString description;            // "byte-level BPE, 50257 tokens"
    QStringList tokens;             // as the vocabulary spells them (the read-out and the CSV)
    QStringList labels;             // as drawn on the chips ("␣the", "나 1/3"); empty: the tokens
    QVector<qint64> ids;            // one per token
    QVector<QPair<int, int>> spans; // [start, end) in characters (code points) of the text; (0, 0) for special tokens
    QVector<bool> special;          // [CLS], <s>, ...
    QVector<bool> unknown;          // the tokenizer's unknown token
    QString error;                  // set instead of tokens when the tokenizer could not run
};

class TokenRowsView : public QWidget, public Figure {
    Q_OBJECT
public:
    explicit TokenRowsView(QWidget *parent = nullptr);

    // text: the input as code points are counted in the spans (one QString character per code
    // point is not assumed: spans index code points).
    void setRows(const QString &text, const QList<TokenRow> &rows);
    const QList<TokenRow> &rows() const { return m_rows; }
    void setFigureTitle(const QString &title);

    QString figureTitle() const override { return m_title; }
    QSize defaultFigureSize() const override;
    void renderFigure(QCPPainter &painter, const QSize &size) override;
    // tokenizer, index, token, id, start, end, text (the characters it covers), special.
    FigureTable figureTable() const override;

    QSize sizeHint() const override { return defaultFigureSize(); }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

signals:
    void readoutChanged(const QString &text);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    struct Chip {
        int row = 0, token = 0;
        QRectF rect;
    };
    struct Layout {
        QRectF textRect;
        QVector<QRectF> rowLabels;
        QVector<Chip> chips;
        double height = 0.0;
    };
    Layout layout(double width) const;
    void paint(QPainter &painter, const QSize &size, bool paper) const;
    QString spanText(const QPair<int, int> &span) const;

    QString m_title;
    QVector<uint> m_codePoints; // the text
    QList<TokenRow> m_rows;
    int m_hoverRow = -1, m_hoverToken = -1;
};

} // namespace tessera::widgets
