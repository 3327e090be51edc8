// The DETR lens driven by its options (as tessera-cli export and sessions do) on the detr-tiny
// fixture: every view filled with numbers that obey what they are (probabilities and attention
// rows sum to 1, the sine encoding stays in [-1, 1], the matching is the cheapest assignment
// found by brute force), every view exported, and bad options named.

#include "tessera/core/Detr.h"
#include "tessera/core/Training.h"
#include "tessera/plugins/PluginManager.h"
#include "tessera/widgets/BoxImageView.h"
#include "tessera/widgets/FigureExporter.h"
#include "tessera/widgets/ImageGridView.h"

#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace tessera;

namespace {
const QString kTiny = TESSERA_TEST_DATA "/hf/detr-tiny";

// A 160 x 120 scene: a red rectangle and a blue ellipse on grey.
QString writeScene(const QString &folder)
{
    QImage image(160, 120, QImage::Format_RGB888);
    image.fill(QColor(128, 128, 128));
    QPainter painter(&image);
    painter.fillRect(QRect(10, 10, 50, 40), QColor(220, 30, 30));
    painter.setBrush(QColor(30, 30, 220));
    painter.drawEllipse(QRect(80, 50, 60, 50));
    painter.end();
    const QString path = folder + "/scene.png";
    image.save(path);
    return path;
}

double sum(const Matrix &m)
{
    double s = 0.0;
    for (float v : m.values)
        s += v;
    return s;
}
} // namespace

class TestDetrPanel : public QObject {
    Q_OBJECT
private:
    plugins::PluginManager m_plugins;
    widgets::JobRunner m_jobs;
    widgets::DataHub m_hub;
    QTemporaryDir m_dir;
    QString m_scene;

    std::unique_ptr<widgets::PanelWidget> create()
    {
        return std::unique_ptr<widgets::PanelWidget>(m_plugins.panel("detr")->create({&m_jobs, &m_hub}, nullptr));
    }

private slots:
    void initTestCase()
    {
        m_jobs.setInline(true);
        m_plugins.loadAll({TESSERA_PLUGIN_DIR});
        QVERIFY(m_plugins.panel("detr"));
        m_scene = writeScene(m_dir.path());
    }

    void everyViewFillsAndExports()
    {
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"model", kTiny}, {"image", m_scene}, {"threshold", "0"}, {"query", "3"}}, &error),
                 qPrintable(error));
        // Threshold 0: every query's box (10 queries), in pixels of the 160 x 120 image.
        const widgets::FigureTable boxes = panel->figure("boxes")->figureTable();
        QCOMPARE(boxes.columnNames, (QStringList{"query", "label", "score", "x0", "y0", "x1", "y1"}));
        QCOMPARE(boxes.columns[0].size(), size_t(10));
        for (size_t i = 0; i < 10; ++i) {
            QVERIFY(boxes.columns[2][i] > 1.0 / 6.0 - 1e-9 && boxes.columns[2][i] <= 1.0); // the best of 5 classes
            QVERIFY(boxes.columns[3][i] <= boxes.columns[5][i] && boxes.columns[4][i] <= boxes.columns[6][i]);
            QVERIFY(boxes.columns[5][i] <= 160.0 + 1e-3 && boxes.columns[6][i] <= 120.0 + 1e-3);
        }
        // Classes: 10 queries x (5 classes + no-object), rows of probabilities.
        const MatrixPtr classes = panel->figure("classes")->figureTable().matrix;
        QCOMPARE(classes->rows, int64_t(10));
        QCOMPARE(classes->cols, int64_t(6));
        for (int64_t q = 0; q < 10; ++q) {
            double row = 0.0;
            for (int64_t c = 0; c < 6; ++c)
                row += classes->at(q, c);
            QVERIFY(std::abs(row - 1.0) < 1e-5);
        }
        // Queries: 2 decoder layers x (mean + 4 heads), each a distribution over the feature grid
        // (the 120 x 160 image becomes 800 x 1066, a 25 x 34 grid at stride 32).
        auto *queries = dynamic_cast<widgets::ImageGridView *>(panel->figure("queries"));
        QCOMPARE(queries->tiles().size(), 10);
        for (const widgets::ImageTile &tile : queries->tiles()) {
            QCOMPARE(tile.overlay->rows, int64_t(25));
            QCOMPARE(tile.overlay->cols, int64_t(34));
            QVERIFY(std::abs(sum(*tile.overlay) - 1.0) < 1e-4);
        }
        QVERIFY(queries->figureTitle().startsWith("Object query 3"));
        // Encoder: mean + 4 heads of layer 0 at the reference point, each summing to 1.
        auto *encoder = dynamic_cast<widgets::ImageGridView *>(panel->figure("encoder"));
        QCOMPARE(encoder->tiles().size(), 5);
        for (const widgets::ImageTile &tile : encoder->tiles())
            QVERIFY(std::abs(sum(*tile.overlay) - 1.0) < 1e-4);
        // Position: d = 32, all 16 y and 16 x channels, values of sines and cosines.
        auto *position = dynamic_cast<widgets::ImageGridView *>(panel->figure("position"));
        QCOMPARE(position->tiles().size(), 32);
        for (const widgets::ImageTile &tile : position->tiles())
            for (float v : tile.overlay->values)
                QVERIFY(v >= -1.0f - 1e-6f && v <= 1.0f + 1e-6f);

        // Matching two drawn boxes: the chosen pair of queries is the cheapest of all 10 x 9.
        QVERIFY2(panel->setOptions({{"targets", "0:10,10,60,50;2:80,50,140,100"}, {"view", "matching"}}, &error),
                 qPrintable(error));
        const widgets::FigureTable cost = panel->figure("matching")->figureTable();
        QCOMPARE(cost.columns[0].size(), size_t(20)); // 10 queries x 2 targets
        auto total = [&](size_t q, size_t t) { return cost.columns[2][q * 2 + t]; };
        double best = INFINITY;
        for (size_t a = 0; a < 10; ++a)
            for (size_t b = 0; b < 10; ++b)
                if (a != b)
                    best = std::min(best, total(a, 0) + total(b, 1));
        double chosen = 0.0;
        int matched = 0;
        for (size_t i = 0; i < 20; ++i)
            if (cost.columns[6][i] == 1.0) {
                chosen += cost.columns[2][i];
                ++matched;
            }
        QCOMPARE(matched, 2);
        QVERIFY(std::abs(chosen - best) < 1e-9);
        // Each total is 1 x class + 5 x L1 + 2 x GIoU (the config's costs).
        for (size_t i = 0; i < 20; ++i)
            QVERIFY(std::abs(cost.columns[2][i] -
                             (cost.columns[3][i] + 5 * cost.columns[4][i] + 2 * cost.columns[5][i])) < 1e-9);
        auto *matchingView = dynamic_cast<widgets::BoxImageView *>(panel->figure("matching"));
        QCOMPARE(matchingView->boxes().size(), 4); // 2 ground truth + 2 matched predictions

        for (const QString &view : panel->figureNames()) {
            for (const auto format :
                 {widgets::ExportFormat::Png, widgets::ExportFormat::Svg, widgets::ExportFormat::Csv}) {
                const QString out = m_dir.path() + "/" + view + "." + widgets::exportFormatSuffix(format);
                QCOMPARE(widgets::exportFigure(*panel->figure(view), out, format), QString());
                QVERIFY2(QFileInfo(out).size() > 100, qPrintable(out));
            }
        }
    }

    void thresholdAndHiddenClassesFilterTheBoxes()
    {
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"model", kTiny}, {"image", m_scene}, {"threshold", "1"}}, &error),
                 qPrintable(error));
        QCOMPARE(panel->figure("boxes")->figureTable().columns[0].size(), size_t(0));
        QVERIFY2(panel->setOptions({{"threshold", "0"}, {"hide", "LABEL_0,LABEL_1,LABEL_2,LABEL_3,LABEL_4"}}, &error),
                 qPrintable(error));
        QCOMPARE(panel->figure("boxes")->figureTable().columns[0].size(), size_t(0));
        QVERIFY2(panel->setOptions({{"hide", ""}}, &error), qPrintable(error));
        QCOMPARE(panel->figure("boxes")->figureTable().columns[0].size(), size_t(10));
    }

    // A detr-shapes run keeps its weights in every snapshot: the lens shows the model (and its
    // matching) as it was at each step, and the steps differ.
    void scrubsATrainingRunsSnapshots()
    {
        QTemporaryDir run;
        TrainingOptions o;
        o.recipe = "detr-shapes";
        o.outputFolder = run.path().toStdString();
        o.steps = 20;
        o.batchSize = 4;
        o.snapshotEvery = 10;
        o.evaluateEvery = 20;
        BasicJobContext context;
        train(o, context);
        const detr::ShapesScene scene = detr::shapesScene(9, 0);
        QImage image(scene.image.pixels.data(), 128, 128, 128 * 3, QImage::Format_RGB888);
        const QString path = m_dir.path() + "/shapes.png";
        QVERIFY(image.save(path));

        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"model", run.path()},
                                    {"image", path},
                                    {"threshold", "0"},
                                    {"targets", "0:10,10,40,40"},
                                    {"snapshot", "10"},
                                    {"view", "matching"}},
                                   &error),
                 qPrintable(error));
        QCOMPARE(panel->options().value("snapshot").toString(), QString("10"));
        const widgets::FigureTable early = panel->figure("matching")->figureTable();
        QVERIFY2(panel->setOptions({{"snapshot", "20"}}, &error), qPrintable(error));
        const widgets::FigureTable late = panel->figure("matching")->figureTable();
        QCOMPARE(early.columns[2].size(), size_t(10)); // 10 queries x 1 target
        QVERIFY(early.columns[2] != late.columns[2]);  // the costs moved with training
        QVERIFY(!panel->setOptions({{"snapshot", "15"}}, &error));
        QVERIFY2(error.contains("no snapshot at step"), qPrintable(error));
    }

    void badOptionsAreNamed()
    {
        auto panel = create();
        QString error;
        QVERIFY(!panel->setOptions({{"model", kTiny}, {"view", "boxes"}}, &error));
        QVERIFY2(error.contains("needs an image"), qPrintable(error));
        QVERIFY(panel->setOptions({{"model", kTiny}, {"image", m_scene}}, &error));
        const QVariantMap before = panel->options();
        for (const auto &[name, value, expect] :
             std::vector<std::tuple<QString, QString, QString>>{{"threshold", "2", "--threshold"},
                                                                {"query", "10", "0 to 9"},
                                                                {"encoder-layer", "5", "--encoder-layer"},
                                                                {"head", "7", "--head"},
                                                                {"point", "99,99", "outside the 25"},
                                                                {"targets", "9:1,1,5,5", "--targets"},
                                                                {"targets", "0:5,5,1,1", "positive size"},
                                                                {"targets", "0:1,2,3", "--targets"},
                                                                {"targets", "x:1,2,3,4", "--targets"},
                                                                {"hide", "zebra", "zebra"},
                                                                {"view", "nonsense", "--view"},
                                                                {"colour", "red", "unknown option"}}) {
            QVERIFY2(!panel->setOptions({{name, value}}, &error), qPrintable(name));
            QVERIFY2(error.contains(expect), qPrintable(name + ": " + error));
            QCOMPARE(panel->options(), before); // nothing changed
        }
        QVERIFY(!panel->setOptions({{"threshold", "0.9"}, {"hide", "LABEL_1"}, {"query", "4"}, {"targets", "0:1,2,3"}},
                                   &error));
        QCOMPARE(panel->options(), before); // a bad value among good ones: nothing changed either
        QVERIFY(!panel->setOptions({{"view", "cost"}}, &error));
        QVERIFY2(error.contains("ground truth"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"targets", m_dir.path() + "/missing.json"}}, &error));
        QVERIFY2(error.contains("missing.json"), qPrintable(error));
    }
};

QTEST_MAIN(TestDetrPanel)
#include "tst_detr.moc"
