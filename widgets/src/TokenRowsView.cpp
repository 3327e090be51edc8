#include "tessera/widgets/TokenRowsView.h"

#include <qcustomplot.h>

#include <QFontMetricsF>
#include <QMouseEvent>
#include <QPainter>
#include <QRegularExpression>

#include <algorithm>

namespace tessera::widgets {
namespace {

constexpr double kMargin = 10.0;
constexpr double kTitleHeight = 26.0;
constexpr double kLabelWidth = 200.0;
constexpr double kChipGap = 4.0;
constexpr double kRowGap = 12.0;

// Pastel fills that tell neighbouring tokens apart (tiktokenizer's idea).
const QColor kFills[] = {QColor(199, 225, 250), QColor(255, 221, 179), QColor(204, 238, 204),
                         QColor(240, 205, 235), QColor(255, 245, 179), QColor(210, 215, 245)};

bool overlaps(const QPair<int, int> &a, const QPair<int, int> &b)
{
    return a.first < b.second && b.first < a.second;
}

// A word-boundary mark alone ("▁", "Ġ"): SentencePiece gives it the span of the next character.
bool isSpaceMark(const QString &token)
{
    return token == QStringLiteral("\u2581") || token == QStringLiteral("\u0120");
}

// A token that covers part of a character: SentencePiece's <0xNN> pieces, byte-level BPE
// tokens (and uncased BERT's jamo) that share their character with a neighbour.
bool isBytePiece(const TokenRow &row, int i)
{
    static const QRegularExpression byteToken(QStringLiteral("^<0x[0-9A-Fa-f]{2}>$"));
    if (byteToken.match(row.tokens.value(i)).hasMatch())
        return true;
    const QPair<int, int> span = row.spans.value(i);
    if (span.second <= span.first || row.special.value(i) || isSpaceMark(row.tokens.value(i)))
        return false;
    for (int j : {i - 1, i + 1})
        if (j >= 0 && j < row.spans.size() && !row.special.value(j) && !isSpaceMark(row.tokens.value(j)) &&
            overlaps(span, row.spans[j]))
            return true;
    return false;
}

} // namespace

TokenRowsView::TokenRowsView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumSize(420, 200);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setToolTip(tr("Hover a token to see the characters it covers, in the text and in every other tokenizer. Grey: "
                  "special tokens; red: unknown; orange outline: part of one character (its bytes, or a jamo of a "
                  "syllable)."));
}

void TokenRowsView::setRows(const QString &text, const QList<TokenRow> &rows)
{
    m_codePoints = text.toUcs4();
    m_rows = rows;
    m_hoverRow = m_hoverToken = -1;
    updateGeometry();
    update();
}

void TokenRowsView::setFigureTitle(const QString &title)
{
    m_title = title;
    update();
}

QString TokenRowsView::spanText(const QPair<int, int> &span) const
{
    const int start = std::clamp(span.first, 0, int(m_codePoints.size()));
    const int end = std::clamp(span.second, start, int(m_codePoints.size()));
    return QString::fromUcs4(reinterpret_cast<const char32_t *>(m_codePoints.constData() + start), end - start);
}

TokenRowsView::Layout TokenRowsView::layout(double width) const
{
    Layout l;
    const QFontMetricsF metrics(font());
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.8);
    const QFontMetricsF smallMetrics(small);
    double y = kTitleHeight;
    // The text, wrapped at the width like the chips.
    const double textWidth = width - 2 * kMargin;
    const QString text =
        QString::fromUcs4(reinterpret_cast<const char32_t *>(m_codePoints.constData()), m_codePoints.size());
    const QRectF textBounds =
        metrics.boundingRect(QRectF(0, 0, std::max(40.0, textWidth), 1e6), Qt::TextWrapAnywhere, text);
    l.textRect = QRectF(kMargin, y, textWidth, std::max(metrics.height(), textBounds.height()) + 8);
    y += l.textRect.height() + kRowGap;
    const double chipHeight = metrics.height() + smallMetrics.height() + 6;
    const double left = kMargin + kLabelWidth;
    const double right = width - kMargin;
    for (int r = 0; r < m_rows.size(); ++r) {
        const TokenRow &row = m_rows[r];
        double x = left;
        double rowTop = y;
        const double labelHeight = metrics.height() + 3 * smallMetrics.height() + 4;
        for (int t = 0; t < row.tokens.size(); ++t) {
            const double w = std::max(metrics.horizontalAdvance(row.labels.value(t, row.tokens[t])),
                                      smallMetrics.horizontalAdvance(QString::number(row.ids.value(t)))) +
                             10;
            if (x + w > right && x > left) {
                x = left;
                y += chipHeight + kChipGap;
            }
            l.chips.append({r, t, QRectF(x, y, w, chipHeight)});
            x += w + kChipGap;
        }
        const double bottom = std::max(y + chipHeight, rowTop + labelHeight);
        l.rowLabels.append(QRectF(kMargin, rowTop, kLabelWidth - 8, bottom - rowTop));
        y = bottom + kRowGap;
    }
    l.height = y + kMargin;
    return l;
}

int TokenRowsView::heightForWidth(int width) const
{
    return int(std::ceil(layout(width).height));
}

QSize TokenRowsView::defaultFigureSize() const
{
    const int width = 1000;
    return {width, std::max(200, heightForWidth(width))};
}

void TokenRowsView::paint(QPainter &painter, const QSize &size, bool paper) const
{
    const QColor background = paper ? QColor(Qt::white) : palette().color(QPalette::Base);
    const QColor ink = paper ? QColor(Qt::black) : palette().color(QPalette::Text);
    painter.fillRect(QRect(QPoint(0, 0), size), background);
    painter.setRenderHint(QPainter::Antialiasing);
    QFont bold = font();
    bold.setBold(true);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.8);
    painter.setPen(ink);
    painter.setFont(bold);
    painter.drawText(QRectF(0, 0, size.width(), kTitleHeight), Qt::AlignCenter, m_title);
    painter.setFont(font());
    if (m_rows.isEmpty()) {
        painter.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter, tr("Type a text and choose tokenizers"));
        return;
    }
    const Layout l = layout(size.width());
    const QPair<int, int> hovered = m_hoverRow >= 0 ? m_rows[m_hoverRow].spans.value(m_hoverToken) : QPair<int, int>();

    // The text, the hovered token's characters marked.
    painter.setPen(QPen(QColor(160, 160, 160), 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawRoundedRect(l.textRect, 4, 4);
    const QFontMetricsF metrics(font());
    double x = l.textRect.left() + 4;
    double y = l.textRect.top() + 4;
    for (int i = 0; i < m_codePoints.size(); ++i) {
        const QString character = QString::fromUcs4(reinterpret_cast<const char32_t *>(&m_codePoints[i]), 1);
        const double w = metrics.horizontalAdvance(character);
        if (x + w > l.textRect.right() - 4) {
            x = l.textRect.left() + 4;
            y += metrics.height();
        }
        const QRectF cell(x, y, w, metrics.height());
        if (i >= hovered.first && i < hovered.second)
            painter.fillRect(cell, QColor(255, 214, 10, 200));
        painter.setPen(ink);
        painter.drawText(cell, Qt::AlignCenter, character);
        x += w;
    }

    for (int r = 0; r < m_rows.size(); ++r) {
        const TokenRow &row = m_rows[r];
        const QRectF label = l.rowLabels[r];
        painter.setPen(ink);
        painter.setFont(bold);
        painter.drawText(label, Qt::AlignLeft | Qt::AlignTop, row.name);
        painter.setFont(small);
        painter.setPen(paper ? QColor(90, 90, 90) : palette().color(QPalette::PlaceholderText));
        const QString detail = row.error.isEmpty() ? tr("%n tokens", nullptr, int(row.tokens.size())) : row.error;
        painter.drawText(label.adjusted(0, metrics.height() + 2, 0, 0), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                         detail + "\n" + row.description);
    }
    for (const Chip &chip : l.chips) {
        const TokenRow &row = m_rows[chip.row];
        const int t = chip.token;
        QColor fill = kFills[t % int(std::size(kFills))];
        if (row.special.value(t))
            fill = QColor(222, 222, 222);
        if (row.unknown.value(t))
            fill = QColor(250, 170, 165);
        const bool marked =
            m_hoverRow >= 0 && (chip.row == m_hoverRow ? t == m_hoverToken : overlaps(row.spans.value(t), hovered));
        QPen outline(QColor(150, 150, 150), 1);
        if (isBytePiece(row, t))
            outline = QPen(QColor(230, 120, 0), 2);
        if (marked)
            outline = QPen(QColor(20, 20, 20), 2.5);
        painter.setPen(outline);
        painter.setBrush(fill);
        painter.drawRoundedRect(chip.rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
        painter.setPen(Qt::black); // on the pastel fills in both themes
        painter.setFont(font());
        painter.drawText(QRectF(chip.rect.left(), chip.rect.top() + 2, chip.rect.width(), metrics.height()),
                         Qt::AlignHCenter | Qt::AlignTop, row.labels.value(t, row.tokens[t]));
        painter.setFont(small);
        painter.setPen(QColor(70, 70, 70));
        painter.drawText(chip.rect.adjusted(0, 0, 0, -2), Qt::AlignHCenter | Qt::AlignBottom,
                         QString::number(row.ids.value(t)));
    }
    painter.setBrush(Qt::NoBrush);
}

void TokenRowsView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paint(painter, size(), false);
}

void TokenRowsView::renderFigure(QCPPainter &painter, const QSize &size)
{
    painter.save();
    paint(painter, size, true);
    painter.restore();
}

void TokenRowsView::mouseMoveEvent(QMouseEvent *event)
{
    int row = -1, token = -1;
    for (const Chip &chip : layout(width()).chips)
        if (chip.rect.contains(event->position())) {
            row = chip.row;
            token = chip.token;
            break;
        }
    if (row == m_hoverRow && token == m_hoverToken)
        return;
    m_hoverRow = row;
    m_hoverToken = token;
    update();
    if (row < 0) {
        emit readoutChanged(QString());
        return;
    }
    const TokenRow &r = m_rows[row];
    const QPair<int, int> span = r.spans.value(token);
    emit readoutChanged(tr("%1, token %2: \"%3\" id %4, characters %5-%6 \"%7\"")
                            .arg(r.name)
                            .arg(token)
                            .arg(r.tokens[token])
                            .arg(r.ids.value(token))
                            .arg(span.first)
                            .arg(span.second)
                            .arg(spanText(span)));
}

void TokenRowsView::leaveEvent(QEvent *)
{
    m_hoverRow = m_hoverToken = -1;
    update();
}

FigureTable TokenRowsView::figureTable() const
{
    FigureTable table;
    table.textHeader = {"tokenizer", "index", "token", "id", "start", "end", "text", "special", "shown"};
    for (const TokenRow &row : m_rows)
        for (int t = 0; t < row.tokens.size(); ++t) {
            const QPair<int, int> span = row.spans.value(t);
            table.textRows.append({row.name, QString::number(t), row.tokens[t], QString::number(row.ids.value(t)),
                                   QString::number(span.first), QString::number(span.second), spanText(span),
                                   row.special.value(t) ? "1" : "0", row.labels.value(t, row.tokens[t])});
        }
    return table;
}

} // namespace tessera::widgets
