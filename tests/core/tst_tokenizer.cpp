// WordPiece and byte-level BPE against fixtures/tokenizers/tokenization.json, made with the
// Hugging Face `tokenizers` library: ids, tokens, offsets and decoded text for every row.

#include "tessera/core/Error.h"
#include "tessera/core/Tokenizer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace tessera;

namespace {

const QString kData = TESSERA_TEST_DATA "/tokenizers";

QJsonObject reference()
{
    static QJsonObject root = [] {
        QFile file(kData + "/tokenization.json");
        file.open(QIODevice::ReadOnly);
        return QJsonDocument::fromJson(file.readAll()).object();
    }();
    return root;
}

std::string vocabularyPath(const QString &name)
{
    if (name == "gpt2")
        return (kData + "/vocab/gpt2/vocab.json").toStdString();
    return (kData + "/vocab/" + name + "/vocab.txt").toStdString();
}

QString describe(const Encoding &e)
{
    QStringList parts;
    for (size_t i = 0; i < e.tokens.size(); ++i)
        parts << QString("%1:%2[%3,%4]")
                     .arg(QString::fromStdString(e.tokens[i]))
                     .arg(e.ids[i])
                     .arg(e.offsets[i].first)
                     .arg(e.offsets[i].second);
    return parts.join(' ');
}

void compareRow(const Tokenizer &tokenizer, const QJsonObject &row, const QString &label)
{
    const std::string text = row["text"].toString().toStdString();
    const Encoding encoding = tokenizer.encode(text, true);
    const QJsonArray ids = row["ids"].toArray();
    const QJsonArray tokens = row["tokens"].toArray();
    const QJsonArray offsets = row["offsets"].toArray();
    const QString context = label + " \"" + row["text"].toString() + "\" -> " + describe(encoding);
    QVERIFY2(encoding.ids.size() == size_t(ids.size()), qPrintable(context));
    for (int i = 0; i < ids.size(); ++i) {
        QVERIFY2(encoding.ids[size_t(i)] == ids[i].toInteger(), qPrintable(context + QString(" id %1").arg(i)));
        QVERIFY2(QString::fromStdString(encoding.tokens[size_t(i)]) == tokens[i].toString(),
                 qPrintable(context + QString(" token %1").arg(i)));
        const QJsonArray span = offsets[i].toArray();
        QVERIFY2(
            encoding.offsets[size_t(i)].first == span[0].toInteger() &&
                encoding.offsets[size_t(i)].second == span[1].toInteger(),
            qPrintable(
                context +
                QString(" offsets of %1: expected [%2,%3]").arg(i).arg(span[0].toInteger()).arg(span[1].toInteger())));
    }
    const Encoding plain = tokenizer.encode(text, false);
    const QJsonArray noSpecial = row["ids_no_special"].toArray();
    QVERIFY2(plain.ids.size() == size_t(noSpecial.size()), qPrintable(context + " (no special tokens)"));
    for (int i = 0; i < noSpecial.size(); ++i)
        QCOMPARE(plain.ids[size_t(i)], noSpecial[i].toInteger());
    const QString decoded = QString::fromStdString(tokenizer.decode(encoding.ids, true));
    QVERIFY2(decoded == row["decoded"].toString(),
             qPrintable(context + "\n decoded: \"" + decoded + "\"\n expected: \"" + row["decoded"].toString() + "\""));
}

} // namespace

class TestTokenizer : public QObject {
    Q_OBJECT
private slots:
    void everyReferenceRow_data()
    {
        QTest::addColumn<QString>("name");
        for (const char *name : {"bert-base-cased", "bert-base-uncased", "gpt2"})
            QTest::newRow(name) << QString(name);
    }

    void everyReferenceRow()
    {
        QFETCH(QString, name);
        const std::unique_ptr<Tokenizer> tokenizer = loadTokenizer(vocabularyPath(name));
        const QJsonArray rows = reference()["tokenizers"].toObject()[name].toArray();
        QCOMPARE(rows.size(), 20);
        for (int i = 0; i < rows.size(); ++i)
            compareRow(*tokenizer, rows[i].toObject(), name + QString(" row %1").arg(i));
    }

    void glossaryExample()
    {
        const auto tokenizer = loadTokenizer(vocabularyPath("bert-base-cased"));
        const Encoding e = tokenizer->encode("A Titan RTX has 24GB of VRAM");
        QCOMPARE(e.ids, (std::vector<int64_t>{101, 138, 18696, 155, 1942, 3190, 1144, 1572, 13745, 1104, 159, 9664,
                                              2107, 102}));
        QVERIFY(tokenizer->description().find("cased") != std::string::npos);
        QVERIFY(loadTokenizer(vocabularyPath("bert-base-uncased"))->description().find("uncased") != std::string::npos);
    }

    void specialTokensInText()
    {
        // As the reference's added tokens: "[MASK]" in the text is the mask token, not "[", "MA", ...
        const auto tokenizer = loadTokenizer(vocabularyPath("bert-base-uncased"));
        const Encoding e = tokenizer->encode("The capital of France is [MASK].");
        QCOMPARE(e.ids, (std::vector<int64_t>{101, 1996, 3007, 1997, 2605, 2003, 103, 1012, 102}));
        QCOMPARE(e.offsets[6], (std::pair<int64_t, int64_t>{25, 31}));
        QCOMPARE(e.offsets[7], (std::pair<int64_t, int64_t>{31, 32}));
    }

    void paddingAndTruncation()
    {
        // The glossary's padding example (001:23-72) with bert-base-cased: lengths 8 and 19,
        // the short one padded with 0 and masked.
        const auto tokenizer = loadTokenizer(vocabularyPath("bert-base-cased"));
        const BatchEncoding batch =
            encodeBatch(*tokenizer, {"This is a short sequence.",
                                     "This is a rather long sequence. It is at least longer than the sequence A."});
        QCOMPARE(batch.batch, 2);
        QCOMPARE(batch.length, 19);
        QCOMPARE(batch.rows[0].ids.size(), size_t(8));
        const std::vector<int64_t> first(batch.ids.begin(), batch.ids.begin() + 19);
        QCOMPARE(first,
                 (std::vector<int64_t>{101, 1188, 1110, 170, 1603, 4954, 119, 102, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        for (int t = 0; t < 19; ++t) {
            QCOMPARE(batch.attentionMask[size_t(t)], t < 8 ? 1 : 0);
            QCOMPARE(batch.attentionMask[size_t(19 + t)], 1);
        }
        const BatchEncoding cut = encodeBatch(*tokenizer, {"This is a short sequence."}, {}, 5);
        QCOMPARE(cut.rows[0].ids, (std::vector<int64_t>{101, 1188, 1110, 170, 102}));
        QVERIFY(cut.truncated[0]);
        // The glossary's token type example (001:390-433): 10 zeros then 9 ones.
        const BatchEncoding pair =
            encodeBatch(*tokenizer, {"HuggingFace is based in NYC"}, {"Where is HuggingFace based?"});
        QCOMPARE(pair.typeIds, (std::vector<int64_t>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
        QVERIFY_THROWS_EXCEPTION(Error, encodeBatch(*tokenizer, {"a", "b"}, {"c"}));
    }

    void sentencePairs()
    {
        for (const char *name : {"bert-base-cased", "bert-base-uncased"}) {
            const QJsonObject pair = reference()["pairs"].toObject()[name].toObject();
            const auto tokenizer = loadTokenizer(vocabularyPath(name));
            const Encoding e =
                tokenizer->encodePair(pair["a"].toString().toStdString(), pair["b"].toString().toStdString());
            const QJsonArray ids = pair["ids"].toArray();
            const QJsonArray types = pair["token_type_ids"].toArray();
            QCOMPARE(e.ids.size(), size_t(ids.size()));
            for (int i = 0; i < ids.size(); ++i) {
                QCOMPARE(e.ids[size_t(i)], ids[i].toInteger());
                QCOMPARE(e.typeIds[size_t(i)], types[i].toInteger());
            }
        }
    }

    void tokenizerJsonAndCheckpointFolder()
    {
        // The fixture checkpoint's own tokenizer.json (cased, real bert-base-cased vocabulary).
        const auto fromJson = loadTokenizer(TESSERA_TEST_DATA "/hf/bert-tiny-mlm/tokenizer.json");
        const auto fromFolder = loadTokenizer(TESSERA_TEST_DATA "/hf/bert-tiny-mlm");
        const auto fromVocab = loadTokenizer(vocabularyPath("bert-base-cased"));
        for (const char *text : {"HuggingFace is based in NYC", "Héllò hôw are ü?", "나는 학교에 간다"}) {
            QCOMPARE(fromJson->encode(text).ids, fromVocab->encode(text).ids);
            QCOMPARE(fromFolder->encode(text).ids, fromVocab->encode(text).ids);
        }
        QCOMPARE(fromJson->vocabularySize(), 28996);
        // GPT-2 from merges.txt alone finds vocab.json beside it.
        const auto gpt2 = loadTokenizer((kData + "/vocab/gpt2/merges.txt").toStdString());
        QCOMPARE(gpt2->vocabularySize(), 50257);
        QCOMPARE(gpt2->tokenToId("Ġthe"), 262);
    }

    void hostileInput()
    {
        const auto bert = loadTokenizer(vocabularyPath("bert-base-cased"));
        const auto gpt2 = loadTokenizer(vocabularyPath("gpt2"));
        for (const Tokenizer *t : {bert.get(), gpt2.get()}) {
            try {
                t->encode(std::string("ok \xff\xfe bad"));
                QFAIL("invalid UTF-8 accepted");
            } catch (const Error &e) {
                QVERIFY(QString(e.what()).contains("UTF-8 at byte 3"));
            }
            QCOMPARE(t->encode("", false).ids.size(), size_t(0));
            QVERIFY_THROWS_EXCEPTION(Error, t->decode({-1}));
            QVERIFY_THROWS_EXCEPTION(Error, t->decode({1 << 30}));
        }
        QCOMPARE(bert->encode("").ids, (std::vector<int64_t>{101, 102}));
        // A long text stays linear: 200 KB of prose.
        std::string big;
        while (big.size() < 200000)
            big += "The quick brown fox jumps over the lazy dog, again and again. ";
        QVERIFY(bert->encode(big).ids.size() > 40000);
        QVERIFY(gpt2->encode(big).ids.size() > 40000);

        QTemporaryDir dir;
        auto write = [&](const char *name, const std::string &content) {
            const std::string path = dir.filePath(name).toStdString();
            std::ofstream(path, std::ios::binary) << content;
            return path;
        };
        QVERIFY_THROWS_EXCEPTION(Error, loadTokenizer(write("empty-vocab.txt", "")));
        QVERIFY_THROWS_EXCEPTION(Error, loadTokenizer(write("nounk.txt", "[CLS]\n[SEP]\nhello\n")));
        QVERIFY_THROWS_EXCEPTION(Error, loadTokenizer(write("latin1.txt", "[UNK]\n[CLS]\n[SEP]\ncaf\xe9\n")));
        try {
            loadTokenizer(write("tokenizer.json", "{\"model\": {\"type\": \"WordLevel\"}}"));
            QFAIL("a WordLevel tokenizer was accepted");
        } catch (const Error &e) {
            QVERIFY(QString(e.what()).contains("WordLevel") && QString(e.what()).contains("model.type"));
        }
        QVERIFY_THROWS_EXCEPTION(Error, loadTokenizer(write("broken.json", "{\"model\": ")));
        // Found by fuzzing: a number where the unknown token's name belongs escaped as the JSON
        // library's own exception (the CLI terminated); now a tessera::Error naming the file.
        QFile original(TESSERA_TEST_DATA "/hf/bert-tiny-mlm/tokenizer.json");
        QVERIFY(original.open(QIODevice::ReadOnly));
        QJsonObject root = QJsonDocument::fromJson(original.readAll()).object();
        QJsonObject model = root["model"].toObject();
        model["unk_token"] = 5;
        root["model"] = model;
        try {
            loadTokenizer(write("numbers.json", QJsonDocument(root).toJson().toStdString()));
            QFAIL("a numeric unk_token was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("numbers.json"), e.what());
        }
        // Found by fuzzing: one huge id in a tiny vocab.json made a dense table of 2^31 entries
        // (64 GB); refused now, with the numbers.
        QDir().mkpath(dir.filePath("sparse"));
        write("sparse/vocab.json", R"({"a": 0, "b": 2000000000})");
        write("sparse/merges.txt", "#version: 0.2\na b\n");
        try {
            loadTokenizer(dir.filePath("sparse/vocab.json").toStdString());
            QFAIL("a vocabulary with an id of 2e9 was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("2000000000") && QString(e.what()).contains("dense"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(Error, loadTokenizer(dir.filePath("missing").toStdString()));
        QTemporaryDir empty;
        try {
            loadTokenizer(empty.path().toStdString());
            QFAIL("an empty folder gave a tokenizer");
        } catch (const Error &e) {
            QVERIFY(QString(e.what()).contains("no tokenizer here"));
        }
    }

    // Labels a reader can read, derived by hand from the bytes of the tokens `tokenizers` gives
    // (tokenization.json): 나 is EB 82 98, GPT-2 spells those bytes "ë" "Ĥ" "ĺ"; 학 is ED 95 99,
    // "íķ" "Ļ"; Llama 2 falls back to <0xEA> <0xB0> <0x84> for 간.
    void displayLabels()
    {
        const auto gpt2 = loadTokenizer((kData + "/vocab/gpt2").toStdString());
        const Encoding g = gpt2->encode("나는 학교에 간다", true);
        const std::vector<std::string> labels = displayTokens(*gpt2, g);
        QCOMPARE(labels.size(), size_t(21));
        const std::vector<std::string> expected = {"나 1/3", "나 2/3", "나 3/3", "는 1/3", "는 2/3", "는 3/3",
                                                   "␣",      "학 1/2", "학 2/2", "교 1/3", "교 2/3", "교 3/3",
                                                   "에 1/3", "에 2/3", "에 3/3", "␣",      "간 1/3", "간 2/3",
                                                   "간 3/3", "다 1/2", "다 2/2"};
        for (size_t i = 0; i < expected.size(); ++i)
            QCOMPARE(QString::fromStdString(labels[i]), QString::fromStdString(expected[i]));
        const Encoding the = gpt2->encode("the cat\n", true);
        QCOMPARE(QString::fromStdString(displayTokens(*gpt2, the)[1]), QString("␣cat"));
        QCOMPARE(QString::fromStdString(displayTokens(*gpt2, the).back()), QString("↵"));

        const auto llama = loadTokenizer(TESSERA_TEST_DATA "/tokenizers2/llama2/tokenizer.json");
        const Encoding l = llama->encode("나는 학교에 간다", true);
        const std::vector<std::string> llamaLabels = displayTokens(*llama, l);
        QCOMPARE(QString::fromStdString(llamaLabels[0]), QString("<s>")); // special: as spelled
        QCOMPARE(QString::fromStdString(llamaLabels[1]), QString("␣"));
        QCOMPARE(QString::fromStdString(llamaLabels[2]), QString("나"));
        QCOMPARE(QString::fromStdString(llamaLabels[9]), QString("간 1/3"));
        QCOMPARE(QString::fromStdString(llamaLabels[11]), QString("간 3/3"));
        QCOMPARE(QString::fromStdString(llamaLabels[12]), QString("다"));
        // WordPiece pieces say what they are.
        const auto bert = loadTokenizer((kData + "/vocab/bert-base-cased/vocab.txt").toStdString());
        const Encoding b = bert->encode("A Titan RTX", true);
        QCOMPARE(displayTokens(*bert, b), b.tokens);
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
