// The Lens panel driven by its options (as tessera-cli export and sessions do) on gpt2-tiny with
// the IOI pair and on vit-tiny: a number (or the whole map) of every view's figureTable() against
// the interpretability references made with independent PyTorch code
// (tests/data/reference/interpretability, ../shared/fixtures/README.md), the checks the titles
// show, an export, and bad input refused with a message naming the option or the folder.

#include "tessera/core/Safetensors.h"
#include "tessera/plugins/PluginManager.h"
#include "tessera/widgets/FigureExporter.h"

#include "support/Tolerance.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace tessera;

namespace {

const QString kGpt2 = TESSERA_TEST_DATA "/hf/gpt2-tiny";
const QString kVit = TESSERA_TEST_DATA "/hf/vit-tiny";
const QString kDetr = TESSERA_TEST_DATA "/hf/detr-tiny";
const std::string kGpt2Reference = TESSERA_TEST_DATA "/reference/interpretability/gpt2-tiny/expected.safetensors";
const std::string kVitReference = TESSERA_TEST_DATA "/reference/interpretability/vit-tiny/expected.safetensors";
const QString kClean = QStringLiteral("When Mary and John went to the store, John gave a drink to");
const QString kCorrupted = QStringLiteral("When Mary and John went to the store, Mary gave a drink to");

// The references' tolerance (their expected.json: atol 2e-4, rtol 1e-3).
constexpr test::Tolerance kReference = test::kTransformers;

FloatTensor asTensor(const Matrix &matrix)
{
    return {{matrix.rows, matrix.cols}, matrix.values};
}

// The last column of a bar chart's table: the bar values.
FloatTensor barValues(const widgets::FigureTable &table)
{
    const std::vector<double> &values = table.columns.back();
    return {{int64_t(values.size())}, std::vector<float>(values.begin(), values.end())};
}

} // namespace

class TestLensPanel : public QObject {
    Q_OBJECT
private:
    plugins::PluginManager m_plugins;
    widgets::JobRunner m_jobs;
    widgets::DataHub m_hub;

    std::unique_ptr<widgets::PanelWidget> create()
    {
        return std::unique_ptr<widgets::PanelWidget>(m_plugins.panel("lens")->create({&m_jobs, &m_hub}, nullptr));
    }

    // The IOI pair on gpt2-tiny, target " Mary" against " John", shown as view.
    std::unique_ptr<widgets::PanelWidget> ioi(const QString &view, QVariantMap extra = {})
    {
        auto panel = create();
        QVariantMap options{{"model", kGpt2},    {"text", kClean},      {"corrupted", kCorrupted},
                            {"target", " Mary"}, {"contrast", " John"}, {"view", view}};
        for (auto it = extra.cbegin(); it != extra.cend(); ++it)
            options[it.key()] = it.value();
        QString error;
        if (!panel->setOptions(options, &error))
            qWarning("%s", qPrintable(error));
        return panel;
    }

    static FloatTensor matrixOf(widgets::PanelWidget &panel, const QString &view)
    {
        const widgets::FigureTable table = panel.figure(view)->figureTable();
        return table.matrix ? asTensor(*table.matrix) : FloatTensor{};
    }

private slots:
    void initTestCase()
    {
        m_jobs.setInline(true);
        m_plugins.loadAll({TESSERA_PLUGIN_DIR});
        QVERIFY(m_plugins.panel("lens"));
    }

    // The panel turns the target text into a token id through the tokenizer: the references'
    // interp.tokens.
    void logitLensTopProbabilityIsTheReferences()
    {
        auto panel = ioi("logit-lens");
        const SafetensorsFile expected(kGpt2Reference);
        const FloatTensor table = matrixOf(*panel, "logit-lens");
        QCOMPARE(table.shape, (std::vector<int64_t>{3, 14})); // embeddings, layer 1, final x 14 tokens
        // Each layer's top-token probability at the last position: softmax(logit_lens.l) at its argmax.
        for (int64_t l = 0; l < 3; ++l) {
            const FloatTensor logits = expected.readFloat("logit_lens." + std::to_string(l));
            const float top = *std::max_element(logits.values.begin(), logits.values.end());
            double sum = 0.0;
            for (float v : logits.values)
                sum += std::exp(double(v - top));
            const double probability = 1.0 / sum;
            const double actual = table.values[size_t(l * 14 + 13)];
            QVERIFY2(kReference.close(actual, probability),
                     qPrintable(QStringLiteral("layer %1: %2 vs %3").arg(l).arg(actual).arg(probability)));
        }
        QVERIFY(panel->figure("logit-lens")->figureTitle().contains(QStringLiteral("\u201c Mary\u201d")));
    }

    void directLogitAttributionIsTheReferences()
    {
        auto panel = ioi("dla");
        const SafetensorsFile expected(kGpt2Reference);
        TESSERA_VERIFY_CLOSE(matrixOf(*panel, "dla"), expected.readFloat("dla.heads"), kReference, "dla.heads");
        // The parts-sum check, with the reference's total.
        const QString title = panel->figure("dla")->figureTitle();
        const float total = expected.readFloat("dla.logit_diff").values.at(0);
        QVERIFY2(title.contains(QStringLiteral("parts sum to %1, total %1").arg(total, 0, 'f', 4)), qPrintable(title));
    }

    void ablationIsTheReferences()
    {
        auto panel = ioi("ablation");
        const SafetensorsFile expected(kGpt2Reference);
        TESSERA_VERIFY_CLOSE(matrixOf(*panel, "ablation"), expected.readFloat("ablation.heads"), kReference,
                             "ablation.heads");
    }

    void patchingIsTheReferences()
    {
        auto panel = ioi("patching");
        const SafetensorsFile expected(kGpt2Reference);
        const FloatTensor residual = expected.readFloat("patching.resid_pre");
        TESSERA_VERIFY_CLOSE(matrixOf(*panel, "patching"), residual, kReference, "patching.resid_pre");
        QString error;
        QVERIFY2(panel->setOptions({{"view", "patching-heads"}}, &error), qPrintable(error));
        TESSERA_VERIFY_CLOSE(matrixOf(*panel, "patching-heads"), expected.readFloat("patching.heads"), kReference,
                             "patching.heads");
        // Normalised: (x - corrupted) / (clean - corrupted) of the references' own numbers.
        QVERIFY2(panel->setOptions({{"view", "patching"}, {"normalise", "yes"}}, &error), qPrintable(error));
        const float clean = expected.readFloat("patching.clean_diff").values.at(0);
        const float corrupted = expected.readFloat("patching.corrupt_diff").values.at(0);
        FloatTensor normalised = residual;
        for (float &v : normalised.values)
            v = (v - corrupted) / (clean - corrupted);
        TESSERA_VERIFY_CLOSE(matrixOf(*panel, "patching"), normalised, (test::Tolerance{2e-3, 1e-3}),
                             "normalised patching.resid_pre");
    }

    void saliencyAndIntegratedGradientsAreTheReferences()
    {
        auto panel = ioi("saliency");
        const SafetensorsFile expected(kGpt2Reference);
        TESSERA_VERIFY_CLOSE(barValues(panel->figure("saliency")->figureTable()),
                             expected.readFloat("saliency.grad_x_input"), kReference, "saliency.grad_x_input");
        QString error;
        QVERIFY2(panel->setOptions({{"view", "ig"}, {"ig-steps", "64"}}, &error), qPrintable(error));
        TESSERA_VERIFY_CLOSE(barValues(panel->figure("ig")->figureTable()), expected.readFloat("ig"), kReference, "ig");
        QVERIFY(panel->figure("ig")->figureTitle().contains(QStringLiteral("completeness gap")));
    }

    // vit-tiny on the references' image (image1.png): Chefer's [CLS] relevance and attention flow.
    void relevanceAndFlowAreTheReferences()
    {
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"model", kVit}, {"image", kVit + "/image1.png"}, {"view", "relevance"}}, &error),
                 qPrintable(error));
        const SafetensorsFile expected(kVitReference);
        FloatTensor cls = expected.readFloat("chefer.cls");
        cls.shape = {4, 4};
        TESSERA_VERIFY_CLOSE(matrixOf(*panel, "relevance"), cls, kReference, "chefer.cls");
        QVERIFY2(panel->setOptions({{"view", "flow"}}, &error), qPrintable(error));
        const FloatTensor flow = expected.readFloat("attention_flow.cls");
        const FloatTensor patches{{4, 4}, std::vector<float>(flow.values.begin() + 1, flow.values.end())};
        TESSERA_VERIFY_CLOSE(matrixOf(*panel, "flow"), patches, kReference, "attention_flow.cls");
        // A text view on a ViT says what the model is.
        QVERIFY(!panel->setOptions({{"view", "logit-lens"}}, &error));
        QVERIFY2(error.contains(QStringLiteral("text model")), qPrintable(error));
    }

    void exportsThePatchingMap()
    {
        auto panel = ioi("patching");
        QTemporaryDir dir;
        for (const QString &format : {QStringLiteral("png"), QStringLiteral("svg"), QStringLiteral("csv")}) {
            widgets::ExportFormat exportFormat;
            QVERIFY(widgets::parseExportFormat(format, exportFormat));
            const QString path = dir.filePath("patching." + format);
            const QString error = widgets::exportFigure(*panel->figure("patching"), path, exportFormat);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QVERIFY(QFileInfo(path).size() > 0);
        }
        QFile csv(dir.filePath("patching.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        // The header names the 14 tokens; the "," token is quoted.
        QVERIFY(csv.readLine().contains("\",\""));
    }

    void badInputIsRefusedByName()
    {
        QString error;
        auto panel = create();
        // A target of several tokens.
        QVERIFY(!panel->setOptions({{"model", kGpt2}, {"target", " Mary and John"}, {"view", "dla"}}, &error));
        QVERIFY2(error.contains("--target") && error.contains("3 tokens"), qPrintable(error));
        // A corrupted prompt of another length.
        QVERIFY(!panel->setOptions({{"target", " Mary"},
                                    {"corrupted", "When Mary went to the store, Mary gave a drink to"},
                                    {"view", "patching"}},
                                   &error));
        QVERIFY2(error.contains("--corrupted") && error.contains("equal length"), qPrintable(error));
        // A model folder that is not a text model (nor a ViT): the error names it.
        auto other = create();
        QVERIFY(!other->setOptions({{"model", kDetr}, {"view", "logit-lens"}}, &error));
        QVERIFY2(error.contains("detr-tiny") && error.contains("language-model head"), qPrintable(error));
        QVERIFY(!other->setOptions({{"ig-steps", "0"}}, &error));
        QVERIFY2(error.contains("--ig-steps"), qPrintable(error));
    }
};

QTEST_MAIN(TestLensPanel)
#include "tst_lenspanel.moc"
