// Training: the schedule and the masking against hand calculations, the reverse recipe
// reaching the accuracy with its attention on the mirror position, exact resume,
// checkpoints that load as models and reproduce the snapshot taken in training, the NaN
// tripwire, the float64 re-run, cancellation, the IDX reader on broken files.

#include "tessera/core/Datasets.h"
#include "tessera/core/Error.h"
#include "tessera/core/Model.h"
#include "tessera/core/Training.h"

#include <QTemporaryDir>
#include <QtTest>

#include "TrainingTestSupport.h"

#include <cmath>
#include <fstream>

using namespace tessera;

namespace {

TrainingOptions smallCopy(const QString &folder)
{
    TrainingOptions o;
    o.recipe = "copy";
    o.outputFolder = folder.toStdString();
    o.steps = 40;
    o.layers = 1;
    o.hidden = 32;
    o.heads = 2;
    o.batchSize = 16;
    o.sequenceLength = 6;
    o.checkpointEvery = 20;
    o.snapshotEvery = 10;
    o.evaluateEvery = 20;
    return o;
}

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

} // namespace

class TestTraining : public QObject {
    Q_OBJECT
private slots:
    void scheduleMatchesHandCalculation()
    {
        TrainingOptions o;
        o.learningRate = 1e-3;
        o.warmupSteps = 10;
        o.steps = 110;
        QCOMPARE(learningRateAt(o, 5), 5e-4);
        QCOMPARE(learningRateAt(o, 10), 1e-3);
        // Cosine: 0.5 (1 + cos(pi p)) with p = (step - warm-up) / (steps - warm-up).
        QVERIFY(std::abs(learningRateAt(o, 35) - 1e-3 * 0.5 * (1 + std::cos(M_PI / 4))) < 1e-15);
        QVERIFY(std::abs(learningRateAt(o, 60) - 5e-4) < 1e-15);
        QVERIFY(std::abs(learningRateAt(o, 110)) < 1e-15);
        o.schedule = "linear";
        QVERIFY(std::abs(learningRateAt(o, 35) - 7.5e-4) < 1e-15);
        o.schedule = "constant";
        QCOMPARE(learningRateAt(o, 100), 1e-3);
    }

    void maskingIsFifteenPercentThenEightyTenTen()
    {
        // 200,000 tokens, ids 5..1004; [MASK] = 4. Standard errors are ~0.1% here, so the bounds
        // (0.5 and 1 percentage points) fail only for a wrong rule.
        const int64_t n = 200000;
        std::vector<int64_t> ids(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            ids[size_t(i)] = 5 + i % 1000;
        const std::vector<int64_t> original = ids;
        const std::vector<int64_t> targets = maskForLanguageModel(ids, 4, 5, 1005, 7);
        int64_t chosen = 0, masked = 0, kept = 0, replaced = 0;
        for (size_t i = 0; i < ids.size(); ++i) {
            if (targets[i] == -100) {
                QCOMPARE(ids[i], original[i]); // not chosen: untouched
                continue;
            }
            ++chosen;
            QCOMPARE(targets[i], original[i]);
            if (ids[i] == 4)
                ++masked;
            else if (ids[i] == original[i])
                ++kept;
            else
                ++replaced;
        }
        QCOMPARE(targets.front(), int64_t(-100)); // [CLS] and [SEP] are never chosen
        QCOMPARE(targets.back(), int64_t(-100));
        const double c = double(chosen);
        QVERIFY2(std::abs(c / n - 0.15) < 0.005, qPrintable(QString::number(c / n)));
        QVERIFY2(std::abs(masked / c - 0.8) < 0.01, qPrintable(QString::number(masked / c)));
        // A random replacement can draw the original id (1 in 1000): still about 10% each.
        QVERIFY2(std::abs(kept / c - 0.1) < 0.01, qPrintable(QString::number(kept / c)));
        QVERIFY2(std::abs(replaced / c - 0.1) < 0.01, qPrintable(QString::number(replaced / c)));
    }

    void reverseLearnsTheMirrorAttention()
    {
        // The bar: >= 99% token accuracy on held-out sequences, with the default recipe.
        QTemporaryDir dir;
        TrainingOptions o;
        o.recipe = "reverse";
        o.outputFolder = dir.path().toStdString();
        BasicJobContext context;
        std::vector<TrainingPoint> evaluations;
        const TrainingResult result = train(o, context, [&](const TrainingReport &report) {
            evaluations.insert(evaluations.end(), report.evaluations.begin(), report.evaluations.end());
        });
        QVERIFY(result.finished);
        QVERIFY2(result.metrics.at("token_accuracy") >= 0.99, qPrintable(QString::fromStdString(result.summary)));
        // Some head puts most of its weight on the answer's position (the anti-diagonal).
        QVERIFY2(result.metrics.at("attention_on_answer") > 0.8,
                 qPrintable(QString::number(result.metrics.at("attention_on_answer"))));
        QVERIFY(evaluations.size() >= 10);
        QVERIFY(evaluations.front().accuracy < 0.5); // it really learned during the run
        QVERIFY(QFile::exists(dir.path() + "/metrics.json"));
        QFile metrics(dir.path() + "/metrics.json");
        QVERIFY(metrics.open(QIODevice::ReadOnly));
        QVERIFY(QJsonDocument::fromJson(metrics.readAll()).object()["token_accuracy"].toDouble() >= 0.99);
    }

    void checkpointLoadsAndReproducesTheSnapshot()
    {
        QTemporaryDir dir;
        BasicJobContext context;
        const TrainingResult result = train(smallCopy(dir.path()), context);
        QVERIFY(result.finished);
        const std::unique_ptr<Model> model = loadModel(dir.path().toStdString());
        QCOMPARE(model->info().config.architecture, std::string("BertForMaskedLM"));
        QCOMPARE(model->info().config.hiddenSize, int64_t(32));
        QVERIFY(model->info().unexpectedKeys.empty());
        // The last snapshot was computed from the weights in memory; the checkpoint, read back
        // from disk, must give the same attentions (float16 storage: 1e-3).
        const SnapshotIndex index = readSnapshotIndex(dir.path().toStdString());
        QCOMPARE(index.steps.back(), int64_t(40));
        QCOMPARE(index.steps.front(), int64_t(0));
        const auto snapshot = readSnapshot(index, 40);
        ModelInputs inputs;
        std::vector<int64_t> ids = {2};
        for (const std::string &token :
             std::vector<std::string>(index.probeTokens.begin() + 1, index.probeTokens.end() - 1))
            ids.push_back(5 + std::stoi(token));
        ids.push_back(3);
        inputs.integers["input_ids"] = {{1, int64_t(ids.size())}, ids};
        const ModelOutputs outputs = model->run(inputs);
        const FloatTensor &captured = outputs.at("attentions.0");
        const FloatTensor &stored = snapshot.at("attentions.0");
        QCOMPARE(int64_t(stored.values.size()), int64_t(captured.values.size()));
        for (size_t i = 0; i < stored.values.size(); ++i)
            QVERIFY(std::abs(stored.values[i] - captured.values[i]) < 1e-3);
        QCOMPARE(snapshot.at("position_embeddings").shape, (std::vector<int64_t>{8, 32}));
        QCOMPARE(snapshot.at("token_embeddings").shape, (std::vector<int64_t>{15, 32}));
    }

    void resumeReproducesTheUninterruptedRun()
    {
        QTemporaryDir whole, pieces;
        BasicJobContext context;
        train(smallCopy(whole.path()), context);
        TrainingOptions first = smallCopy(pieces.path());
        first.stopAfter = 20;
        const TrainingResult stopped = train(first, context);
        QVERIFY(!stopped.finished);
        QCOMPARE(stopped.steps, int64_t(20));
        TrainingOptions second;
        second.outputFolder = pieces.path().toStdString();
        second.resume = true;
        const TrainingResult resumed = train(second, context);
        QVERIFY(resumed.finished);
        const std::vector<double> a = lossHistory(whole.path() + "/checkpoint-000040");
        const std::vector<double> b = lossHistory(pieces.path() + "/checkpoint-000040");
        QCOMPARE(a.size(), size_t(40));
        QCOMPARE(b.size(), size_t(40));
        for (size_t i = 0; i < a.size(); ++i)
            QVERIFY2(std::abs(a[i] - b[i]) <= 1e-6 * std::abs(a[i]),
                     qPrintable(QString("step %1: %2 vs %3").arg(i + 1).arg(a[i]).arg(b[i])));
        // A folder that holds a run is not overwritten by a new one.
        QVERIFY_THROWS_EXCEPTION(Error, train(smallCopy(whole.path()), context));
    }

    void overfitOneBatchDrivesTheLossDown()
    {
        QTemporaryDir dir;
        TrainingOptions o = smallCopy(dir.path());
        o.recipe = "sort";
        o.overfitOneBatch = true;
        o.steps = 150;
        o.learningRate = 3e-3;
        o.schedule = "constant";
        BasicJobContext context;
        double firstLoss = -1, lastLoss = -1;
        train(o, context, [&](const TrainingReport &report) {
            if (!report.points.empty()) {
                if (firstLoss < 0)
                    firstLoss = report.points.front().loss;
                lastLoss = report.points.back().loss;
            }
        });
        QVERIFY2(firstLoss > 2.0 && lastLoss < 0.05, qPrintable(QString("%1 -> %2").arg(firstLoss).arg(lastLoss)));
    }

    void tripwireNamesTheStepAndParameter()
    {
        QTemporaryDir dir;
        TrainingOptions o = smallCopy(dir.path());
        o.learningRate = 1e8;
        o.warmupSteps = 0;
        o.clipNorm = 0;
        o.schedule = "constant";
        BasicJobContext context;
        try {
            train(o, context);
            QFAIL("a learning rate of 1e8 must blow up");
        } catch (const CancelledError &) {
            QFAIL("not a cancellation");
        } catch (const Error &error) {
            const QString message = QString::fromStdString(error.what());
            QVERIFY2(message.contains("step ") && message.contains("not finite"), qPrintable(message));
        }
    }

    void float64ReRunAgrees()
    {
        QTemporaryDir dir;
        TrainingOptions o = smallCopy(dir.path());
        o.steps = 3;
        o.float64Step = 2;
        BasicJobContext context;
        QString message;
        train(o, context, [&](const TrainingReport &report) {
            if (!report.message.empty())
                message = QString::fromStdString(report.message);
        });
        QVERIFY2(message.startsWith("float64 re-run of step 2"), qPrintable(message));
        const QRegularExpression relative("relative difference ([0-9.e+-]+)");
        const double lossDifference = relative.match(message).captured(1).toDouble();
        QVERIFY2(lossDifference < 1e-5, qPrintable(message));
        const QRegularExpression gradient("gradient difference ([0-9.e+-]+)");
        QVERIFY2(gradient.match(message).captured(1).toDouble() < 1e-2, qPrintable(message));
    }

    void cancelKeepsACheckpointToResumeFrom()
    {
        QTemporaryDir dir;
        TrainingOptions o = smallCopy(dir.path());
        BasicJobContext context;
        QVERIFY_THROWS_EXCEPTION(CancelledError, train(o, context, [&](const TrainingReport &report) {
                                     if (!report.points.empty() && report.points.back().step >= 5)
                                         context.cancel();
                                 }));
        QDir folder(dir.path());
        QVERIFY(!folder.entryList({"checkpoint-*"}, QDir::Dirs).isEmpty());
        TrainingOptions again;
        again.outputFolder = o.outputFolder;
        again.resume = true;
        BasicJobContext fresh;
        QVERIFY(train(again, fresh).finished);
    }

    // Both text decoders learn a repeating text: the byte-level GPT-2 and the Llama-style one
    // (RMSNorm, RoPE, SwiGLU, 2 query heads over 1 key/value head). Each run folder loads back
    // as its transformers class and continues the text greedily (the Llama through its
    // key/value cache).
    void textDecoderLearnsARepeatingText_data()
    {
        QTest::addColumn<QString>("recipe");
        QTest::addColumn<QString>("architecture");
        QTest::addColumn<int>("keyValueHeads");
        QTest::newRow("gpt-text") << "gpt-text"
                                  << "GPT2LMHeadModel" << 2;
        QTest::newRow("llama-text") << "llama-text"
                                    << "LlamaForCausalLM" << 1;
    }
    void textDecoderLearnsARepeatingText()
    {
        QFETCH(QString, recipe);
        QFETCH(QString, architecture);
        QFETCH(int, keyValueHeads);
        QTemporaryDir dir;
        const QString text = dir.path() + "/text.txt";
        writeBytes(text, QByteArray("the cat sat on the mat. ").repeated(200));
        TrainingOptions o;
        o.recipe = recipe.toStdString();
        o.textFile = text.toStdString();
        o.outputFolder = (dir.path() + "/run").toStdString();
        o.steps = 250;
        o.layers = 1;
        o.hidden = 48;
        o.heads = 2;
        o.sequenceLength = 32;
        o.batchSize = 16;
        o.learningRate = 3e-3;
        BasicJobContext context;
        const TrainingResult result = train(o, context);
        QVERIFY2(result.metrics.at("byte_accuracy") > 0.9, qPrintable(QString::fromStdString(result.summary)));
        const std::unique_ptr<Model> model = loadModel(o.outputFolder);
        QCOMPARE(QString::fromStdString(model->info().config.architecture), architecture);
        QCOMPARE(model->info().attentionStacks.front().keyValueHeads, int64_t(keyValueHeads));
        QVERIFY(model->info().unexpectedKeys.empty());
        const std::unique_ptr<Tokenizer> tokenizer = loadTokenizer(o.outputFolder);
        const std::string sampled = generateText(*model, *tokenizer, "the cat sat on", 9, 0.0);
        QCOMPARE(QString::fromStdString(sampled), QString("the cat sat on the mat."));
    }

    void textGptTakesEveryUtf8Byte()
    {
        // Hangul is three bytes of 0xE0-0xED lead and 0x80-0xBF continuation: ids above 127.
        QTemporaryDir dir;
        const QString text = dir.path() + "/korean.txt";
        writeBytes(text, QString("트랜스포머는 어텐션으로 문맥을 읽는다. ").toUtf8().repeated(60));
        TrainingOptions o;
        o.recipe = "gpt-text";
        o.textFile = text.toStdString();
        o.outputFolder = (dir.path() + "/run").toStdString();
        o.steps = 3;
        o.layers = 1;
        o.hidden = 16;
        o.heads = 2;
        o.sequenceLength = 16;
        o.batchSize = 4;
        BasicJobContext context;
        QVERIFY(train(o, context).finished);
        const SnapshotIndex index = readSnapshotIndex(o.outputFolder);
        QVERIFY(std::find(index.probeTokens.begin(), index.probeTokens.end(), "0xED") != index.probeTokens.end() ||
                std::find(index.probeTokens.begin(), index.probeTokens.end(), "0xEC") != index.probeTokens.end());
    }

    void brokenTextAndOptionsAreRefusedClearly()
    {
        QTemporaryDir dir;
        TrainingOptions o;
        o.recipe = "gpt-text";
        o.outputFolder = (dir.path() + "/run").toStdString();
        BasicJobContext context;
        QVERIFY_THROWS_EXCEPTION(Error, train(o, context)); // no text file
        const QString small = dir.path() + "/small.txt";
        writeBytes(small, "too short");
        o.textFile = small.toStdString();
        try {
            train(o, context);
            QFAIL("accepted 9 bytes of text");
        } catch (const Error &error) {
            QVERIFY(QString::fromStdString(error.what()).contains("at least 1 KiB"));
        }
        const QString binary = dir.path() + "/binary.txt";
        writeBytes(binary, QByteArray(2048, '\xff'));
        o.textFile = binary.toStdString();
        QVERIFY_THROWS_EXCEPTION(Error, train(o, context)); // not UTF-8
        o.recipe = "reverse";
        o.hidden = 30;
        o.heads = 4;
        QVERIFY_THROWS_EXCEPTION(Error, train(o, context)); // 30 not divisible by 4
        o.recipe = "no-such-recipe";
        QVERIFY_THROWS_EXCEPTION(Error, train(o, context));
    }

    void idxReaderRefusesBrokenFiles()
    {
        QTemporaryDir dir;
        std::vector<int64_t> dims;
        auto header = [](uint8_t type, std::vector<uint32_t> sizes) {
            QByteArray bytes;
            bytes.append(char(0)).append(char(0)).append(char(0x08)).append(char(sizes.size()));
            for (uint32_t s : sizes)
                for (int shift : {24, 16, 8, 0})
                    bytes.append(char((s >> shift) & 0xff));
            (void)type;
            return bytes;
        };
        const QString good = dir.path() + "/good.idx";
        writeBytes(good, header(8, {2, 3}) + QByteArray(6, '\x07'));
        const std::vector<uint8_t> data = readIdx(good.toStdString(), dims);
        QCOMPARE(dims, (std::vector<int64_t>{2, 3}));
        QCOMPARE(data.size(), size_t(6));
        QCOMPARE(int(data[5]), 7);
        const QString truncated = dir.path() + "/truncated.idx";
        writeBytes(truncated, header(8, {2, 3}) + QByteArray(5, '\x07'));
        QVERIFY_THROWS_EXCEPTION(Error, readIdx(truncated.toStdString(), dims));
        const QString trailing = dir.path() + "/trailing.idx";
        writeBytes(trailing, header(8, {2, 3}) + QByteArray(7, '\x07'));
        QVERIFY_THROWS_EXCEPTION(Error, readIdx(trailing.toStdString(), dims));
        // 4 billion x 4 billion x 4 billion: refused from the header, nothing allocated.
        const QString huge = dir.path() + "/huge.idx";
        writeBytes(huge, header(8, {0xffffffffu, 0xffffffffu, 0xffffffffu}));
        QVERIFY_THROWS_EXCEPTION(Error, readIdx(huge.toStdString(), dims));
        // A header that claims 1 GiB over a file of a few bytes: refused after reading what is there.
        const QString liar = dir.path() + "/liar.idx";
        writeBytes(liar, header(8, {1024, 1024, 1024}) + QByteArray(10, '\x01'));
        QVERIFY_THROWS_EXCEPTION(Error, readIdx(liar.toStdString(), dims));
        const QString wrongMagic = dir.path() + "/magic.idx";
        writeBytes(wrongMagic, QByteArray("\x00\x00\x0d\x01\x00\x00\x00\x01\x00", 9));
        QVERIFY_THROWS_EXCEPTION(Error, readIdx(wrongMagic.toStdString(), dims));
        const QString empty = dir.path() + "/empty.idx";
        writeBytes(empty, QByteArray());
        QVERIFY_THROWS_EXCEPTION(Error, readIdx(empty.toStdString(), dims));
    }

    void fashionMnistFromTheDebianPackage()
    {
        if (!QFile::exists(QString::fromStdString(defaultFashionMnistFolder()) + "/t10k-labels-idx1-ubyte.gz"))
            QSKIP("dataset-fashion-mnist is not installed");
        const ImageDataset test = loadFashionMnist("test");
        QCOMPARE(test.count, int64_t(10000));
        QCOMPARE(test.rows, int64_t(28));
        // The published test set is balanced: 1,000 images per class.
        std::vector<int> perClass(10, 0);
        for (int64_t label : test.labels)
            ++perClass[size_t(label)];
        for (int count : perClass)
            QCOMPARE(count, 1000);
    }
};

QTEST_APPLESS_MAIN(TestTraining)
#include "tst_training.moc"
