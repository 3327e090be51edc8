// Folders with only a SentencePiece .model (no tokenizer.json), loaded through libsentencepiece
// and converted as transformers' converters do, against data/tokenizers2/tokenization.json (made
// with the Hugging Face `tokenizers` library on the tokenizer.json files converted from the same
// model): the fixture's xlmr-unigram/sentencepiece.bpe.model as XLM-R's sentencepiece.bpe.model
// and as T5's spiece.model (t5-unigram/tokenizer.json is the same model with 8 extra ids), a
// Llama-2 BPE tokenizer.model made from llama2/tokenizer.json; plus the refusal of files that
// are not SentencePiece models.

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

const QString kData = TESSERA_TEST_DATA "/tokenizers2";
const QString kModel = kData + "/xlmr-unigram/sentencepiece.bpe.model";

QJsonArray referenceRows(const char *kind)
{
    static const QJsonObject root = [] {
        QFile file(kData + "/tokenization.json");
        file.open(QIODevice::ReadOnly);
        return QJsonDocument::fromJson(file.readAll()).object();
    }();
    return root["tokenizers"].toObject()[kind].toArray();
}

// A folder holding the model under `name` and, when not empty, a tokenizer_config.json.
struct ModelFolder {
    QTemporaryDir dir;
    ModelFolder(const QString &name, const std::string &config = {})
    {
        QFile::copy(kModel, dir.filePath(name));
        if (!config.empty())
            std::ofstream(dir.filePath("tokenizer_config.json").toStdString()) << config;
    }
    std::string path() const { return dir.path().toStdString(); }
};

std::vector<int64_t> idsOf(const QJsonArray &array)
{
    std::vector<int64_t> ids;
    for (const QJsonValue &v : array)
        ids.push_back(v.toInteger());
    return ids;
}

std::vector<std::string> tokensOf(const QJsonArray &array)
{
    std::vector<std::string> tokens;
    for (const QJsonValue &v : array)
        tokens.push_back(v.toString().toStdString());
    return tokens;
}

std::vector<std::pair<int64_t, int64_t>> offsetsOf(const QJsonArray &array)
{
    std::vector<std::pair<int64_t, int64_t>> offsets;
    for (const QJsonValue &v : array)
        offsets.emplace_back(v.toArray()[0].toInteger(), v.toArray()[1].toInteger());
    return offsets;
}

void expectRefused(const std::string &path, const QString &expectedPart = {})
{
    try {
        loadTokenizer(path);
        QFAIL(qPrintable("accepted: " + QString::fromStdString(path)));
    } catch (const Error &e) {
        const QString message = e.what();
        QVERIFY2(message.contains(QString::fromStdString(path)), e.what());
        if (!expectedPart.isEmpty())
            QVERIFY2(message.contains(expectedPart), e.what());
    }
}

} // namespace

class TestSentencePiece : public QObject {
    Q_OBJECT
private slots:
    void xlmRobertaFromModel_data()
    {
        QTest::addColumn<int>("row");
        const QJsonArray rows = referenceRows("xlmr-unigram");
        QCOMPARE(rows.size(), 20);
        for (int i = 0; i < rows.size(); ++i)
            QTest::newRow(qPrintable(QString("text%1").arg(i))) << i;
    }

    // The folder name alone says XLM-R (sentencepiece.bpe.model, no config).
    void xlmRobertaFromModel()
    {
        QFETCH(int, row);
        static const ModelFolder folder("sentencepiece.bpe.model");
        static const std::unique_ptr<Tokenizer> t = loadTokenizer(folder.path());
        const QJsonObject expected = referenceRows("xlmr-unigram")[row].toObject();
        const std::string text = expected["text"].toString().toStdString();
        const Encoding e = t->encode(text);
        std::vector<int64_t> ids = idsOf(expected["ids"].toArray());
        // The reference's post-processor maps </s> to 0 (its special_tokens entry says so);
        // XLMRobertaTokenizer's fairseq table, and the vocabulary of the same file, have </s> = 2.
        QCOMPARE(ids.back(), 0);
        ids.back() = 2;
        QCOMPARE(e.ids, ids);
        QCOMPARE(e.tokens, tokensOf(expected["tokens"].toArray()));
        QCOMPARE(e.offsets, offsetsOf(expected["offsets"].toArray()));
        QCOMPARE(t->encode(text, false).ids, idsOf(expected["ids_no_special"].toArray()));
        // The reference's file marks nothing special, so its decoding keeps <s>, <unk> and its
        // </s> (id 0, "<s>"); ours keeps them when asked to, with </s> as itself.
        QString decoded = expected["decoded"].toString();
        QVERIFY(decoded.endsWith("<s>"));
        decoded.chop(3);
        decoded += "</s>";
        QCOMPARE(QString::fromStdString(t->decode(e.ids, false)), decoded);
    }

    void t5FromModel_data()
    {
        QTest::addColumn<int>("row");
        for (int i = 0; i < 20; ++i)
            QTest::newRow(qPrintable(QString("text%1").arg(i))) << i;
    }

    // The same model as T5's spiece.model with 8 extra ids: t5-unigram's reference exactly (its
    // </s> is the model's unknown piece, 0, as the model has no </s>).
    void t5FromModel()
    {
        QFETCH(int, row);
        static const ModelFolder folder("spiece.model", R"({"tokenizer_class": "T5Tokenizer", "extra_ids": 8})");
        static const std::unique_ptr<Tokenizer> t = loadTokenizer(folder.path());
        const QJsonObject expected = referenceRows("t5-unigram")[row].toObject();
        const std::string text = expected["text"].toString().toStdString();
        const Encoding e = t->encode(text);
        QCOMPARE(e.ids, idsOf(expected["ids"].toArray()));
        QCOMPARE(e.tokens, tokensOf(expected["tokens"].toArray()));
        QCOMPARE(e.offsets, offsetsOf(expected["offsets"].toArray()));
        QCOMPARE(t->encode(text, false).ids, idsOf(expected["ids_no_special"].toArray()));
        QCOMPARE(QString::fromStdString(t->decode(e.ids, false)), expected["decoded"].toString());
    }

    void llamaFromModel_data()
    {
        QTest::addColumn<int>("row");
        for (int i = 0; i < 20; ++i)
            QTest::newRow(qPrintable(QString("text%1").arg(i))) << i;
    }

    // llama2-model/tokenizer.model is llama2/tokenizer.json written back as a SentencePiece BPE
    // model (scripts/make_hostile_tokenizers.py): the merges come back from the pieces' scores
    // as LlamaConverter finds them, and the reference holds exactly.
    void llamaFromModel()
    {
        QFETCH(int, row);
        static const std::unique_ptr<Tokenizer> t = loadTokenizer(kData.toStdString() + "/llama2-model");
        QCOMPARE(t->kind(), Tokenizer::Kind::SentencePieceBpe);
        const QJsonObject expected = referenceRows("llama2")[row].toObject();
        const std::string text = expected["text"].toString().toStdString();
        const Encoding e = t->encode(text);
        QCOMPARE(e.ids, idsOf(expected["ids"].toArray()));
        QCOMPARE(e.tokens, tokensOf(expected["tokens"].toArray()));
        QCOMPARE(e.offsets, offsetsOf(expected["offsets"].toArray()));
        QCOMPARE(t->encode(text, false).ids, idsOf(expected["ids_no_special"].toArray()));
        QCOMPARE(QString::fromStdString(t->decode(e.ids, true)), expected["decoded"].toString());
    }

    void specialTokensOfTheFamilies()
    {
        const ModelFolder xlmr("sentencepiece.bpe.model");
        const auto x = loadTokenizer(xlmr.path());
        QCOMPARE(x->kind(), Tokenizer::Kind::Unigram);
        // As the xlmr-unigram tokenizer.json converted from this model: 4 + 1997 + <mask>.
        QCOMPARE(x->vocabularySize(), 2002);
        for (const auto &[token, id] : std::vector<std::pair<std::string, int64_t>>{
                 {"<s>", 0}, {"<pad>", 1}, {"</s>", 2}, {"<unk>", 3}, {"<mask>", 2001}, {")", 4}, {"\u2581is", 901}})
            QCOMPARE(x->tokenToId(token), id);
        // <mask> takes the space before it (lstrip); the pieces around it are those of the
        // reference's text 8, "나는 학교에 간다": ▁ 나 는 ... ▁간 다.
        const Encoding m = x->encode("나는 <mask> 간다");
        QCOMPARE(m.ids, (std::vector<int64_t>{0, 3, 144, 25, 2001, 590, 108, 2}));
        QCOMPARE(m.offsets[4], (std::pair<int64_t, int64_t>{2, 9}));
        QCOMPARE(m.offsets[5], (std::pair<int64_t, int64_t>{9, 11}));
        QVERIFY(m.specialTokens[4]);

        const ModelFolder t5("spiece.model", R"({"tokenizer_class": "T5Tokenizer", "extra_ids": 8})");
        const auto t = loadTokenizer(t5.path());
        QCOMPARE(t->vocabularySize(), 2008);
        QCOMPARE(t->tokenToId("<extra_id_0>"), 2007); // t5-unigram/tokenizer.json's last entry
        QCOMPARE(t->tokenToId("<extra_id_7>"), 2000);
        const Encoding sentinel = t->encode("a<extra_id_0>", false);
        QCOMPARE(sentinel.ids.back(), 2007);
        QCOMPARE(sentinel.tokens.back(), std::string("<extra_id_0>"));

        // The family from config.json's model_type beats the file's name.
        QTemporaryDir dir;
        QVERIFY(QFile::copy(kModel, dir.filePath("tokenizer.model")));
        std::ofstream(dir.filePath("config.json").toStdString()) << R"({"model_type": "xlm-roberta"})";
        QCOMPARE(loadTokenizer(dir.path().toStdString())->tokenToId("<mask>"), 2001);
        // A .model named directly loads too.
        QCOMPARE(loadTokenizer(xlmr.dir.filePath("sentencepiece.bpe.model").toStdString())->vocabularySize(), 2002);
    }

    void tokenizerJsonComesFirst()
    {
        QTemporaryDir dir;
        QVERIFY(QFile::copy(kModel, dir.filePath("sentencepiece.bpe.model")));
        QVERIFY(QFile::copy(kData + "/xlmr-unigram/tokenizer.json", dir.filePath("tokenizer.json")));
        // The tokenizer.json's own (odd) </s> id, 0, shows which file was read.
        QCOMPARE(loadTokenizer(dir.path().toStdString())->encode("a").ids.back(), 0);
    }

    void notSentencePieceModels_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << "empty.model"
                               << "the file is empty";
        QTest::newRow("random bytes") << "random.model"
                                      << "not a SentencePiece model";
        QTest::newRow("truncated") << "truncated.model"
                                   << "runs past the end";
        QTest::newRow("JSON") << "json.model"
                              << "not a SentencePiece model";
        QTest::newRow("no pieces") << "no-pieces.model"
                                   << "no pieces";
    }

    void notSentencePieceModels()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        // As spiece.model in a folder, and named directly.
        QTemporaryDir dir;
        QVERIFY(QFile::copy(TESSERA_TEST_DATA "/hostile/" + file, dir.filePath("spiece.model")));
        expectRefused(dir.filePath("spiece.model").toStdString(), expected);
        expectRefused(TESSERA_TEST_DATA "/hostile/" + file.toStdString(), expected);
    }

    void everyCutOfAModelIsRefusedOrLoads()
    {
        // A model cut anywhere in its pieces either fails with an error naming the file or is a
        // shorter, valid model (a cut exactly between two fields); never a crash.
        QFile file(kModel);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.read(40000);
        QTemporaryDir dir;
        const std::string path = dir.filePath("spiece.model").toStdString();
        int refused = 0;
        for (int cut = 1; cut < 4000; cut += 37) {
            std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.constData(), cut);
            try {
                const auto t = loadTokenizer(path);
                (void)t->encode("the cat");
            } catch (const Error &e) {
                QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
                ++refused;
            }
        }
        QVERIFY(refused > 50);
    }
};

QTEST_GUILESS_MAIN(TestSentencePiece)
#include "tst_sentencepiece.moc"
