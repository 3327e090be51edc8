// The attention explorer on the fixture checkpoints: the head shown equals transformers'
// attention for the same tokens, aggregates and masks, active queries, comparison.

#include "tessera/core/Safetensors.h"
#include "tessera/core/Tokenizer.h"
#include "tessera/plugins/PluginManager.h"
#include "tessera/widgets/FigureExporter.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace tessera;

class TestAttentionPanel : public QObject {
    Q_OBJECT
private:
    plugins::PluginManager m_plugins;
    widgets::JobRunner m_jobs;
    widgets::DataHub m_hub;
    const QString m_bert = TESSERA_TEST_DATA "/hf/bert-tiny-mlm";

    std::unique_ptr<widgets::PanelWidget> create()
    {
        return std::unique_ptr<widgets::PanelWidget>(m_plugins.panel("attention")->create({&m_jobs, &m_hub}, nullptr));
    }

private slots:
    void initTestCase()
    {
        m_jobs.setInline(true);
        m_plugins.loadAll({TESSERA_PLUGIN_DIR});
        QVERIFY(m_plugins.panel("attention"));
    }

    void headEqualsTransformers()
    {
        // The fixture's second row is one masked sentence, right-padded; its attention among the
        // real tokens is what the unpadded sentence gives.
        const SafetensorsFile expected((m_bert + "/expected.safetensors").toStdString());
        const std::vector<int64_t> ids = expected.readInt64("input_ids");
        const std::vector<int64_t> mask = expected.readInt64("attention_mask");
        std::vector<int64_t> row;
        for (size_t i = 23; i < 46; ++i)
            if (mask[i])
                row.push_back(ids[i]);
        const auto tokenizer = loadTokenizer(m_bert.toStdString());
        std::string text = tokenizer->decode(row, false);
        text = text.substr(6, text.size() - 12); // without "[CLS] " and " [SEP]"
        auto panel = create();
        QString error;
        for (int layer = 0; layer < 2; ++layer)
            for (int head = 0; head < 4; ++head) {
                QVERIFY2(panel->setOptions({{"model", m_bert},
                                            {"text", QString::fromStdString(text)},
                                            {"layer", QString::number(layer)},
                                            {"head", QString::number(head)},
                                            {"view", "head"}},
                                           &error),
                         qPrintable(error));
                const MatrixPtr shown = panel->currentFigure()->figureTable().matrix;
                const int64_t n = int64_t(row.size());
                QCOMPARE(shown->rows, n);
                const FloatTensor reference =
                    expected.readFloat("attentions." + std::to_string(layer)); // [2, 4, 23, 23]
                for (int64_t q = 0; q < n; ++q)
                    for (int64_t k = 0; k < n; ++k) {
                        const float want = reference.values[size_t(((1 * 4 + head) * 23 + q) * 23 + k)];
                        QVERIFY2(std::abs(shown->at(q, k) - want) <= 2e-4 + 1e-3 * want,
                                 qPrintable(QString("layer %1 head %2 (%3,%4)").arg(layer).arg(head).arg(q).arg(k)));
                    }
            }
        // Aggregates: every row of the mean and of the rollout is a distribution.
        for (const char *aggregate : {"mean", "rollout"}) {
            QVERIFY(panel->setOptions({{"head", aggregate}}, &error));
            const MatrixPtr m = panel->currentFigure()->figureTable().matrix;
            for (int64_t q = 0; q < m->rows; ++q) {
                double sum = 0.0;
                for (int64_t k = 0; k < m->cols; ++k)
                    sum += m->at(q, k);
                // Captures are kept as float16: each weight within 2^-11 relative (its unit
                // roundoff, 4.9e-4), so a row of weights summing to one within 4.9e-4 (plus the
                // float32 arithmetic of the aggregate).
                QVERIFY2(std::abs(sum - 1.0) < 5e-4, qPrintable(QString::number(sum - 1.0)));
            }
        }
        QVERIFY(!panel->setOptions({{"head", "7"}}, &error));
        QVERIFY(error.contains("does not exist"));
        QVERIFY(!panel->setOptions({{"layer", "9"}}, &error));
    }

    void sessionLayerAppliesWhenTheCaptureArrives()
    {
        // In the GUI the capture is a job: a restored session's layer and head must still apply.
        m_jobs.setInline(false);
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"model", m_bert}, {"text", "the cat sat"}, {"layer", "1"}, {"head", "2"}}, &error),
                 qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(panel->currentFigure()->figureTable().matrix != nullptr, 20000);
        QCOMPARE(panel->options().value("layer").toString(), QString("1"));
        QCOMPARE(panel->options().value("head").toString(), QString("2"));
        QCOMPARE(panel->options().value("model").toString(), m_bert);
        m_jobs.setInline(true);
    }

    void causalMaskAndViews()
    {
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"model", TESSERA_TEST_DATA "/hf/gpt2-tiny"}, {"text", "The cat sat on the mat."}},
                                   &error),
                 qPrintable(error));
        const MatrixPtr head = panel->figure("head")->figureTable().matrix;
        QVERIFY(std::isnan(head->at(0, 1))); // the future is masked, drawn grey
        QVERIFY(!std::isnan(head->at(1, 0)));
        QCOMPARE(head->at(0, 0), 1.0f); // t1 sees only itself
        const widgets::FigureTable queries = panel->figure("queries")->figureTable();
        QCOMPARE(queries.columns.back().size(), size_t(head->rows));
        const MatrixPtr entropy = panel->figure("entropy")->figureTable().matrix;
        QCOMPARE(entropy->rows, 2);
        QCOMPARE(entropy->cols, 4);
        QCOMPARE(panel->figure("model")->figureTable().matrix->rows, 2);
        QCOMPARE(panel->figure("links")->figureTable().matrix->rows, head->rows);
        QTemporaryDir dir;
        for (const QString &name : panel->figureNames())
            QCOMPARE(
                widgets::exportFigure(*panel->figure(name), dir.filePath(name + ".svg"), widgets::ExportFormat::Svg),
                QString());
    }

    void stepThrough()
    {
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"model", TESSERA_TEST_DATA "/hf/gpt2-tiny"},
                                    {"text", "The cat sat on the mat."},
                                    {"layer", "1"},
                                    {"head", "2"},
                                    {"view", "step"}},
                                   &error),
                 qPrintable(error));
        // The softmax panel of the step-through is the head map itself (rows sum to one, future masked at 0).
        const MatrixPtr weights = panel->figure("step")->figureTable().matrix;
        QVERIFY(weights);
        QVERIFY(panel->setOptions({{"view", "head"}}, &error));
        const MatrixPtr head = panel->figure("head")->figureTable().matrix;
        QCOMPARE(weights->rows, head->rows);
        for (int64_t q = 0; q < head->rows; ++q)
            for (int64_t k = 0; k <= q; ++k)
                // float16 storage: 2^-11 relative, 2^-25 absolute below the normal range.
                QVERIFY(std::abs(weights->at(q, k) - head->at(q, k)) <= 4.9e-4 * head->at(q, k) + 3e-8);
    }

    void comparingTwoInputs()
    {
        auto panel = create();
        QString error;
        // The notes' one-word negation: "안" adds a token, so heads are compared by entropy.
        QVERIFY2(panel->setOptions({{"model", m_bert},
                                    {"text", "나는 학교에 간다"},
                                    {"compare", "나는 학교에 안 간다"},
                                    {"view", "compare"}},
                                   &error),
                 qPrintable(error));
        QCOMPARE(panel->currentFigure()->figureTable().matrix->rows, 2);
        // Same length: a token-by-token difference map that is zero for identical texts.
        QVERIFY(panel->setOptions({{"text", "The cat sat."}, {"compare", "The cat sat."}}, &error));
        const MatrixPtr same = panel->currentFigure()->figureTable().matrix;
        for (float v : same->values)
            QCOMPARE(v, 0.0f);
    }

    void pairsAndPredictions()
    {
        auto panel = create();
        QString error;
        // The glossary's pair (001:390-433): segments A and B, and the fill-mask beside the map.
        QVERIFY2(panel->setOptions({{"model", m_bert},
                                    {"text", "HuggingFace is based in [MASK]"},
                                    {"pair", "Where is HuggingFace based?"},
                                    {"view", "predictions"}},
                                   &error),
                 qPrintable(error));
        const widgets::FigureTable predictions = panel->currentFigure()->figureTable();
        QCOMPARE(predictions.columns.back().size(), size_t(10));
        QCOMPARE(panel->options().value("pair").toString(), QString("Where is HuggingFace based?"));
        // [CLS] Hu ##gging ##F ##ace is based in [MASK] [SEP] Where is Hu ##gging ##F ##ace based ? [SEP]
        QCOMPARE(panel->figure("head")->figureTable().matrix->rows, 19);
    }

    void paddingAndMasks()
    {
        auto panel = create();
        QString error;
        QVERIFY(panel->setOptions({{"model", m_bert},
                                   {"text", "This is a short sequence."},
                                   {"layer", "1"},
                                   {"head", "3"},
                                   {"view", "links"}},
                                  &error));
        const Matrix plain = *panel->currentFigure()->figureTable().matrix; // 8 x 8
        QCOMPARE(plain.rows, 8);
        // Padded to 19 as in the glossary's example: padding gets no attention and changes nothing else.
        QVERIFY2(panel->setOptions({{"pad-to", "19"}}, &error), qPrintable(error));
        const Matrix padded = *panel->currentFigure()->figureTable().matrix;
        QCOMPARE(padded.rows, 19);
        for (int64_t q = 0; q < 8; ++q) {
            for (int64_t k = 0; k < 8; ++k)
                QVERIFY(std::abs(padded.at(q, k) - plain.at(q, k)) < 1e-5);
            for (int64_t k = 8; k < 19; ++k)
                QVERIFY(padded.at(q, k) < 1e-6f);
        }
        QVERIFY(std::isnan(panel->figure("head")->figureTable().matrix->at(0, 10))); // drawn grey
        // Without the masks the padding is attended to.
        QVERIFY(panel->setOptions({{"masks", "false"}}, &error));
        const Matrix unmasked = *panel->currentFigure()->figureTable().matrix;
        double onPadding = 0.0;
        for (int64_t k = 8; k < 19; ++k)
            onPadding += unmasked.at(0, k);
        QVERIFY(onPadding > 0.05);
        // GPT-2 without its causal mask sees the future.
        QVERIFY(panel->setOptions({{"model", TESSERA_TEST_DATA "/hf/gpt2-tiny"},
                                   {"text", "The cat sat on the mat."},
                                   {"pad-to", "0"},
                                   {"masks", "false"},
                                   {"view", "head"}},
                                  &error));
        QVERIFY(panel->currentFigure()->figureTable().matrix->at(0, 1) > 0.0f);
        QVERIFY(!panel->setOptions({{"pad-to", "-1"}}, &error));
        QVERIFY(!panel->setOptions({{"masks", "maybe"}}, &error));
    }

    void twoCheckpoints()
    {
        // A copy of the fixture with one query projection scaled: only what follows it changes.
        QTemporaryDir dir;
        QFile::copy(m_bert + "/config.json", dir.filePath("config.json"));
        QFile::copy(m_bert + "/vocab.txt", dir.filePath("vocab.txt"));
        QFile::copy(m_bert + "/tokenizer_config.json", dir.filePath("tokenizer_config.json"));
        const SafetensorsFile file((m_bert + "/model.safetensors").toStdString());
        std::vector<std::pair<std::string, FloatTensor>> tensors;
        for (const std::string &key : file.keys()) {
            FloatTensor t = file.readFloat(key);
            if (key == "bert.encoder.layer.1.attention.self.query.weight")
                for (float &v : t.values)
                    v *= 2.0f;
            tensors.emplace_back(key, std::move(t));
        }
        writeSafetensors(dir.filePath("model.safetensors").toStdString(), tensors);
        auto panel = create();
        QString error;
        auto maxAbs = [&](int layer) {
            panel->setOptions({{"layer", QString::number(layer)}}, &error);
            float worst = 0.0f;
            for (float v : panel->figure("compare")->figureTable().matrix->values)
                worst = std::max(worst, std::abs(v));
            return worst;
        };
        QVERIFY2(panel->setOptions({{"model", m_bert},
                                    {"text", "The cat sat on the mat."},
                                    {"compare-model", dir.path()},
                                    {"head", "0"},
                                    {"view", "compare"}},
                                   &error),
                 qPrintable(error));
        QCOMPARE(maxAbs(0), 0.0f);  // layer 0 is untouched
        QVERIFY(maxAbs(1) > 1e-3f); // layer 1's queries were scaled
        QVERIFY(!panel->setOptions({{"compare-model", TESSERA_TEST_DATA "/hf/gpt2-tiny"}}, &error));
        QVERIFY2(error.contains("architecture"), qPrintable(error));
    }

    void badInput()
    {
        auto panel = create();
        QString error;
        QVERIFY(!panel->setOptions({{"model", "/no/such/folder"}}, &error));
        QVERIFY(error.contains("config.json"));
        QVERIFY(!panel->setOptions({{"model", TESSERA_TEST_DATA "/hf/vit-tiny"}, {"text", "x"}}, &error));
        QVERIFY2(error.contains("text models"), qPrintable(error));
        QVERIFY(!panel->setOptions({{"model", m_bert}, {"text", ""}}, &error));
        QVERIFY(error.contains("type a text"));
        QVERIFY(!panel->setOptions({{"top-u", "0"}}, &error));
    }
};

QTEST_MAIN(TestAttentionPanel)
#include "tst_attention.moc"
