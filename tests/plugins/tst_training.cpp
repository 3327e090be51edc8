// The Training panel: a run trained from the panel's own controls (inline jobs) reports its
// curves, writes its folder and lets the timeline scrub its snapshots; a finished run opens
// from its folder; bad options are refused with a sentence.

#include "tessera/core/Training.h"
#include "tessera/plugins/PluginManager.h"
#include "tessera/widgets/DataHub.h"
#include "tessera/widgets/FigureExporter.h"
#include "tessera/widgets/LinePlotView.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace tessera;

class TestTrainingPanel : public QObject {
    Q_OBJECT
private:
    plugins::PluginManager m_plugins;
    widgets::JobRunner m_jobs;
    widgets::DataHub m_hub;

    std::unique_ptr<widgets::PanelWidget> create()
    {
        return std::unique_ptr<widgets::PanelWidget>(m_plugins.panel("training")->create({&m_jobs, &m_hub}, nullptr));
    }

    static QPushButton *button(QWidget *panel, const QString &text)
    {
        for (QPushButton *b : panel->findChildren<QPushButton *>())
            if (b->text() == text)
                return b;
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        m_jobs.setInline(true);
        m_plugins.loadAll({TESSERA_PLUGIN_DIR});
        QVERIFY(m_plugins.panel("training"));
    }

    void trainsFromTheControlsAndScrubsTheSnapshots()
    {
        QTemporaryDir dir;
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"recipe", "copy"}}, &error), qPrintable(error));
        // A small, fast run: the spin boxes in form order are steps, batch, seed, layers, hidden,
        // heads, length, float64 step.
        const QList<QSpinBox *> spins = panel->findChildren<QSpinBox *>();
        auto spinWithTip = [&](const QString &start) -> QSpinBox * {
            for (QSpinBox *s : spins)
                if (s->toolTip().startsWith(start))
                    return s;
            return nullptr;
        };
        spinWithTip("Optimisation steps")->setValue(60);
        spinWithTip("Transformer layers")->setValue(1);
        spinWithTip("Hidden size")->setValue(32);
        spinWithTip("Attention heads")->setValue(2);
        spinWithTip("Examples per step")->setValue(16);
        for (QLineEdit *edit : panel->findChildren<QLineEdit *>())
            if (edit->placeholderText().startsWith("new folder"))
                edit->setText(dir.path() + "/run");
        button(panel.get(), "&Train")->click();
        QCoreApplication::processEvents(); // the queued reports
        QVERIFY(QFile::exists(dir.path() + "/run/metrics.json"));
        auto *loss = dynamic_cast<widgets::LinePlotView *>(panel->figure("loss"));
        QVERIFY(loss);
        QCOMPARE(loss->series().first().x.size(), 60); // every step reached the curve
        QVERIFY(loss->series().first().y.last() < loss->series().first().y.first());
        QVERIFY2(panel->setOptions({{"view", "timeline"}, {"snapshot", "0"}, {"layer", "0"}, {"head", "mean"}}, &error),
                 qPrintable(error));
        const MatrixPtr first = panel->currentFigure()->figureTable().matrix;
        QVERIFY2(panel->setOptions({{"snapshot", "last"}}, &error), qPrintable(error));
        const MatrixPtr last = panel->currentFigure()->figureTable().matrix;
        QVERIFY(first && last);
        QCOMPARE(first->rows, last->rows);
        // Untrained attention is close to uniform; trained, the rows have changed.
        double change = 0.0;
        for (size_t i = 0; i < first->values.size(); ++i)
            change += std::abs(first->values[i] - last->values[i]);
        QVERIFY(change > 0.1);
        // Each row of an attention matrix sums to 1 (the mean over heads too).
        for (int64_t r = 0; r < last->rows; ++r) {
            double sum = 0.0;
            for (int64_t c = 0; c < last->cols; ++c)
                sum += last->at(r, c);
            QVERIFY(std::abs(sum - 1.0) < 2e-3);
        }
        // The snapshot's position table is offered to the positional-encoding lab, one per run.
        const QStringList tables = m_hub.matrixNames(widgets::DataHub::PositionTables);
        QCOMPARE(tables.size(), 1);
        QVERIFY2(tables.first().endsWith("(training, step 60)"), qPrintable(tables.first()));
        QCOMPARE(m_hub.matrix(widgets::DataHub::PositionTables, tables.first())->rows,
                 int64_t(12)); // 10 digits, [CLS], [SEP]
        QVERIFY(!panel->setOptions({{"snapshot", "1000"}}, &error));
        QVERIFY2(error.contains("no snapshot at step"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"layer", "5"}}, &error));
        QVERIFY2(error.contains("not a layer"), qPrintable(error));
        const QString png = dir.path() + "/timeline.png";
        QVERIFY(widgets::exportFigure(*panel->currentFigure(), png, widgets::ExportFormat::Png, {}).isEmpty());
        QVERIFY(QImage(png).width() > 100);
    }

    void trainsOnAWorkerThreadAndCancels()
    {
        // The real path: the job on a pool thread, reports relayed to the GUI thread.
        m_jobs.setInline(false);
        QTemporaryDir dir;
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"recipe", "reverse"}}, &error), qPrintable(error));
        for (QLineEdit *edit : panel->findChildren<QLineEdit *>())
            if (edit->placeholderText().startsWith("new folder"))
                edit->setText(dir.path() + "/run");
        QPushButton *trainButton = button(panel.get(), "&Train");
        QPushButton *cancelButton = button(panel.get(), "&Cancel");
        trainButton->click();
        QVERIFY(!trainButton->isEnabled());
        QVERIFY(cancelButton->isEnabled());
        auto *loss = dynamic_cast<widgets::LinePlotView *>(panel->figure("loss"));
        // Curves grow while it runs (redrawn at most four times a second).
        QTRY_VERIFY_WITH_TIMEOUT(!loss->series().isEmpty() && loss->series().first().x.size() > 20, 30000);
        cancelButton->click();
        QTRY_VERIFY_WITH_TIMEOUT(trainButton->isEnabled(), 30000);
        QVERIFY(!cancelButton->isEnabled());
        QVERIFY(!QDir(dir.path() + "/run").entryList({"checkpoint-*"}, QDir::Dirs).isEmpty());
        QVERIFY(!QFile::exists(dir.path() + "/run/metrics.json")); // it did not finish
        m_jobs.setInline(true);
    }

    void opensAFinishedRun()
    {
        QTemporaryDir dir;
        TrainingOptions o;
        o.recipe = "reverse-causal";
        o.outputFolder = dir.path().toStdString();
        o.steps = 20;
        o.layers = 1;
        o.hidden = 32;
        o.heads = 2;
        o.batchSize = 8;
        o.sequenceLength = 4;
        BasicJobContext context;
        train(o, context);
        auto panel = create();
        QVERIFY(panel->canOpen(dir.path()));
        QString error;
        QVERIFY2(panel->setOptions({{"run", dir.path()}, {"view", "timeline"}, {"head", "1"}}, &error),
                 qPrintable(error));
        const MatrixPtr shown = panel->currentFigure()->figureTable().matrix;
        // GPT-style: the future half is absent (NaN), not zero.
        QVERIFY(std::isnan(shown->at(0, 1)));
        QVERIFY(std::abs(shown->at(0, 0) - 1.0f) < 1e-3);
        auto *loss = dynamic_cast<widgets::LinePlotView *>(panel->figure("loss"));
        QCOMPARE(loss->series().first().x.size(), 20);
        QVERIFY(!panel->setOptions({{"run", dir.path() + "/nothing"}}, &error));
        QVERIFY2(error.contains("no training run"), qPrintable(error));
    }

    // Issue 25, item 4: the timeline opens on the layer and head the run's metrics name as the
    // answer head, not on layer 0, head 0.
    void opensOnTheHeadTheMetricsName()
    {
        QTemporaryDir dir;
        TrainingOptions o;
        o.recipe = "reverse-causal";
        o.outputFolder = dir.path().toStdString();
        o.steps = 10;
        o.layers = 2;
        o.hidden = 32;
        o.heads = 2;
        o.batchSize = 8;
        o.sequenceLength = 4;
        BasicJobContext context;
        train(o, context);
        // Whatever head this short run found, the metrics file names layer 1, head 1.
        QFile file(dir.filePath("metrics.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonObject metrics = QJsonDocument::fromJson(file.readAll()).object();
        file.close();
        QVERIFY2(metrics.contains("attention_on_answer_layer"), "the recipe reports its answer head");
        metrics["attention_on_answer_layer"] = 1;
        metrics["attention_on_answer_head"] = 1;
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QJsonDocument(metrics).toJson());
        file.close();
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"run", dir.path()}, {"view", "timeline"}}, &error), qPrintable(error));
        QCOMPARE(panel->options().value("layer").toString(), QString("1"));
        QCOMPARE(panel->options().value("head").toString(), QString("1"));
        QVERIFY2(panel->currentFigure()->figureTitle().contains("layer 1"),
                 qPrintable(panel->currentFigure()->figureTitle()));
        // An explicit choice still wins.
        QVERIFY2(panel->setOptions({{"run", dir.path()}, {"layer", "0"}, {"head", "mean"}}, &error), qPrintable(error));
        QCOMPARE(panel->options().value("layer").toString(), QString("0"));
    }
};

QTEST_MAIN(TestTrainingPanel)
#include "tst_training.moc"
