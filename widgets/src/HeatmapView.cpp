#include "tessera/widgets/HeatmapView.h"

#include <qcustomplot.h>

#include <QTimer>

#include <cmath>

namespace tessera::widgets {
namespace {
// Beyond this many labels per axis they overlap; indices are shown instead.
constexpr int kMaxTextTicks = 48;

QString formatValue(double value)
{
    if (std::isnan(value))
        return QStringLiteral("masked");
    return QString::number(value, 'g', 6);
}
} // namespace

HeatmapView::HeatmapView(QWidget *parent) : PlotFigure(parent)
{
    QCustomPlot *p = plot();
    QCPAxisRect *rect = p->axisRect();
    m_map = new QCPColorMap(p->xAxis, p->yAxis);
    m_map->setInterpolate(false);
    m_scale = new QCPColorScale(p);
    p->plotLayout()->addElement(0, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setBarWidth(14);
    m_map->setColorScale(m_scale);
    // The pooled overview of large matrices is a second map on the same colour scale, built once
    // per matrix, so that zooming out and in only toggles which one is drawn.
    m_overview = new QCPColorMap(p->xAxis, p->yAxis);
    m_overview->setInterpolate(false);
    m_overview->setColorScale(m_scale);
    m_overview->setVisible(false);
    auto *group = new QCPMarginGroup(p);
    rect->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    p->yAxis->setRangeReversed(true);
    p->xAxis->grid()->setVisible(false);
    p->yAxis->grid()->setVisible(false);
    p->xAxis->setSubTicks(false);
    p->yAxis->setSubTicks(false);

    m_rowHighlight = new QCPItemRect(p);
    m_columnHighlight = new QCPItemRect(p);
    for (QCPItemRect *item : {m_rowHighlight, m_columnHighlight}) {
        item->setPen(QPen(QColor(255, 64, 64), 1.5));
        item->setBrush(Qt::NoBrush);
        item->setVisible(false);
        item->setSelectable(false);
    }
    setColorMap(ColorMap::Viridis);
    p->setMouseTracking(true);
    connect(p, &QCustomPlot::mouseMove, this, &HeatmapView::onMouseMove);
    connect(p, &QCustomPlot::mousePress, this, &HeatmapView::onMousePress);
    connect(p, &QCustomPlot::mouseRelease, this, &HeatmapView::onMouseRelease);
    connect(p, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent *) { resetView(); });
    // Swap between the pooled overview and exact cells as the view or the widget size changes;
    // deferred so that a burst of range changes (a wheel zoom) costs one update.
    auto refreshDetail = [this]() {
        if (m_detailScheduled || !m_matrix)
            return;
        m_detailScheduled = true;
        QTimer::singleShot(0, this, [this]() {
            m_detailScheduled = false;
            if (updateLevelOfDetail())
                plot()->replot(QCustomPlot::rpQueuedReplot);
        });
    };
    connect(p->xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, refreshDetail);
    connect(p->yAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, refreshDetail);
    connect(p, &QCustomPlot::afterLayout, this, refreshDetail);
    applyTheme(false);
}

void HeatmapView::setMatrix(MatrixPtr matrix, const QStringList &rowLabels, const QStringList &columnLabels)
{
    m_matrix = std::move(matrix);
    const int rows = m_matrix ? int(m_matrix->rows) : 0;
    const int cols = m_matrix ? int(m_matrix->cols) : 0;
    m_rowLabels = rowLabels.size() == rows ? rowLabels : QStringList();
    m_columnLabels = columnLabels.size() == cols ? columnLabels : QStringList();
    m_window = QRect();
    m_overviewFactor = 0;
    if (m_selectedRow >= rows || m_selectedColumn >= cols)
        selectCell(-1, -1);
    updateColorRange();
    updateTicks();
    resetView();           // the full view's ranges (and a repaint of them)...
    updateLevelOfDetail(); // ...decide which cells to hold,
    plot()->replot();      // and these are drawn
}

QSize HeatmapView::cellBudget() const
{
    // Vector exports keep exact cells up to kVectorExactSide a side; screens and raster exports
    // have one cell per device pixel of the plot area at most.
    if (m_renderScale < 0)
        return QSize(kVectorExactSide, kVectorExactSide);
    const double scale = m_renderScale > 0 ? m_renderScale : devicePixelRatioF();
    const QRect rect = plot()->axisRect()->rect();
    return QSize(std::max(kMinimumBudget, int(rect.width() * scale)),
                 std::max(kMinimumBudget, int(rect.height() * scale)));
}

bool HeatmapView::updateLevelOfDetail()
{
    QCPColorMapData *data = m_map->data();
    if (!m_matrix) {
        data->setSize(1, 1);
        data->setRange(QCPRange(-0.5, 0.5), QCPRange(-0.5, 0.5));
        data->fill(std::nan(""));
        m_map->setVisible(true);
        m_overview->setVisible(false);
        return true;
    }
    const int rows = int(m_matrix->rows);
    const int cols = int(m_matrix->cols);
    const QSize budget = cellBudget();
    auto clampIndex = [](double v, int n) { return std::clamp(int(std::floor(v)), 0, n - 1); };
    const int c0 = clampIndex(plot()->xAxis->range().lower + 0.5, cols),
              c1 = clampIndex(plot()->xAxis->range().upper + 0.5, cols);
    const int r0 = clampIndex(plot()->yAxis->range().lower + 0.5, rows),
              r1 = clampIndex(plot()->yAxis->range().upper + 0.5, rows);
    const bool exact = c1 - c0 + 1 <= budget.width() && r1 - r0 + 1 <= budget.height();
    const bool switched = m_map->visible() != exact;
    m_map->setVisible(exact);
    m_overview->setVisible(!exact);
    if (exact) {
        if (m_window.contains(QRect(c0, r0, c1 - c0 + 1, r1 - r0 + 1)))
            return switched;
        // Exact cells for the visible window plus half a window each side, so that small pans
        // need no refresh; matrices that fit the budget whole are held whole.
        QRect window(0, 0, cols, rows);
        if (cols > budget.width() || rows > budget.height()) {
            const int marginX = (c1 - c0 + 1) / 2, marginY = (r1 - r0 + 1) / 2;
            const int left = std::max(0, c0 - marginX), top = std::max(0, r0 - marginY);
            window = QRect(left, top, std::min(cols, c1 + marginX + 1) - left, std::min(rows, r1 + marginY + 1) - top);
        }
        m_window = window;
        data->setSize(window.width(), window.height());
        data->setRange(window.width() > 1 ? QCPRange(window.left(), window.right())
                                          : QCPRange(window.left() - 0.5, window.left() + 0.5),
                       window.height() > 1 ? QCPRange(window.top(), window.bottom())
                                           : QCPRange(window.top() - 0.5, window.top() + 0.5));
        for (int r = 0; r < window.height(); ++r)
            for (int c = 0; c < window.width(); ++c)
                data->setCell(c, r, m_matrix->at(window.top() + r, window.left() + c));
        return true;
    }
    // More cells than pixels: drawing them would silently drop rows and columns (a lone sharp
    // weight could vanish), so each drawn cell is the maximum of an f x f block of the whole
    // matrix, f chosen so the full matrix fits the budget. Zooming in returns to exact cells.
    const int factor =
        std::max({2, (cols + budget.width() - 1) / budget.width(), (rows + budget.height() - 1) / budget.height()});
    if (factor == m_overviewFactor)
        return switched;
    m_overviewFactor = factor;
    const int pooledCols = (cols + factor - 1) / factor, pooledRows = (rows + factor - 1) / factor;
    std::vector<float> pooled(size_t(pooledCols) * size_t(pooledRows), std::nanf(""));
    for (int r = 0; r < rows; ++r) {
        const float *row = m_matrix->values.data() + size_t(r) * size_t(cols);
        float *pooledRow = pooled.data() + size_t(r / factor) * size_t(pooledCols);
        for (int c = 0; c < cols; ++c) {
            const float v = row[c];
            float &best = pooledRow[c / factor];
            if (!std::isnan(v) && (std::isnan(best) || v > best))
                best = v;
        }
    }
    QCPColorMapData *overview = m_overview->data();
    overview->setSize(pooledCols, pooledRows);
    const double offset = (factor - 1) / 2.0;
    // A pooled axis of one cell (a 1 x 5000 matrix) still needs a non-empty range.
    auto pooledRange = [&](int count, int n) {
        return count > 1 ? QCPRange(offset, (count - 1) * factor + offset) : QCPRange(-0.5, n - 0.5);
    };
    overview->setRange(pooledRange(pooledCols, cols), pooledRange(pooledRows, rows));
    for (int pr = 0; pr < pooledRows; ++pr)
        for (int pc = 0; pc < pooledCols; ++pc)
            overview->setCell(pc, pr, pooled[size_t(pr) * size_t(pooledCols) + size_t(pc)]);
    return true;
}

void HeatmapView::renderFigure(QCPPainter &painter, const QSize &size)
{
    // Exports choose their own level of detail: the raster's pixels, or exact cells in vectors.
    m_renderScale =
        painter.modes().testFlag(QCPPainter::pmVectorized) ? -1.0 : std::max(1e-3, painter.transform().m11());
    PlotFigure::renderFigure(painter, size);
    m_renderScale = 0.0;
    updateLevelOfDetail();
}

void HeatmapView::prepareRender()
{
    updateLevelOfDetail();
}

void HeatmapView::setBoundaries(const std::vector<int> &indices)
{
    for (QCPItemStraightLine *line : m_boundaryLines)
        plot()->removeItem(line);
    m_boundaryLines.clear();
    for (int index : indices)
        for (bool vertical : {true, false}) {
            auto *line = new QCPItemStraightLine(plot());
            line->setPen(QPen(QColor(255, 255, 255), 2.0, Qt::DashLine));
            line->setSelectable(false);
            if (vertical) {
                line->point1->setCoords(index - 0.5, 0);
                line->point2->setCoords(index - 0.5, 1);
            } else {
                line->point1->setCoords(0, index - 0.5);
                line->point2->setCoords(1, index - 0.5);
            }
            m_boundaryLines.append(line);
        }
    plot()->replot();
}

void HeatmapView::setAxisTitles(const QString &columns, const QString &rows)
{
    plot()->xAxis->setLabel(columns);
    plot()->yAxis->setLabel(rows);
    plot()->replot();
}

void HeatmapView::setValueName(const QString &name)
{
    m_valueName = name;
    m_scale->axis()->setLabel(name);
    plot()->replot();
}

void HeatmapView::setColorMap(ColorMap map)
{
    m_colorMap = map;
    m_map->setGradient(colorMapGradient(map));
    m_overview->setGradient(colorMapGradient(map));
    plot()->replot();
}

void HeatmapView::setSymmetricRange(bool symmetric)
{
    m_symmetric = symmetric;
    updateColorRange();
    plot()->replot();
}

void HeatmapView::setValueRange(double lower, double upper)
{
    m_fixedLower = lower;
    m_fixedUpper = upper;
    updateColorRange();
    plot()->replot();
}

void HeatmapView::updateColorRange()
{
    double lower = 0.0;
    double upper = 1.0;
    if (m_fixedLower < m_fixedUpper) {
        lower = m_fixedLower;
        upper = m_fixedUpper;
    } else if (m_matrix) {
        const auto [low, high] = m_matrix->finiteRange();
        lower = low;
        upper = high;
        if (m_symmetric) {
            const double extent = std::max(std::abs(lower), std::abs(upper));
            lower = -extent;
            upper = extent;
        }
    }
    if (!(upper > lower)) // a constant matrix still gets a valid range
        upper = lower + std::max(1e-9, std::abs(lower) * 1e-6);
    m_map->setDataRange(QCPRange(lower, upper));
    m_overview->setDataRange(QCPRange(lower, upper));
}

void HeatmapView::updateTicks()
{
    QCustomPlot *p = plot();
    auto setTicks = [](QCPAxis *axis, const QStringList &labels) {
        if (!labels.isEmpty() && labels.size() <= kMaxTextTicks) {
            QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
            for (int i = 0; i < labels.size(); ++i)
                ticker->addTick(i, labels[i]);
            axis->setTicker(ticker);
        } else {
            QSharedPointer<QCPAxisTicker> ticker(new QCPAxisTicker);
            ticker->setTickStepStrategy(QCPAxisTicker::tssReadability);
            axis->setTicker(ticker);
        }
    };
    setTicks(p->xAxis, m_columnLabels);
    setTicks(p->yAxis, m_rowLabels);
    p->xAxis->setTickLabelRotation(m_columnLabels.isEmpty() ? 0 : 60);
}

void HeatmapView::resetView()
{
    const int rows = m_matrix ? int(m_matrix->rows) : 1;
    const int cols = m_matrix ? int(m_matrix->cols) : 1;
    plot()->xAxis->setRange(-0.5, cols - 0.5);
    plot()->yAxis->setRange(-0.5, rows - 0.5);
    plot()->replot();
}

bool HeatmapView::cellAt(const QPoint &position, int &row, int &column) const
{
    if (!m_matrix || !plot()->axisRect()->rect().contains(position))
        return false;
    const double x = plot()->xAxis->pixelToCoord(position.x());
    const double y = plot()->yAxis->pixelToCoord(position.y());
    column = int(std::floor(x + 0.5));
    row = int(std::floor(y + 0.5));
    return row >= 0 && column >= 0 && row < m_matrix->rows && column < m_matrix->cols;
}

void HeatmapView::selectCell(int row, int column)
{
    m_selectedRow = row;
    m_selectedColumn = column;
    const bool visible = m_matrix && row >= 0 && column >= 0;
    m_rowHighlight->setVisible(visible);
    m_columnHighlight->setVisible(visible);
    if (visible) {
        const double cols = double(m_matrix->cols);
        const double rows = double(m_matrix->rows);
        m_rowHighlight->topLeft->setCoords(-0.5, row - 0.5);
        m_rowHighlight->bottomRight->setCoords(cols - 0.5, row + 0.5);
        m_columnHighlight->topLeft->setCoords(column - 0.5, -0.5);
        m_columnHighlight->bottomRight->setCoords(column + 0.5, rows - 0.5);
    }
    plot()->replot();
    emit cellSelected(row, column);
}

void HeatmapView::onMouseMove(QMouseEvent *event)
{
    int row = 0;
    int column = 0;
    if (!cellAt(event->pos(), row, column)) {
        setReadout(QString());
        return;
    }
    const QString rowName = m_rowLabels.isEmpty() ? QString::number(row)
                                                  : QStringLiteral("%1 \u201c%2\u201d").arg(row).arg(m_rowLabels[row]);
    const QString columnName = m_columnLabels.isEmpty()
                                   ? QString::number(column)
                                   : QStringLiteral("%1 \u201c%2\u201d").arg(column).arg(m_columnLabels[column]);
    setReadout(QStringLiteral("%1 %2 \u00b7 %3 %4 \u00b7 %5 = %6")
                   .arg(plot()->yAxis->label().isEmpty() ? tr("row") : plot()->yAxis->label(), rowName,
                        plot()->xAxis->label().isEmpty() ? tr("column") : plot()->xAxis->label(), columnName,
                        m_valueName, formatValue(m_matrix->at(row, column))));
}

void HeatmapView::onMousePress(QMouseEvent *event)
{
    m_pressPosition = event->pos();
}

void HeatmapView::onMouseRelease(QMouseEvent *event)
{
    // A click (not the end of a pan) selects the cell under the cursor, or clears the selection.
    if (event->button() != Qt::LeftButton || (event->pos() - m_pressPosition).manhattanLength() > 3)
        return;
    int row = 0;
    int column = 0;
    if (cellAt(event->pos(), row, column))
        selectCell(row, column);
    else
        selectCell(-1, -1);
}

FigureTable HeatmapView::figureTable() const
{
    FigureTable table;
    table.matrix = m_matrix;
    table.matrixHeader = m_csvHeader;
    // Labelled axes (tokens, classes, heads) go into the CSV as its first column and header
    // row; the corner names both axes.
    if (m_matrix && (!m_rowLabels.isEmpty() || !m_columnLabels.isEmpty())) {
        for (int r = 0; r < int(m_matrix->rows); ++r)
            table.rowLabels << (m_rowLabels.isEmpty() ? QString::number(r) : m_rowLabels[r]);
        if (table.matrixHeader.isEmpty())
            for (int c = 0; c < int(m_matrix->cols); ++c)
                table.matrixHeader << (m_columnLabels.isEmpty() ? QString::number(c) : m_columnLabels[c]);
        const QString rows = plot()->yAxis->label(), columns = plot()->xAxis->label();
        table.rowLabelName = rows.isEmpty() && columns.isEmpty() ? QString() : rows + " \\ " + columns;
    }
    return table;
}

void HeatmapView::applyTheme(bool paper)
{
    PlotFigure::applyTheme(paper);
}

} // namespace tessera::widgets
