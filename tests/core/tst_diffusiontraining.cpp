// The diffusion training recipes: the toy distributions against their definitions (by hand),
// a denoiser that learns the two moons (its samples land on them; the untrained one's do not),
// exact resume, folders in diffusers' layout that the fixture-checked loader accepts with no
// weight left over, and the UNet weight list of a config against the fixture's file.

#include "tessera/core/Datasets.h"
#include "tessera/core/Diffusion.h"
#include "tessera/core/Error.h"
#include "tessera/core/Model.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/Training.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "TrainingTestSupport.h"

#include <cmath>
#include <fstream>

using namespace tessera;
using namespace tessera::diffusion;

namespace {

const std::string kTiny = TESSERA_TEST_DATA "/diffusers/ddpm-tiny";

TrainingOptions toy(const QString &folder, int64_t steps)
{
    TrainingOptions o;
    o.recipe = "diffusion-moons";
    o.outputFolder = folder.toStdString();
    o.steps = steps;
    o.seed = 3;
    return o;
}

} // namespace

class TestDiffusionTraining : public QObject {
    Q_OBJECT
private slots:
    // Each distribution as defined in Diffusion.h, checked point by point.
    void toyDistributionsAreTheirDefinitions()
    {
        const FloatTensor moons = toyPoints("moons", 4000, 1);
        QCOMPARE(moons.shape, (std::vector<int64_t>{4000, 2}));
        int upper = 0;
        for (int64_t i = 0; i < 4000; ++i) {
            // Undo the centring and scaling: the upper moon is the unit half circle about (0, 0),
            // the lower one about (1, 0.5); noise 0.05 (5 s.d. = 0.25).
            const double x = moons.values[size_t(2 * i)] / 1.25 + 0.5,
                         y = moons.values[size_t(2 * i + 1)] / 1.25 + 0.25;
            const double toUpper = std::abs(std::hypot(x, y) - 1.0),
                         toLower = std::abs(std::hypot(x - 1.0, y - 0.5) - 1.0);
            QVERIFY2(std::min(toUpper, toLower) < 0.25, qPrintable(QString("point %1: %2, %3").arg(i).arg(x).arg(y)));
            upper += toUpper < toLower;
        }
        QVERIFY(upper > 1800 && upper < 2200); // half and half
        const FloatTensor gaussians = toyPoints("8-gaussians", 4000, 1);
        for (int64_t i = 0; i < 4000; ++i) {
            const double x = gaussians.values[size_t(2 * i)], y = gaussians.values[size_t(2 * i + 1)];
            const double angle = std::atan2(y, x) / (M_PI / 4.0);
            const double cx = 2.0 * std::cos(std::round(angle) * M_PI / 4.0),
                         cy = 2.0 * std::sin(std::round(angle) * M_PI / 4.0);
            QVERIFY(std::hypot(x - cx, y - cy) < 0.6); // 6 s.d. of 0.1 in two dimensions
        }
        const FloatTensor roll = toyPoints("swiss-roll", 4000, 1);
        for (int64_t i = 0; i < 4000; ++i) {
            // Radius t / 7 for t in [1.5 pi, 4.5 pi], noise 0.02.
            const double r = std::hypot(roll.values[size_t(2 * i)], roll.values[size_t(2 * i + 1)]);
            QVERIFY(r > 1.5 * M_PI / 7.0 - 0.15 && r < 4.5 * M_PI / 7.0 + 0.15);
        }
        QCOMPARE(toyPoints("moons", 10, 5).values, toyPoints("moons", 10, 5).values);
        QVERIFY(toyPoints("moons", 10, 5).values != toyPoints("moons", 10, 6).values);
        QVERIFY_THROWS_EXCEPTION(Error, toyPoints("spiral", 10, 1));
    }

    // A model that always predicted zero noise would score E||eps||^2 / 2 = 1 (the loss is the
    // mean over coordinates of eps ~ N(0, 1)). The trained MLP must do far better, and its
    // samples must lie on the moons: within 0.1 on average of the data (the data's own noise
    // is 0.0625), where the untrained model's are not.
    void toyDenoiserLearnsTheMoons()
    {
        QTemporaryDir trained, untrained;
        BasicJobContext context;
        const TrainingResult result = train(toy(trained.path(), 1500), context);
        QVERIFY(result.finished);
        QVERIFY2(result.metrics.at("loss") < 0.5, qPrintable(QString::number(result.metrics.at("loss"))));
        QVERIFY(!result.metrics.count("accuracy") && !result.metrics.count("token_accuracy"));
        QVERIFY2(result.metrics.at("sample_to_data_distance") < 0.1,
                 qPrintable(QString::number(result.metrics.at("sample_to_data_distance"))));
        QVERIFY(result.metrics.at("data_to_data_distance") < 0.05);
        TrainingOptions barely = toy(untrained.path(), 1);
        barely.learningRate = 1e-12;
        const TrainingResult start = train(barely, context);
        QVERIFY2(start.metrics.at("sample_to_data_distance") > 0.1,
                 qPrintable(QString::number(start.metrics.at("sample_to_data_distance"))));
        QVERIFY(start.metrics.at("loss") > 0.8);

        // The folder: diffusers' layout, a toy denoiser the loader accepts with every weight used.
        const std::string folder = trained.path().toStdString();
        QVERIFY(isDiffusionModel(folder));
        const std::unique_ptr<Model> model = loadModel(folder);
        QVERIFY(isPointModel(*model));
        QVERIFY(model->info().unexpectedKeys.empty());
        QCOMPARE(model->info().parameters, int64_t(result.metrics.at("parameters")));
        QCOMPARE(toyDistributionOf(folder), std::string("moons"));
        const SchedulerConfig scheduler = schedulerConfigFor(folder, "ddpm");
        QCOMPARE(scheduler.trainTimesteps, int64_t(1000));
        QVERIFY(scheduler.clipSample);
        QCOMPARE(scheduler.clipSampleRange, 3.0);
        // Reloaded, it samples as well as when it was measured at the end of training.
        const ToySampleQuality quality = toySampleQuality(*model, "moons", 2000, 100);
        QVERIFY(std::abs(quality.sampleToData - result.metrics.at("sample_to_data_distance")) < 1e-6);
        const TrainingHistory history = readTrainingHistory(folder);
        QCOMPARE(history.points.size(), size_t(1500));
        QVERIFY(std::isnan(history.points.back().accuracy));
        QVERIFY(!history.evaluations.empty());
    }

    void resumeReproducesTheUninterruptedRun()
    {
        QTemporaryDir whole, pieces;
        BasicJobContext context;
        train(toy(whole.path(), 40), context);
        TrainingOptions first = toy(pieces.path(), 40);
        first.stopAfter = 20;
        QVERIFY(!train(first, context).finished);
        TrainingOptions second;
        second.outputFolder = pieces.path().toStdString();
        second.resume = true;
        QVERIFY(train(second, context).finished);
        const std::vector<double> a = lossHistory(whole.path() + "/checkpoint-000040");
        const std::vector<double> b = lossHistory(pieces.path() + "/checkpoint-000040");
        QCOMPARE(a.size(), size_t(40));
        QCOMPARE(b.size(), size_t(40));
        for (size_t i = 0; i < a.size(); ++i)
            QVERIFY2(std::abs(a[i] - b[i]) <= 1e-6 * std::abs(a[i]),
                     qPrintable(QString("step %1: %2 vs %3").arg(i + 1).arg(a[i]).arg(b[i])));
        const SafetensorsFile x((whole.path() + "/diffusion_pytorch_model.safetensors").toStdString());
        const SafetensorsFile y((pieces.path() + "/diffusion_pytorch_model.safetensors").toStdString());
        for (const std::string &key : x.keys()) {
            const FloatTensor u = x.readFloat(key), v = y.readFloat(key);
            for (size_t i = 0; i < u.values.size(); ++i)
                QVERIFY2(std::abs(u.values[i] - v.values[i]) <= 1e-5 * (1.0 + std::abs(u.values[i])), key.c_str());
        }
    }

    // The weights a UNet config asks for are exactly the fixture file's (diffusers made it): the
    // loader takes every one and leaves none over.
    void unetWeightListIsTheFixtures()
    {
        const std::unique_ptr<Model> unet = loadDiffusionModel(kTiny);
        QVERIFY(unet->info().unexpectedKeys.empty());
        const SafetensorsFile file(kTiny + "/diffusion_pytorch_model.safetensors");
        QCOMPARE(unet->info().tensors.size(), file.keys().size());
    }

    // UNet2DModel's attention_head_dim defaults to 8 when the key is absent (null: one head):
    // 20 channels do not split into heads of 8.
    void attentionHeadDimDefaultsToEight()
    {
        QTemporaryDir dir;
        const QString config = QString::fromStdString(kTiny) + "/config.json";
        QFile in(config);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QJsonObject j = QJsonDocument::fromJson(in.readAll()).object();
        j.remove("attention_head_dim");
        j["block_out_channels"] = QJsonArray{12, 20}; // 20, with attention, does not split into heads of 8
        j["norm_num_groups"] = 4;
        QFile out(dir.filePath("config.json"));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(j).toJson());
        out.close();
        QVERIFY(QFile::copy(QString::fromStdString(kTiny) + "/diffusion_pytorch_model.safetensors",
                            dir.filePath("diffusion_pytorch_model.safetensors")));
        try {
            loadDiffusionModel(dir.path().toStdString());
            QFAIL("a config whose channels do not split into heads of 8 loaded");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("attention_head_dim"), e.what());
        }
    }

    // A tiny UNet on Fashion-MNIST (when Debian's dataset is installed): a folder that the loader
    // takes as a UNet2DModel with every weight used, its output the shape of its input.
    void fashionUNetRecipeWritesADiffusersFolder()
    {
        if (!QFile::exists(QString::fromStdString(defaultFashionMnistFolder()) + "/t10k-labels-idx1-ubyte.gz"))
            QSKIP("dataset-fashion-mnist is not installed");
        QTemporaryDir dir;
        TrainingOptions o;
        o.recipe = "diffusion-fashion";
        o.outputFolder = dir.path().toStdString();
        o.steps = 3;
        o.batchSize = 4;
        o.hidden = 8;
        o.evaluateEvery = 3;
        BasicJobContext context;
        const TrainingResult result = train(o, context);
        QVERIFY(result.finished);
        QVERIFY(std::isfinite(result.metrics.at("loss")));
        const std::unique_ptr<Model> unet = loadModel(o.outputFolder);
        QCOMPARE(unet->info().config.architecture, std::string("UNet2DModel"));
        QVERIFY(unet->info().unexpectedKeys.empty());
        QCOMPARE(sampleShape(*unet), (std::vector<int64_t>{1, 1, 32, 32}));
        ModelInputs inputs;
        inputs.floats["sample"] = toyPoints("moons", 512, 1); // any numbers, reshaped to 1 x 1 x 32 x 32
        inputs.floats["sample"].shape = {1, 1, 32, 32};
        inputs.integers["timestep"] = {{1}, {500}};
        QCOMPARE(unet->run(inputs).at("sample").shape, (std::vector<int64_t>{1, 1, 32, 32}));
        // Bad sizes are refused before training starts, naming the key.
        o.hidden = 12; // not a multiple of the 8 groups
        o.outputFolder = dir.filePath("bad").toStdString();
        QVERIFY_THROWS_EXCEPTION(Error, train(o, context));
    }
};

QTEST_GUILESS_MAIN(TestDiffusionTraining)
#include "tst_diffusiontraining.moc"
