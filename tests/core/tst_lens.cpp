// The Lens (core/Lens.h) against the interpretability references made with independent PyTorch
// code on the transformers models (../shared/fixtures/README.md, "Interpretability references";
// copies in tests/data/reference/interpretability and tests/data/hf/llama-tiny): logit lens,
// direct logit attribution (its parts summing to the logit difference), head ablation, residual
// and head patching, gradient x input, gradient norm and integrated gradients on GPT-2 and Llama;
// Chefer relevance and attention flow on ViT. Then the inputs and models it refuses, by name.

#include "tessera/core/Error.h"
#include "tessera/core/Lens.h"
#include "tessera/core/Model.h"
#include "tessera/core/Safetensors.h"

#include "support/Tolerance.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace tessera;

namespace {

const std::string kData = TESSERA_TEST_DATA;

// The references meet atol 2e-4, rtol 1e-3 (their expected.json); the issue asks 1e-3 absolute
// of the logit lens, DLA and patching. Every tensor here is held to the tighter of the two where
// the reference meets it: the fixtures' own tolerance.
constexpr test::Tolerance kReference = test::kTransformers;

FloatTensor scalar(float value)
{
    return {{}, {value}};
}

ModelInputs idsInput(const SafetensorsFile &file, const char *name)
{
    ModelInputs inputs;
    const std::vector<int64_t> ids = file.readInt64(name);
    inputs.integers["input_ids"] = {{1, int64_t(ids.size())}, ids};
    return inputs;
}

double maxAbs(const FloatTensor &a, const FloatTensor &b)
{
    double worst = 0.0;
    for (size_t i = 0; i < std::min(a.values.size(), b.values.size()); ++i)
        worst = std::max(worst, double(std::abs(a.values[i] - b.values[i])));
    return worst;
}

// Compares and logs the largest absolute difference (the report lists them).
void expectClose(const FloatTensor &actual, const SafetensorsFile &reference, const std::string &name)
{
    const FloatTensor expected = reference.readFloat(name);
    QCOMPARE(actual.shape, expected.shape);
    qInfo("%s: max |difference| %.3g", name.c_str(), maxAbs(actual, expected));
    TESSERA_VERIFY_CLOSE(actual, expected, kReference, QString::fromStdString(name));
}

FloatTensor row(const FloatTensor &matrix, int64_t index)
{
    const int64_t width = matrix.shape.at(1);
    return {{width},
            std::vector<float>(matrix.values.begin() + index * width, matrix.values.begin() + (index + 1) * width)};
}

} // namespace

class TestLens : public QObject {
    Q_OBJECT
private slots:
    // GPT-2 (LayerNorm, learned positions, biases) and Llama (RMSNorm, RoPE, grouped heads,
    // no biases): every text method against its reference.
    void textReferences_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("reference");
        QTest::newRow("gpt2-tiny") << QString::fromStdString(kData + "/hf/gpt2-tiny")
                                   << QString::fromStdString(
                                          kData + "/reference/interpretability/gpt2-tiny/expected.safetensors");
        QTest::newRow("llama-tiny") << QString::fromStdString(kData + "/hf/llama-tiny")
                                    << QString::fromStdString(kData + "/hf/llama-tiny/expected.safetensors");
    }

    void textReferences()
    {
        QFETCH(QString, model);
        QFETCH(QString, reference);
        const std::unique_ptr<Model> m = loadModel(model.toStdString());
        const SafetensorsFile expected(reference.toStdString());
        const std::vector<int64_t> tokens = expected.readInt64("interp.tokens");
        lens::Metric metric;
        metric.target = tokens.at(0);
        metric.contrast = tokens.at(1);
        const ModelInputs inputs = idsInput(expected, "interp.input_ids");

        const lens::Support support = lens::support(*m);
        QVERIFY(support.logitLens && support.directLogitAttribution && support.patching && support.inputAttribution);

        const lens::LogitLens lensResult = lens::logitLens(*m, inputs, metric);
        const int64_t layers = m->info().config.layers;
        QCOMPARE(lensResult.logits.shape.at(0), layers + 1);
        for (int64_t l = 0; l <= layers; ++l)
            expectClose(row(lensResult.logits, l), expected, "logit_lens." + std::to_string(l));
        QCOMPARE(lensResult.layerLabels.size(), size_t(layers + 1));
        // The last row is the model's own prediction: its rank-0 token is the logits' argmax.
        const FloatTensor final = row(lensResult.logits, layers);
        const int64_t top = std::max_element(final.values.begin(), final.values.end()) - final.values.begin();
        const int64_t positions = int64_t(expected.readInt64("interp.input_ids").size());
        const int64_t k = lensResult.topTokens.shape.at(2);
        QCOMPARE(lensResult.topTokens.values.at(size_t(((layers * positions) + positions - 1) * k)), top);

        const lens::DirectLogitAttribution dla = lens::directLogitAttribution(*m, inputs, metric);
        expectClose(scalar(dla.embeddings), expected, "dla.embed");
        expectClose(dla.heads, expected, "dla.heads");
        expectClose(dla.attentionBias, expected, "dla.attn_bias");
        expectClose(dla.mlp, expected, "dla.mlp");
        expectClose(scalar(dla.constant), expected, "dla.constant");
        expectClose(scalar(dla.total), expected, "dla.logit_diff");
        qInfo("dla: parts sum to %.7g, the logit difference is %.7g", dla.sumOfParts(), dla.total);
        QVERIFY(std::abs(dla.sumOfParts() - dla.total) < 1e-4f);

        const lens::HeadAblation ablation = lens::ablateHeads(*m, inputs, metric);
        expectClose(ablation.heads, expected, "ablation.heads");

        const ModelInputs clean = idsInput(expected, "patching.clean_ids");
        const ModelInputs corrupted = idsInput(expected, "patching.corrupt_ids");
        const lens::ActivationPatching patching = lens::patchActivations(*m, clean, corrupted, metric);
        expectClose(scalar(patching.clean), expected, "patching.clean_diff");
        expectClose(scalar(patching.corrupted), expected, "patching.corrupt_diff");
        expectClose(patching.residual, expected, "patching.resid_pre");
        expectClose(patching.heads, expected, "patching.heads");
        // The prompts differ in one token: the clean residual entering layer 0 there makes the
        // corrupted run the clean one (normalised 1); at any other position of layer 0 nothing changes (0).
        const std::vector<int64_t> cleanIds = expected.readInt64("patching.clean_ids");
        const std::vector<int64_t> corruptIds = expected.readInt64("patching.corrupt_ids");
        const FloatTensor normalised = patching.normalised(patching.residual);
        for (size_t p = 0; p < cleanIds.size(); ++p)
            QVERIFY(std::abs(normalised.values.at(p) - (cleanIds[p] != corruptIds[p] ? 1.0f : 0.0f)) < 1e-3f);

        const lens::InputAttribution attribution = lens::attributeInputs(*m, inputs, metric, 64);
        expectClose(attribution.gradientTimesInput, expected, "saliency.grad_x_input");
        expectClose(attribution.gradientNorm, expected, "saliency.grad_norm");
        expectClose(attribution.integrated, expected, "ig");
        expectClose(scalar(attribution.integratedTotal), expected, "ig.total");
        qInfo("ig: completeness gap %.4g", attribution.completenessGap());
    }

    // ViT: Chefer et al.'s relevance for the predicted class, and attention flow to [CLS].
    void visionReferences()
    {
        const std::unique_ptr<Model> m = loadModel(kData + "/hf/vit-tiny");
        const SafetensorsFile expected(kData + "/reference/interpretability/vit-tiny/expected.safetensors");
        ModelInputs inputs;
        inputs.floats["pixel_values"] = expected.readFloat("pixel_values");
        const lens::Support support = lens::support(*m);
        QVERIFY(support.relevance && support.attentionFlow);
        QVERIFY(!support.logitLens); // an image classifier reads [CLS] only
        const lens::Relevance relevance = lens::cheferRelevance(*m, inputs);
        QCOMPARE(relevance.subject.target, expected.readInt64("chefer.class").at(0));
        expectClose(relevance.relevance, expected, "chefer.relevance");
        expectClose(relevance.cls, expected, "chefer.cls");
        const lens::AttentionFlow flow = lens::attentionFlow(*m, inputs);
        expectClose(flow.flow, expected, "attention_flow.cls");
    }

    // Inputs the Lens refuses, each naming what is wrong.
    void refusals()
    {
        const std::unique_ptr<Model> gpt2 = loadModel(kData + "/hf/gpt2-tiny");
        const SafetensorsFile expected(kData + "/reference/interpretability/gpt2-tiny/expected.safetensors");
        const ModelInputs inputs = idsInput(expected, "interp.input_ids");
        lens::Metric metric;
        metric.target = 50257; // one past the vocabulary
        try {
            lens::logitLens(*gpt2, inputs, metric);
            QFAIL("a target outside the vocabulary was accepted");
        } catch (const Error &error) {
            QCOMPARE(error.key(), std::string("target"));
            QVERIFY2(QString(error.what()).contains("50257"), error.what());
        }
        metric.target = 1;
        metric.contrast = 1'000'000;
        QVERIFY_THROWS_EXCEPTION(Error, lens::directLogitAttribution(*gpt2, inputs, metric));
        metric.contrast = -1;
        ModelInputs shorter = inputs;
        shorter.integers["input_ids"].values.pop_back();
        shorter.integers["input_ids"].shape[1] -= 1;
        try {
            lens::patchActivations(*gpt2, inputs, shorter, metric);
            QFAIL("a corrupted run of another length was accepted");
        } catch (const Error &error) {
            QCOMPARE(error.key(), std::string("corrupted"));
        }
        QVERIFY_THROWS_EXCEPTION(Error, lens::logitLens(*gpt2, ModelInputs{}, metric));

        // ViT has no unembedding: the logit lens and DLA are refused with the part named.
        const std::unique_ptr<Model> vit = loadModel(kData + "/hf/vit-tiny");
        ModelInputs image;
        image.floats["pixel_values"] =
            SafetensorsFile(kData + "/reference/interpretability/vit-tiny/expected.safetensors")
                .readFloat("pixel_values");
        try {
            lens::logitLens(*vit, image, {});
            QFAIL("the logit lens ran on a ViT");
        } catch (const Error &error) {
            QVERIFY2(QString(error.what()).contains("unembedding"), error.what());
        }
        QVERIFY_THROWS_EXCEPTION(Error, lens::directLogitAttribution(*vit, image, {}));
    }

    // A cancelled job stops with CancelledError; progress reaches 1 when it is not.
    void cancellationAndProgress()
    {
        const std::unique_ptr<Model> gpt2 = loadModel(kData + "/hf/gpt2-tiny");
        const SafetensorsFile expected(kData + "/reference/interpretability/gpt2-tiny/expected.safetensors");
        const ModelInputs inputs = idsInput(expected, "interp.input_ids");
        BasicJobContext cancelled;
        cancelled.cancel();
        QVERIFY_THROWS_EXCEPTION(CancelledError, lens::ablateHeads(*gpt2, inputs, {}, &cancelled));
        BasicJobContext context;
        lens::ablateHeads(*gpt2, inputs, {}, &context);
        QCOMPARE(context.progress(), 1.0);
    }
};

QTEST_GUILESS_MAIN(TestLens)
#include "tst_lens.moc"
