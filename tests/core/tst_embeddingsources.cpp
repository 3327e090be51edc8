// The embedding projector's sources against references that do not come from them: rows of
// checkpoint tables read directly with SafetensorsFile, labels from the vocabulary files read
// line by line, contextual and sentence embeddings against the hidden states transformers 5.17
// computed (fixtures, atol 2e-4, rtol 1e-3), a token filter on a corpus counted by hand,
// Fashion-MNIST classes checked against the label file (decoded with Python's gzip), a training
// run's snapshot against its final weights, and the refusals (label counts, 3-D tensors, absent
// position tables, layers that do not exist).

#include "tessera/core/EmbeddingSources.h"
#include "tessera/core/Error.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/TableIO.h"
#include "tessera/core/Training.h"

#include "support/Tolerance.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <functional>

using namespace tessera;
using namespace tessera::projection;

namespace {

const std::string kHf = TESSERA_TEST_DATA "/hf/";

// Row `row` of set equals values[offset .. offset + cols).
bool rowEquals(const EmbeddingSet &set, int64_t row, const std::vector<float> &values, size_t offset,
               double atol = 2e-4, double rtol = 1e-3)
{
    for (int64_t c = 0; c < set.vectors.cols; ++c)
        if (!test::Tolerance{atol, rtol}.close(set.vectors.at(row, c), values[offset + size_t(c)]))
            return false;
    return true;
}

// The lines of a text file as they are (the vocabulary's token i is line i).
std::vector<std::string> lines(const std::string &path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    std::vector<std::string> result;
    for (const QByteArray &line : file.readAll().split('\n'))
        result.push_back(line.toStdString());
    if (!result.empty() && result.back().empty())
        result.pop_back();
    return result;
}

void writeText(const QString &path, const QByteArray &text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

// The what() of the tessera::Error work throws, or "" when it throws none.
QString errorOf(const std::function<void()> &work)
{
    try {
        work();
    } catch (const Error &e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

FloatTensor tensor(std::vector<int64_t> shape, int64_t count)
{
    FloatTensor t{std::move(shape), {}};
    for (int64_t i = 0; i < count; ++i)
        t.values.push_back(float(i) * 0.5f - 1.0f);
    return t;
}

} // namespace

class TestEmbeddingSources : public QObject {
    Q_OBJECT
private slots:
    void safetensorsMatrixWithCsvLabels()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("points.safetensors").toStdString();
        writeSafetensors(path, {{"points", tensor({1, 4, 3}, 12)}, {"batch", tensor({2, 4, 3}, 24)}});
        // A header, a quoted field holding the separator, a second column that must be ignored.
        writeText(dir.filePath("labels.csv"), "word,count\ncat,1\ndog,2\r\ncat,3\n\"a, \"\"b\"\"\",4\n");

        const EmbeddingSet set = matrixFile(path, "points", dir.filePath("labels.csv").toStdString());
        QCOMPARE(set.vectors.rows, int64_t(4));
        QCOMPARE(set.vectors.cols, int64_t(3));
        QCOMPARE(set.vectors.at(0, 0), -1.0f);
        QCOMPARE(set.vectors.at(3, 2), 11 * 0.5f - 1.0f);
        QCOMPARE(set.labels, (std::vector<std::string>{"cat", "dog", "cat", "a, \"b\""}));
        QCOMPARE(set.category, (std::vector<int>{0, 1, 0, 2}));
        QCOMPARE(set.categoryNames, (std::vector<std::string>{"cat", "dog", "a, \"b\""}));

        // Without a key the only matrix is taken; "batch" is [2, 4, 3] and no matrix.
        QCOMPARE(matrixFile(path).vectors.rows, int64_t(4));
        QCOMPARE(matrixFile(path).labels.back(), std::string("row 3"));
        const QString refused = errorOf([&] { matrixFile(path, "batch"); });
        QVERIFY2(refused.contains("batch") && refused.contains("[2, 4, 3]") && refused.contains("pick one"),
                 qPrintable(refused));

        writeText(dir.filePath("short.txt"), "one\ntwo\n");
        const QString mismatch = errorOf([&] { matrixFile(path, "points", dir.filePath("short.txt").toStdString()); });
        QVERIFY2(mismatch.contains("short.txt") && mismatch.contains("2 labels") && mismatch.contains("4 rows"),
                 qPrintable(mismatch));

        const std::string two = dir.filePath("two.safetensors").toStdString();
        writeSafetensors(two, {{"a", tensor({3, 2}, 6)}, {"b", tensor({2, 2}, 4)}});
        const QString ambiguous = errorOf([&] { matrixFile(two); });
        QVERIFY2(ambiguous.contains("a, b"), qPrintable(ambiguous));
        const QString unknown = errorOf([&] { matrixFile(two, "c"); });
        QVERIFY2(unknown.contains("c") && unknown.contains("a, b"), qPrintable(unknown));
    }

    void npyAndCsvMatrices()
    {
        QTemporaryDir dir;
        const std::string npy = dir.filePath("x.npy").toStdString();
        writeNpy(npy, tensor({3, 2}, 6));
        writeText(dir.filePath("x.txt"), "alpha\nbeta\ngamma");
        const EmbeddingSet set = matrixFile(npy, {}, dir.filePath("x.txt").toStdString());
        QCOMPARE(set.vectors.rows, int64_t(3));
        QCOMPARE(set.vectors.at(2, 1), 1.5f); // element 5: 5 * 0.5 - 1
        QCOMPARE(set.labels, (std::vector<std::string>{"alpha", "beta", "gamma"}));

        const std::string cube = dir.filePath("cube.npy").toStdString();
        writeNpy(cube, tensor({2, 3, 2}, 12));
        const QString refused = errorOf([&] { matrixFile(cube); });
        QVERIFY2(refused.contains("[2, 3, 2]") && refused.contains("x[i]"), qPrintable(refused));

        writeText(dir.filePath("m.csv"), "1,2\n3,4\n5,6\n7,8\n");
        const EmbeddingSet csv = matrixFile(dir.filePath("m.csv").toStdString());
        QCOMPARE(csv.vectors.rows, int64_t(4));
        QCOMPARE(csv.vectors.at(3, 0), 7.0f);
        QVERIFY(csv.category.empty());
    }

    void tokenEmbeddingsAreTheCheckpointTable()
    {
        const std::string bert = kHf + "bert-tiny-mlm";
        const EmbeddingSet set = tokenEmbeddings(bert);
        const std::vector<std::string> vocabulary = lines(bert + "/vocab.txt");
        QCOMPARE(vocabulary.size(), size_t(28996)); // bert-base-cased
        QCOMPARE(set.vectors.rows, int64_t(28996));
        QCOMPARE(set.vectors.cols, int64_t(32));
        QCOMPARE(set.labels.size(), vocabulary.size());
        QCOMPARE(set.labels[5], vocabulary[5]);
        QCOMPARE(set.labels[18696], std::string("Titan")); // the glossary's worked example
        const FloatTensor table =
            SafetensorsFile(bert + "/model.safetensors").readFloat("bert.embeddings.word_embeddings.weight");
        QVERIFY(rowEquals(set, 5, table.values, size_t(5) * 32, 0.0, 0.0));
        QVERIFY(rowEquals(set, 28995, table.values, size_t(28995) * 32, 0.0, 0.0));
        QVERIFY(set.description.find("28996 x 32") != std::string::npos);

        const std::string gpt2 = kHf + "gpt2-tiny";
        const EmbeddingSet wte = tokenEmbeddings(gpt2);
        QCOMPARE(wte.vectors.rows, int64_t(50257));
        QCOMPARE(wte.labels[3331], std::string("\u0120bank")); // "Ġbank" in vocab.json
        QCOMPARE(wte.labels[50256], std::string("<|endoftext|>"));
        const FloatTensor wteTable = SafetensorsFile(gpt2 + "/model.safetensors").readFloat("transformer.wte.weight");
        QVERIFY(rowEquals(wte, 3331, wteTable.values, size_t(3331) * 32, 0.0, 0.0));

        const QString vit = errorOf([] { tokenEmbeddings(kHf + "vit-tiny"); });
        QVERIFY2(vit.contains("ViT"), qPrintable(vit));
    }

    void positionEmbeddingsOfThreeArchitectures()
    {
        struct Case {
            std::string folder, key;
            int64_t rows;
        };
        for (const Case &c : {Case{"bert-tiny-mlm", "bert.embeddings.position_embeddings.weight", 64},
                              Case{"gpt2-tiny", "transformer.wpe.weight", 64},
                              Case{"vit-tiny", "vit.embeddings.position_embeddings", 17}}) {
            const EmbeddingSet set = positionEmbeddings(kHf + c.folder);
            QCOMPARE(set.vectors.rows, c.rows);
            QCOMPARE(set.vectors.cols, int64_t(32));
            QCOMPARE(set.labels.back(), "position " + std::to_string(c.rows - 1));
            const FloatTensor table = SafetensorsFile(kHf + c.folder + "/model.safetensors").readFloat(c.key);
            for (int64_t row : {int64_t(0), c.rows - 1})
                QVERIFY(rowEquals(set, row, table.values, size_t(row * 32), 0.0, 0.0));
        }

        QTemporaryDir dir;
        writeSafetensors(dir.filePath("model.safetensors").toStdString(),
                         {{"bert.embeddings.word_embeddings.weight", tensor({5, 2}, 10)}});
        writeText(dir.filePath("config.json"), R"({"model_type": "bert", "position_embedding_type": "relative_key"})");
        const QString relative = errorOf([&] { positionEmbeddings(dir.path().toStdString()); });
        QVERIFY2(relative.contains("no learned position table") && relative.contains("relative_key"),
                 qPrintable(relative));
        writeText(dir.filePath("config.json"), R"({"model_type": "llama", "rope_theta": 10000})");
        const QString rotary = errorOf([&] { positionEmbeddings(dir.path().toStdString()); });
        QVERIFY2(rotary.contains("rotary"), qPrintable(rotary));
    }

    void contextualEmbeddingsMatchTransformers()
    {
        // The fixture's second BERT row: [CLS] This [MASK] a short sequence . [SEP] (+ padding).
        const std::string bert = kHf + "bert-tiny-mlm";
        const SafetensorsFile expected(bert + "/expected.safetensors");
        const std::string sentence = "This [MASK] a short sequence.";
        const std::vector<int64_t> positions{1, 3, 4, 5, 6}; // [CLS], [MASK] and [SEP] are special
        for (int layer : {0, 2, -1}) {
            const EmbeddingSet set = contextualEmbeddings(bert, {sentence}, layer, {}, nullptr);
            const FloatTensor states = expected.readFloat("hidden_states." + std::to_string(layer < 0 ? 2 : layer));
            QCOMPARE(set.vectors.rows, int64_t(positions.size()));
            for (size_t i = 0; i < positions.size(); ++i)
                QVERIFY2(rowEquals(set, int64_t(i), states.values, size_t((23 + positions[i]) * 32)),
                         qPrintable(QString("layer %1, token %2").arg(layer).arg(i)));
        }
        const EmbeddingSet set = contextualEmbeddings(bert, {sentence}, -1, {}, nullptr);
        QCOMPARE(set.labels.front(), std::string("This \u00b7 sentence 1: This [MASK] a short sequence."));
        QCOMPARE(set.labels.back(), std::string(". \u00b7 sentence 1: This [MASK] a short sequence."));
        QCOMPARE(set.category, std::vector<int>(5, 0));

        // GPT-2 adds no special tokens: every token is a point; the last state has ln_f applied.
        const std::string gpt2 = kHf + "gpt2-tiny";
        const FloatTensor last = SafetensorsFile(gpt2 + "/expected.safetensors").readFloat("hidden_states.2");
        const EmbeddingSet text =
            contextualEmbeddings(gpt2, {"The cat sat on the mat.", "Hello world"}, -1, {}, nullptr);
        QCOMPARE(text.vectors.rows, int64_t(9));
        for (int64_t t = 0; t < 7; ++t)
            QVERIFY(rowEquals(text, t, last.values, size_t(t * 32)));
        for (int64_t t = 0; t < 2; ++t)
            QVERIFY(rowEquals(text, 7 + t, last.values, size_t((7 + t) * 32)));
        QCOMPARE(text.labels[1], std::string("cat \u00b7 sentence 1: The cat sat on the mat."));
        QCOMPARE(text.category, (std::vector<int>{0, 0, 0, 0, 0, 0, 0, 1, 1}));
        QCOMPARE(text.categoryNames.size(), size_t(2));

        const QString layer = errorOf([&] { contextualEmbeddings(bert, {sentence}, 3, {}, nullptr); });
        QVERIFY2(layer.contains("layer 3") && layer.contains("0 (embeddings) to 2"), qPrintable(layer));
        const QString vit = errorOf([] { contextualEmbeddings(kHf + "vit-tiny", {"x"}, 0, {}, nullptr); });
        QVERIFY2(vit.contains("text model"), qPrintable(vit));
    }

    void tokenFilterFindsEveryOccurrence()
    {
        // Counted by hand: "bank" once, twice, then "Bank" (case-folded) once; "banking" and
        // "banks" are tokens of their own in both vocabularies, so they do not count.
        const std::vector<std::string> corpus{"The bank raised its rates.", "We sat on the river bank by the bank.",
                                              "Bank holidays are not banking days for banks, they say."};
        for (const char *folder : {"bert-tiny-mlm", "gpt2-tiny"}) {
            const EmbeddingSet set = contextualEmbeddings(kHf + folder, corpus, 1, "BANK", nullptr);
            QCOMPARE(set.vectors.rows, int64_t(4));
            QCOMPARE(set.category, (std::vector<int>{0, 1, 1, 2}));
            QCOMPARE(set.labels[0], std::string("bank \u00b7 sentence 1: The bank raised its rates."));
            QCOMPARE(set.labels[3],
                     std::string("Bank \u00b7 sentence 3: Bank holidays are not banking days for b\u2026"));
            // The same word twice in one sentence: two different contextual vectors.
            bool differ = false;
            for (int64_t c = 0; c < set.vectors.cols; ++c)
                differ = differ || set.vectors.at(1, c) != set.vectors.at(2, c);
            QVERIFY(differ);
        }
        // WordPiece's continuation mark is dropped: "##ing" answers to "ing" (banking is one token, so none here).
        const QString none =
            errorOf([&] { contextualEmbeddings(kHf + "bert-tiny-mlm", corpus, 1, "river bank", nullptr); });
        QVERIFY2(none.contains("no token \"river bank\""), qPrintable(none));
    }

    void sentenceEmbeddingsPoolTheFixtureStates()
    {
        const std::string bert = kHf + "bert-tiny-mlm";
        const FloatTensor states = SafetensorsFile(bert + "/expected.safetensors").readFloat("hidden_states.2");
        const std::string sentence = "This [MASK] a short sequence.";
        const EmbeddingSet first = sentenceEmbeddings(bert, {sentence, "Another one."}, 2, false, nullptr);
        QCOMPARE(first.vectors.rows, int64_t(2));
        QCOMPARE(first.labels[0], sentence);
        QVERIFY(rowEquals(first, 0, states.values, size_t(23 * 32))); // [CLS] of batch item 1

        // Mean over This, a, short, sequence, . (positions 1, 3-6), computed here from the fixture.
        std::vector<float> mean(32, 0.0f);
        for (int64_t p : {1, 3, 4, 5, 6})
            for (size_t d = 0; d < 32; ++d)
                mean[d] += states.values[size_t((23 + p) * 32) + d] / 5.0f;
        const EmbeddingSet pooled = sentenceEmbeddings(bert, {sentence}, -1, true, nullptr);
        QVERIFY(rowEquals(pooled, 0, mean, 0));
    }

    void imageEmbeddingsOfFashionMnist()
    {
        if (!QFile::exists("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"))
            QSKIP("Fashion-MNIST (Debian's dataset-fashion-mnist) is not installed");
        const std::string vit = kHf + "vit-tiny";
        const EmbeddingSet set = imageEmbeddings(vit, {}, 40, nullptr); // more than one batch of 32
        QCOMPARE(set.vectors.rows, int64_t(40));
        QCOMPARE(set.vectors.cols, int64_t(32));
        // The first 40 test labels, decoded from t10k-labels-idx1-ubyte.gz with Python's gzip.
        const std::vector<int> labels{9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5, 7, 3, 4, 1, 2, 4, 8, 0,
                                      2, 5, 7, 9, 1, 4, 6, 0, 9, 3, 8, 8, 3, 3, 8, 0, 7, 5, 7, 9};
        QCOMPARE(set.category, labels);
        QCOMPARE(set.categoryNames.size(), size_t(10));
        QCOMPARE(set.categoryNames[0], std::string("T-shirt/top"));
        QCOMPARE(set.categoryNames[9], std::string("Ankle boot"));
        QCOMPARE(set.labels[0], std::string("image 0: Ankle boot"));

        // After the final layer norm each row is gamma * z + beta with z of mean 0 and variance 1.
        const SafetensorsFile weights(vit + "/model.safetensors");
        const FloatTensor gamma = weights.readFloat("vit.layernorm.weight"),
                          beta = weights.readFloat("vit.layernorm.bias");
        for (int64_t row : {0, 17, 39}) {
            double sum = 0.0, squares = 0.0;
            for (size_t d = 0; d < 32; ++d) {
                const double z = (set.vectors.at(row, int64_t(d)) - beta.values[d]) / gamma.values[d];
                sum += z;
                squares += z * z;
            }
            QVERIFY2(std::abs(sum / 32.0) < 1e-3, qPrintable(QString("row %1: mean %2").arg(row).arg(sum / 32.0)));
            QVERIFY2(std::abs(squares / 32.0 - 1.0) < 1e-3,
                     qPrintable(QString("row %1: variance %2").arg(row).arg(squares / 32.0)));
        }
        const QString none = errorOf([&] { imageEmbeddings(vit, {}, 0, nullptr); });
        QVERIFY2(none.contains("between 1 and 10000"), qPrintable(none));
    }

    void snapshotsOfATrainingRun()
    {
        QTemporaryDir dir;
        TrainingOptions o;
        o.recipe = "copy";
        o.outputFolder = dir.filePath("run").toStdString();
        o.steps = 4;
        o.layers = 1;
        o.hidden = 16;
        o.heads = 2;
        o.batchSize = 4;
        o.sequenceLength = 4;
        o.snapshotEvery = 2;
        o.learningRate = 1e-2;
        BasicJobContext context;
        train(o, context);
        const std::string run = o.outputFolder;
        QCOMPARE(readSnapshotIndex(run).steps, (std::vector<int64_t>{0, 2, 4}));

        // The documented layout: snapshots/step-<6 digits>.safetensors.
        QCOMPARE(snapshotFile(run, 2), run + "/snapshots/step-000004.safetensors");
        QCOMPARE(snapshotFile(run, -1), snapshotFile(run, 2)); // from the end
        const std::vector<std::string> names = embeddingTensorNames(run + "/snapshots/step-000004.safetensors");
        QVERIFY(std::find(names.begin(), names.end(), "token_embeddings") != names.end());
        QVERIFY(std::find(names.begin(), names.end(), "attentions.0") == names.end()); // [heads, n, n]
        QVERIFY(names.front().find("embed") != std::string::npos);

        const EmbeddingSet last = snapshotEmbeddings(run, 2, "token_embeddings");
        const std::vector<std::string> vocabulary = lines(run + "/vocab.txt");
        QCOMPARE(last.vectors.rows, int64_t(vocabulary.size()));
        QCOMPARE(last.labels, vocabulary);
        // The last snapshot is the final model, stored as float16.
        const FloatTensor final =
            SafetensorsFile(run + "/model.safetensors").readFloat("bert.embeddings.word_embeddings.weight");
        for (int64_t row = 0; row < last.vectors.rows; ++row)
            QVERIFY(rowEquals(last, row, final.values, size_t(row * 16), 1e-4, 1e-3));
        // The first is the initialisation, before four steps at a learning rate of 0.01.
        const EmbeddingSet initial = snapshotEmbeddings(run, 0, "token_embeddings");
        bool moved = false;
        for (int64_t row = 0; row < initial.vectors.rows; ++row)
            moved = moved || !rowEquals(initial, row, final.values, size_t(row * 16), 1e-4, 1e-3);
        QVERIFY(moved);

        QCOMPARE(snapshotEmbeddings(run, 1, "position_embeddings").labels[1], std::string("position 1"));
        const QString range = errorOf([&] { snapshotEmbeddings(run, 3, "token_embeddings"); });
        QVERIFY2(range.contains("snapshot 3 does not exist") && range.contains("has 3"), qPrintable(range));
        const QString cube = errorOf([&] { snapshotEmbeddings(run, 0, "attentions.0"); });
        QVERIFY2(cube.contains("attentions.0") && cube.contains("pick one"), qPrintable(cube));
    }

    void cancellation()
    {
        BasicJobContext context;
        context.cancel();
        QVERIFY_THROWS_EXCEPTION(CancelledError, contextualEmbeddings(kHf + "gpt2-tiny", {"a", "b"}, 0, {}, &context));
    }
};

QTEST_GUILESS_MAIN(TestEmbeddingSources)
#include "tst_embeddingsources.moc"
