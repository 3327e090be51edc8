// The Models panel driven by its options (as the CLI and sessions do): loading the fixture
// checkpoints, predictions, the position table handed to the positional-encoding lab, and
// broken folders reported without a half-loaded model.

#include "tessera/plugins/PluginManager.h"
#include "tessera/widgets/FigureExporter.h"

#include <QComboBox>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace tessera;

class TestModelsPanel : public QObject {
    Q_OBJECT
private:
    plugins::PluginManager m_plugins;
    widgets::JobRunner m_jobs;
    widgets::DataHub m_hub;

    std::unique_ptr<widgets::PanelWidget> create(const QString &id)
    {
        return std::unique_ptr<widgets::PanelWidget>(m_plugins.panel(id)->create({&m_jobs, &m_hub}, nullptr));
    }

private slots:
    void initTestCase()
    {
        m_jobs.setInline(true);
        m_plugins.loadAll({TESSERA_PLUGIN_DIR});
        QVERIFY(m_plugins.panel("models"));
        QCOMPARE(m_plugins.modelFamilies().size(), 3);
    }

    void fillMaskPredictionsAndPositions()
    {
        auto panel = create("models");
        QString error;
        QVERIFY2(panel->setOptions({{"model", TESSERA_TEST_DATA "/hf/bert-tiny-mlm"},
                                    {"input", "The capital of France is [MASK]."},
                                    {"top-k", "5"}},
                                   &error),
                 qPrintable(error));
        const widgets::FigureTable table = panel->figure("predictions")->figureTable();
        QCOMPARE(table.columnNames, (QStringList{"rank", "id", "probability"}));
        QCOMPARE(table.columns[2].size(), size_t(5));
        for (size_t i = 1; i < 5; ++i)
            QVERIFY(table.columns[2][i] <= table.columns[2][i - 1]);
        // The learned position table [64, 32] is shown and published for the PE lab.
        QCOMPARE(panel->figure("positions")->figureTable().matrix->rows, 64);
        QVERIFY(!m_hub.matrixNames(widgets::DataHub::PositionTables).isEmpty());
        auto lab = create("pe");
        QStringList items;
        for (QComboBox *box : lab->findChildren<QComboBox *>())
            for (int i = 0; i < box->count(); ++i)
                items << box->itemText(i);
        QVERIFY2(items.contains("bert-tiny-mlm (bert)"), qPrintable(items.join(", ")));
    }

    void labFollowsTheLoadedModel()
    {
        auto lab = create("pe");
        auto panel = create("models");
        QString error;
        QVERIFY2(panel->setOptions({{"model", TESSERA_TEST_DATA "/hf/gpt2-tiny"}}, &error), qPrintable(error));
        const widgets::FigureTable table = lab->figure("learned")->figureTable();
        QVERIFY(table.matrix);
        QCOMPARE(table.matrix->rows, 64); // GPT-2's wpe [n_positions, n_embd]
        QCOMPARE(table.matrix->cols, 32);
    }

    // RoBERTa-style models mask with <mask>: the examples offered are written with it, and the
    // first one runs (the fixture's own fill-mask is checked in tst_encoders).
    void maskExamplesUseTheModelsMaskToken()
    {
        auto panel = create("models");
        QString error;
        QVERIFY2(panel->setOptions({{"model", TESSERA_TEST_DATA "/hf/xlmr-tiny"}}, &error), qPrintable(error));
        QComboBox *input = nullptr;
        for (QComboBox *box : panel->findChildren<QComboBox *>())
            if (box->isEditable())
                input = box;
        QVERIFY(input && input->count() > 0);
        QString masked;
        for (int i = 0; i < input->count(); ++i) {
            QVERIFY2(!input->itemText(i).contains("[MASK]"), qPrintable(input->itemText(i)));
            if (masked.isEmpty() && input->itemText(i).contains("<mask>"))
                masked = input->itemText(i);
        }
        QCOMPARE(masked, QString("The capital of France is <mask>."));
        QVERIFY2(panel->setOptions({{"input", masked}}, &error), qPrintable(error));
        QCOMPARE(panel->figure("predictions")->figureTable().columns[0].size(), size_t(10));
    }

    void imageClassification()
    {
        auto panel = create("models");
        QString error;
        QVERIFY2(panel->setOptions({{"model", TESSERA_TEST_DATA "/hf/vit-tiny"},
                                    {"input", TESSERA_TEST_DATA "/hf/vit-tiny/image0.png"},
                                    {"top-k", "3"}},
                                   &error),
                 qPrintable(error));
        QCOMPARE(panel->figure("predictions")->figureTable().columns[0].size(), size_t(3));
        QCOMPARE(panel->figure("positions")->figureTable().matrix->rows, 17);
    }

    void brokenFolders()
    {
        auto panel = create("models");
        QTemporaryDir dir;
        QString error;
        QVERIFY(!panel->setOptions({{"model", dir.path()}}, &error));
        QVERIFY(error.contains("config.json"));
        std::ofstream(dir.filePath("config.json").toStdString()) << R"({"model_type": "bert", "hidden_size": 32,
            "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 100})";
        QVERIFY(!panel->setOptions({{"model", dir.path()}}, &error));
        QVERIFY2(error.contains("model.safetensors"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"top-k", "0"}}, &error));
        QVERIFY(error.contains("top-k"));
        QVERIFY(static_cast<const void *>(panel.get()) != nullptr);
    }
};

QTEST_MAIN(TestModelsPanel)
#include "tst_models.moc"
