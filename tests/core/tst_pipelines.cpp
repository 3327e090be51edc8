// Pipelines on the fixture checkpoints: image preprocessing equal to the fixture's
// pixel_values (made by transformers' ViTImageProcessor), classification, fill-mask and
// next-token predictions equal to the reference logits' own top entries.

#include "tessera/core/Error.h"
#include "tessera/core/Pipelines.h"
#include "tessera/core/Safetensors.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace tessera;

namespace {
const std::string kHf = TESSERA_TEST_DATA "/hf/";

int64_t argmax(const std::vector<float> &values, size_t begin, size_t count)
{
    return int64_t(std::max_element(values.begin() + long(begin), values.begin() + long(begin + count)) -
                   values.begin() - long(begin));
}
} // namespace

class TestPipelines : public QObject {
    Q_OBJECT
private slots:
    // fuzz_preprocessor's finding: a value of the wrong type escaped as nlohmann's exception and
    // terminated the process. Each must be a tessera::Error naming the file (this test fails
    // on the old code: std::terminate).
    void wrongTypesInPreprocessorConfigAreErrors()
    {
        QTemporaryDir dir;
        for (const char *json : {"{\n \"do_resize\":555555555\n}", "{\"size\": {\"height\": \"x\", \"width\": 3}}",
                                 "{\"do_normalize\": \"yes\"}"}) {
            const QString path = dir.filePath("preprocessor_config.json");
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(json);
            file.close();
            try {
                ImagePreprocessing::fromFile(path.toStdString());
                QFAIL(json);
            } catch (const Error &e) {
                QVERIFY2(QString(e.what()).contains("preprocessor_config.json"), e.what());
            }
        }
    }

    void greyImagesForOneChannelModels()
    {
        // A preprocessor with one mean and one deviation (a Fashion-MNIST ViT) reads the image
        // as grey: a 28 x 28 PGM of value 191 gives (191/255 - 0.5) / 0.25 = 0.99608 everywhere.
        QTemporaryDir dir;
        QFile config(dir.path() + "/preprocessor_config.json");
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(R"({"do_resize": true, "size": {"height": 28, "width": 28}, "do_rescale": true,
                         "rescale_factor": 0.00392156862745098, "do_normalize": true,
                         "image_mean": [0.5], "image_std": [0.25]})");
        config.close();
        QFile image(dir.path() + "/grey.pgm");
        QVERIFY(image.open(QIODevice::WriteOnly));
        image.write(QByteArray("P5\n28 28\n255\n") + QByteArray(784, char(191)));
        image.close();
        const ImagePreprocessing p =
            ImagePreprocessing::fromFile((dir.path() + "/preprocessor_config.json").toStdString());
        const FloatTensor pixels = preprocessImage((dir.path() + "/grey.pgm").toStdString(), p);
        QCOMPARE(pixels.shape, (std::vector<int64_t>{1, 1, 28, 28}));
        for (float v : pixels.values)
            QVERIFY(std::abs(v - (191.0 / 255.0 - 0.5) / 0.25) < 1e-5);
        QFile bad(dir.path() + "/bad.json");
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(R"({"image_mean": [0.5, 0.5], "image_std": [0.5, 0.5]})");
        bad.close();
        QVERIFY_THROWS_EXCEPTION(Error, ImagePreprocessing::fromFile((dir.path() + "/bad.json").toStdString()));
    }

    void imagePreprocessingMatchesTransformers()
    {
        const ImagePreprocessing p = ImagePreprocessing::fromFile(kHf + "vit-tiny/preprocessor_config.json");
        QCOMPARE(p.height, 32);
        const SafetensorsFile expected(kHf + "vit-tiny/expected.safetensors");
        const FloatTensor reference = expected.readFloat("pixel_values"); // [2, 3, 32, 32]
        for (int image = 0; image < 2; ++image) {
            const FloatTensor pixels = preprocessImage(kHf + "vit-tiny/image" + std::to_string(image) + ".png", p);
            QCOMPARE(pixels.shape, (std::vector<int64_t>{1, 3, 32, 32}));
            for (size_t i = 0; i < pixels.values.size(); ++i)
                QVERIFY(std::abs(pixels.values[i] - reference.values[size_t(image) * 3072 + i]) < 1e-6);
        }
        QVERIFY_THROWS_EXCEPTION(Error, preprocessImage(kHf + "vit-tiny/config.json", p));
    }

    void classification()
    {
        const auto model = loadModel(kHf + "vit-tiny");
        const SafetensorsFile expected(kHf + "vit-tiny/expected.safetensors");
        const FloatTensor logits = expected.readFloat("logits");
        const FloatTensor pixels = preprocessImage(
            kHf + "vit-tiny/image1.png", ImagePreprocessing::fromFile(kHf + "vit-tiny/preprocessor_config.json"));
        ModelOutputs outputs;
        const std::vector<Prediction> top = classifyImage(*model, pixels, 3, &outputs);
        QCOMPARE(top.size(), size_t(3));
        QCOMPARE(top[0].id, argmax(logits.values, 10, 10));
        QCOMPARE(top[0].label, "LABEL_" + std::to_string(top[0].id));
        QVERIFY(top[0].probability >= top[1].probability && top[1].probability >= top[2].probability);
        QVERIFY(outputs.count("rollout") && outputs.count("mean_attention_distance.raw"));
    }

    void softmaxTopK()
    {
        // The notes' example (003:152-160): softmax([1, 2, 3]) = [0.090031, 0.244728, 0.665241].
        const float logits[] = {1, 2, 3};
        const auto top = topKSoftmax(logits, 3, 3);
        QCOMPARE(top[0].first, 2);
        QVERIFY(std::abs(top[0].second - 0.665241) < 1e-6);
        QVERIFY(std::abs(top[1].second - 0.244728) < 1e-6);
        QVERIFY(std::abs(top[2].second - 0.090031) < 1e-6);
        // Temperature 2 flattens: softmax([0.5, 1, 1.5]).
        QVERIFY(std::abs(topKSoftmax(logits, 3, 1, 2.0)[0].second - 0.506480) < 1e-6);
        QVERIFY_THROWS_EXCEPTION(Error, topKSoftmax(logits, 3, 1, 0.0));
    }

    void fillMaskAndNextToken()
    {
        const SafetensorsFile bertExpected(kHf + "bert-tiny-mlm/expected.safetensors");
        const auto bert = loadModel(kHf + "bert-tiny-mlm");
        const auto bertTokenizer = loadTokenizer(kHf + "bert-tiny-mlm");
        // The fixture's second input is "This is a short sequence." with one word masked.
        const std::vector<int64_t> ids = bertExpected.readInt64("input_ids");
        const std::vector<int64_t> mask = bertExpected.readInt64("attention_mask");
        std::vector<int64_t> row;
        for (size_t i = 23; i < 46; ++i)
            if (mask[i])
                row.push_back(ids[i]);
        const std::string text = bertTokenizer->decode(row, false);
        QVERIFY2(text.find("[MASK]") != std::string::npos, text.c_str());
        const std::string plain = text.substr(6, text.size() - 12); // drop "[CLS] " and " [SEP]"
        const TextPipelineResult result = fillMask(*bert, *bertTokenizer, plain, 5);
        QCOMPARE(result.encoding.ids, row);
        QCOMPARE(result.predictions.size(), size_t(1));
        const FloatTensor logits = bertExpected.readFloat("logits");
        const size_t position = size_t(result.positions[0]);
        QCOMPARE(result.predictions[0][0].id, argmax(logits.values, (23 + position) * 28996, 28996));
        QVERIFY_THROWS_EXCEPTION(Error, fillMask(*bert, *bertTokenizer, "no mask here", 5));

        const auto gpt2 = loadModel(kHf + "gpt2-tiny");
        const auto gpt2Tokenizer = loadTokenizer(kHf + "gpt2-tiny");
        const SafetensorsFile gptExpected(kHf + "gpt2-tiny/expected.safetensors");
        // "The cat sat on the mat." is the fixture's first row: predict after its first 3 tokens
        // and compare with the reference logits at position 2 (causal: later tokens do not matter).
        const TextPipelineResult next = nextToken(*gpt2, *gpt2Tokenizer, "The cat sat", 4);
        QCOMPARE(next.encoding.ids.size(), size_t(3));
        const FloatTensor gptLogits = gptExpected.readFloat("logits");
        QCOMPARE(next.predictions[0][0].id, argmax(gptLogits.values, 2 * 50257, 50257));
        QCOMPARE(next.predictions[0].size(), size_t(4));
    }
};

QTEST_GUILESS_MAIN(TestPipelines)
#include "tst_pipelines.moc"
