// The dates recipe (an encoder-decoder writing dates as ISO 8601): a short run leaves a T5 run
// folder that Tessera opens with its tokenizer, whose tokenizer encodes the formats character by
// character as the notes' Unigram pieces, whose snapshots keep the probe's cross-attention
// [heads, target, source], and whose metrics name sequence_accuracy. (The full run's accuracy
// and time are measured by hand, see the README; 99% exact held-out sequences in minutes.)

#include "tessera/core/Generation.h"
#include "tessera/core/Job.h"
#include "tessera/core/Model.h"
#include "tessera/core/Tokenizer.h"
#include "tessera/core/Training.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace tessera;

class TestDates : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    TrainingResult m_result;

private slots:
    void initTestCase()
    {
        TrainingOptions o;
        o.recipe = "dates";
        o.outputFolder = m_dir.path().toStdString();
        o.steps = 40;
        o.snapshotEvery = 20;
        BasicJobContext context;
        m_result = train(o, context);
        QVERIFY(m_result.finished);
    }

    void runFolder()
    {
        const std::string folder = m_dir.path().toStdString();
        const auto model = loadModel(folder);
        const ModelInfo &info = model->info();
        QCOMPARE(info.config.modelType, std::string("t5"));
        QVERIFY(info.capabilities.conditionalGeneration);
        QVERIFY(info.unexpectedKeys.empty());
        QCOMPARE(info.config.decoderStartTokenId, int64_t(0));
        QCOMPARE(info.config.eosTokenIds, std::vector<int64_t>({1}));
        // metrics.json names the recipe's accuracy, a share of exact sequences.
        QVERIFY(m_result.metrics.count("sequence_accuracy"));
        const double accuracy = m_result.metrics.at("sequence_accuracy");
        QVERIFY(accuracy >= 0.0 && accuracy <= 1.0);
        QFile metrics(m_dir.filePath("metrics.json"));
        QVERIFY(metrics.open(QIODevice::ReadOnly));
        QVERIFY(QJsonDocument::fromJson(metrics.readAll()).object().contains("sequence_accuracy"));
        // It generates (40 steps teach it little, but the decoder runs and stops in time).
        const auto tokenizer = loadTokenizer(folder);
        SequenceSettings settings;
        settings.maxNewTokens = 12;
        const std::vector<GeneratedSequence> out =
            generateSequence(*model, tokenizer->encode("2 December 2026", true).ids, settings);
        QCOMPARE(out.size(), size_t(1));
        QVERIFY(out[0].ids.size() <= 13);
    }

    // One token per character, "▁" for each space and before the first word, </s> last; the
    // Korean characters are in the vocabulary; decoding gives the text back.
    void tokenizer()
    {
        const auto tokenizer = loadTokenizer(m_dir.path().toStdString());
        const Encoding e = tokenizer->encode("2026년 12월 2일", true);
        const std::vector<std::string> expected = {
            "\xE2\x96\x81", "2", "0",  "2",   "6", "년", "\xE2\x96\x81", "1", "2", "월",
            "\xE2\x96\x81", "2", "일", "</s>"};
        QCOMPARE(e.tokens, expected);
        QVERIFY(std::find(e.ids.begin(), e.ids.end(), 2) == e.ids.end()); // no <unk>
        QCOMPARE(tokenizer->decode(e.ids, true), std::string("2026년 12월 2일"));
        QCOMPARE(tokenizer->encode("Dec 2, 2026", true).ids.size(), size_t(13));
    }

    // The probe's alignment is kept at every snapshot: [heads, target, source], rows over the
    // source summing to one, with the target's labels in the index.
    void snapshots()
    {
        const SnapshotIndex index = readSnapshotIndex(m_dir.path().toStdString());
        QVERIFY(index.steps.size() >= 2);
        QCOMPARE(index.probeTargetTokens.size(), size_t(12)); // ▁ 2 0 2 6 - 1 2 - 0 2 </s>
        QCOMPARE(index.probeTargetTokens.back(), std::string("</s>"));
        const auto snapshot = readSnapshot(index, index.steps.back());
        const FloatTensor &cross = snapshot.at("cross_attentions.0");
        QCOMPARE(cross.shape, std::vector<int64_t>({4, 12, int64_t(index.probeTokens.size())}));
        const int64_t keys = cross.shape[2];
        for (int64_t row = 0; row < 4 * 12; ++row) {
            double sum = 0.0;
            for (int64_t k = 0; k < keys; ++k)
                sum += cross.values[size_t(row * keys + k)];
            QVERIFY(std::abs(sum - 1.0) < 5e-3); // float16 in the snapshot
        }
    }
};

QTEST_GUILESS_MAIN(TestDates)
#include "tst_dates.moc"
