// Every kind of long job in core cancelled mid-run (issue [Hardening]): each is first run with a
// context that counts its cancellation checks, then again with one that answers "cancelled"
// at half of them. The job must throw CancelledError, leave nothing half-written, and the same
// job run again afterwards must give the uncancelled result.

#include "tessera/core/Diffusion.h"
#include "tessera/core/Error.h"
#include "tessera/core/Job.h"
#include "tessera/core/Model.h"
#include "tessera/core/Pipelines.h"
#include "tessera/core/PositionalEncoding.h"
#include "tessera/core/Tokenizer.h"
#include "tessera/core/Training.h"
#include "tessera/core/VisionLens.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <functional>

using namespace tessera;

namespace {

// Counts the checks; says "cancelled" from check number cancelAt on (0: never).
class CancelAt : public JobContext {
public:
    explicit CancelAt(int64_t cancelAt = 0) : m_cancelAt(cancelAt) {}
    void setProgress(double, const std::string &) override {}
    bool isCancelled() const override
    {
        const int64_t n = ++m_checks;
        return m_cancelAt > 0 && n >= m_cancelAt;
    }
    int64_t checks() const { return m_checks; }

private:
    int64_t m_cancelAt;
    mutable std::atomic<int64_t> m_checks{0};
};

// Runs job uncancelled (counting checks), then cancelled at half of them (expecting
// CancelledError), then again uncancelled; returns whether the first and last results agree.
template <class Result>
void cancelMidRun(const char *name, const std::function<Result(JobContext &)> &job,
                  const std::function<bool(const Result &, const Result &)> &same)
{
    CancelAt counting;
    const Result first = job(counting);
    QVERIFY2(counting.checks() >= 2,
             qPrintable(QString("%1 checks for cancellation %2 times").arg(name).arg(counting.checks())));
    CancelAt half(counting.checks() / 2 + 1);
    bool cancelled = false;
    try {
        job(half);
    } catch (const CancelledError &) {
        cancelled = true;
    }
    QVERIFY2(cancelled, name);
    CancelAt again;
    QVERIFY2(same(first, job(again)), name);
}

bool sameTensors(const FloatTensor &a, const FloatTensor &b)
{
    return a.shape == b.shape && a.values == b.values;
}

} // namespace

class TestCancellation : public QObject {
    Q_OBJECT
private slots:
    void loadingAModel()
    {
        cancelMidRun<std::shared_ptr<Model>>(
            "loadModel",
            [](JobContext &c) { return std::shared_ptr<Model>(loadModel(TESSERA_TEST_DATA "/hf/bert-tiny-mlm", &c)); },
            [](const std::shared_ptr<Model> &a, const std::shared_ptr<Model> &b) {
                return a->info().parameters == b->info().parameters;
            });
    }

    void loadingADiffusionModel()
    {
        cancelMidRun<std::shared_ptr<Model>>(
            "loadModel (UNet)",
            [](JobContext &c) {
                return std::shared_ptr<Model>(loadModel(TESSERA_TEST_DATA "/diffusers/ddpm-tiny", &c));
            },
            [](const std::shared_ptr<Model> &a, const std::shared_ptr<Model> &b) {
                return a->info().parameters == b->info().parameters;
            });
    }

    void runningAModelWithCapture()
    {
        const std::shared_ptr<Model> model = loadModel(TESSERA_TEST_DATA "/hf/bert-tiny-mlm");
        ModelInputs inputs;
        inputs.integers["input_ids"] = {{1, 6}, {101, 2000, 2001, 2002, 2003, 102}};
        cancelMidRun<ModelOutputs>(
            "Model::run", [&](JobContext &c) { return model->run(inputs, {}, &c); },
            [](const ModelOutputs &a, const ModelOutputs &b) {
                return sameTensors(a.at("logits"), b.at("logits")) &&
                       sameTensors(a.at("attentions.1"), b.at("attentions.1"));
            });
    }

    void generatingText()
    {
        const std::shared_ptr<Model> model = loadModel(TESSERA_TEST_DATA "/hf/gpt2-tiny");
        const std::unique_ptr<Tokenizer> tokenizer = loadTokenizer(TESSERA_TEST_DATA "/hf/gpt2-tiny");
        cancelMidRun<std::string>(
            "generateText",
            [&](JobContext &c) { return generateText(*model, *tokenizer, "hello", 12, 0.8, 40, 5, &c); },
            [](const std::string &a, const std::string &b) { return a == b; });
    }

    void positionSimilarity()
    {
        const Matrix table = pe::sinusoidalTable(512, 64);
        cancelMidRun<Matrix>(
            "positionSimilarity",
            [&](JobContext &c) { return pe::positionSimilarity(table, pe::Similarity::Cosine, &c); },
            [](const Matrix &a, const Matrix &b) { return a.values == b.values; });
    }

    void meanAttentionDistanceOverImages()
    {
        const std::shared_ptr<Model> vit = loadModel(TESSERA_TEST_DATA "/hf/vit-tiny");
        const ImagePreprocessing p =
            ImagePreprocessing::fromFile(TESSERA_TEST_DATA "/hf/vit-tiny/preprocessor_config.json");
        const vision::ImageSource images = [](int64_t i) {
            Image8 image{32, 32, 3, std::vector<uint8_t>(32 * 32 * 3)};
            for (size_t k = 0; k < image.pixels.size(); ++k)
                image.pixels[k] = uint8_t((k * 7 + size_t(i) * 31) % 256);
            return image;
        };
        cancelMidRun<vision::DistanceStatistics>(
            "meanAttentionDistanceOverImages",
            [&](JobContext &c) { return vision::meanAttentionDistanceOverImages(*vit, p, 6, images, &c); },
            [](const vision::DistanceStatistics &a, const vision::DistanceStatistics &b) {
                return a.images == b.images && a.rawMean.values == b.rawMean.values;
            });
    }

    void sampling()
    {
        const std::shared_ptr<Model> unet = loadModel(TESSERA_TEST_DATA "/diffusers/ddpm-tiny");
        diffusion::Scheduler s(diffusion::schedulerConfigFor(TESSERA_TEST_DATA "/diffusers/ddpm-tiny", "ddpm"));
        s.setTimesteps(20);
        cancelMidRun<diffusion::Trajectory>(
            "diffusion::sample",
            [&](JobContext &c) {
                const diffusion::NoiseSource noise = diffusion::seededNoise(2);
                return diffusion::sample(*unet, s, noise(-1, {1, 1, 16, 16}), noise, 0.0, &c);
            },
            [](const diffusion::Trajectory &a, const diffusion::Trajectory &b) {
                return sameTensors(a.previous.back(), b.previous.back());
            });
    }

    // Training cancelled mid-run keeps a complete checkpoint (no .partial folder) that resumes to
    // the uninterrupted run's end, for a transformer and a diffusion recipe.
    void training()
    {
        for (const char *recipe : {"reverse", "diffusion-moons"}) {
            QTemporaryDir whole, cut;
            TrainingOptions o;
            o.recipe = recipe;
            o.steps = 30;
            o.batchSize = 16;
            o.layers = 1;
            o.hidden = 32;
            o.heads = 2;
            o.outputFolder = whole.path().toStdString();
            CancelAt counting;
            const TrainingResult full = train(o, counting);
            o.outputFolder = cut.path().toStdString();
            CancelAt half(counting.checks() / 2 + 1);
            QVERIFY_THROWS_EXCEPTION(CancelledError, train(o, half));
            const QStringList left = QDir(cut.path()).entryList({"checkpoint-*"}, QDir::Dirs);
            QVERIFY2(!left.isEmpty(), recipe);
            for (const QString &name : left)
                QVERIFY2(!name.endsWith(".partial") && QFileInfo::exists(cut.filePath(name + "/trainer_state.json")),
                         qPrintable(name));
            TrainingOptions resume;
            resume.outputFolder = o.outputFolder;
            resume.resume = true;
            CancelAt again;
            const TrainingResult resumed = train(resume, again);
            QVERIFY(resumed.finished);
            QVERIFY2(
                std::abs(resumed.metrics.at("loss") - full.metrics.at("loss")) <=
                    1e-6 * std::abs(full.metrics.at("loss")),
                qPrintable(
                    QString("%1: %2 vs %3").arg(recipe).arg(resumed.metrics.at("loss")).arg(full.metrics.at("loss"))));
        }
    }
};

QTEST_GUILESS_MAIN(TestCancellation)
#include "tst_cancellation.moc"
