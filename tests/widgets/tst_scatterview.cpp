// The projector's scatter: selection by box and lasso picks exactly the hand-placed points
// inside, picking and the coordinate maps agree, points land in the figure with their
// category colour, vector exports stay vectors when small and small when large, and a
// zoomed view survives new layouts. Prints the rasterisation time at 100,000 points.

#include "tessera/widgets/BoxImageView.h"
#include "tessera/widgets/FigureExporter.h"
#include "tessera/widgets/ImageGridView.h"
#include "tessera/widgets/ScatterView.h"

#include "support/RenderCheck.h"

#include <QElapsedTimer>
#include <QFontDatabase>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace tessera;
using namespace tessera::widgets;

namespace {

// Five points by hand:   p2 (0,3) ------ p3 (4,3)
//                              p4 (2,1.5)
//                        p0 (0,0) ------ p1 (4,0)
std::vector<float> fivePoints()
{
    return {0, 0, 4, 0, 0, 3, 4, 3, 2, 1.5f};
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// n points in ten Gaussian clusters of different spreads (a t-SNE-like layout).
std::vector<float> clusters(int n, std::vector<int> *category = nullptr, float spread = 1.0f, unsigned seed = 7)
{
    std::mt19937 random(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> xy(size_t(2 * n));
    if (category)
        category->assign(size_t(n), 0);
    for (int i = 0; i < n; ++i) {
        const int c = i % 10;
        const float angle = c * 0.628f, radius = 20.0f + 6.0f * (c % 3);
        const float sigma = (1.5f + 0.6f * (c % 4)) * spread;
        xy[2 * size_t(i)] = radius * std::cos(angle) * spread + sigma * normal(random);
        xy[2 * size_t(i) + 1] = radius * std::sin(angle) * spread + sigma * normal(random);
        if (category)
            (*category)[size_t(i)] = (i % 97 == 0) ? -1 : c;
    }
    return xy;
}

QPoint pixelOf(const QPointF &widget, double scale = 1.0)
{
    return QPoint(int(std::floor(widget.x() * scale)), int(std::floor(widget.y() * scale)));
}

} // namespace

class TestScatterView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // A bundled font (Debian's fonts-nanum) keeps text layout the same on every machine.
        const int id = QFontDatabase::addApplicationFont("/usr/share/fonts/truetype/nanum/NanumGothic.ttf");
        QVERIFY2(id >= 0, "fonts-nanum is missing: install it (the README's set-up command does)");
        QApplication::setFont(QFont(QFontDatabase::applicationFontFamilies(id).first(), 9));
    }

    void boxAndLassoPickExactlyThePointsInside()
    {
        ScatterView view;
        view.resize(500, 400);
        view.setPoints(fivePoints());
        // x in [-1, 2.5], y in [-1, 2]: p0 (0,0) and p4 (2,1.5); p1 has x = 4, p2 and p3 y = 3.
        QCOMPARE(view.pointsInRect(QRectF(QPointF(-1, -1), QPointF(2.5, 2))), (QVector<int>{0, 4}));
        // Given upside down (a drag from bottom-right to top-left) it is the same rectangle.
        QCOMPARE(view.pointsInRect(QRectF(QPointF(2.5, 2), QPointF(-1, -1))), (QVector<int>{0, 4}));
        QCOMPARE(view.pointsInRect(QRectF(QPointF(3, 2), QPointF(5, 4))), (QVector<int>{3}));
        // Triangle (-2,-1) (6,-1) (2,1.2): its sloping edges cross x = 0 and x = 4 at y = 0.1, so
        // p0 and p1 (y = 0) are inside; p4 (2,1.5) is above the apex; p2, p3 far above.
        const QPolygonF triangle({QPointF(-2, -1), QPointF(6, -1), QPointF(2, 1.2)});
        QCOMPARE(view.pointsInPolygon(triangle), (QVector<int>{0, 1}));
        // Apex raised to y = 2: p4 is inside too.
        QCOMPARE(view.pointsInPolygon(QPolygonF({QPointF(-2, -1), QPointF(6, -1), QPointF(2, 2)})),
                 (QVector<int>{0, 1, 4}));
    }

    void pickingAndCoordinateMaps()
    {
        ScatterView view;
        view.resize(500, 400);
        view.setPoints(fivePoints());
        for (int i = 0; i < 5; ++i) {
            const QPointF data = view.point(i);
            const QPointF widget = view.toWidget(data);
            QVERIFY(view.plotRect().contains(widget));
            QCOMPARE(view.pointAt(widget), i);
            QCOMPARE(view.pointAt(widget + QPointF(4, 0)), i); // within the 6-pixel radius
            const QPointF back = view.toData(widget);
            QVERIFY2(std::abs(back.x() - data.x()) < 1e-9 && std::abs(back.y() - data.y()) < 1e-9,
                     qPrintable(QString("%1,%2").arg(back.x()).arg(back.y())));
        }
        // 20 pixels from p4 towards the empty middle of the lower half: nothing.
        QCOMPARE(view.pointAt(view.toWidget(view.point(4)) + QPointF(0, 20)), -1);
        QCOMPARE(view.pointAt(QPointF(1, 1)), -1); // outside the plot
        // y grows upwards, and one data unit is as long on x as on y.
        const QPointF a = view.toWidget(QPointF(0, 0)), b = view.toWidget(QPointF(4, 0)),
                      c = view.toWidget(QPointF(0, 3));
        QVERIFY(c.y() < a.y());
        QVERIFY(std::abs((b.x() - a.x()) / 4.0 - (a.y() - c.y()) / 3.0) < 1e-9);
        // The view follows the points: all five inside the plot, the extreme ones near its edges.
        const QRectF plot = view.plotRect();
        QVERIFY(b.x() > plot.center().x() + plot.width() * 0.3 || c.y() < plot.center().y() - plot.height() * 0.3);
    }

    void hoverReadout()
    {
        ScatterView view;
        view.resize(500, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setPoints(fivePoints());
        view.setLabels({"the", "of", "and", "to", "cat"});
        QSignalSpy readout(&view, &ScatterView::readoutChanged);
        QTest::mouseMove(&view, view.toWidget(view.point(4)).toPoint());
        QVERIFY(readout.count() >= 1);
        QCOMPARE(readout.last().at(0).toString(), QString("cat (#4) 2, 1.5"));
        QTest::mouseMove(&view, (view.toWidget(view.point(4)) + QPointF(0, 30)).toPoint());
        QCOMPARE(readout.last().at(0).toString(), QString());
    }

    void shiftDragSelectsWithABox()
    {
        ScatterView view;
        view.resize(500, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setPoints(fivePoints());
        QCOMPARE(view.interaction(), ScatterView::Interaction::Pan);
        QSignalSpy selected(&view, &ScatterView::selectionChanged);
        // A box around p4 (2,1.5) and p3 (4,3), dragged from bottom-right to top-left (the
        // corners lie inside the plot, which shows about x -0.16 .. 4.16, y -0.2 .. 3.2).
        const QPoint from = view.toWidget(QPointF(4.1, 1.0)).toPoint(), to = view.toWidget(QPointF(1.5, 3.1)).toPoint();
        QVERIFY(view.plotRect().contains(from) && view.plotRect().contains(to));
        QTest::mousePress(&view, Qt::LeftButton, Qt::ShiftModifier, from);
        QTest::mouseMove(&view, (from + to) / 2);
        QTest::mouseMove(&view, to);
        QTest::mouseRelease(&view, Qt::LeftButton, Qt::ShiftModifier, to);
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.last().at(0).value<QVector<int>>(), (QVector<int>{3, 4}));
        QCOMPARE(view.selection(), (QVector<int>{3, 4}));

        // Ctrl+drag: a lasso around p0 and p1 along the bottom edge, dented between them so
        // that it passes below p4 (2,1.5): corners 0.1 (about 10 pixels) from the points.
        const QPolygonF lasso(
            {QPointF(-0.1, -0.1), QPointF(4.1, -0.1), QPointF(4.1, 0.3), QPointF(2, 0.1), QPointF(-0.1, 0.3)});
        QTest::mousePress(&view, Qt::LeftButton, Qt::ControlModifier, view.toWidget(lasso[0]).toPoint());
        for (int v = 1; v <= lasso.size(); ++v) {
            const QPointF a = view.toWidget(lasso[v - 1]), b = view.toWidget(lasso[v % lasso.size()]);
            for (int k = 1; k <= 8; ++k)
                QTest::mouseMove(&view, (a + (b - a) * k / 8.0).toPoint());
        }
        QTest::mouseRelease(&view, Qt::LeftButton, Qt::ControlModifier, view.toWidget(lasso[0]).toPoint());
        QCOMPARE(selected.count(), 2);
        QCOMPARE(view.selection(), (QVector<int>{0, 1}));

        // A click on a point reports it and keeps the selection; on empty space it clears it.
        QSignalSpy clicked(&view, &ScatterView::pointClicked);
        QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, view.toWidget(view.point(2)).toPoint());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.last().at(0).toInt(), 2);
        QCOMPARE(view.selection(), (QVector<int>{0, 1}));
        QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, view.toWidget(QPointF(2, 0.5)).toPoint());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(view.selection(), QVector<int>());
        QCOMPARE(selected.count(), 3);

        // setSelection sorts and drops duplicates and indices that do not exist; Esc clears.
        view.setSelection({4, 1, 4, 9, -1});
        QCOMPARE(view.selection(), (QVector<int>{1, 4}));
        QTest::keyClick(&view, Qt::Key_Escape);
        QCOMPARE(view.selection(), QVector<int>());
    }

    void wheelZoomsAroundTheCursor()
    {
        ScatterView view;
        view.resize(500, 400);
        view.setPoints(fivePoints());
        const QPointF anchor = view.toWidget(view.point(4)) + QPointF(10, -7);
        const QPointF data = view.toData(anchor);
        const double before = view.toWidget(view.point(1)).x() - view.toWidget(view.point(0)).x();
        QWheelEvent wheel(anchor, view.mapToGlobal(anchor), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &wheel);
        const double after = view.toWidget(view.point(1)).x() - view.toWidget(view.point(0)).x();
        QVERIFY2(std::abs(after / before - std::pow(2.0, 0.25)) < 1e-9, qPrintable(QString::number(after / before)));
        const QPointF still = view.toWidget(data);
        QVERIFY(std::abs(still.x() - anchor.x()) < 1e-6 && std::abs(still.y() - anchor.y()) < 1e-6);
        QTest::keyClick(&view, Qt::Key_Home);
        const double reset = view.toWidget(view.point(1)).x() - view.toWidget(view.point(0)).x();
        QVERIFY(std::abs(reset - before) < 1e-9);
    }

    void figureHasCategoryColoursAtThePoints()
    {
        ScatterView view;
        const QSize size(600, 450);
        view.resize(size); // the figure's layout at the widget's size: toWidget maps into the image
        view.setFigureTitle("Five points");
        view.setAxisLabels("x", "y");
        view.setPoints(fivePoints());
        view.setCategories({0, 1, -1, 2, 1}, {"noun", "verb", "other"});
        for (int dpi : {96, 192}) {
            const double scale = dpi / 96.0;
            const QImage image = renderFigureImage(view, size, dpi);
            // tab10 by hand: category 1 is #ff7f0e, category 0 #1f77b4; no category #a0a0a0.
            // (p3 at the top-right lies under the legend.)
            QCOMPARE(image.pixelColor(pixelOf(view.toWidget(view.point(4)), scale)).name(), QString("#ff7f0e"));
            QCOMPARE(image.pixelColor(pixelOf(view.toWidget(view.point(0)), scale)).name(), QString("#1f77b4"));
            QCOMPARE(image.pixelColor(pixelOf(view.toWidget(view.point(2)), scale)).name(), QString("#a0a0a0"));
            // Between the points: background.
            QCOMPARE(image.pixelColor(pixelOf(view.toWidget(QPointF(1, 2.3)), scale)).name(), QString("#ffffff"));
            QCOMPARE(image.pixelColor(pixelOf(view.toWidget(view.point(0)) + QPointF(5, 0), scale)).name(),
                     QString("#ffffff"));
        }
        // With a selection, the selected point keeps its colour and the others fade towards white.
        view.setSelection({4});
        const QImage selected = renderFigureImage(view, size, 96);
        QCOMPARE(selected.pixelColor(pixelOf(view.toWidget(view.point(4)))).name(), QString("#ff7f0e"));
        const QColor faded = selected.pixelColor(pixelOf(view.toWidget(view.point(0))));
        QVERIFY2(faded.lightness() > QColor("#1f77b4").lightness() + 40 && faded != QColor(Qt::white),
                 qPrintable(faded.name()));
        // A highlighted point is drawn larger: 4 pixels right of its centre is no longer white.
        view.setSelection({});
        view.setHighlighted({0}, QColor(255, 0, 255));
        const QImage highlighted = renderFigureImage(view, size, 96);
        QCOMPARE(highlighted.pixelColor(pixelOf(view.toWidget(view.point(0)))).name(), QString("#ff00ff"));
        QVERIFY(highlighted.pixelColor(pixelOf(view.toWidget(view.point(0)) + QPointF(4, 0))) != QColor(Qt::white));
    }

    void smallSvgIsVectorWithLegendAndTitle()
    {
        QTemporaryDir dir;
        ScatterView view;
        std::vector<int> category;
        std::vector<float> xy = clusters(100, &category);
        for (int &c : category)
            c = c < 0 ? -1 : c % 3;
        view.setPoints(xy);
        view.setCategories(category, {"determiner", "adjective", "punctuation"});
        view.setFigureTitle("Token embeddings (t-SNE)");
        view.setFootnote("trustworthiness 0.94");
        const QString path = dir.filePath("small.svg");
        QCOMPARE(exportFigure(view, path, ExportFormat::Svg), QString());
        const QByteArray svg = readAll(path);
        for (const char *text :
             {"determiner", "adjective", "punctuation", "Token embeddings (t-SNE)", "trustworthiness 0.94"})
            QVERIFY2(svg.contains(text), text);
        // Every point a vector shape (plus the legend's three swatches), no embedded raster.
        // (QSvgGenerator writes a circle as <circle>.)
        QVERIFY2(svg.count("<circle") >= 100, qPrintable(QString::number(svg.count("<circle"))));
        QVERIFY(!svg.contains("<image"));
    }

    void largeSvgEmbedsOneRaster()
    {
        QTemporaryDir dir;
        ScatterView view;
        std::vector<int> category;
        view.setPoints(clusters(50000, &category));
        view.setCategories(category, {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
        view.setFigureTitle("50,000 points");
        const QString path = dir.filePath("large.svg");
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(exportFigure(view, path, ExportFormat::Svg), QString());
        const qint64 bytes = QFileInfo(path).size();
        qInfo("SVG of 50,000 points: %.2f MB in %lld ms", bytes / 1e6, timer.elapsed());
        QVERIFY2(bytes < 3'000'000, qPrintable(QString::number(bytes)));
        const QByteArray svg = readAll(path);
        QCOMPARE(svg.count("<image"), 1);
        QVERIFY(svg.count("<circle") < 100);
        QVERIFY(svg.contains("50,000 points"));
        // PDF as well: one image, small.
        const QString pdf = dir.filePath("large.pdf");
        QCOMPARE(exportFigure(view, pdf, ExportFormat::Pdf), QString());
        QVERIFY2(QFileInfo(pdf).size() < 3'000'000, qPrintable(QString::number(QFileInfo(pdf).size())));
    }

    void zoomedViewSurvivesNewLayouts()
    {
        ScatterView view;
        view.resize(800, 600);
        std::vector<float> first = clusters(100000);
        view.setPoints(first);
        const QRectF plot = view.plotRect();
        const QPointF corner = view.toData(plot.topLeft()), otherCorner = view.toData(plot.bottomRight());
        // While following, a layout twice as large changes the mapping (the test can fail).
        view.setPoints(clusters(100000, nullptr, 2.0f));
        QVERIFY(std::abs(view.toData(plot.topLeft()).x() - corner.x()) > 1.0);
        view.setPoints(first);
        QCOMPARE(view.toData(plot.topLeft()), corner);

        view.zoomBy(3.0, plot.center() + QPointF(40, 25));
        const QPointF zoomedCorner = view.toData(plot.topLeft()), zoomedOther = view.toData(plot.bottomRight());
        QVERIFY(std::abs((zoomedOther.x() - zoomedCorner.x()) * 3.0 - (otherCorner.x() - corner.x())) < 1e-6);
        view.setPoints(clusters(100000, nullptr, 2.0f, 11));
        QCOMPARE(view.toData(plot.topLeft()), zoomedCorner);
        QCOMPARE(view.toData(plot.bottomRight()), zoomedOther);

        view.resetView();
        // Following again: the new, larger layout fits.
        QVERIFY(view.toData(plot.topLeft()).x() < corner.x() * 1.5);
    }

    void csvHasOneRowPerPoint()
    {
        QTemporaryDir dir;
        ScatterView view;
        view.setPoints(fivePoints());
        view.setCategories({0, 1, -1, 2, 1}, {"a", "b", "c"});
        view.setSelection({1, 3});
        const QString path = dir.filePath("points.csv");
        QCOMPARE(exportFigure(view, path, ExportFormat::Csv), QString());
        const QStringList lines = QString::fromUtf8(readAll(path)).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 5);
        QCOMPARE(lines[0], QString("index,x,y,category,selected"));
        QCOMPARE(lines[2], QString("1,4,0,1,1"));
        QCOMPARE(lines[3], QString("2,0,3,-1,0"));
        QCOMPARE(lines[5], QString("4,2,1.5,1,0"));

        ScatterView large;
        large.setPoints(clusters(20000));
        QCOMPARE(int(large.figureTable().columns.at(0).size()), 20000);
    }

    void placeholderWithoutPoints()
    {
        ScatterView view;
        view.setPlaceholder("Run a projection to see the points");
        QCOMPARE(view.pointAt(QPointF(100, 100)), -1);
        QVERIFY(view.figureTable().isEmpty());
        const QImage image = renderFigureImage(view, QSize(400, 300), 96);
        int dark = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                dark += qGray(image.pixel(x, y)) < 128 ? 1 : 0;
        QVERIFY(dark > 20); // the text is there
    }

    void timingAt100k()
    {
        // Not assertions (machines differ): the numbers the brief asks about, for the log.
        ScatterView view;
        view.resize(900, 650);
        std::vector<int> category;
        std::vector<float> xy = clusters(100000, &category);
        view.setCategories(category, {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
        QElapsedTimer timer;
        double setMs = 1e9, rasterMs = 1e9, paintMs = 1e9, pickMs = 1e9;
        for (int run = 0; run < 5; ++run) {
            std::vector<float> copy = xy;
            timer.start();
            view.setPoints(std::move(copy));
            setMs = std::min(setMs, timer.nsecsElapsed() / 1e6);
            timer.start();
            const QPixmap pixmap = view.grab();
            paintMs = std::min(paintMs, timer.nsecsElapsed() / 1e6);
            rasterMs = std::min(rasterMs, view.lastRasterMilliseconds());
            timer.start();
            const int picked = view.pointAt(view.toWidget(view.point(run)));
            pickMs = std::min(pickMs, timer.nsecsElapsed() / 1e6);
            QCOMPARE(picked >= 0, true);
        }
        qInfo("100,000 points, 900 x 650: setPoints %.2f ms, rasterise %.2f ms, whole paint %.2f ms, "
              "first pick (grid build) %.2f ms",
              setMs, rasterMs, paintMs, pickMs);
        QVERIFY(rasterMs > 0.0);
    }

    void lookAtIt()
    {
        // A picture to look at: 100,000 clustered points, categories, a selection, highlights.
        ScatterView view;
        view.resize(900, 650);
        std::vector<int> category;
        view.setPoints(clusters(100000, &category));
        QStringList names;
        for (int c = 0; c < 10; ++c)
            names << QString("cluster %1").arg(c);
        view.setCategories(category, names);
        QStringList labels;
        for (int i = 0; i < 100000; ++i)
            labels << QString("tok%1").arg(i);
        view.setLabels(labels);
        view.setFigureTitle("Token embeddings \u00b7 t-SNE (perplexity 30)");
        view.setAxisLabels("t-SNE 1", "t-SNE 2");
        view.setFootnote("trustworthiness 0.94 \u00b7 10-NN preserved 0.41");
        view.setSelection(view.pointsInRect(QRectF(QPointF(10, -5), QPointF(30, 12))));
        view.setHighlighted({0, 1, 2, 3, 13, 25, 37, 49, 51, 66, 78, 99}, QColor(255, 200, 0));
        const QString output = qEnvironmentVariable("TESSERA_TEST_OUTPUT", QDir::tempPath());
        ExportOptions options;
        options.dpi = 96;
        QCOMPARE(exportFigure(view, output + "/scatter_check.png", ExportFormat::Png, options), QString());
        const QVector<int> selection = view.selection();
        view.clearSelection();
        QCOMPARE(exportFigure(view, output + "/scatter_check_plain.png", ExportFormat::Png, options), QString());
        view.setSelection(selection);
        view.setValues(
            [] {
                std::vector<float> v(100000);
                for (size_t i = 0; i < v.size(); ++i)
                    v[i] = float(i % 1000) / 100.0f;
                return v;
            }(),
            "norm");
        QCOMPARE(exportFigure(view, output + "/scatter_check_values.png", ExportFormat::Png, options), QString());
        qInfo("wrote %s/scatter_check.png, scatter_check_plain.png and scatter_check_values.png", qPrintable(output));
    }

    // The three image views against their control images (tests/support/RenderCheck.h).
    void scatterMatchesControlImage()
    {
        ScatterView view;
        view.setPoints(fivePoints());
        view.setLabels({"the", "of", "and", "to", "cat"});
        view.setCategories({0, 0, 1, 1, 2}, {"article", "preposition", "noun"});
        view.setFigureTitle("Control: five points, three categories");
        view.setAxisLabels("PC 1", "PC 2");
        TESSERA_VERIFY_RENDER(test::RenderCheck{"scatter-five-points"}, renderFigureImage(view, QSize(480, 360), 96));
    }

    void boxImageMatchesControlImage()
    {
        QImage image(160, 120, QImage::Format_RGB32);
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                image.setPixel(x, y, qRgb(x * 255 / 159, y * 255 / 119, 128));
        BoxImageView view;
        view.setImage(image);
        view.setBoxes({{QRectF(10, 10, 60, 50), categoryColor(0), "square 0.93", "square", false, true},
                       {QRectF(80, 40, 70, 70), categoryColor(1), "circle", "ground truth", true, false}},
                      {{0, 1, "matched"}});
        view.setFigureTitle("Control: a detection, a ground-truth box and their match");
        TESSERA_VERIFY_RENDER(test::RenderCheck{"boximage-two-boxes"}, renderFigureImage(view, QSize(480, 360), 96));
    }

    void imageGridMatchesControlImage()
    {
        QImage image(28, 28, QImage::Format_RGB32);
        image.fill(qRgb(40, 40, 40));
        for (int i = 4; i < 24; ++i)
            image.setPixel(i, i, qRgb(255, 255, 255));
        auto overlay = std::make_shared<Matrix>(4, 4);
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c)
                overlay->at(r, c) = float(r == c ? 1.0 : 0.1 * c);
        ImageGridView view;
        view.setTiles({{image, overlay, "head 0", 4, 4, QPoint(1, 1)}, {QImage(), overlay, "overlay alone", 4, 4}}, 2);
        view.setOverlayStyle(ColorMap::Viridis, 0.6);
        view.setColorBarTitle("attention");
        view.setFigureTitle("Control: two tiles, a 4 x 4 patch grid");
        TESSERA_VERIFY_RENDER(test::RenderCheck{"imagegrid-two-tiles"}, renderFigureImage(view, QSize(480, 360), 96));
    }
};

QTEST_MAIN(TestScatterView)
#include "tst_scatterview.moc"
