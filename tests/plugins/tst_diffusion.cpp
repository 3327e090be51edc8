// The Diffusion lab driven by its options (as tessera-cli export and sessions do): the
// trajectory's last step against the samplers' closed forms, every view filled and exported,
// trajectories saved as safetensors, .npy and MP4, and bad input named.

#include "tessera/core/Safetensors.h"
#include "tessera/core/Training.h"
#include "tessera/plugins/PluginManager.h"
#include "tessera/widgets/FigureExporter.h"
#include "tessera/widgets/ImageGridView.h"
#include "tessera/widgets/LinePlotView.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace tessera;

namespace {
const QString kUnet = TESSERA_TEST_DATA "/diffusers/ddpm-tiny";
} // namespace

class TestDiffusionPanel : public QObject {
    Q_OBJECT
private:
    plugins::PluginManager m_plugins;
    widgets::JobRunner m_jobs;
    widgets::DataHub m_hub;

    std::unique_ptr<widgets::PanelWidget> create()
    {
        return std::unique_ptr<widgets::PanelWidget>(m_plugins.panel("diffusion")->create({&m_jobs, &m_hub}, nullptr));
    }

private slots:
    void initTestCase()
    {
        m_jobs.setInline(true);
        m_plugins.loadAll({TESSERA_PLUGIN_DIR});
        QVERIFY(m_plugins.panel("diffusion"));
    }

    // At the last step alpha-bar_prev is 1 for both samplers, so x_{t-1} is the predicted x0:
    // DDIM (set_alpha_to_one): sqrt(1) x0 + sqrt(1 - 1) eps; DDPM at t = 0: the x0 coefficient
    // sqrt(1) (1 - a0) / (1 - a0) = 1, the x_t coefficient sqrt(a0) (1 - 1) / (1 - a0) = 0, no noise.
    void lastStepIsThePredictedOriginal()
    {
        for (const char *scheduler : {"ddim", "ddpm"}) {
            auto panel = create();
            QString error;
            QVERIFY2(panel->setOptions({{"model", kUnet},
                                        {"scheduler", scheduler},
                                        {"steps", "10"},
                                        {"seed", "4"},
                                        {"step", "last"},
                                        {"view", "step"}},
                                       &error),
                     qPrintable(error));
            const MatrixPtr rows = panel->figure("step")->figureTable().matrix; // x_t, eps, pred_x0, x_prev
            QVERIFY(rows);
            QCOMPARE(rows->rows, 4);
            QCOMPARE(rows->cols, 256);
            double worst = 0.0;
            for (int64_t i = 0; i < 256; ++i)
                worst = std::max(worst, double(std::abs(rows->at(3, i) - rows->at(2, i))));
            QVERIFY2(worst < 1e-6, qPrintable(QString("%1: %2").arg(scheduler).arg(worst)));
            // The filmstrip shows 10 frames in three rows.
            auto *film = dynamic_cast<widgets::ImageGridView *>(panel->figure("filmstrip"));
            QCOMPARE(film->tiles().size(), 30);
            QVERIFY(film->tiles().front().caption.contains("t = 900"));
        }
    }

    void everyViewFillsAndExports()
    {
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions(
                     {{"model", kUnet}, {"steps", "20"}, {"seeds", "6"}, {"compare", "yes"}, {"t", "500"}}, &error),
                 qPrintable(error));
        QCOMPARE(panel->figure("seeds")->figureTable().matrix->rows, 6);
        QCOMPARE(panel->figure("compare")->figureTable().matrix->rows, 2);
        const widgets::FigureTable schedule = panel->figure("schedules")->figureTable();
        QCOMPARE(schedule.columnNames, (QStringList{"t", "beta", "alpha_bar", "snr"}));
        QCOMPARE(schedule.columns[1].size(), size_t(1000));
        QVERIFY(std::abs(schedule.columns[1].front() - 1e-4) < 1e-9);
        QTemporaryDir dir;
        for (const QString &view : panel->figureNames()) {
            const QString png = dir.filePath(view + ".png");
            QCOMPARE(widgets::exportFigure(*panel->figure(view), png, widgets::ExportFormat::Png), QString());
            QVERIFY2(QFileInfo(png).size() > 3000, qPrintable(view));
        }
        QCOMPARE(widgets::exportFigure(*panel->figure("schedules"), dir.filePath("s.pdf"), widgets::ExportFormat::Pdf),
                 QString());
    }

    void trajectoriesSave()
    {
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"model", kUnet}, {"scheduler", "ddim"}, {"steps", "8"}}, &error),
                 qPrintable(error));
        QTemporaryDir dir;
        auto save = [&](const QString &name) {
            QString message = QStringLiteral("not invoked");
            QMetaObject::invokeMethod(panel.get(), "saveTrajectory", Q_RETURN_ARG(QString, message),
                                      Q_ARG(QString, dir.filePath(name)));
            return message;
        };
        QCOMPARE(save("t.safetensors"), QString());
        SafetensorsFile file(dir.filePath("t.safetensors").toStdString());
        QCOMPARE(file.readInt64("timesteps"), (std::vector<int64_t>{875, 750, 625, 500, 375, 250, 125, 0}));
        QVERIFY(file.contains("step7.pred_x0") && file.contains("x_T"));
        // .npy: magic, version 1.0, then a header naming the shape (x_T and 8 steps).
        QCOMPARE(save("t.npy"), QString());
        QFile npy(dir.filePath("t.npy"));
        QVERIFY(npy.open(QIODevice::ReadOnly));
        const QByteArray bytes = npy.readAll();
        QVERIFY(bytes.startsWith(QByteArray("\x93NUMPY\x01\x00", 8)));
        const int headerLength = quint8(bytes[8]) | (quint8(bytes[9]) << 8);
        QCOMPARE((10 + headerLength) % 64, 0);
        QVERIFY(bytes.mid(10, headerLength).contains("'shape': (9,1,16,16)"));
        QCOMPARE(bytes.size(), 10 + headerLength + 9 * 256 * 4);
        QCOMPARE(save("t.mp4"), QString());
        QVERIFY(QFileInfo(dir.filePath("t.mp4")).size() > 1000);
        QVERIFY(!QFileInfo::exists(dir.filePath("t.mp4.partial.mp4")));
        QVERIFY(save("t.gif").contains(".npy"));
    }

    // A 2-D toy denoiser (trained here for 300 steps, about a second): the Particles view shows
    // every particle at the scrubbed step, which is the trajectory's x_prev of that step; the
    // image views and the video are refused with the reason.
    void pointModelsShowParticles()
    {
        QTemporaryDir run;
        TrainingOptions o;
        o.recipe = "diffusion-8-gaussians";
        o.outputFolder = run.path().toStdString();
        o.steps = 300;
        BasicJobContext context;
        QVERIFY(train(o, context).finished);
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"model", run.path()},
                                    {"steps", "20"},
                                    {"points", "300"},
                                    {"trails", "5"},
                                    {"step", "7"},
                                    {"view", "particles"}},
                                   &error),
                 qPrintable(error));
        QCOMPARE(panel->currentFigureName(), QString("particles"));
        const widgets::FigureTable table = panel->figure("particles")->figureTable();
        QCOMPARE(table.columnNames, (QStringList{"x1", "x2"}));
        QCOMPARE(table.columns[0].size(), size_t(300));
        // The same numbers in the saved trajectory (step index 6 is the 7th step).
        QTemporaryDir dir;
        QString message = QStringLiteral("not invoked");
        QMetaObject::invokeMethod(panel.get(), "saveTrajectory", Q_RETURN_ARG(QString, message),
                                  Q_ARG(QString, dir.filePath("p.safetensors")));
        QCOMPARE(message, QString());
        const FloatTensor x = SafetensorsFile(dir.filePath("p.safetensors").toStdString()).readFloat("step6.x_prev");
        QCOMPARE(x.shape, (std::vector<int64_t>{300, 2}));
        for (size_t p = 0; p < 300; ++p) {
            QCOMPARE(float(table.columns[0][p]), x.values[2 * p]);
            QCOMPARE(float(table.columns[1][p]), x.values[2 * p + 1]);
        }
        // data, particles, then the trails over them
        auto *plot = dynamic_cast<widgets::LinePlotView *>(panel->figure("particles"));
        QCOMPARE(plot->series().size(), 1 + 5 + 1);
        QCOMPARE(plot->series()[2].x.size(), 1 + 7); // x_T and 7 steps
        QMetaObject::invokeMethod(panel.get(), "saveTrajectory", Q_RETURN_ARG(QString, message),
                                  Q_ARG(QString, dir.filePath("p.mp4")));
        QVERIFY2(message.contains("image"), qPrintable(message));
        QVERIFY(!panel->setOptions({{"view", "filmstrip"}}, &error));
        QVERIFY2(error.contains("particles"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"seeds", "4"}}, &error));
        QVERIFY2(error.contains("points"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"points", "5"}}, &error));
        QVERIFY(!panel->setOptions({{"model", kUnet}, {"view", "particles"}}, &error));
        QVERIFY2(error.contains("2-D toy"), qPrintable(error));
    }

    void badInputIsNamed()
    {
        auto panel = create();
        QString error;
        QVERIFY(!panel->setOptions({{"view", "filmstrip"}}, &error));
        QVERIFY2(error.contains("--model"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"model", TESSERA_TEST_DATA "/hf/vit-tiny"}}, &error));
        QVERIFY2(error.contains("UNet2DModel"), qPrintable(error));
        QVERIFY(panel->setOptions({{"model", kUnet}, {"steps", "5"}}, &error));
        QVERIFY(!panel->setOptions({{"steps", "1001"}}, &error));
        QVERIFY2(error.contains("1000"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"scheduler", "euler"}}, &error));
        QVERIFY(!panel->setOptions({{"eta", "-1"}}, &error));
        QVERIFY(!panel->setOptions({{"step", "99"}}, &error));
        QVERIFY2(error.contains("1 to 5"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"image", "/no/such.png"}}, &error));
        QVERIFY(!panel->setOptions({{"view", "compare"}}, &error));
        QVERIFY2(error.contains("--compare yes"), qPrintable(error));
        QCOMPARE(panel->figure("step")->figureTable().matrix->rows, 4); // still showing the last run
    }
};

QTEST_MAIN(TestDiffusionPanel)
#include "tst_diffusion.moc"
