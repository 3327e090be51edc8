#include "tessera/widgets/ScatterView.h"

#include "tessera/widgets/BoxImageView.h"
#include "tessera/widgets/ColorMaps.h"

#include <qcustomplot.h>

#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPaintEngine>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tessera::widgets {
namespace {

constexpr double kPickRadius = 6.0; // pixels
constexpr double kTickLength = 4.0;
constexpr double kFitMargin = 0.04; // of the data extent, each side
constexpr int kMaxLegendEntries = 20;
constexpr double kLegendTextWidth = 150.0; // pixels; longer names are elided
constexpr int kMaxHighlightLabels = 30;
constexpr int kMaxVectorPoints = 20000;
constexpr double kVectorRasterScale = 3.0;
constexpr double kDragThreshold = 4.0; // pixels of movement before a press becomes a drag
constexpr uint32_t kNoCategoryColor = 0xffa0a0a0;
constexpr uint32_t kDimGrey = 0xffc8c8c8;

bool finite(float x, float y)
{
    return std::isfinite(x) && std::isfinite(y);
}

// x * a / 255 on the four 8-bit channels at once, rounded (Qt's BYTE_MUL).
inline uint32_t byteMul(uint32_t x, uint32_t a)
{
    uint32_t t = (x & 0xff00ffu) * a;
    t = (t + ((t >> 8) & 0xff00ffu) + 0x800080u) >> 8;
    t &= 0xff00ffu;
    x = ((x >> 8) & 0xff00ffu) * a;
    x = x + ((x >> 8) & 0xff00ffu) + 0x800080u;
    x &= 0xff00ff00u;
    return x | t;
}

// Source-over of a premultiplied colour.
inline void blend(uint32_t &destination, uint32_t source)
{
    destination = source + byteMul(destination, 255u - (source >> 24));
}

// Opacity of one point: opaque for small sets, lighter as they grow so that dense regions
// read as density (about 0.35 at 100,000 points).
uint32_t pointAlpha(int count)
{
    const double a = count <= 2000 ? 1.0 : std::clamp(1.0 - 0.383 * std::log10(count / 2000.0), 0.3, 1.0);
    return uint32_t(std::lround(a * 255.0));
}

// A disc of diameter d device pixels: the covered fraction of each pixel (4 x 4 samples).
std::vector<uint8_t> discMask(int d)
{
    std::vector<uint8_t> mask(size_t(d) * size_t(d), 255);
    if (d <= 2)
        return mask;
    const double r = d / 2.0;
    for (int y = 0; y < d; ++y)
        for (int x = 0; x < d; ++x) {
            int inside = 0;
            for (int sy = 0; sy < 4; ++sy)
                for (int sx = 0; sx < 4; ++sx) {
                    const double px = x + (sx + 0.5) / 4.0 - r, py = y + (sy + 0.5) / 4.0 - r;
                    inside += px * px + py * py <= r * r ? 1 : 0;
                }
            mask[size_t(y) * size_t(d) + size_t(x)] = uint8_t(std::lround(inside * 255.0 / 16.0));
        }
    return mask;
}

struct Ticks {
    std::vector<double> values;
    int decimals = 0;
};

// Round numbers (1, 2, 5 x 10^k) covering [low, high], about target of them.
Ticks niceTicks(double low, double high, int target)
{
    Ticks ticks;
    if (!(high > low) || !std::isfinite(low) || !std::isfinite(high))
        return ticks;
    const double raw = (high - low) / std::max(1, target);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double normalised = raw / magnitude;
    const double step = (normalised < 1.5 ? 1.0 : normalised < 3.0 ? 2.0 : normalised < 7.0 ? 5.0 : 10.0) * magnitude;
    const double first = std::ceil(low / step - 1e-9);
    for (double k = first; k * step <= high + step * 1e-9 && ticks.values.size() < 100; k += 1.0)
        ticks.values.push_back(k * step);
    ticks.decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
    return ticks;
}

QString tickText(double value, int decimals)
{
    if (std::abs(value) >= 1e6)
        return QString::number(value, 'g', 4);
    QString text = QString::number(value, 'f', std::min(decimals, 8));
    // "-0" and "-0.00" read as a different number from 0.
    if (text.startsWith('-') && text.count('0') == text.size() - 1 - text.count('.'))
        text.remove(0, 1);
    return text;
}

QRectF legendRect(const QRectF &plot, const QSizeF &size, int corner)
{
    const double x = (corner % 2 == 0) ? plot.left() + 8 : plot.right() - 8 - size.width();
    const double y = (corner < 2) ? plot.top() + 8 : plot.bottom() - 8 - size.height();
    return QRectF(QPointF(x, y), size);
}

QColor unpremultipliedColor(uint32_t premultiplied)
{
    return QColor::fromRgba(qUnpremultiply(premultiplied));
}

} // namespace

struct ScatterView::Transform {
    QRectF plot;
    double centerX = 0.0, centerY = 0.0; // data point at the plot's centre
    double scaleX = 1.0, scaleY = 1.0;   // pixels per data unit

    QPointF toWidget(double x, double y) const
    {
        return {plot.center().x() + (x - centerX) * scaleX, plot.center().y() - (y - centerY) * scaleY};
    }
    QPointF toData(const QPointF &p) const
    {
        return {centerX + (p.x() - plot.center().x()) / scaleX, centerY - (p.y() - plot.center().y()) / scaleY};
    }
    // The data region in view (top = smallest y).
    QRectF visible() const
    {
        const double w = plot.width() / scaleX, h = plot.height() / scaleY;
        return {centerX - w / 2, centerY - h / 2, w, h};
    }
};

struct ScatterView::Layout {
    QRectF plot;
    QRectF title;
    QRectF footnote;
    QRectF colorBar; // empty without values
    QSizeF legend;   // empty without categories
    double yTickWidth = 0.0;
    double colorBarTickWidth = 0.0;
};

ScatterView::ScatterView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(240, 200);
    setToolTip(tr("Drag: pan (or the selection tool chosen)\n"
                  "Shift+drag: select with a box \u00b7 Ctrl+drag or Alt+drag: select with a lasso\n"
                  "Wheel or +/-: zoom \u00b7 double-click or Home: fit all points\n"
                  "Click a point to pick it; click empty space or press Esc to clear the selection"));
}

ScatterView::~ScatterView() = default;

// ---------------------------------------------------------------------------------------
// Data

void ScatterView::setPoints(std::vector<float> xy)
{
    xy.resize(xy.size() / 2 * 2);
    const int oldCount = pointCount();
    m_xy = std::move(xy);
    const int n = pointCount();
    float minX = 0, maxX = 0, minY = 0, maxY = 0;
    bool any = false;
    for (int i = 0; i < n; ++i) {
        const float x = xOf(i), y = yOf(i);
        if (!finite(x, y))
            continue;
        if (!any) {
            minX = maxX = x;
            minY = maxY = y;
            any = true;
        } else {
            minX = std::min(minX, x);
            maxX = std::max(maxX, x);
            minY = std::min(minY, y);
            maxY = std::max(maxY, y);
        }
    }
    m_bounds = any ? QRectF(QPointF(minX, minY), QPointF(maxX, maxY)) : QRectF();
    m_gridDirty = true;
    if (n != oldCount) {
        rebuildColors();
        if (m_hover >= n)
            setHover(-1);
        QVector<int> kept;
        for (int index : std::as_const(m_selection))
            if (index < n)
                kept.append(index);
        if (kept.size() != m_selection.size()) {
            setSelectionAndNotify(kept);
        } else {
            m_selectedMask.assign(size_t(n), 0);
            for (int index : std::as_const(m_selection))
                m_selectedMask[size_t(index)] = 1;
        }
    }
    ++m_contentVersion;
    update();
}

QPointF ScatterView::point(int index) const
{
    if (index < 0 || index >= pointCount())
        return {};
    return {xOf(index), yOf(index)};
}

void ScatterView::setLabels(const QStringList &labels)
{
    m_labels = labels;
    update();
}

void ScatterView::setCategories(std::vector<int> index, const QStringList &names)
{
    m_values.clear();
    m_valueName.clear();
    m_categories = std::move(index);
    m_categoryNames = names;
    rebuildColors();
    update();
}

void ScatterView::setValues(std::vector<float> values, const QString &name)
{
    m_categories.clear();
    m_categoryNames.clear();
    m_values = std::move(values);
    m_valueName = name;
    bool any = false;
    for (float v : m_values) {
        if (!std::isfinite(v))
            continue;
        m_valueMin = any ? std::min(m_valueMin, v) : v;
        m_valueMax = any ? std::max(m_valueMax, v) : v;
        any = true;
    }
    if (!any)
        m_valueMin = 0.0f, m_valueMax = 1.0f;
    rebuildColors();
    update();
}

void ScatterView::clearColouring()
{
    m_categories.clear();
    m_categoryNames.clear();
    m_values.clear();
    m_valueName.clear();
    rebuildColors();
    update();
}

void ScatterView::rebuildColors()
{
    const int n = pointCount();
    m_colors.assign(size_t(n), categoryColor(0).rgba());
    if (!m_categories.empty()) {
        std::vector<uint32_t> palette;
        for (int c = 0; c < std::max<int>(int(m_categoryNames.size()), 1); ++c)
            palette.push_back(categoryColor(c).rgba());
        for (int i = 0; i < n && size_t(i) < m_categories.size(); ++i) {
            const int c = m_categories[size_t(i)];
            m_colors[size_t(i)] = c < 0                        ? kNoCategoryColor
                                  : size_t(c) < palette.size() ? palette[size_t(c)]
                                                               : categoryColor(c).rgba();
        }
        for (size_t i = m_categories.size(); i < size_t(n); ++i)
            m_colors[i] = kNoCategoryColor;
    } else if (!m_values.empty()) {
        const double span = double(m_valueMax) - double(m_valueMin);
        const uint32_t masked = maskedCellColor().rgba();
        for (int i = 0; i < n; ++i) {
            const float v = size_t(i) < m_values.size() ? m_values[size_t(i)] : std::nanf("");
            m_colors[size_t(i)] =
                std::isfinite(v)
                    ? (colorMapColor(ColorMap::Viridis, span > 0 ? (v - m_valueMin) / span : 0.0) | 0xff000000u)
                    : masked;
        }
    }
    ++m_contentVersion;
}

void ScatterView::setFigureTitle(const QString &title)
{
    m_title = title;
    update();
}

void ScatterView::setAxisLabels(const QString &x, const QString &y)
{
    m_xLabel = x;
    m_yLabel = y;
    update();
}

void ScatterView::setFootnote(const QString &text)
{
    m_footnote = text;
    update();
}

void ScatterView::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    update();
}

void ScatterView::setPointSize(double pixels)
{
    m_pointSize = std::clamp(pixels, 1.0, 20.0);
    ++m_contentVersion;
    update();
}

void ScatterView::setEqualAspect(bool equal)
{
    m_equalAspect = equal;
    update();
}

// ---------------------------------------------------------------------------------------
// Selection and highlights

void ScatterView::setSelection(const QVector<int> &indices)
{
    QVector<int> sorted;
    sorted.reserve(indices.size());
    for (int index : indices)
        if (index >= 0 && index < pointCount())
            sorted.append(index);
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    setSelectionAndNotify(sorted);
}

void ScatterView::setSelectionAndNotify(QVector<int> indices)
{
    if (indices == m_selection)
        return;
    m_selection = std::move(indices);
    m_selectedMask.assign(size_t(pointCount()), 0);
    for (int index : std::as_const(m_selection))
        m_selectedMask[size_t(index)] = 1;
    ++m_contentVersion;
    update();
    emit selectionChanged(m_selection);
}

void ScatterView::setHighlighted(const QVector<int> &indices, const QColor &color)
{
    m_highlighted = indices;
    m_highlightColor = color;
    update();
}

// ---------------------------------------------------------------------------------------
// Geometry

QRectF ScatterView::fittedView() const
{
    if (m_bounds.isNull())
        return QRectF(-1, -1, 2, 2);
    double w = m_bounds.width(), h = m_bounds.height();
    // One point, or points on a line: give the flat direction the other's extent.
    if (!(w > 0))
        w = h > 0 ? h : std::max(1.0, std::abs(m_bounds.center().x()) * 0.2);
    if (!(h > 0))
        h = w;
    const QPointF c = m_bounds.center();
    return QRectF(c.x() - w * (0.5 + kFitMargin), c.y() - h * (0.5 + kFitMargin), w * (1 + 2 * kFitMargin),
                  h * (1 + 2 * kFitMargin));
}

ScatterView::Transform ScatterView::transformFor(const QRectF &plot, bool fitted) const
{
    QRectF view = m_followData || fitted ? fittedView() : m_view;
    if (!(view.width() > 0) || !(view.height() > 0))
        view = fittedView();
    Transform t;
    t.plot = plot;
    t.centerX = view.center().x();
    t.centerY = view.center().y();
    t.scaleX = plot.width() / view.width();
    t.scaleY = plot.height() / view.height();
    if (m_equalAspect)
        t.scaleX = t.scaleY = std::min(t.scaleX, t.scaleY);
    return t;
}

ScatterView::Layout ScatterView::layoutFor(const QSize &size) const
{
    const QFontMetricsF metrics(font());
    const double line = metrics.height();
    QFont bold = font();
    bold.setBold(true);
    Layout layout;
    const double top = m_title.isEmpty() ? 10.0 : std::ceil(QFontMetricsF(bold).height() + 12.0);
    layout.title = QRectF(8, 0, std::max(1, size.width() - 16), top);
    double footnoteHeight = 0.0;
    if (!m_footnote.isEmpty())
        footnoteHeight = std::ceil(
            metrics.boundingRect(QRectF(0, 0, std::max(40, size.width() - 24), 1e4), Qt::TextWordWrap, m_footnote)
                .height() +
            6.0);
    const double bottom =
        std::ceil(kTickLength + 3 + line + (m_xLabel.isEmpty() ? 0.0 : line + 4) + footnoteHeight + 6);
    double right = 16.0;
    if (!m_values.empty()) {
        const Ticks ticks = niceTicks(m_valueMin, m_valueMax, 5);
        double width = 0.0;
        for (double v : ticks.values)
            width = std::max(width, metrics.horizontalAdvance(tickText(v, ticks.decimals)));
        if (ticks.values.empty()) // one value only: drawColorBar labels it alone
            width = metrics.horizontalAdvance(QString::number(m_valueMin, 'g', 4));
        layout.colorBarTickWidth = width;
        right = 14 + 14 + kTickLength + 3 + width + (m_valueName.isEmpty() ? 0.0 : line + 6) + 10;
    }
    const double leftFixed = 8 + (m_yLabel.isEmpty() ? 0.0 : line + 6) + 3 + kTickLength;
    // The tick labels' width depends on the range in view, which depends on the plot's width:
    // measure with a guess, then once more with the labels the guess produced.
    double tickWidth = metrics.horizontalAdvance(QStringLiteral("-0.00"));
    for (int pass = 0; pass < 2; ++pass) {
        const double left = std::ceil(leftFixed + tickWidth);
        layout.plot = QRectF(left, top, std::max(10.0, std::floor(size.width() - left - right)),
                             std::max(10.0, std::floor(size.height() - top - bottom)));
        const Transform t = transformFor(layout.plot);
        const QRectF v = t.visible();
        const Ticks ticks = niceTicks(v.top(), v.bottom(), std::max(2, int(layout.plot.height() / 50)));
        double width = metrics.horizontalAdvance(QStringLiteral("0.0"));
        for (double y : ticks.values)
            width = std::max(width, metrics.horizontalAdvance(tickText(y, ticks.decimals)));
        tickWidth = width;
    }
    layout.yTickWidth = tickWidth;
    layout.footnote = QRectF(12, size.height() - footnoteHeight - 4, std::max(1, size.width() - 24), footnoteHeight);
    if (!m_values.empty())
        layout.colorBar = QRectF(layout.plot.right() + 14, layout.plot.top(), 14, layout.plot.height());
    if (!m_categoryNames.isEmpty()) {
        const double rowHeight = std::ceil(line * 1.15);
        const int fitting = std::max(1, int((layout.plot.height() - 28) / rowHeight));
        const int names = int(m_categoryNames.size());
        int shown = std::min(names, kMaxLegendEntries);
        if (shown < names || shown > fitting)
            shown = std::max(0, std::min(shown, fitting - 1)); // keep a row for "+ N more"
        const int rows = shown + (shown < names ? 1 : 0);
        double width = shown < names ? metrics.horizontalAdvance(tr("+ %1 more").arg(names - shown)) : 0.0;
        for (int i = 0; i < shown; ++i)
            width = std::max(width, std::min(kLegendTextWidth, metrics.horizontalAdvance(m_categoryNames[i])) + 16);
        layout.legend = QSizeF(std::ceil(width + 16), std::ceil(rows * rowHeight + 10));
    }
    return layout;
}

ScatterView::Transform ScatterView::currentTransform() const
{
    return transformFor(layoutFor(size()).plot);
}

QRectF ScatterView::plotRect() const
{
    return layoutFor(size()).plot;
}

QPointF ScatterView::toWidget(const QPointF &data) const
{
    return currentTransform().toWidget(data.x(), data.y());
}

QPointF ScatterView::toData(const QPointF &widgetPos) const
{
    return currentTransform().toData(widgetPos);
}

void ScatterView::setVisibleRect(const Transform &transform)
{
    m_view = transform.visible();
    m_followData = false;
    update();
}

void ScatterView::resetView()
{
    m_followData = true;
    update();
}

void ScatterView::zoomBy(double factor, const QPointF &anchor)
{
    if (!(factor > 0) || !std::isfinite(factor))
        return;
    const Transform t = currentTransform();
    // Between a hundredth and 100,000 times the fitted scale: far enough to separate
    // coincident-looking points, never so far that the arithmetic degenerates.
    const double fitted = transformFor(t.plot, true).scaleX;
    const double ratio = t.scaleX * factor / fitted;
    if (ratio < 0.01 || ratio > 1e5)
        factor = std::clamp(ratio, 0.01, 1e5) * fitted / t.scaleX;
    const QPointF d = t.toData(anchor);
    Transform z = t;
    z.scaleX *= factor;
    z.scaleY *= factor;
    z.centerX = d.x() - (anchor.x() - t.plot.center().x()) / z.scaleX;
    z.centerY = d.y() + (anchor.y() - t.plot.center().y()) / z.scaleY;
    setVisibleRect(z);
}

// ---------------------------------------------------------------------------------------
// Picking

void ScatterView::rebuildGrid() const
{
    m_gridDirty = false;
    const int n = pointCount();
    m_gridPoints.clear();
    if (m_bounds.isNull() || n == 0) {
        m_gridColumns = m_gridRows = 0;
        m_gridStart.assign(1, 0);
        return;
    }
    // About three points per cell.
    const int side = std::clamp(int(std::sqrt(n / 3.0)), 1, 1024);
    m_gridColumns = m_bounds.width() > 0 ? side : 1;
    m_gridRows = m_bounds.height() > 0 ? side : 1;
    const double cellW = m_bounds.width() > 0 ? m_bounds.width() / m_gridColumns : 1.0;
    const double cellH = m_bounds.height() > 0 ? m_bounds.height() / m_gridRows : 1.0;
    std::vector<int> cellOf(size_t(n), -1);
    m_gridStart.assign(size_t(m_gridColumns) * size_t(m_gridRows) + 1, 0);
    for (int i = 0; i < n; ++i) {
        const float x = xOf(i), y = yOf(i);
        if (!finite(x, y))
            continue;
        const int cx = std::clamp(int((x - m_bounds.left()) / cellW), 0, m_gridColumns - 1);
        const int cy = std::clamp(int((y - m_bounds.top()) / cellH), 0, m_gridRows - 1);
        cellOf[size_t(i)] = cy * m_gridColumns + cx;
        ++m_gridStart[size_t(cellOf[size_t(i)]) + 1];
    }
    std::partial_sum(m_gridStart.begin(), m_gridStart.end(), m_gridStart.begin());
    m_gridPoints.resize(size_t(m_gridStart.back()));
    std::vector<int> fill(m_gridStart.begin(), m_gridStart.end() - 1);
    for (int i = 0; i < n; ++i)
        if (cellOf[size_t(i)] >= 0)
            m_gridPoints[size_t(fill[size_t(cellOf[size_t(i)])]++)] = i;
}

int ScatterView::pointAt(const QPointF &widgetPos) const
{
    if (pointCount() == 0)
        return -1;
    const Transform t = currentTransform();
    if (!t.plot.adjusted(-kPickRadius, -kPickRadius, kPickRadius, kPickRadius).contains(widgetPos))
        return -1;
    if (m_gridDirty)
        rebuildGrid();
    if (m_gridColumns == 0)
        return -1;
    const QPointF d = t.toData(widgetPos);
    const double rx = kPickRadius / t.scaleX, ry = kPickRadius / t.scaleY;
    const double cellW = m_bounds.width() > 0 ? m_bounds.width() / m_gridColumns : 1.0;
    const double cellH = m_bounds.height() > 0 ? m_bounds.height() / m_gridRows : 1.0;
    auto cellRange = [](double low, double high, double origin, double cell, int count, int &first, int &last) {
        const double a = std::floor((low - origin) / cell), b = std::floor((high - origin) / cell);
        if (b < 0 || a >= count)
            return false;
        first = int(std::max(0.0, a));
        last = int(std::min(double(count - 1), b));
        return true;
    };
    int x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    if (!cellRange(d.x() - rx, d.x() + rx, m_bounds.left(), cellW, m_gridColumns, x0, x1) ||
        !cellRange(d.y() - ry, d.y() + ry, m_bounds.top(), cellH, m_gridRows, y0, y1))
        return -1;
    int best = -1;
    double bestDistance = kPickRadius * kPickRadius;
    auto consider = [&](int i) {
        const double dx = (xOf(i) - d.x()) * t.scaleX, dy = (yOf(i) - d.y()) * t.scaleY;
        const double distance = dx * dx + dy * dy;
        // Selected points are drawn on top, so they win ties.
        if (distance < bestDistance || (distance == bestDistance && best >= 0 && !m_selection.isEmpty() &&
                                        m_selectedMask[size_t(i)] && !m_selectedMask[size_t(best)])) {
            best = i;
            bestDistance = distance;
        }
    };
    for (int cy = y0; cy <= y1; ++cy)
        for (int cx = x0; cx <= x1; ++cx) {
            const size_t cell = size_t(cy) * size_t(m_gridColumns) + size_t(cx);
            for (int k = m_gridStart[cell]; k < m_gridStart[cell + 1]; ++k)
                consider(m_gridPoints[size_t(k)]);
        }
    return best;
}

QVector<int> ScatterView::pointsInRect(const QRectF &dataRect) const
{
    const QRectF r = dataRect.normalized();
    QVector<int> inside;
    for (int i = 0; i < pointCount(); ++i) {
        const float x = xOf(i), y = yOf(i);
        if (x >= r.left() && x <= r.right() && y >= r.top() && y <= r.bottom())
            inside.append(i);
    }
    return inside;
}

QVector<int> ScatterView::pointsInPolygon(const QPolygonF &dataPolygon) const
{
    QVector<int> inside;
    if (dataPolygon.size() < 3)
        return inside;
    const QRectF box = dataPolygon.boundingRect();
    for (int i = 0; i < pointCount(); ++i) {
        const float x = xOf(i), y = yOf(i);
        if (x >= box.left() && x <= box.right() && y >= box.top() && y <= box.bottom() &&
            dataPolygon.containsPoint(QPointF(x, y), Qt::OddEvenFill))
            inside.append(i);
    }
    return inside;
}

QString ScatterView::readoutFor(int index) const
{
    if (index < 0 || index >= pointCount())
        return {};
    const QPointF p = point(index);
    const QString label = index < m_labels.size() ? m_labels[index] : QString();
    QString text =
        label.isEmpty() ? QStringLiteral("#%1 ").arg(index) : QStringLiteral("%1 (#%2) ").arg(label).arg(index);
    text += QStringLiteral("%1, %2").arg(p.x(), 0, 'g', 4).arg(p.y(), 0, 'g', 4);
    if (size_t(index) < m_categories.size()) {
        const int c = m_categories[size_t(index)];
        if (c >= 0 && c < m_categoryNames.size())
            text += QStringLiteral(" \u00b7 ") + m_categoryNames[c];
    } else if (size_t(index) < m_values.size()) {
        text += QStringLiteral(" \u00b7 %1 %2")
                    .arg(m_valueName.isEmpty() ? tr("value") : m_valueName)
                    .arg(m_values[size_t(index)], 0, 'g', 4);
    }
    return text;
}

FigureTable ScatterView::figureTable() const
{
    FigureTable table;
    const int n = pointCount();
    if (n == 0)
        return table;
    table.columnNames = {QStringLiteral("index"), QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("category"),
                         QStringLiteral("selected")};
    table.columns.assign(5, std::vector<double>(size_t(n)));
    for (int i = 0; i < n; ++i) {
        table.columns[0][size_t(i)] = i;
        table.columns[1][size_t(i)] = xOf(i);
        table.columns[2][size_t(i)] = yOf(i);
        table.columns[3][size_t(i)] = size_t(i) < m_categories.size() ? m_categories[size_t(i)] : -1;
        table.columns[4][size_t(i)] = m_selectedMask.size() == size_t(n) && m_selectedMask[size_t(i)] ? 1 : 0;
    }
    if (!m_values.empty()) {
        table.columnNames.append(m_valueName.isEmpty() ? QStringLiteral("value") : m_valueName);
        std::vector<double> values(size_t(n), std::nan(""));
        for (size_t i = 0; i < values.size() && i < m_values.size(); ++i)
            values[i] = m_values[i];
        table.columns.push_back(std::move(values));
    }
    return table;
}

// ---------------------------------------------------------------------------------------
// Drawing

QImage ScatterView::rasterize(const Transform &t, double scale) const
{
    QElapsedTimer timer;
    timer.start();
    const QSize pixels(std::max(1, int(std::ceil(t.plot.width() * scale))),
                       std::max(1, int(std::ceil(t.plot.height() * scale))));
    QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    const int n = pointCount();
    const int d = std::max(1, int(std::lround(m_pointSize * scale)));
    const std::vector<uint8_t> mask = discMask(d);
    // Device pixel = data * k + b, per axis.
    const double kx = t.scaleX * scale, bx = (t.plot.width() / 2 - t.centerX * t.scaleX) * scale;
    const double ky = -t.scaleY * scale, by = (t.plot.height() / 2 + t.centerY * t.scaleY) * scale;
    const double half = d / 2.0 - 0.5;
    const int width = image.width(), height = image.height();
    uint32_t *bits = reinterpret_cast<uint32_t *>(image.bits());
    const qsizetype stride = image.bytesPerLine() / 4;
    const uint32_t alpha = pointAlpha(n);
    const bool anySelected = !m_selection.isEmpty() && m_selectedMask.size() == size_t(n);
    const uint32_t dimAlpha = std::max<uint32_t>(40, alpha * 45 / 100);

    auto stamp = [&](int i, uint32_t color) {
        const double px = xOf(i) * kx + bx, py = yOf(i) * ky + by;
        if (!(px > -d && px < width + d && py > -d && py < height + d)) // also drops NaN
            return;
        const int x0 = int(std::floor(px - half)), y0 = int(std::floor(py - half));
        const int xs = std::max(0, x0), xe = std::min(width, x0 + d);
        const int ys = std::max(0, y0), ye = std::min(height, y0 + d);
        for (int y = ys; y < ye; ++y) {
            uint32_t *row = bits + qsizetype(y) * stride;
            const uint8_t *m = mask.data() + size_t(y - y0) * size_t(d) - size_t(x0);
            for (int x = xs; x < xe; ++x) {
                const uint32_t coverage = m[x];
                blend(row[x], coverage == 255 ? color : byteMul(color, coverage));
            }
        }
    };
    for (int i = 0; i < n; ++i) {
        if (anySelected && m_selectedMask[size_t(i)])
            continue;
        const uint32_t c = m_colors[size_t(i)];
        stamp(i, anySelected ? byteMul(byteMul(c, 90) + byteMul(kDimGrey, 165), dimAlpha) : byteMul(c, alpha));
    }
    if (anySelected)
        for (int i : m_selection)
            stamp(i, m_colors[size_t(i)]);
    m_lastRasterMilliseconds = timer.nsecsElapsed() / 1e6;
    return image;
}

void ScatterView::drawVectorPoints(QPainter &painter, const Transform &t) const
{
    const int n = pointCount();
    const uint32_t alpha = pointAlpha(n);
    const bool anySelected = !m_selection.isEmpty() && m_selectedMask.size() == size_t(n);
    const uint32_t dimAlpha = std::max<uint32_t>(40, alpha * 45 / 100);
    const double r = m_pointSize / 2.0;
    const QRectF clip = t.plot.adjusted(r, r, -r, -r);
    // Grouped by colour so that a vector file changes its fill once per colour, not per point.
    std::vector<std::pair<uint32_t, int>> order;
    order.reserve(size_t(n));
    for (int i = 0; i < n; ++i) {
        const uint32_t c = m_colors[size_t(i)];
        if (anySelected && !m_selectedMask[size_t(i)])
            order.emplace_back(byteMul(byteMul(c, 90) + byteMul(kDimGrey, 165), dimAlpha), i);
        else
            order.emplace_back(anySelected ? c : byteMul(c, alpha), i);
    }
    auto layer = [&](const std::pair<uint32_t, int> &e) {
        return anySelected && m_selectedMask[size_t(e.second)] ? 1 : 0;
    };
    std::stable_sort(order.begin(), order.end(), [&](const auto &a, const auto &b) {
        const int la = layer(a), lb = layer(b);
        return la != lb ? la < lb : a.first < b.first;
    });
    painter.setPen(Qt::NoPen);
    uint32_t current = 0;
    bool first = true;
    for (const auto &[color, i] : order) {
        const QPointF p = t.toWidget(xOf(i), yOf(i));
        if (!clip.contains(p))
            continue;
        if (first || color != current) {
            painter.setBrush(unpremultipliedColor(color));
            current = color;
            first = false;
        }
        painter.drawEllipse(p, r, r);
    }
}

int ScatterView::legendCorner(const Layout &layout, const Transform &t, int current) const
{
    if (layout.legend.isEmpty())
        return current;
    const QRectF &p = layout.plot;
    const QSizeF s = layout.legend;
    const QRectF corners[4] = {QRectF(p.topLeft() + QPointF(8, 8), s),
                               QRectF(QPointF(p.right() - 8 - s.width(), p.top() + 8), s),
                               QRectF(QPointF(p.left() + 8, p.bottom() - 8 - s.height()), s),
                               QRectF(p.bottomRight() - QPointF(8 + s.width(), 8 + s.height()), s)};
    int counts[4] = {0, 0, 0, 0};
    const int n = pointCount();
    for (int i = 0; i < n; ++i) {
        const QPointF w = t.toWidget(xOf(i), yOf(i));
        for (int c = 0; c < 4; ++c)
            counts[c] += corners[c].contains(w) ? 1 : 0;
    }
    // A highlighted point (and its label) hidden under the legend costs more than many plain ones.
    const int highlightWeight = std::max(25, n / 200);
    for (int i : m_highlighted) {
        if (i < 0 || i >= n)
            continue;
        const QPointF w = t.toWidget(xOf(i), yOf(i));
        for (int c = 0; c < 4; ++c)
            counts[c] += corners[c].adjusted(-70, -10, 10, 10).contains(w) ? highlightWeight : 0;
    }
    // Top-right first, then top-left, bottom-right, bottom-left; a corner already chosen
    // stays unless another holds clearly fewer points (no jumping while a layout animates).
    int best = 1;
    for (int c : {0, 3, 2})
        if (counts[c] < counts[best])
            best = c;
    if (current >= 0 && current < 4 && counts[current] <= counts[best] * 1.5 + 3 + n / 2000.0)
        return current;
    return best;
}

void ScatterView::drawLegend(QPainter &painter, const QRectF &box, bool paper) const
{
    const QFontMetricsF metrics(font());
    const double rowHeight = std::ceil(metrics.height() * 1.15);
    const QColor background = paper ? QColor(255, 255, 255, 225) : [&] {
        QColor c = palette().color(QPalette::Base);
        c.setAlpha(225);
        return c;
    }();
    const QColor text = paper ? QColor(Qt::black) : palette().color(QPalette::Text);
    painter.setPen(QPen(paper ? QColor(190, 190, 190) : palette().color(QPalette::Mid), 1.0));
    painter.setBrush(background);
    painter.drawRoundedRect(box, 3, 3);
    const int names = int(m_categoryNames.size());
    const int rows = int(std::lround((box.height() - 10) / rowHeight));
    const int shown = rows < names ? rows - 1 : names;
    double y = box.top() + 5;
    painter.setFont(font());
    for (int i = 0; i < shown; ++i, y += rowHeight) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(categoryColor(i));
        painter.drawEllipse(QPointF(box.left() + 8 + 5, y + rowHeight / 2), 4.5, 4.5);
        painter.setPen(text);
        painter.drawText(QRectF(box.left() + 8 + 16, y, box.width() - 8 - 16 - 6, rowHeight),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         metrics.elidedText(m_categoryNames[i], Qt::ElideMiddle, kLegendTextWidth));
    }
    if (shown < names) {
        painter.setPen(text);
        painter.drawText(QRectF(box.left() + 8, y, box.width() - 14, rowHeight), Qt::AlignLeft | Qt::AlignVCenter,
                         tr("+ %1 more").arg(names - shown));
    }
    painter.setBrush(Qt::NoBrush);
}

void ScatterView::drawColorBar(QPainter &painter, const Layout &layout, const QColor &text) const
{
    const QRectF bar = layout.colorBar;
    if (bar.isEmpty())
        return;
    // 128 flat slices (slightly overlapping so no seam shows), the maximum on top.
    constexpr int slices = 128;
    painter.setPen(Qt::NoPen);
    for (int s = 0; s < slices; ++s) {
        const double t = (s + 0.5) / slices;
        painter.setBrush(QColor(colorMapColor(ColorMap::Viridis, t)));
        const double y0 = bar.bottom() - bar.height() * (s + 1) / slices;
        painter.drawRect(QRectF(bar.left(), y0, bar.width(), bar.height() / slices + (s + 1 < slices ? 0.6 : 0.0)));
    }
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(text, 1.0));
    painter.drawRect(bar);
    const QFontMetricsF metrics(font());
    const double span = double(m_valueMax) - double(m_valueMin);
    Ticks ticks = niceTicks(m_valueMin, m_valueMax, 5);
    if (ticks.values.empty() || !(span > 0)) {
        ticks.values = {double(m_valueMin)};
        ticks.decimals = 3;
    }
    for (double v : ticks.values) {
        const double y = span > 0 ? bar.bottom() - (v - m_valueMin) / span * bar.height() : bar.center().y();
        painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + kTickLength, y));
        painter.drawText(QRectF(bar.right() + kTickLength + 3, y - metrics.height() / 2, layout.colorBarTickWidth + 4,
                                metrics.height()),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         span > 0 ? tickText(v, ticks.decimals) : QString::number(v, 'g', 4));
    }
    if (!m_valueName.isEmpty()) {
        painter.save();
        const double x = bar.right() + kTickLength + 3 + layout.colorBarTickWidth + 6 + metrics.ascent();
        painter.translate(x, bar.center().y());
        painter.rotate(-90);
        painter.drawText(QRectF(-bar.height() / 2, -metrics.ascent(), bar.height(), metrics.height()), Qt::AlignCenter,
                         metrics.elidedText(m_valueName, Qt::ElideRight, bar.height()));
        painter.restore();
    }
}

void ScatterView::drawHighlights(QPainter &painter, const Transform &t, const QRectF &avoid, bool paper) const
{
    const int n = pointCount();
    QVector<int> shown;
    for (int i : m_highlighted)
        if (i >= 0 && i < n && finite(xOf(i), yOf(i)) && t.plot.contains(t.toWidget(xOf(i), yOf(i))))
            shown.append(i);
    if (shown.isEmpty())
        return;
    const double r = m_pointSize + 1.5;
    const QColor outline =
        paper || palette().color(QPalette::Base).lightness() > 128 ? QColor(25, 25, 25) : QColor(240, 240, 240);
    painter.setPen(QPen(outline, 1.2));
    painter.setBrush(m_highlightColor);
    for (int i : std::as_const(shown))
        painter.drawEllipse(t.toWidget(xOf(i), yOf(i)), r, r);
    if (m_highlighted.size() > kMaxHighlightLabels)
        return;
    QFont small = font();
    small.setPointSizeF(std::max(6.5, font().pointSizeF() - 0.5));
    painter.setFont(small);
    const QFontMetricsF metrics(small);
    // Greedy placement: right, left, above, below the point, whichever overlaps least the
    // labels already placed, the other highlighted points and the legend.
    QVector<QRectF> taken;
    if (!avoid.isEmpty())
        taken.append(avoid);
    for (int i : std::as_const(shown)) {
        const QPointF c = t.toWidget(xOf(i), yOf(i));
        taken.append(QRectF(c - QPointF(r, r), QSizeF(2 * r, 2 * r)));
    }
    const QColor labelBackground = paper ? QColor(255, 255, 255, 210) : [&] {
        QColor b = palette().color(QPalette::Base);
        b.setAlpha(210);
        return b;
    }();
    const QColor labelText = paper ? QColor(20, 20, 20) : palette().color(QPalette::Text);
    for (int i : std::as_const(shown)) {
        const QString text = i < m_labels.size() && !m_labels[i].isEmpty()
                                 ? metrics.elidedText(m_labels[i], Qt::ElideRight, 160)
                                 : QStringLiteral("#%1").arg(i);
        const QSizeF box(metrics.horizontalAdvance(text) + 6, metrics.height() + 2);
        const QPointF c = t.toWidget(xOf(i), yOf(i));
        const QRectF candidates[4] = {QRectF(QPointF(c.x() + r + 3, c.y() - box.height() / 2), box),
                                      QRectF(QPointF(c.x() - r - 3 - box.width(), c.y() - box.height() / 2), box),
                                      QRectF(QPointF(c.x() - box.width() / 2, c.y() - r - 2 - box.height()), box),
                                      QRectF(QPointF(c.x() - box.width() / 2, c.y() + r + 2), box)};
        QRectF best;
        double bestCost = 0.0;
        for (const QRectF &candidate : candidates) {
            double cost = 0.0;
            for (const QRectF &other : std::as_const(taken)) {
                const QRectF overlap = candidate.intersected(other);
                cost += overlap.width() * overlap.height();
            }
            const QRectF inside = candidate.intersected(t.plot);
            cost += 4.0 * (box.width() * box.height() - inside.width() * inside.height());
            if (best.isNull() || cost < bestCost) {
                best = candidate;
                bestCost = cost;
            }
        }
        taken.append(best);
        painter.setPen(Qt::NoPen);
        painter.setBrush(labelBackground);
        painter.drawRoundedRect(best, 2, 2);
        painter.setPen(labelText);
        painter.drawText(best, Qt::AlignCenter, text);
    }
    painter.setBrush(Qt::NoBrush);
    painter.setFont(font());
}

void ScatterView::paint(QPainter &painter, const QSize &size, bool paper, bool vector)
{
    const QColor background = paper ? QColor(Qt::white) : palette().color(QPalette::Base);
    const QColor text = paper ? QColor(Qt::black) : palette().color(QPalette::Text);
    const QColor frame = paper ? QColor(70, 70, 70) : palette().color(QPalette::Text);
    painter.fillRect(QRect(QPoint(0, 0), size), background);
    painter.setFont(font());
    const Layout layout = layoutFor(size);
    if (!m_title.isEmpty()) {
        QFont bold = font();
        bold.setBold(true);
        painter.setFont(bold);
        painter.setPen(text);
        painter.drawText(layout.title, Qt::AlignCenter,
                         QFontMetricsF(bold).elidedText(m_title, Qt::ElideRight, layout.title.width()));
        painter.setFont(font());
    }
    if (pointCount() == 0) {
        painter.setPen(text);
        painter.drawText(QRectF(0, layout.title.bottom(), size.width(), size.height() - layout.title.bottom()),
                         Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    const Transform t = transformFor(layout.plot);
    const QRectF &plot = layout.plot;

    // Points.
    if (!paper) {
        const double dpr = devicePixelRatioF();
        if (m_rasterVersion != m_contentVersion || m_rasterPlot != plot || m_rasterCenterX != t.centerX ||
            m_rasterCenterY != t.centerY || m_rasterScaleX != t.scaleX || m_rasterScaleY != t.scaleY ||
            m_rasterDpr != dpr) {
            m_raster = rasterize(t, dpr);
            m_raster.setDevicePixelRatio(dpr);
            m_rasterVersion = m_contentVersion;
            m_rasterPlot = plot;
            m_rasterCenterX = t.centerX;
            m_rasterCenterY = t.centerY;
            m_rasterScaleX = t.scaleX;
            m_rasterScaleY = t.scaleY;
            m_rasterDpr = dpr;
            m_legendCorner = legendCorner(layout, t, m_legendCorner);
        }
        painter.drawImage(plot.topLeft(), m_raster);
    } else if (vector && pointCount() <= kMaxVectorPoints) {
        painter.save();
        painter.setRenderHint(QPainter::Antialiasing, true);
        drawVectorPoints(painter, t);
        painter.restore();
    } else {
        // A raster export draws at its own resolution; a vector file of many points embeds one
        // raster at three times its size, which keeps the file small and the points sharp.
        const QTransform &m = painter.worldTransform();
        const double scale = vector ? kVectorRasterScale : std::max(0.25, std::hypot(m.m11(), m.m12()));
        QImage image = rasterize(t, scale);
        if (vector) {
            // Flattened on the paper's white the embedded PNG needs no alpha channel: a quarter
            // smaller before compression, and it compresses better.
            QImage opaque(image.size(), QImage::Format_RGB32);
            opaque.fill(Qt::white);
            QPainter flatten(&opaque);
            flatten.drawImage(0, 0, image);
            flatten.end();
            image = std::move(opaque);
        }
        painter.save();
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter.drawImage(QRectF(plot.topLeft(), QSizeF(image.width() / scale, image.height() / scale)), image);
        painter.restore();
    }
    // An export picks the best corner afresh; the screen keeps its corner while it is good enough.
    const int corner = paper ? legendCorner(layout, t, -1) : m_legendCorner;
    const QRectF legend = layout.legend.isEmpty() ? QRectF() : legendRect(plot, layout.legend, corner);

    // Frame, ticks and their labels, axis titles.
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(QPen(frame, 1.0));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(plot);
    const QFontMetricsF metrics(font());
    const QRectF visible = t.visible();
    auto ticksFor = [&](double low, double high, double length, double spacing, bool horizontal) {
        for (double target = std::max(2.0, length / spacing);; target = std::floor(target * 0.6)) {
            Ticks ticks = niceTicks(low, high, int(target));
            if (!horizontal || target <= 2 || ticks.values.size() < 2)
                return ticks;
            // Labels must leave a gap between them.
            double widest = 0.0;
            for (double v : ticks.values)
                widest = std::max(widest, metrics.horizontalAdvance(tickText(v, ticks.decimals)));
            const double step = (ticks.values[1] - ticks.values[0]) * t.scaleX;
            if (widest + 12 <= step)
                return ticks;
        }
    };
    const Ticks xTicks = ticksFor(visible.left(), visible.right(), plot.width(), 80.0, true);
    for (double v : xTicks.values) {
        const double x = t.toWidget(v, 0).x();
        painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + kTickLength));
        const QString label = tickText(v, xTicks.decimals);
        const double w = metrics.horizontalAdvance(label) + 4;
        painter.setPen(text);
        painter.drawText(QRectF(x - w / 2, plot.bottom() + kTickLength + 2, w, metrics.height()), Qt::AlignCenter,
                         label);
        painter.setPen(QPen(frame, 1.0));
    }
    const Ticks yTicks = ticksFor(visible.top(), visible.bottom(), plot.height(), 50.0, false);
    for (double v : yTicks.values) {
        const double y = t.toWidget(0, v).y();
        painter.drawLine(QPointF(plot.left() - kTickLength, y), QPointF(plot.left(), y));
        painter.setPen(text);
        painter.drawText(QRectF(plot.left() - kTickLength - 3 - layout.yTickWidth - 4, y - metrics.height() / 2,
                                layout.yTickWidth + 4, metrics.height()),
                         Qt::AlignRight | Qt::AlignVCenter, tickText(v, yTicks.decimals));
        painter.setPen(QPen(frame, 1.0));
    }
    painter.setPen(text);
    if (!m_xLabel.isEmpty())
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + kTickLength + 3 + metrics.height() + 2, plot.width(), metrics.height()),
            Qt::AlignCenter, metrics.elidedText(m_xLabel, Qt::ElideRight, plot.width()));
    if (!m_yLabel.isEmpty()) {
        painter.save();
        const double x = plot.left() - kTickLength - 3 - layout.yTickWidth - 6 - metrics.descent();
        painter.translate(x, plot.center().y());
        painter.rotate(-90);
        painter.drawText(QRectF(-plot.height() / 2, -metrics.ascent(), plot.height(), metrics.height()),
                         Qt::AlignCenter, metrics.elidedText(m_yLabel, Qt::ElideRight, plot.height()));
        painter.restore();
    }
    painter.setRenderHint(QPainter::Antialiasing, true);

    // Highlights, legend, colour bar, footnote.
    painter.save();
    painter.setClipRect(plot.adjusted(-1, -1, 1, 1));
    drawHighlights(painter, t, legend, paper);
    painter.restore();
    if (!legend.isEmpty())
        drawLegend(painter, legend, paper);
    drawColorBar(painter, layout, text);
    if (!m_footnote.isEmpty()) {
        painter.setPen(paper ? QColor(60, 60, 60) : palette().color(QPalette::Text));
        painter.drawText(layout.footnote, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, m_footnote);
    }

    if (paper)
        return;
    // Screen only: the hovered point and the gesture in progress.
    if (m_hover >= 0 && m_hover < pointCount()) {
        const QPointF c = t.toWidget(xOf(m_hover), yOf(m_hover));
        if (plot.contains(c)) {
            const double r = m_pointSize / 2 + 4;
            painter.setBrush(Qt::NoBrush);
            painter.setPen(QPen(background, 3.5));
            painter.drawEllipse(c, r, r);
            painter.setPen(QPen(text, 1.6));
            painter.drawEllipse(c, r, r);
        }
    }
    if (m_moved && (m_gesture == Gesture::Box || m_gesture == Gesture::Lasso)) {
        QColor fill = palette().color(QPalette::Highlight);
        fill.setAlpha(40);
        painter.setBrush(fill);
        painter.setPen(QPen(text, 1.0, Qt::DashLine));
        painter.setClipRect(plot);
        if (m_gesture == Gesture::Box)
            painter.drawRect(QRectF(m_pressPos, m_lastPos).normalized());
        else
            painter.drawPolygon(m_lasso);
        painter.setClipping(false);
    }
}

void ScatterView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paint(painter, size(), false, false);
}

void ScatterView::renderFigure(QCPPainter &painter, const QSize &size)
{
    const QPaintEngine *engine = painter.paintEngine();
    const bool vector = painter.modes().testFlag(QCPPainter::pmVectorized) ||
                        (engine && (engine->type() == QPaintEngine::SVG || engine->type() == QPaintEngine::Pdf ||
                                    engine->type() == QPaintEngine::Picture));
    painter.save();
    paint(painter, size, true, vector);
    painter.restore();
}

// ---------------------------------------------------------------------------------------
// Interaction

void ScatterView::setHover(int index)
{
    if (index == m_hover)
        return;
    m_hover = index;
    update();
    emit readoutChanged(readoutFor(index));
}

void ScatterView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || pointCount() == 0) {
        QWidget::mousePressEvent(event);
        return;
    }
    const Qt::KeyboardModifiers modifiers = event->modifiers();
    if (modifiers & Qt::ShiftModifier)
        m_gesture = Gesture::Box;
    else if (modifiers & (Qt::ControlModifier | Qt::AltModifier))
        m_gesture = Gesture::Lasso;
    else
        m_gesture = m_interaction == Interaction::Box     ? Gesture::Box
                    : m_interaction == Interaction::Lasso ? Gesture::Lasso
                                                          : Gesture::Pan;
    m_moved = false;
    m_pressPos = m_lastPos = event->position();
    m_lasso = QPolygonF({m_pressPos});
}

void ScatterView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_gesture == Gesture::None) {
        setHover(pointAt(pos));
        return;
    }
    if (!m_moved && (pos - m_pressPos).manhattanLength() < kDragThreshold)
        return;
    if (!m_moved)
        setHover(-1);
    m_moved = true;
    switch (m_gesture) {
    case Gesture::Pan: {
        Transform t = currentTransform();
        t.centerX -= (pos.x() - m_lastPos.x()) / t.scaleX;
        t.centerY += (pos.y() - m_lastPos.y()) / t.scaleY;
        setVisibleRect(t);
        break;
    }
    case Gesture::Lasso:
        if (QLineF(m_lasso.last(), pos).length() >= 2.0)
            m_lasso.append(pos);
        break;
    case Gesture::Box:
    case Gesture::None:
        break;
    }
    m_lastPos = pos;
    update();
}

void ScatterView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || m_gesture == Gesture::None) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    const Gesture gesture = m_gesture;
    m_gesture = Gesture::None;
    const QPointF pos = event->position();
    if (!m_moved) {
        const int index = pointAt(pos);
        if (index >= 0)
            emit pointClicked(index);
        else
            clearSelection();
        return;
    }
    m_moved = false;
    const Transform t = currentTransform();
    if (gesture == Gesture::Box) {
        setSelectionAndNotify(pointsInRect(QRectF(t.toData(m_pressPos), t.toData(pos)).normalized()));
    } else if (gesture == Gesture::Lasso) {
        m_lasso.append(pos);
        QPolygonF polygon;
        for (const QPointF &p : std::as_const(m_lasso))
            polygon.append(t.toData(p));
        setSelectionAndNotify(pointsInPolygon(polygon));
    }
    m_lasso.clear();
    update();
}

void ScatterView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        resetView();
}

void ScatterView::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0 || pointCount() == 0) {
        event->ignore();
        return;
    }
    // One notch (120) zooms by 2^(1/4).
    zoomBy(std::pow(2.0, delta / 480.0), event->position());
    event->accept();
}

void ScatterView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Home:
        resetView();
        break;
    case Qt::Key_Escape:
        // With nothing selected, Esc belongs to whoever else uses it (cancelling a job).
        if (m_selection.isEmpty()) {
            event->ignore();
            return;
        }
        clearSelection();
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(1.25, plotRect().center());
        break;
    case Qt::Key_Minus:
        zoomBy(0.8, plotRect().center());
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void ScatterView::leaveEvent(QEvent *)
{
    setHover(-1);
}

} // namespace tessera::widgets
