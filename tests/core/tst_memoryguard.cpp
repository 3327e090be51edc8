// The memory guard: operations whose size the user controls are refused before they allocate,
// with the number and a way forward (issue [Hardening]): a 100k x 100k position similarity, a
// capture of every attention beyond the budget, a sampling trajectory beyond it; the budget
// from TESSERA_MEMORY_BUDGET; work within the budget unchanged.

#include "tessera/core/Diffusion.h"
#include "tessera/core/Error.h"
#include "tessera/core/MemoryGuard.h"
#include "tessera/core/Model.h"
#include "tessera/core/PositionalEncoding.h"

#include <QElapsedTimer>
#include <QtTest>

#include <cstdlib>

using namespace tessera;

class TestMemoryGuard : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { setMemoryBudget(0); }

    // 100,000^2 float32 similarities are 37.3 GB (by hand: 1e10 x 4 bytes / 1024^3).
    void hugeSimilarityIsRefusedAtOnce()
    {
        setMemoryBudget(uint64_t(4) << 30);
        const Matrix table(100000, 8);
        QElapsedTimer clock;
        clock.start();
        try {
            pe::positionSimilarity(table, pe::Similarity::Cosine);
            QFAIL("a 100k x 100k similarity was attempted");
        } catch (const Error &e) {
            const QString message = e.what();
            QVERIFY2(message.contains("100000 x 100000") && message.contains("37.3 GB") && message.contains("4.0 GB") &&
                         message.contains("max-len"),
                     e.what());
        }
        QVERIFY(clock.elapsed() < 1000);
        // Within the budget nothing changes.
        Matrix small(100, 8);
        for (int64_t i = 0; i < 100; ++i)
            small.at(i, i % 8) = 1.0f;
        const Matrix s = pe::positionSimilarity(small, pe::Similarity::Cosine);
        QCOMPARE(s.rows, int64_t(100));
        QCOMPARE(s.at(3, 11), 1.0f); // same one-hot column
        QCOMPARE(s.at(3, 4), 0.0f);
    }

    // The tiny BERT (2 layers, 4 heads, hidden 32) on 64 tokens. One layer's probabilities are
    // 4 x 64 x 64 x 4 bytes = 64 KB; by hand the guard counts scores and probabilities (2 x 64 KB),
    // both captured layers twice (256 KB) and the 3 hidden states twice (2 x 3 x 64 x 32 x 4 =
    // 48 KB): 432 KB. With a budget of 200 KB the full capture is refused naming the way forward;
    // with no capture (128 KB) it runs; with the default budget everything runs.
    void captureBeyondTheBudgetIsRefused()
    {
        const std::unique_ptr<Model> model = loadModel(TESSERA_TEST_DATA "/hf/bert-tiny-mlm");
        ModelInputs inputs;
        inputs.integers["input_ids"] = {{1, 64}, std::vector<int64_t>(64, 100)};
        QVERIFY(model->run(inputs).count("attentions.0"));
        setMemoryBudget(200 * 1024);
        try {
            model->run(inputs);
            QFAIL("a capture beyond the budget ran");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("1 x 64 tokens") && QString(e.what()).contains("432.0 KB") &&
                         QString(e.what()).contains("layers option"),
                     e.what());
        }
        CaptureOptions none;
        none.attentions = false;
        none.hiddenStates = false;
        QVERIFY(model->run(inputs, none).count("logits")); // one layer's scores fit
    }

    void trajectoryBeyondTheBudgetIsRefused()
    {
        const std::unique_ptr<Model> unet = loadModel(TESSERA_TEST_DATA "/diffusers/ddpm-tiny");
        diffusion::Scheduler scheduler(diffusion::schedulerConfigFor(TESSERA_TEST_DATA "/diffusers/ddpm-tiny", "ddpm"));
        scheduler.setTimesteps(1000);
        const diffusion::NoiseSource noise = diffusion::seededNoise(1);
        // 1000 steps x 3 tensors x 64 samples x 256 values x 4 bytes = 187.6 MB
        setMemoryBudget(100u << 20);
        try {
            diffusion::sample(*unet, scheduler, noise(-1, {64, 1, 16, 16}), noise);
            QFAIL("a trajectory beyond the budget was sampled");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("187.6 MB") && QString(e.what()).contains("fewer steps"), e.what());
        }
    }

    void budgetFromTheEnvironment()
    {
        qputenv("TESSERA_MEMORY_BUDGET", "1.5G");
        QCOMPARE(memoryBudget(), uint64_t(1.5 * 1024 * 1024 * 1024));
        qputenv("TESSERA_MEMORY_BUDGET", "512M");
        QCOMPARE(memoryBudget(), uint64_t(512) << 20);
        try {
            requireMemory(1e9, "A test", "Ask for less.");
            QFAIL("1 GB passed a 512 MB budget");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("TESSERA_MEMORY_BUDGET") && QString(e.what()).contains("Ask for less."),
                     e.what());
        }
        setMemoryBudget(2048); // the application's setting wins
        QCOMPARE(memoryBudget(), uint64_t(2048));
        setMemoryBudget(0);
        qputenv("TESSERA_MEMORY_BUDGET", "lots");
        QVERIFY(memoryBudget() > (uint64_t(64) << 20)); // not a size: half the machine
        qunsetenv("TESSERA_MEMORY_BUDGET");
        QCOMPARE(QString::fromStdString(formatBytes(1536.0)), QString("1.5 KB"));
    }
};

QTEST_GUILESS_MAIN(TestMemoryGuard)
#include "tst_memoryguard.moc"
