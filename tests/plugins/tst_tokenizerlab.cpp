// The tokenizer lab driven through its options (as the GUI, sessions and tessera-cli drive it),
// checked against the `tokenizers` library's encodings of the same texts
// (tests/data/tokenizers*/tokenization.json), its CSV export, tessera-cli export tokenizers, and
// the bad input it must refuse by name.

#include "tessera/plugins/PluginManager.h"
#include "tessera/widgets/FigureExporter.h"
#include "tessera/widgets/TokenRowsView.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace tessera;

namespace {

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// The reference ids (with special tokens) of text by tokenizer name in a tokenization.json.
QVector<qint64> referenceIds(const QJsonObject &reference, const QString &tokenizer, const QString &text)
{
    for (const QJsonValue &entry : reference["tokenizers"].toObject()[tokenizer].toArray())
        if (entry.toObject()["text"].toString() == text) {
            QVector<qint64> ids;
            for (const QJsonValue &id : entry.toObject()["ids"].toArray())
                ids << qint64(id.toDouble());
            return ids;
        }
    return {};
}

} // namespace

class TestTokenizerLab : public QObject {
    Q_OBJECT
private:
    plugins::PluginManager m_plugins;
    widgets::JobRunner m_jobs;
    widgets::DataHub m_hub;

    std::unique_ptr<widgets::PanelWidget> createPanel()
    {
        const plugins::PanelDescriptor *descriptor = m_plugins.panel("tokenizers");
        return std::unique_ptr<widgets::PanelWidget>(descriptor->create({&m_jobs, &m_hub}, nullptr));
    }

    static const widgets::TokenRowsView *tokensView(widgets::PanelWidget &panel)
    {
        return dynamic_cast<const widgets::TokenRowsView *>(panel.figure("tokens"));
    }

    static const widgets::TokenRow *row(widgets::PanelWidget &panel, const QString &name)
    {
        for (const widgets::TokenRow &r : tokensView(panel)->rows())
            if (r.name == name)
                return &r;
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        m_jobs.setInline(true);
        QVERIFY(m_plugins.loadAll({TESSERA_PLUGIN_DIR}) >= 1);
        QVERIFY(m_plugins.panel("tokenizers") != nullptr);
        QCOMPARE(m_plugins.panel("tokenizers")->title, QString("Tokenizer lab"));
    }

    // The notes' Korean example through every bundled tokenizer equals `tokenizers`' ids, and
    // shows what the notes say: uncased BERT cuts syllables into jamo, cased BERT gives [UNK],
    // byte-level BPE and byte fallback cut characters into bytes, Unigram keeps syllables.
    void koreanExampleMatchesTheReference()
    {
        auto panel = createPanel();
        QString error;
        QVERIFY2(panel->setOptions({{"text", "나는 학교에 간다"}, {"special-tokens", "yes"}}, &error),
                 qPrintable(error));
        QCOMPARE(tokensView(*panel)->rows().size(), 6);
        const QJsonObject first = readJson(TESSERA_TEST_DATA "/tokenizers/tokenization.json");
        const QJsonObject second = readJson(TESSERA_TEST_DATA "/tokenizers2/tokenization.json");
        const QList<std::tuple<QString, const QJsonObject *, QString>> expected = {
            {"BERT uncased", &first, "bert-base-uncased"},
            {"BERT cased", &first, "bert-base-cased"},
            {"GPT-2", &first, "gpt2"},
            {"Llama 2", &second, "llama2"},
            {"Llama 3", &second, "llama3"},
            {"Unigram (XLM-R style)", &second, "xlmr-unigram"}};
        for (const auto &[name, reference, key] : expected) {
            const widgets::TokenRow *r = row(*panel, name);
            QVERIFY2(r, qPrintable(name));
            QVERIFY2(r->error.isEmpty(), qPrintable(r->error));
            const QVector<qint64> ids = referenceIds(*reference, key, "나는 학교에 간다");
            QVERIFY(!ids.isEmpty());
            QCOMPARE(r->ids, ids);
        }
        QVERIFY(row(*panel, "BERT cased")->unknown.count(true) == 3);
        QVERIFY(row(*panel, "BERT cased")->special.first());
        QCOMPARE(row(*panel, "BERT uncased")->tokens[1], QString("\u1102")); // ᄂ, a leading consonant
        QVERIFY(row(*panel, "Llama 2")->tokens.contains("<0xEA>"));
        QVERIFY(row(*panel, "Unigram (XLM-R style)")->tokens.contains("학"));
        // Its lone "▁" is no piece of the model: `tokenizers` gives it the unknown id 3
        // (unk_id in the tokenizer.json), so the lab marks it unknown although it is spelled "▁".
        QCOMPARE(row(*panel, "Unigram (XLM-R style)")->ids[1], qint64(3));
        QVERIFY(row(*panel, "Unigram (XLM-R style)")->unknown[1]);
        QVERIFY(!row(*panel, "Unigram (XLM-R style)")->unknown[2]);
        // Spans index code points: GPT-2's three byte tokens of 나 all cover character 0.
        QCOMPARE(row(*panel, "GPT-2")->spans[0], qMakePair(0, 1));
        QCOMPARE(row(*panel, "GPT-2")->spans[2], qMakePair(0, 1));
        // and are drawn as the character with their place among its bytes.
        QCOMPARE(row(*panel, "GPT-2")->labels[0], QString("나 1/3"));
        QCOMPARE(row(*panel, "Llama 2")->labels[9], QString("간 1/3"));
        // The counts view has one bar per tokenizer.
        QVERIFY(!panel->figure("counts")->figureTable().isEmpty());
    }

    void chosenTokenizersAndCsv()
    {
        auto panel = createPanel();
        QString error;
        QVERIFY2(panel->setOptions({{"text", "A Titan RTX has 24GB of VRAM"},
                                    {"tokenizer", QStringList{"BERT cased", "gpt2"}},
                                    {"special-tokens", "yes"}},
                                   &error),
                 qPrintable(error));
        QCOMPARE(tokensView(*panel)->rows().size(), 2);
        // The glossary's example (001:184-242) with bert-base-cased.
        QCOMPARE(row(*panel, "BERT cased")->ids,
                 (QVector<qint64>{101, 138, 18696, 155, 1942, 3190, 1144, 1572, 13745, 1104, 159, 9664, 2107, 102}));
        QCOMPARE(panel->options()["tokenizer"].toStringList(), (QStringList{"BERT cased", "GPT-2"}));
        QTemporaryDir dir;
        const QString csv = dir.filePath("tokens.csv");
        QCOMPARE(widgets::exportFigure(*panel->figure("tokens"), csv, widgets::ExportFormat::Csv), QString());
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.first(), QString("tokenizer,index,token,id,start,end,text,special,shown"));
        QCOMPARE(lines.size(), 1 + 14 + 9); // GPT-2 adds no special tokens: A ĠTitan ĠRTX ... AM
        QCOMPARE(lines[1], QString("BERT cased,0,[CLS],101,0,0,,1,[CLS]"));
        QCOMPARE(lines[2], QString("BERT cased,1,A,138,0,1,A,0,A"));
        // GPT-2's "ĠTitan" covers " Titan" (offsets 1-7 in `tokenizers`): the leading space is quoted.
        QCOMPARE(lines[16], QString("GPT-2,1,ĠTitan,11977,1,7,\" Titan\",0,␣Titan"));
    }

    void badInputIsRefusedByName()
    {
        auto panel = createPanel();
        QString error;
        QVERIFY(!panel->setOptions({{"tokenizer", "no-such-tokenizer"}}, &error));
        QVERIFY2(error.contains("--tokenizer") && error.contains("no-such-tokenizer"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"text", ""}}, &error));
        QVERIFY2(error.contains("--text"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"special-tokens", QStringList{"yes", "no"}}}, &error));
        QVERIFY2(error.contains("--special-tokens") && error.contains("2 times"), qPrintable(error));
        // A tokenizer.json that is not JSON: refused with its path, the lab unchanged.
        QTemporaryDir dir;
        QFile bad(dir.filePath("tokenizer.json"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{ not json");
        bad.close();
        const int before = int(tokensView(*panel)->rows().size());
        QVERIFY(panel->canOpen(dir.path()));
        QVERIFY(!panel->open(dir.path(), &error));
        QVERIFY2(error.contains("tokenizer.json"), qPrintable(error));
        QCOMPARE(int(tokensView(*panel)->rows().size()), before);
        QVERIFY(!panel->canOpen(dir.filePath("nothing-here")));
    }

    void cliExportsTheComparison()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("lab.csv");
        QProcess cli;
        cli.start(TESSERA_CLI, {"export", "tokenizers", "--text", "나는", "--tokenizer", "Llama 2", "--tokenizer",
                                "BERT uncased", "--out", out});
        QVERIFY(cli.waitForFinished(120000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString csv = QString::fromUtf8(file.readAll());
        // Llama 2 without special tokens: ▁ 나 는 (tokenizers gives [29871, 31207, 31081]).
        QVERIFY2(csv.contains("Llama 2,0,▁,29871") && csv.contains("Llama 2,1,나,31207,0,1,나,0,나"), qPrintable(csv));
        QVERIFY(csv.contains("BERT uncased,0,ᄂ,1456"));
        cli.start(TESSERA_CLI, {"export", "tokenizers", "--tokenizer", "nope", "--out", out});
        QVERIFY(cli.waitForFinished(120000));
        QVERIFY(cli.exitCode() != 0);
        QVERIFY(cli.readAllStandardError().contains("nope"));
    }
};

QTEST_MAIN(TestTokenizerLab)
#include "tst_tokenizerlab.moc"
