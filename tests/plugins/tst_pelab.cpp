// Plugin loading (good and broken plugins) and the positional-encoding lab driven through its
// options, as the GUI, sessions and tessera-cli drive it.

#include "tessera/plugins/PluginManager.h"
#include "tessera/widgets/FigureExporter.h"
#include "tessera/widgets/HeatmapView.h"

#include <QComboBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace tessera;

class TestPeLab : public QObject {
    Q_OBJECT
private:
    plugins::PluginManager m_plugins;
    widgets::JobRunner m_jobs;
    widgets::DataHub m_hub;

    std::unique_ptr<widgets::PanelWidget> createPanel()
    {
        const plugins::PanelDescriptor *descriptor = m_plugins.panel("pe");
        return std::unique_ptr<widgets::PanelWidget>(descriptor->create({&m_jobs, &m_hub}, nullptr));
    }

private slots:
    void initTestCase()
    {
        m_jobs.setInline(true);
        QVERIFY(m_plugins.loadAll({TESSERA_PLUGIN_DIR}) >= 1);
        QVERIFY(m_plugins.failures().isEmpty());
        QVERIFY(m_plugins.panel("pe") != nullptr);
        QStringList names;
        for (const plugins::PluginRecord &record : m_plugins.loaded())
            names << record.name;
        QVERIFY(names.contains("Positional-encoding lab"));
    }

    void brokenPluginsAreSkipped()
    {
        QTemporaryDir dir;
        QFile junk(dir.filePath("libjunk.so"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("this is not a shared library");
        junk.close();
        // A real shared library that is not a Qt plugin.
        QVERIFY(QFile::copy(TESSERA_BINARY_DIR "/lib/tessera/libtessera_core.so", dir.filePath("libnotaplugin.so")));
        plugins::PluginManager manager;
        QCOMPARE(manager.loadAll({dir.path()}), 0);
        QCOMPARE(manager.failures().size(), 2);
        QVERIFY(manager.failures().join("\n").contains("libjunk.so"));
        QVERIFY(manager.panels().isEmpty());
        // Registering a panel twice is refused.
        plugins::PanelDescriptor twice;
        twice.id = "x";
        twice.create = [](const plugins::PanelContext &, QWidget *) -> widgets::PanelWidget * { return nullptr; };
        manager.registerPanel(twice);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, manager.registerPanel(twice));
    }

    void defaultsAndFigures()
    {
        auto panel = createPanel();
        QCOMPARE(panel->panelId(), QString("pe"));
        QCOMPARE(panel->currentFigureName(), QString("heatmap"));
        for (const QString &name : panel->figureNames())
            QVERIFY2(panel->figure(name), qPrintable(name));
        QVERIFY(!panel->figure("nonsense"));
        QCOMPARE(panel->options().value("d-model").toString(), QString("128"));
    }

    void notesValuesThroughTheCsvExport()
    {
        auto panel = createPanel();
        QString error;
        QVERIFY2(panel->setOptions({{"d-model", "4"}, {"max-len", "3"}}, &error), qPrintable(error));
        QTemporaryDir dir;
        const QString path = dir.filePath("pe.csv");
        QCOMPARE(widgets::exportFigure(*panel->currentFigure(), path, widgets::ExportFormat::Csv), QString());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        const double pos1[] = {0.841471, 0.540302, 0.010000, 0.999950};
        const double pos2[] = {0.909297, -0.416147, 0.019999, 0.999800};
        for (int c = 0; c < 4; ++c) {
            QVERIFY(std::abs(lines[1].split(',')[c].toDouble() - pos1[c]) < 1e-6);
            QVERIFY(std::abs(lines[2].split(',')[c].toDouble() - pos2[c]) < 1e-6);
        }
    }

    void badOptionsChangeNothing()
    {
        auto panel = createPanel();
        const QVariantMap before = panel->options();
        QString error;
        QVERIFY(!panel->setOptions({{"d-model", "64"}, {"max-len", "0"}}, &error));
        QVERIFY2(error.contains("max-len"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"d-model", "abc"}}, &error));
        QVERIFY(error.contains("d-model"));
        QVERIFY(!panel->setOptions({{"rope-dim", "7"}}, &error));
        QVERIFY(error.contains("even"));
        QVERIFY(!panel->setOptions({{"dims", "3,90"}, {"d-model", "16"}}, &error));
        QVERIFY(error.contains("90"));
        QVERIFY(!panel->setOptions({{"colour", "red"}}, &error));
        QVERIFY(error.contains("unknown option"));
        QVERIFY(!panel->setOptions({{"table", "/no/such/table.csv"}}, &error));
        QVERIFY(error.contains("/no/such/table.csv"));
        QCOMPARE(panel->options(), before);
    }

    void learnedTableFromAFile()
    {
        auto panel = createPanel();
        const QString vit = TESSERA_TEST_DATA "/hf/vit-tiny/model.safetensors";
        QVERIFY(panel->canOpen(vit));
        QVERIFY(!panel->canOpen(TESSERA_TEST_DATA "/hf/vit-tiny/config.json"));
        QString error;
        QVERIFY2(panel->open(vit, &error), qPrintable(error));
        QCOMPARE(panel->currentFigureName(), QString("learned"));
        const widgets::FigureTable table = panel->currentFigure()->figureTable();
        QVERIFY(table.matrix);
        QCOMPARE(table.matrix->rows, 17);
        QCOMPARE(table.matrix->cols, 32);
        QCOMPARE(table.matrix->at(0, 0), 0.3696536719799042f);
        QCOMPARE(panel->options().value("table-key").toString(), QString("vit.embeddings.position_embeddings"));
    }

    void learnedTableFromTheHub()
    {
        auto panel = createPanel();
        auto table = std::make_shared<Matrix>(5, 3, 0.5f);
        m_hub.publishMatrix(widgets::DataHub::PositionTables, "model A", table);
        auto *lab = panel->findChild<QComboBox *>();
        QVERIFY(lab);
        QStringList items;
        for (QComboBox *box : panel->findChildren<QComboBox *>())
            for (int i = 0; i < box->count(); ++i)
                items << box->itemText(i);
        QVERIFY2(items.contains("model A"), qPrintable(items.join(",")));
        m_hub.removeMatrix(widgets::DataHub::PositionTables, "model A");
    }

    void everyFigureExports()
    {
        auto panel = createPanel();
        QTemporaryDir dir;
        for (const char *name : {"curves", "heatmap", "similarity", "rope", "alibi"}) {
            QString error;
            QVERIFY(panel->setOptions({{"view", QString(name)}, {"d-model", "32"}, {"max-len", "40"}}, &error));
            for (auto format : {widgets::ExportFormat::Svg, widgets::ExportFormat::Csv}) {
                const QString path = dir.filePath(QString(name) + "." + widgets::exportFormatSuffix(format));
                QCOMPARE(widgets::exportFigure(*panel->currentFigure(), path, format), QString());
                QVERIFY(QFileInfo(path).size() > 20);
            }
        }
    }
};

QTEST_MAIN(TestPeLab)
#include "tst_pelab.moc"
