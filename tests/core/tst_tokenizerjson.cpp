// tokenizer.json kinds of the modern families (Llama-2 SentencePiece BPE with byte fallback,
// Llama-3 and Qwen byte-level BPE with Split regexes, RoBERTa, T5 and XLM-R Unigram) against
// data/tokenizers2/tokenization.json, made with the Hugging Face `tokenizers` library: ids,
// tokens, offsets, ids without special tokens and decoded text of all 20 texts; plus the errors
// a user gets for files Tessera cannot read.

#include "tessera/core/Error.h"
#include "tessera/core/Tokenizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>

using namespace tessera;

namespace {

const QString kData = TESSERA_TEST_DATA "/tokenizers2";
const char *const kKinds[] = {"llama2", "llama3", "qwen-bpe", "roberta-bpe", "t5-unigram", "xlmr-unigram"};

QJsonObject reference()
{
    static const QJsonObject root = [] {
        QFile file(kData + "/tokenization.json");
        file.open(QIODevice::ReadOnly);
        return QJsonDocument::fromJson(file.readAll()).object();
    }();
    return root;
}

QString tokenizerPath(const QString &kind)
{
    return kData + "/" + kind + "/tokenizer.json";
}

// Loaded once per kind: Llama-3's file is 9 MB.
const Tokenizer &tokenizer(const QString &kind)
{
    static std::map<QString, std::unique_ptr<Tokenizer>> loaded;
    auto &slot = loaded[kind];
    if (!slot)
        slot = loadTokenizer(tokenizerPath(kind).toStdString());
    return *slot;
}

QJsonObject fileJson(const QString &path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(file.readAll()).object();
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

std::vector<int64_t> idsOf(const QJsonArray &array)
{
    std::vector<int64_t> ids;
    for (const QJsonValue &v : array)
        ids.push_back(v.toInteger());
    return ids;
}

} // namespace

class TestTokenizerJson : public QObject {
    Q_OBJECT
private slots:
    void everyKindEveryText_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("row");
        for (const char *kind : kKinds) {
            const QJsonArray rows = reference()["tokenizers"].toObject()[kind].toArray();
            QCOMPARE(rows.size(), 20);
            for (int i = 0; i < rows.size(); ++i)
                QTest::newRow(qPrintable(QString("%1/text%2").arg(kind).arg(i))) << QString(kind) << i;
        }
    }

    void everyKindEveryText()
    {
        QFETCH(QString, kind);
        QFETCH(int, row);
        const Tokenizer &t = tokenizer(kind);
        const QJsonObject expected = reference()["tokenizers"].toObject()[kind].toArray()[row].toObject();
        const std::string text = expected["text"].toString().toStdString();
        const Encoding e = t.encode(text, true);
        const QString context = "\"" + expected["text"].toString() + "\" -> " + describe(e);
        const QJsonArray ids = expected["ids"].toArray();
        const QJsonArray tokens = expected["tokens"].toArray();
        const QJsonArray offsets = expected["offsets"].toArray();
        QVERIFY2(e.ids.size() == size_t(ids.size()), qPrintable(context));
        for (int i = 0; i < ids.size(); ++i) {
            QVERIFY2(e.ids[size_t(i)] == ids[i].toInteger(), qPrintable(context + QString(" id %1").arg(i)));
            QVERIFY2(QString::fromStdString(e.tokens[size_t(i)]) == tokens[i].toString(),
                     qPrintable(context + QString(" token %1").arg(i)));
            const QJsonArray span = offsets[i].toArray();
            QVERIFY2(e.offsets[size_t(i)].first == span[0].toInteger() &&
                         e.offsets[size_t(i)].second == span[1].toInteger(),
                     qPrintable(context + QString(" offsets of token %1: expected [%2,%3]")
                                              .arg(i)
                                              .arg(span[0].toInteger())
                                              .arg(span[1].toInteger())));
        }
        QCOMPARE(t.encode(text, false).ids, idsOf(expected["ids_no_special"].toArray()));
        const QString decoded = QString::fromStdString(t.decode(e.ids, true));
        QCOMPARE(decoded, expected["decoded"].toString());
    }

    void kindsAndDescriptions()
    {
        QCOMPARE(tokenizer("llama2").kind(), Tokenizer::Kind::SentencePieceBpe);
        QCOMPARE(tokenizer("llama2").description(), std::string("SentencePiece BPE, 32000 tokens, byte fallback"));
        QCOMPARE(tokenizer("llama2").vocabularySize(), 32000);
        for (const char *kind : {"llama3", "qwen-bpe", "roberta-bpe"})
            QCOMPARE(tokenizer(kind).kind(), Tokenizer::Kind::ByteLevelBpe);
        // 128,000 merged tokens and the 256 added (special) tokens after them.
        QCOMPARE(tokenizer("llama3").vocabularySize(), 128256);
        QVERIFY(tokenizer("llama3").description().find("byte-level BPE") == 0);
        QCOMPARE(tokenizer("llama3").tokenToId("<|begin_of_text|>"), 128000);
        for (const char *kind : {"t5-unigram", "xlmr-unigram"}) {
            QCOMPARE(tokenizer(kind).kind(), Tokenizer::Kind::Unigram);
            QVERIFY(tokenizer(kind).description().find("Unigram") == 0);
        }
    }

    void addedTokensBeforeEverything()
    {
        // Qwen's chat tokens (ids 1 and 2 in its added_tokens) are single tokens in the text,
        // special (left out when decoding) and with the span they were written at.
        const Tokenizer &qwen = tokenizer("qwen-bpe");
        const std::string text = "<|im_start|>user\nThe cat sat on the mat.<|im_end|>";
        const Encoding e = qwen.encode(text, false);
        QCOMPARE(e.ids.front(), 1);
        QCOMPARE(e.tokens.front(), std::string("<|im_start|>"));
        QCOMPARE(e.offsets.front(), (std::pair<int64_t, int64_t>{0, 12}));
        QCOMPARE(e.ids.back(), 2);
        QCOMPARE(e.offsets.back(), (std::pair<int64_t, int64_t>{40, 50}));
        QVERIFY(e.specialTokens.front() && e.specialTokens.back());
        QCOMPARE(qwen.decode(e.ids, true), std::string("user\nThe cat sat on the mat."));
    }

    void tokenizerConfigOverridesTemplate()
    {
        // transformers rebuilds Llama's post-processor from add_bos_token / add_eos_token.
        QTemporaryDir dir;
        QVERIFY(QFile::copy(tokenizerPath("llama2"), dir.filePath("tokenizer.json")));
        std::ofstream(dir.filePath("tokenizer_config.json").toStdString())
            << R"({"add_bos_token": true, "add_eos_token": true, "bos_token": "<s>", "eos_token": {"content": "</s>"}})";
        const auto t = loadTokenizer(dir.path().toStdString());
        const QJsonObject row = reference()["tokenizers"].toObject()["llama2"].toArray()[0].toObject();
        std::vector<int64_t> expected = idsOf(row["ids_no_special"].toArray());
        expected.insert(expected.begin(), 1); // <s> in added_tokens
        expected.push_back(2);                // </s>
        QCOMPARE(t->encode(row["text"].toString().toStdString()).ids, expected);
    }

    void unigramNeedsItsUnknownId()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("tokenizer.json");
        std::ofstream(path.toStdString()) << R"({"model": {"type": "Unigram", "vocab": [["a", -1.0]], "unk_id": 7}})";
        try {
            loadTokenizer(path.toStdString());
            QFAIL("an unk_id outside the vocabulary was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("model.unk_id") && QString(e.what()).contains(path), e.what());
        }
    }

    void brokenUnigramFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty vocabulary") << "unigram-empty-vocab.json"
                                          << "model.vocab: the vocabulary must be a non-empty list";
        QTest::newRow("duplicated piece") << "unigram-duplicate-piece.json"
                                          << "model.vocab[12]: the piece \"\u2581the\" is listed twice";
        QTest::newRow("score not a number") << "unigram-score-not-number.json"
                                            << "model.vocab[3]: must be [piece, score]";
        QTest::newRow("score infinite") << "unigram-score-infinite.json"
                                        << "number overflow parsing '-1e999'"; // the JSON reader's own refusal
        QTest::newRow("charsmap truncated") << "charsmap-truncated.json"
                                            << "precompiled_charsmap: the character map's trie size";
        QTest::newRow("charsmap not base64") << "charsmap-not-base64.json"
                                             << "precompiled_charsmap: not base64 (a character outside its alphabet";
        QTest::newRow("charsmap cut") << "charsmap-cut-digit.json"
                                      << "precompiled_charsmap: not base64 (";
    }

    // Files from scripts/make_hostile_tokenizers.py, each broken in one way.
    void brokenUnigramFiles()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        const std::string path = TESSERA_TEST_DATA "/hostile/" + file.toStdString();
        try {
            loadTokenizer(path);
            QFAIL("a broken Unigram file was accepted");
        } catch (const Error &e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith(QString::fromStdString(path) + ": "), e.what());
            QVERIFY2(message.contains(expected), e.what());
        }
    }

    void robertaMaskTakesTheSpaceBeforeIt()
    {
        // <mask> is an added token with lstrip: the space before it is part of its span, not a
        // "Ġ" token of its own. The other tokens are the reference's for text 6, "The cat sat on
        // the mat." (the ByteLevel split makes "The", " cat", " sat" and " the", " mat", "." the
        // same words here), offsets shifted to this text; RobertaProcessing trims the leading
        // space off "Ġthe" and "Ġm" only.
        const Tokenizer &t = tokenizer("roberta-bpe");
        const Encoding e = t.encode("The cat sat <mask> the mat.");
        QCOMPARE(e.ids, (std::vector<int64_t>{0, 56, 902, 1128, 378, 754, 378, 4, 1980, 851, 378, 18, 2}));
        QCOMPARE(e.tokens[7], std::string("<mask>"));
        QCOMPARE(e.offsets, (std::vector<std::pair<int64_t, int64_t>>{{0, 0},
                                                                      {0, 1},
                                                                      {1, 3},
                                                                      {4, 5},
                                                                      {5, 7},
                                                                      {8, 9},
                                                                      {9, 11},
                                                                      {11, 18},
                                                                      {19, 22},
                                                                      {23, 24},
                                                                      {24, 26},
                                                                      {26, 27},
                                                                      {0, 0}}));
        QVERIFY(e.specialTokens[7]);
        QCOMPARE(t.decode(e.ids, true), std::string("The cat sat the mat."));
    }

    void unsupportedStages_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("type");
        QTest::newRow("model") << "model.type"
                               << "WordLevel";
        QTest::newRow("normalizer") << "normalizer.type"
                                    << "Nmt";
        QTest::newRow("pre_tokenizer") << "pre_tokenizer.pretokenizers[1].type"
                                       << "Whitespace";
        QTest::newRow("decoder") << "decoder.type"
                                 << "CTC";
        QTest::newRow("post_processor") << "post_processor.type"
                                        << "Fancy";
    }

    void unsupportedStages()
    {
        QFETCH(QString, key);
        QFETCH(QString, type);
        QJsonObject root = fileJson(tokenizerPath("qwen-bpe"));
        if (key == "model.type") {
            QJsonObject model = root["model"].toObject();
            model["type"] = type;
            root["model"] = model;
        } else if (key.startsWith("pre_tokenizer")) {
            QJsonObject pre = root["pre_tokenizer"].toObject();
            QJsonArray list = pre["pretokenizers"].toArray();
            list[1] = QJsonObject{{"type", type}};
            pre["pretokenizers"] = list;
            root["pre_tokenizer"] = pre;
        } else {
            root[key.section('.', 0, 0)] = QJsonObject{{"type", type}};
        }
        QTemporaryDir dir;
        const QString path = dir.filePath("unsupported.json");
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(root).toJson());
        out.close();
        try {
            loadTokenizer(path.toStdString());
            QFAIL("an unsupported stage was accepted");
        } catch (const Error &e) {
            const QString message = e.what();
            QVERIFY2(message.contains("unsupported.json"), e.what());
            QVERIFY2(message.contains(key), e.what());
            QVERIFY2(message.contains("\"" + type + "\""), e.what());
            QVERIFY2(message.contains("supported: "), e.what());
        }
    }

    void malformedSplitRegex()
    {
        QJsonObject root = fileJson(tokenizerPath("llama3"));
        QJsonObject pre = root["pre_tokenizer"].toObject();
        QJsonArray list = pre["pretokenizers"].toArray();
        QJsonObject split = list[0].toObject();
        split["pattern"] = QJsonObject{{"Regex", "\\p{L}+|[abc"}};
        list[0] = split;
        pre["pretokenizers"] = list;
        root["pre_tokenizer"] = pre;
        QTemporaryDir dir;
        const QString path = dir.filePath("tokenizer.json");
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(root).toJson());
        out.close();
        try {
            loadTokenizer(path.toStdString());
            QFAIL("a malformed regex was accepted");
        } catch (const Error &e) {
            const QString message = e.what();
            QVERIFY2(message.contains(path), e.what());
            QVERIFY2(message.contains("\\p{L}+|[abc"), e.what());
            QVERIFY2(message.contains("offset 11"), e.what()); // PCRE2: the class is unterminated at the end
            QVERIFY2(message.contains("pre_tokenizer.pretokenizers[0].pattern.Regex"), e.what());
        }
    }

    void invalidUtf8StillThrows()
    {
        for (const char *kind : kKinds) {
            try {
                tokenizer(kind).encode(std::string("ok \xff\xfe bad"));
                QFAIL("invalid UTF-8 accepted");
            } catch (const Error &e) {
                QVERIFY2(QString(e.what()).contains("UTF-8 at byte 3"), e.what());
            }
            QVERIFY_THROWS_EXCEPTION(Error, tokenizer(kind).decode({-1}));
        }
    }

    void longTextStaysFast()
    {
        // Llama-2 has no pre-tokenizer: the whole text is one word for the merges, so they must
        // not be quadratic. 100 KB of prose.
        std::string big;
        while (big.size() < 100000)
            big += "The quick brown fox jumps over the lazy dog, again and again. ";
        QElapsedTimer timer;
        timer.start();
        QVERIFY(tokenizer("llama2").encode(big).ids.size() > 20000);
        QVERIFY(tokenizer("llama3").encode(big).ids.size() > 20000);
        QVERIFY2(timer.elapsed() < 20000, qPrintable(QString("%1 ms").arg(timer.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestTokenizerJson)
#include "tst_tokenizerjson.moc"
