// The alignment view driven through its options (as the GUI, sessions and tessera-cli drive it):
// with the fixture pair's own target its cross-attention is transformers' (the fixtures'
// cross_attentions, batch item 0 without its padding); generation fills the beams and the step
// view; tessera-cli export alignment writes the figure; the input it must refuse, by name.

#include "tessera/core/Safetensors.h"
#include "tessera/plugins/PluginManager.h"

#include "support/Tolerance.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace tessera;

namespace {

const QString kHf = TESSERA_TEST_DATA "/hf/";

// [rows, cols] of head `head` of a fixture's [batch, heads, q, k] attention, batch item 0.
FloatTensor block(const FloatTensor &attention, int64_t head, int64_t rows, int64_t cols)
{
    const int64_t q = attention.shape[2], k = attention.shape[3];
    FloatTensor out{{rows, cols}, {}};
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
            out.values.push_back(attention.values[size_t((head * q + r) * k + c)]);
    return out;
}

FloatTensor fromMatrix(const Matrix &m)
{
    return {{m.rows, m.cols}, m.values};
}

} // namespace

class TestAlignment : public QObject {
    Q_OBJECT
private:
    plugins::PluginManager m_plugins;
    widgets::JobRunner m_jobs;
    widgets::DataHub m_hub;

    std::unique_ptr<widgets::PanelWidget> createPanel()
    {
        return std::unique_ptr<widgets::PanelWidget>(m_plugins.panel("alignment")->create({&m_jobs, &m_hub}, nullptr));
    }

    static MatrixPtr matrixOf(widgets::PanelWidget &panel, const QString &figure)
    {
        return panel.figure(figure)->figureTable().matrix;
    }

private slots:
    void initTestCase()
    {
        m_jobs.setInline(true);
        QVERIFY(m_plugins.loadAll({TESSERA_PLUGIN_DIR}) >= 1);
        QVERIFY(m_plugins.panel("alignment") != nullptr);
    }

    // The pair's own target (teacher forcing): every head of every layer of the cross-attention,
    // and the encoder's and decoder's self-attention, equal the fixture's.
    void fixturePair_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::newRow("t5-tiny") << "t5-tiny";
        QTest::newRow("bart-tiny") << "bart-tiny";
    }
    void fixturePair()
    {
        QFETCH(QString, folder);
        const SafetensorsFile expected((kHf + folder + "/expected.safetensors").toStdString());
        const std::vector<int64_t> sourceMask = expected.readInt64("attention_mask"),
                                   targetMask = expected.readInt64("decoder_attention_mask");
        const int64_t s = std::count(sourceMask.begin(), sourceMask.begin() + expected.info("input_ids").shape[1], 1);
        const int64_t t =
            std::count(targetMask.begin(), targetMask.begin() + expected.info("decoder_input_ids").shape[1], 1);
        auto panel = createPanel();
        QString error;
        for (const char *stack : {"cross", "encoder", "decoder"})
            for (int layer = 0; layer < 2; ++layer)
                for (int head = 0; head < 4; ++head) {
                    QVERIFY2(panel->setOptions({{"model", kHf + folder},
                                                {"source", "나는 학교에 간다"},
                                                {"target", "I go to school"},
                                                {"stack", stack},
                                                {"layer", QString::number(layer)},
                                                {"head", QString::number(head)}},
                                               &error),
                             qPrintable(error));
                    const MatrixPtr map = matrixOf(*panel, "alignment");
                    QVERIFY(map);
                    const QString name = QString(stack) + "_attentions." + QString::number(layer);
                    const int64_t rows = QString(stack) == "encoder" ? s : t;
                    const int64_t cols = QString(stack) == "decoder" ? t : s;
                    QCOMPARE(map->rows, rows);
                    QCOMPARE(map->cols, cols);
                    FloatTensor actual = fromMatrix(*map);
                    if (QString(stack) == "decoder") // the view greys what a causal query cannot see
                        for (int64_t q = 0; q < rows; ++q)
                            for (int64_t k = q + 1; k < cols; ++k)
                                actual.values[size_t(q * cols + k)] = 0.0f;
                    TESSERA_VERIFY_CLOSE(actual, block(expected.readFloat(name.toStdString()), head, rows, cols),
                                         test::kTransformers, folder + " " + name + " head " + QString::number(head));
                }
    }

    // The model writes the target: one beam (greedy) or three, the step view has a row per head,
    // and the mean over heads is the mean of the four heads.
    void generated()
    {
        auto panel = createPanel();
        QString error;
        QVERIFY2(panel->setOptions({{"model", kHf + "t5-tiny"}, {"tokens", 8}, {"beams", 3}, {"step", 2}}, &error),
                 qPrintable(error));
        const widgets::FigureTable beams = panel->figure("beams")->figureTable();
        QVERIFY2(!beams.isEmpty(), "no beams");
        const MatrixPtr step = matrixOf(*panel, "step");
        QVERIFY(step);
        QCOMPARE(step->rows, int64_t(4));
        QVERIFY2(panel->setOptions({{"layer", "1"}, {"head", "mean"}, {"beams", 1}}, &error), qPrintable(error));
        const MatrixPtr mean = matrixOf(*panel, "alignment");
        Matrix sum(mean->rows, mean->cols);
        for (int head = 0; head < 4; ++head) {
            QVERIFY(panel->setOptions({{"head", QString::number(head)}}, &error));
            const MatrixPtr one = matrixOf(*panel, "alignment");
            for (size_t i = 0; i < sum.values.size(); ++i)
                sum.values[i] += one->values[i] / 4.0f;
        }
        TESSERA_VERIFY_CLOSE(fromMatrix(*mean), fromMatrix(sum), (test::Tolerance{1e-6, 1e-5}), QString("mean"));
        // Each row of the cross-attention is a distribution over the source.
        for (int64_t r = 0; r < mean->rows; ++r) {
            double total = 0.0;
            for (int64_t c = 0; c < mean->cols; ++c)
                total += mean->at(r, c);
            QVERIFY(std::abs(total - 1.0) < 1e-4);
        }
    }

    // What the view refuses, by name.
    void badInput()
    {
        auto panel = createPanel();
        QString error;
        QVERIFY(!panel->setOptions({{"model", kHf + "gpt2-tiny"}}, &error));
        QVERIFY2(error.contains("encoder-decoder"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"model", kHf + "t5-tiny"}, {"layer", "banana"}}, &error));
        QVERIFY2(error.contains("--layer") && error.contains("banana"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"source", "x"}}, &error));
        QVERIFY2(error.contains("--model"), qPrintable(error));
    }

    // tessera-cli export alignment: the CSV holds the map with its token labels.
    void cliExport()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("alignment.csv");
        QProcess cli;
        cli.start(TESSERA_CLI, {"export", "alignment", "--model", kHf + "bart-tiny", "--source", "나는 학교에 간다",
                                "--target", "I go to school", "--layer", "0", "--out", out});
        QVERIFY(cli.waitForFinished(120000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 12); // a header and the 11 target tokens
        const QString png = dir.filePath("alignment.png");
        cli.start(TESSERA_CLI, {"export", "alignment", "--model", kHf + "bart-tiny", "--view", "model", "--out", png});
        QVERIFY(cli.waitForFinished(120000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        QVERIFY(QFileInfo(png).size() > 1000);
    }
};

QTEST_MAIN(TestAlignment)
#include "tst_alignment.moc"
