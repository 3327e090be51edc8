// The diffusers UNet2DModel and the DDPM / DDIM schedulers against fixtures/diffusers/ddpm-tiny
// (made with diffusers 0.40): the schedule (betas, alpha-bar), the UNet's noise prediction at
// four timesteps, the 20-step DDPM trajectory driven by its recorded noises and the 10-step
// DDIM one; timestep spacings by hand; bad configs named.

#include "tessera/core/Diffusion.h"
#include "tessera/core/Error.h"
#include "tessera/core/Safetensors.h"

#include "support/Tolerance.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace tessera;
using namespace tessera::diffusion;

namespace {

const std::string kTiny = TESSERA_TEST_DATA "/diffusers/ddpm-tiny";

// The fixture's tolerance (atol 5e-4, rtol 2e-3): how far beyond it actual is.
double worstExcess(const FloatTensor &actual, const FloatTensor &reference)
{
    const test::Worst worst = test::worstOf(actual, reference, test::kDiffusers);
    return worst.sameShape ? worst.excess : INFINITY;
}

#define EXPECT_CLOSE(actual, reference, name)                                                                          \
    do {                                                                                                               \
        const double excess = worstExcess(actual, reference);                                                          \
        QVERIFY2(excess <= 0.0, qPrintable(QString("%1: beyond tolerance by %2").arg(name).arg(excess)));              \
    } while (false)

} // namespace

class TestDiffusion : public QObject {
    Q_OBJECT
private slots:
    void scheduleEqualsTheFixture()
    {
        SafetensorsFile expected(kTiny + "/expected.safetensors");
        const Scheduler ddpm(schedulerConfigFor(kTiny, "ddpm"));
        const FloatTensor betas = expected.readFloat("betas"), alphas = expected.readFloat("alphas_cumprod");
        QCOMPARE(ddpm.betas().size(), size_t(1000));
        EXPECT_CLOSE((FloatTensor{{1000}, ddpm.betas()}), betas, "betas");
        double worst = 0.0; // alpha-bar is a long product: hold it to float32 rounding
        for (size_t i = 0; i < 1000; ++i)
            worst = std::max(worst, std::abs(double(ddpm.alphasCumprod()[i]) - alphas.values[i]) / alphas.values[i]);
        QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
        // By hand: beta_0 = beta_start, beta_999 = beta_end; alpha-bar_0 = 1 - beta_0.
        QCOMPARE(ddpm.betas().front(), 0.0001f);
        QCOMPARE(ddpm.betas().back(), 0.02f);
        QVERIFY(std::abs(ddpm.alphasCumprod().front() - 0.9999f) < 1e-7);
    }

    // diffusers' set_timesteps, worked by hand for 1000 training steps.
    void timestepSpacings()
    {
        SchedulerConfig c;
        c.timestepSpacing = "leading";
        Scheduler s(c);
        s.setTimesteps(10);
        QCOMPARE(s.timesteps(), (std::vector<int64_t>{900, 800, 700, 600, 500, 400, 300, 200, 100, 0}));
        c.stepsOffset = 1;
        Scheduler offset(c);
        offset.setTimesteps(4);
        QCOMPARE(offset.timesteps(), (std::vector<int64_t>{751, 501, 251, 1}));
        c.stepsOffset = 0;
        c.timestepSpacing = "trailing";
        Scheduler trailing(c);
        trailing.setTimesteps(3); // round(1000 - k * 333.33) - 1
        QCOMPARE(trailing.timesteps(), (std::vector<int64_t>{999, 666, 332}));
        c.timestepSpacing = "linspace";
        Scheduler linspace(c);
        linspace.setTimesteps(4); // round(linspace(0, 999, 4)) = 0, 333, 666, 999
        QCOMPARE(linspace.timesteps(), (std::vector<int64_t>{999, 666, 333, 0}));
        QVERIFY_THROWS_EXCEPTION(Error, s.setTimesteps(0));
        QVERIFY_THROWS_EXCEPTION(Error, s.setTimesteps(1001));
    }

    void unetEqualsTheFixture()
    {
        const auto unet = loadModel(kTiny);
        QCOMPARE(QString::fromStdString(unet->info().config.modelType), QStringLiteral("unet2d"));
        QVERIFY(unet->info().unexpectedKeys.empty());
        QCOMPARE(sampleShape(*unet), (std::vector<int64_t>{1, 1, 16, 16}));
        SafetensorsFile expected(kTiny + "/expected.safetensors");
        for (int64_t t : {0, 10, 500, 999}) {
            ModelInputs inputs;
            inputs.floats["sample"] = expected.readFloat("unet.input");
            inputs.integers["timestep"] = {{1}, {t}};
            const ModelOutputs out = unet->run(inputs, {});
            EXPECT_CLOSE(out.at("sample"), expected.readFloat("unet.eps.t" + std::to_string(t)),
                         QString("eps at t=%1").arg(t));
        }
        // One timestep per batch item gives the same as each alone.
        ModelInputs both;
        both.floats["sample"] = expected.readFloat("unet.input");
        both.integers["timestep"] = {{2}, {10, 10}};
        EXPECT_CLOSE(unet->run(both, {}).at("sample"), expected.readFloat("unet.eps.t10"), "eps, timestep per item");
    }

    void ddpmTrajectoryEqualsTheFixture()
    {
        SafetensorsFile expected(kTiny + "/expected.safetensors");
        const auto unet = loadModel(kTiny);
        Scheduler ddpm(schedulerConfigFor(kTiny, "ddpm"));
        ddpm.setTimesteps(20);
        const std::vector<int64_t> reference = expected.readInt64("ddpm20.timesteps");
        QCOMPARE(ddpm.timesteps(), reference);
        int64_t asked = 0;
        const NoiseSource recorded = [&](int64_t index, const std::vector<int64_t> &) {
            asked = index + 1;
            return expected.readFloat("ddpm20.noise" + std::to_string(index));
        };
        BasicJobContext context;
        const Trajectory trajectory = sample(*unet, ddpm, expected.readFloat("ddpm20.x_T"), recorded, 0.0, &context);
        QCOMPARE(asked, int64_t(19)); // the last step (t = 0) draws none
        QCOMPARE(context.progress(), 1.0);
        for (int i = 0; i < 20; ++i) {
            const std::string p = "ddpm20.step" + std::to_string(i) + ".";
            EXPECT_CLOSE(trajectory.modelOutputs[size_t(i)], expected.readFloat(p + "eps"),
                         QString("step %1 eps").arg(i));
            EXPECT_CLOSE(trajectory.predictedOriginal[size_t(i)], expected.readFloat(p + "pred_x0"),
                         QString("step %1 pred_x0").arg(i));
            EXPECT_CLOSE(trajectory.previous[size_t(i)], expected.readFloat(p + "x_prev"),
                         QString("step %1 x_prev").arg(i));
        }
        // Written in the fixture's names and read back.
        QTemporaryDir dir;
        const std::string path = dir.filePath("t.safetensors").toStdString();
        writeTrajectory(path, trajectory);
        SafetensorsFile written(path);
        QCOMPARE(written.readInt64("timesteps"), reference);
        QCOMPARE(written.readFloat("step19.x_prev").values, trajectory.previous.back().values);
    }

    void ddimTrajectoryEqualsTheFixture()
    {
        SafetensorsFile expected(kTiny + "/expected.safetensors");
        const auto unet = loadModel(kTiny);
        Scheduler ddim(schedulerConfigFor(kTiny, "ddim"));
        ddim.setTimesteps(10);
        QCOMPARE(ddim.timesteps(), expected.readInt64("ddim10.timesteps"));
        const NoiseSource none = [](int64_t, const std::vector<int64_t> &) -> FloatTensor {
            throw Error("eta = 0 draws no noise");
        };
        const Trajectory trajectory = sample(*unet, ddim, expected.readFloat("ddim10.x_T"), none, 0.0);
        for (int i = 0; i < 10; ++i) {
            const std::string p = "ddim10.step" + std::to_string(i) + ".";
            EXPECT_CLOSE(trajectory.predictedOriginal[size_t(i)], expected.readFloat(p + "pred_x0"),
                         QString("step %1 pred_x0").arg(i));
            EXPECT_CLOSE(trajectory.previous[size_t(i)], expected.readFloat(p + "x_prev"),
                         QString("step %1 x_prev").arg(i));
        }
    }

    // q(x_t | x0) by hand, and a seeded sampler is deterministic.
    void forwardNoisingAndSeeds()
    {
        SchedulerConfig c;
        const Scheduler s(c);
        const FloatTensor x0{{1, 1, 1, 2}, {1.0f, -1.0f}}, noise{{1, 1, 1, 2}, {0.5f, 2.0f}};
        const FloatTensor xt = s.addNoise(x0, noise, 500);
        const double a = s.alphasCumprod()[500];
        QVERIFY(std::abs(xt.values[0] - (std::sqrt(a) * 1.0 + std::sqrt(1 - a) * 0.5)) < 1e-6);
        QVERIFY(std::abs(xt.values[1] - (-std::sqrt(a) + std::sqrt(1 - a) * 2.0)) < 1e-6);
        const NoiseSource first = seededNoise(7), second = seededNoise(7), other = seededNoise(8);
        const FloatTensor a1 = first(0, {2, 3}), a2 = first(1, {2, 3});
        QCOMPARE(second(0, {2, 3}).values, a1.values);
        QVERIFY(a1.values != a2.values);
        QVERIFY(other(0, {2, 3}).values != a1.values);
        // SNR falls with t.
        const std::vector<double> snr = s.signalToNoise();
        QVERIFY(snr.front() > 1000.0 && snr.back() < 1e-3);
    }

    void badInputIsNamed()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath("unet");
        QDir().mkpath(folder + "/scheduler");
        std::ifstream in(kTiny + "/config.json");
        std::string config((std::istreambuf_iterator<char>(in)), {});
        auto write = [&](const QString &name, const std::string &text) {
            std::ofstream(folder.toStdString() + "/" + name.toStdString()) << text;
        };
        // A fourier embedding is refused by name.
        std::string fourier = config;
        fourier.replace(fourier.find("\"positional\""), 12, "\"fourier\"");
        write("config.json", fourier);
        QFile::copy(QString::fromStdString(kTiny) + "/diffusion_pytorch_model.safetensors",
                    folder + "/diffusion_pytorch_model.safetensors");
        try {
            loadModel(folder.toStdString());
            QFAIL("a fourier UNet was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("time_embedding_type"), e.what());
        }
        // A config asking for more layers than the weights hold names the missing weight.
        std::string deeper = config;
        deeper.replace(deeper.find("\"layers_per_block\": 1"), 21, "\"layers_per_block\": 2");
        write("config.json", deeper);
        try {
            loadModel(folder.toStdString());
            QFAIL("missing weights were accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("down_blocks.0.resnets.1"), e.what());
        }
        // No weights at all, and a pickle file refused.
        write("config.json", config);
        QFile::remove(folder + "/diffusion_pytorch_model.safetensors");
        write("diffusion_pytorch_model.bin", "pickle");
        try {
            loadModel(folder.toStdString());
            QFAIL("a pickle was opened");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("pickle"), e.what());
        }
        write("scheduler/scheduler_config.json", R"({"_class_name": "EulerDiscreteScheduler"})");
        QVERIFY_THROWS_EXCEPTION(Error, schedulerConfigFor(folder.toStdString(), "ddpm"));
        write("scheduler/scheduler_config.json", R"({"_class_name": "DDPMScheduler", "beta_schedule": "cubic"})");
        try {
            schedulerConfigFor(folder.toStdString(), "ddpm");
            QFAIL("an unknown schedule was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("beta_schedule"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(Error, schedulerConfigFor(folder.toStdString(), "euler"));
        // Wrong inputs to a loaded UNet.
        const auto unet = loadModel(kTiny);
        ModelInputs inputs;
        inputs.floats["sample"] = FloatTensor{{1, 3, 16, 16}, std::vector<float>(768)};
        inputs.integers["timestep"] = {{1}, {5}};
        QVERIFY_THROWS_EXCEPTION(Error, unet->run(inputs, {}));
        inputs.floats["sample"] = FloatTensor{{1, 1, 15, 15}, std::vector<float>(225)};
        QVERIFY_THROWS_EXCEPTION(Error, unet->run(inputs, {}));
    }
};

QTEST_GUILESS_MAIN(TestDiffusion)
#include "tst_diffusion.moc"
