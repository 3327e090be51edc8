// The ViT lens driven by its options (as tessera-cli export and sessions do): every view's
// numbers against the vit-tiny fixture (transformers' attentions, rollout and mean attention
// distance), a click choosing the query patch, scrubbing a trained run's snapshots, exports,
// and bad input reported with the option's name.

#include "tessera/core/Datasets.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/Training.h"
#include "tessera/plugins/PluginManager.h"
#include "tessera/widgets/FigureExporter.h"
#include "tessera/widgets/ImageGridView.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace tessera;

namespace {
const QString kVit = TESSERA_TEST_DATA "/hf/vit-tiny";
const QString kImage = TESSERA_TEST_DATA "/hf/vit-tiny/image0.png";
} // namespace

class TestVitPanel : public QObject {
    Q_OBJECT
private:
    plugins::PluginManager m_plugins;
    widgets::JobRunner m_jobs;
    widgets::DataHub m_hub;

    std::unique_ptr<widgets::PanelWidget> create()
    {
        return std::unique_ptr<widgets::PanelWidget>(m_plugins.panel("vit")->create({&m_jobs, &m_hub}, nullptr));
    }

    static double worstDifference(const Matrix &actual, const std::vector<float> &reference)
    {
        if (actual.values.size() != reference.size())
            return INFINITY;
        double worst = 0.0;
        for (size_t i = 0; i < reference.size(); ++i)
            worst = std::max(worst, double(std::abs(actual.values[i] - reference[i])));
        return worst;
    }

private slots:
    void initTestCase()
    {
        m_jobs.setInline(true);
        m_plugins.loadAll({TESSERA_PLUGIN_DIR});
        QVERIFY(m_plugins.panel("vit"));
    }

    // Layer 1, head 2, query [CLS] of image 0: the fixture's attentions.1[0, 2, 0, 1:].
    void attentionAndRolloutEqualTheFixture()
    {
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions(
                     {{"model", kVit}, {"image", kImage}, {"layer", "1"}, {"head", "2"}, {"query", "cls"}}, &error),
                 qPrintable(error));
        SafetensorsFile expected((kVit + "/expected.safetensors").toStdString());
        const FloatTensor attention = expected.readFloat("attentions.1"); // [2, 4, 17, 17]
        std::vector<float> row(attention.values.begin() + (2 * 17 + 0) * 17 + 1,
                               attention.values.begin() + (2 * 17 + 0) * 17 + 17);
        const widgets::FigureTable table = panel->figure("attention")->figureTable();
        QVERIFY(table.matrix);
        QCOMPARE(table.matrix->rows, 4);
        QVERIFY2(worstDifference(*table.matrix, row) < 2e-4,
                 qPrintable(QString::number(worstDifference(*table.matrix, row))));
        // Query patch (1, 2) = token 7, every head: attentions.1[0, h, 7, 1:].
        QVERIFY(panel->setOptions({{"query", "1,2"}}, &error));
        const widgets::FigureTable heads = panel->figure("heads")->figureTable();
        QCOMPARE(heads.matrix->rows, 4);
        std::vector<float> all;
        for (int h = 0; h < 4; ++h)
            all.insert(all.end(), attention.values.begin() + (h * 17 + 7) * 17 + 1,
                       attention.values.begin() + (h * 17 + 7) * 17 + 17);
        QVERIFY(worstDifference(*heads.matrix, all) < 2e-4);
        // Rollout (mean, no discard) of image 0: the fixture's rollout[0, 0, 1:] over its maximum.
        QVERIFY(panel->setOptions({{"fusion", "mean"}, {"discard", "0"}}, &error));
        const FloatTensor rollout = expected.readFloat("rollout");
        std::vector<float> cls(rollout.values.begin() + 1, rollout.values.begin() + 17);
        const float peak = *std::max_element(cls.begin(), cls.end());
        for (float &v : cls)
            v /= peak;
        QVERIFY(worstDifference(*panel->figure("rollout")->figureTable().matrix, cls) < 1e-3);
        // Fusion and discard change the map.
        QVERIFY(panel->setOptions({{"fusion", "max"}, {"discard", "0.9"}}, &error));
        QVERIFY(worstDifference(*panel->figure("rollout")->figureTable().matrix, cls) > 1e-3);
    }

    // DeiT has two leading tokens ([CLS], distillation): patch (1, 2) is token 2 + 1 * 4 + 2 = 8,
    // and its map is attentions.1[0, 2, 8, 2:] of the fixture (image0.png through
    // DeiTImageProcessor); the distillation token is a query of its own.
    void deitPatchesSkipBothLeadingTokens()
    {
        auto panel = create();
        QString error;
        const QString deit = TESSERA_TEST_DATA "/hf/deit-tiny";
        QVERIFY2(panel->setOptions({{"model", deit},
                                    {"image", deit + "/image0.png"},
                                    {"layer", "1"},
                                    {"head", "2"},
                                    {"query", "1,2"},
                                    {"view", "attention"}},
                                   &error),
                 qPrintable(error));
        SafetensorsFile expected((deit + "/expected.safetensors").toStdString());
        const FloatTensor attention = expected.readFloat("attentions.1"); // [2, 4, 18, 18]
        QCOMPARE(attention.shape, (std::vector<int64_t>{2, 4, 18, 18}));
        std::vector<float> row(attention.values.begin() + (2 * 18 + 8) * 18 + 2,
                               attention.values.begin() + (2 * 18 + 8) * 18 + 18);
        const widgets::FigureTable table = panel->figure("attention")->figureTable();
        QVERIFY(table.matrix);
        QVERIFY2(worstDifference(*table.matrix, row) < 2e-4,
                 qPrintable(QString::number(worstDifference(*table.matrix, row))));
        QCOMPARE(panel->options().value("query").toString(), QStringLiteral("1,2"));
        QVERIFY2(panel->figure("attention")->figureTitle().contains("patch (1, 2)"),
                 qPrintable(panel->figure("attention")->figureTitle()));
        QVERIFY2(panel->setOptions({{"query", "distillation"}}, &error), qPrintable(error));
        QCOMPARE(panel->options().value("query").toString(), QStringLiteral("distillation"));
        std::vector<float> distillation(attention.values.begin() + (2 * 18 + 1) * 18 + 2,
                                        attention.values.begin() + (2 * 18 + 1) * 18 + 18);
        QVERIFY(worstDifference(*panel->figure("attention")->figureTable().matrix, distillation) < 2e-4);
        // A ViT has no distillation token.
        QVERIFY(panel->setOptions({{"model", kVit}, {"image", kImage}}, &error));
        QVERIFY(!panel->setOptions({{"query", "distillation"}}, &error));
    }

    // A click on the attention view chooses the query patch.
    void clickChoosesTheQuery()
    {
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"model", kVit}, {"image", kImage}, {"view", "attention"}}, &error),
                 qPrintable(error));
        auto *view = dynamic_cast<widgets::ImageGridView *>(panel->figure("attention"));
        QVERIFY(view);
        emit view->cellClicked(0, 3, 1);
        QCOMPARE(panel->options().value("query").toString(), QStringLiteral("3,1"));
        QCOMPARE(view->tiles().front().marked, QPoint(1, 3));
        QVERIFY(view->figureTitle().contains("patch (3, 1)"));
    }

    // Over the fixture's two images the distance is the fixture's (which averages them).
    void distanceOverAFolderEqualsTheFixture()
    {
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"model", kVit}, {"images", kVit}, {"count", "10"}, {"view", "distance"}}, &error),
                 qPrintable(error));
        const widgets::FigureTable table = panel->figure("distance")->figureTable();
        QCOMPARE(table.columnNames.value(2), QStringLiteral("raw_mean"));
        SafetensorsFile expected((kVit + "/expected.safetensors").toStdString());
        const FloatTensor raw = expected.readFloat("mean_attention_distance.raw");
        const FloatTensor renormalized = expected.readFloat("mean_attention_distance.renormalized");
        QCOMPARE(table.columns[2].size(), raw.values.size());
        for (size_t i = 0; i < raw.values.size(); ++i) {
            QVERIFY(std::abs(table.columns[2][i] - raw.values[i]) < 2e-4 + 1e-3 * raw.values[i]);
            QVERIFY(std::abs(table.columns[4][i] - renormalized.values[i]) < 2e-4 + 1e-3 * renormalized.values[i]);
            QCOMPARE(table.columns[6][i], 2.0); // images
        }
        QVERIFY(panel->figure("distance")->figureTitle().contains("2 images"));
    }

    void positionsFiltersAndPatches()
    {
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"model", kVit}, {"image", kImage}}, &error), qPrintable(error));
        const MatrixPtr similarity = panel->figure("positions")->figureTable().matrix;
        QCOMPARE(similarity->rows, 16);
        for (int64_t p = 0; p < 16; ++p)
            QVERIFY(std::abs(similarity->at(p, p) - 1.0f) < 1e-5);
        QVERIFY(std::abs(similarity->at(2, 9) - similarity->at(9, 2)) < 1e-6);
        const widgets::FigureTable filters = panel->figure("filters")->figureTable();
        QCOMPARE(filters.matrix->rows, 28); // the paper's 28 (the model has 32 filters)
        QCOMPARE(filters.matrix->cols, 1 + 192);
        double total = 0.0;
        for (int64_t k = 0; k < 28; ++k) {
            total += filters.matrix->at(k, 0);
            if (k > 0)
                QVERIFY(filters.matrix->at(k, 0) <= filters.matrix->at(k - 1, 0) + 1e-7);
        }
        QVERIFY(total > 0.5 && total <= 1.0 + 1e-6);
        const widgets::FigureTable patches = panel->figure("patches")->figureTable();
        QCOMPARE(patches.matrix->rows, 16);
        QCOMPARE(patches.matrix->cols, 192);
        QCOMPARE(panel->figure("patches")->figureTitle(),
                 QStringLiteral(
                     "32/8 = 4 per side: 16 patches of 192 values (8x8x3), each projected to 32; + [CLS] = 17 tokens"));
        // Every view exports.
        QTemporaryDir dir;
        for (const QString &view : panel->figureNames()) {
            const QString png = dir.filePath(view + ".png");
            QCOMPARE(widgets::exportFigure(*panel->figure(view), png, widgets::ExportFormat::Png), QString());
            QVERIFY2(QFileInfo(png).size() > 2000, qPrintable(view));
        }
        const QString svg = dir.filePath("attention.svg");
        QCOMPARE(widgets::exportFigure(*panel->figure("attention"), svg, widgets::ExportFormat::Svg), QString());
        QFile file(svg);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("<svg"));
    }

    // A ViT opened in another panel (Models, Training's "offer") is taken when the lens has none;
    // a text model is not.
    void followsAModelOfferedElsewhere()
    {
        auto panel = create();
        m_hub.publishText(widgets::DataHub::ModelFolders, "bert-tiny-mlm", TESSERA_TEST_DATA "/hf/bert-tiny-mlm");
        QVERIFY(!panel->options().contains("model"));
        m_hub.publishText(widgets::DataHub::ModelFolders, "vit-tiny", kVit);
        QCOMPARE(panel->options().value("model").toString(), QDir(kVit).absolutePath());
    }

    void badInputIsNamed()
    {
        auto panel = create();
        QString error;
        QVERIFY(!panel->setOptions({{"model", TESSERA_TEST_DATA "/hf/bert-tiny-mlm"}}, &error));
        QVERIFY2(error.contains("ViT"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"view", "attention"}}, &error));
        QVERIFY2(error.contains("--model"), qPrintable(error));
        QVERIFY(panel->setOptions({{"model", kVit}, {"image", kImage}}, &error));
        QVERIFY(!panel->setOptions({{"query", "4,0"}}, &error));
        QVERIFY2(error.contains("--query") && error.contains("4\u00d74"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"layer", "2"}}, &error));
        QVERIFY2(error.contains("0 to 1"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"head", "4"}}, &error));
        QVERIFY(!panel->setOptions({{"fusion", "median"}}, &error));
        QVERIFY2(error.contains("mean, min, max"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"discard", "1.5"}}, &error));
        QVERIFY(!panel->setOptions({{"snapshot", "10"}}, &error));
        QVERIFY2(error.contains("training run"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"image", TESSERA_TEST_DATA "/hf/vit-tiny/config.json"}}, &error));
        QVERIFY2(error.contains("cannot read this image"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"images", "/no/such/folder"}}, &error));
        QVERIFY(!panel->setOptions({{"colour", "x"}}, &error));
        QVERIFY2(error.contains("unknown option"), qPrintable(error));
        // Nothing was lost: the model and image are still shown.
        QCOMPARE(panel->figure("attention")->figureTable().matrix->rows, 4);
    }

    // A ViT trained in the Training panel's machinery: its snapshots keep the weights, and the
    // lens runs the model of any step; at a step, the lens's attention on the probe image (test
    // sample 0) is the attention the snapshot recorded for it.
    void snapshotsCanBeScrubbed()
    {
        if (!QFileInfo::exists(QString::fromStdString(defaultFashionMnistFolder())))
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        QTemporaryDir dir;
        TrainingOptions options;
        options.recipe = "vit-fashion";
        options.outputFolder = dir.filePath("run").toStdString();
        options.steps = 4;
        options.batchSize = 8;
        options.layers = 1;
        options.hidden = 16;
        options.heads = 2;
        options.snapshotEvery = 2;
        options.evaluateEvery = 1000;
        BasicJobContext context;
        train(options, context);
        const SnapshotIndex index = readSnapshotIndex(options.outputFolder);
        QVERIFY(index.steps.size() >= 2);
        QVERIFY(snapshotHasWeights(index, index.steps.front()));

        auto panel = create();
        QString error;
        const QString run = dir.filePath("run");
        QVERIFY2(
            panel->setOptions(
                {{"model", run}, {"sample", "0"}, {"snapshot", "0"}, {"layer", "0"}, {"head", "1"}, {"query", "cls"}},
                &error),
            qPrintable(error));
        QVERIFY(panel->figure("positions")->figureTitle().contains("step 0"));
        const Matrix early = *panel->figure("positions")->figureTable().matrix;
        const Matrix earlyAttention = *panel->figure("attention")->figureTable().matrix;
        const auto recorded = readSnapshot(index, 0).at("attentions.0"); // [heads, n, n]
        const int64_t n = recorded.shape[1];
        std::vector<float> row(recorded.values.begin() + n * n + 1,
                               recorded.values.begin() + n * n + n); // head 1, [CLS]
        QVERIFY2(worstDifference(earlyAttention, row) < 2e-3,
                 qPrintable(QString::number(worstDifference(earlyAttention, row))));
        const QString last = QString::number(index.steps.back());
        QVERIFY2(panel->setOptions({{"snapshot", last}}, &error), qPrintable(error));
        QCOMPARE(panel->options().value("snapshot").toString(), last);
        const Matrix late = *panel->figure("positions")->figureTable().matrix;
        QVERIFY(worstDifference(late, early.values) > 1e-4); // the position table trained
        QVERIFY(!panel->setOptions({{"snapshot", "3"}}, &error));
        QVERIFY2(error.contains("steps: "), qPrintable(error));
    }
};

QTEST_MAIN(TestVitPanel)
#include "tst_vit.moc"
