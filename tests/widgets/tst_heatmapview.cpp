// The exact heatmap: every cell one flat colour from the table, hover and selection map
// pixels to the right cells, and the rendering matches a control image.

#include "tessera/widgets/FigureExporter.h"
#include "tessera/widgets/HeatmapView.h"

#include "support/RenderCheck.h"

#include <qcustomplot.h>

#include <QFontDatabase>
#include <QtTest>

#include <cmath>

using namespace tessera;
using namespace tessera::widgets;

namespace {

MatrixPtr ramp(int rows, int cols)
{
    auto m = std::make_shared<Matrix>(rows, cols);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            m->at(r, c) = float(r * cols + c);
    return m;
}

} // namespace

class TestHeatmapView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // A bundled font (Debian's fonts-nanum) keeps text rendering the same on every machine.
        const int id = QFontDatabase::addApplicationFont("/usr/share/fonts/truetype/nanum/NanumGothic.ttf");
        QVERIFY2(id >= 0, "fonts-nanum is missing: install it (the README's set-up command does)");
        QApplication::setFont(QFont(QFontDatabase::applicationFontFamilies(id).first(), 9));
    }

    void cellsAreExactAndFlat()
    {
        HeatmapView view;
        view.resize(600, 500);
        view.setMatrix(ramp(4, 4));
        const QSize size(600, 500);
        const QImage image = renderFigureImage(view, size, 96);
        QCustomPlot *plot = view.plot();
        // (After a render the axes keep the export layout, so coordToPixel maps into the image.)
        // Value v of 0..15 maps to t = v / 15 and so to table entry floor(t * 255).
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c) {
                const int x = int(std::lround(plot->xAxis->coordToPixel(c)));
                const int y = int(std::lround(plot->yAxis->coordToPixel(r)));
                const QRgb expected = colorMapColor(ColorMap::Viridis, (r * 4 + c) / 15.0);
                for (int dx : {-8, 0, 8})
                    for (int dy : {-8, 0, 8}) {
                        const QColor got = image.pixelColor(x + dx, y + dy);
                        // One unit per channel is QCustomPlot's rounding of its gradient levels.
                        const QColor want(expected);
                        QVERIFY2(std::abs(got.red() - want.red()) <= 1 && std::abs(got.green() - want.green()) <= 1 &&
                                     std::abs(got.blue() - want.blue()) <= 1,
                                 qPrintable(QString("cell (%1,%2) pixel %3,%4: %5 expected %6")
                                                .arg(r)
                                                .arg(c)
                                                .arg(x + dx)
                                                .arg(y + dy)
                                                .arg(got.name(), QColor(expected).name())));
                    }
            }
        // Row 0 is drawn at the top, as matrices are read.
        QVERIFY(plot->yAxis->coordToPixel(0) < plot->yAxis->coordToPixel(3));
        // The lowest and highest values get the map's end colours.
        QCOMPARE(image.pixelColor(int(plot->xAxis->coordToPixel(0)), int(plot->yAxis->coordToPixel(0))).name(),
                 QString("#440154"));
        QCOMPARE(image.pixelColor(int(plot->xAxis->coordToPixel(3)), int(plot->yAxis->coordToPixel(3))).name(),
                 QString("#fde725"));
    }

    void maskedCellsAreGrey()
    {
        HeatmapView view;
        view.resize(400, 400);
        auto m = std::make_shared<Matrix>(2, 2, 1.0f);
        m->at(0, 1) = std::nanf("");
        m->at(1, 1) = 2.0f;
        view.setMatrix(m);
        const QImage image = renderFigureImage(view, QSize(400, 400), 96);
        const QColor masked =
            image.pixelColor(int(view.plot()->xAxis->coordToPixel(1)), int(view.plot()->yAxis->coordToPixel(0)));
        QCOMPARE(masked.name(), maskedCellColor().name());
    }

    void hoverAndSelection()
    {
        HeatmapView view;
        view.resize(500, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMatrix(ramp(3, 5), {"a", "b", "c"}, {"v", "w", "x", "y", "z"});
        view.plot()->replot();
        QCustomPlot *plot = view.plot();
        const QPoint cell(int(plot->xAxis->coordToPixel(3)), int(plot->yAxis->coordToPixel(2)));
        int row = -1, column = -1;
        QVERIFY(view.cellAt(cell, row, column));
        QCOMPARE(row, 2);
        QCOMPARE(column, 3);
        QVERIFY(!view.cellAt(QPoint(2, 2), row, column));
        QSignalSpy selected(&view, &HeatmapView::cellSelected);
        QTest::mouseMove(plot, cell);
        QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, cell);
        QCOMPARE(selected.count(), 1);
        QCOMPARE(view.selectedCell(), qMakePair(2, 3));
        QVERIFY2(view.readout().contains("\u201cc\u201d") && view.readout().contains("\u201cy\u201d") &&
                     view.readout().contains("13"),
                 qPrintable(view.readout()));
    }

    void singleRowIsDrawn()
    {
        HeatmapView view;
        view.setMatrix(std::make_shared<Matrix>(1, 3, 2.0f));
        const QImage image = renderFigureImage(view, QSize(300, 200), 96);
        const QColor middle =
            image.pixelColor(int(view.plot()->xAxis->coordToPixel(1)), int(view.plot()->yAxis->coordToPixel(0)));
        QCOMPARE(middle.name(), QColor(colorMapColor(ColorMap::Viridis, 0.0)).name()); // a constant maps to the low end
    }

    void largeMatricesKeepEveryWeightVisible()
    {
        // 3000 x 2000 cells into a figure of a few hundred pixels: drawing cells directly would
        // drop most rows and columns. One weight of 1.0 and its neighbour of 0.5 must stay
        // visible in the pooled overview (as the block maximum), and zoomed in both appear as
        // their own exact cells.
        auto m = std::make_shared<Matrix>(3000, 2000, 0.0f);
        m->at(1777, 1333) = 1.0f;
        m->at(1777, 1334) = 0.5f;
        HeatmapView view;
        view.setMatrix(m);
        auto countNear = [](const QImage &image, QColor target) {
            int count = 0; // left of the colour bar, whose gradient holds every colour
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width() - 90; ++x) {
                    const QColor c = image.pixelColor(x, y);
                    if (std::abs(c.red() - target.red()) + std::abs(c.green() - target.green()) +
                            std::abs(c.blue() - target.blue()) <
                        24)
                        ++count;
                }
            return count;
        };
        const QColor top = colorMapColor(ColorMap::Viridis, 1.0), middle = colorMapColor(ColorMap::Viridis, 0.5);
        const QImage overview = renderFigureImage(view, QSize(400, 300), 96);
        QVERIFY2(countNear(overview, top) >= 1, "the lone maximum vanished from the overview");
        view.plot()->xAxis->setRange(1313.5, 1353.5);
        view.plot()->yAxis->setRange(1762.5, 1792.5);
        const QImage zoomed = renderFigureImage(view, QSize(400, 300), 96);
        const int topPixels = countNear(zoomed, top), middlePixels = countNear(zoomed, middle);
        // 40 x 30 cells on roughly 350 x 270 pixels: a cell is about 9 x 9 pixels (a pooled block
        // of the overview would cover thousands, and would hide the 0.5 neighbour).
        QVERIFY2(topPixels >= 20 && topPixels <= 300, qPrintable(QString::number(topPixels)));
        QVERIFY2(middlePixels >= 20 && middlePixels <= 300, qPrintable(QString::number(middlePixels)));
    }

    void screenShowsTheNewMatrixAtOnce()
    {
        // On screen (not an export): the cells drawn right after setMatrix are the new matrix's,
        // not the colour map's placeholder data (a repaint once came before the cells were set).
        HeatmapView view;
        view.resize(400, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMatrix(ramp(4, 4));
        const QImage image = view.plot()->grab().toImage(); // the screen buffer as painted, no fresh replot
        const QColor top =
            image.pixelColor(int(view.plot()->xAxis->coordToPixel(3)), int(view.plot()->yAxis->coordToPixel(3)));
        QCOMPARE(top.name(), QColor(colorMapColor(ColorMap::Viridis, 1.0)).name());
    }

    void csvIsTheMatrix()
    {
        HeatmapView view;
        const MatrixPtr m = ramp(2, 3);
        view.setMatrix(m);
        QCOMPARE(view.figureTable().matrix, m);
    }

    void matchesControlImage()
    {
        HeatmapView view;
        view.setFigureTitle("Control: 6 x 8 ramp");
        view.setAxisTitles("key", "query");
        view.setValueName("weight");
        view.setColorMap(ColorMap::Magma);
        view.setMatrix(ramp(6, 8));
        view.selectCell(2, 5);
        TESSERA_VERIFY_RENDER(test::RenderCheck{"heatmap-magma-6x8"}, renderFigureImage(view, QSize(480, 360), 96));
    }
};

QTEST_MAIN(TestHeatmapView)
#include "tst_heatmapview.moc"
