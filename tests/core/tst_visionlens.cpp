// The ViT lens's computations against the vit-tiny fixture (made with Hugging Face
// transformers: rollout, mean attention distance, hidden_states.0) and against hand
// calculations (discard ratio, head fusion, cosine similarities, principal components).

#include "tessera/core/Error.h"
#include "tessera/core/Model.h"
#include "tessera/core/Pipelines.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/VisionLens.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace tessera;
using namespace tessera::vision;

namespace {

const std::string kVit = TESSERA_TEST_DATA "/hf/vit-tiny";

// Batch item b of a fixture attention [batch, heads, n, n] -> [heads, n, n].
FloatTensor item(const FloatTensor &t, int64_t b)
{
    FloatTensor out;
    out.shape.assign(t.shape.begin() + 1, t.shape.end());
    const size_t size = size_t(out.elementCount());
    out.values.assign(t.values.begin() + long(size_t(b) * size), t.values.begin() + long(size_t(b + 1) * size));
    return out;
}

FloatTensor layerOf(int64_t heads, int64_t n, const std::vector<float> &values)
{
    return {{heads, n, n}, values};
}

} // namespace

class TestVisionLens : public QObject {
    Q_OBJECT
private slots:
    void geometryOfTheConfig()
    {
        const PatchGeometry g = patchGeometry(ModelConfig::fromFile(kVit + "/config.json"));
        QCOMPARE(g.grid, 4); // 32 / 8
        QCOMPARE(g.patches, 16);
        QCOMPARE(g.tokens(), 17);
        QCOMPARE(g.patchValues, 3 * 8 * 8);
        QCOMPARE(QString::fromStdString(g.describe()),
                 QStringLiteral(
                     "32/8 = 4 per side: 16 patches of 192 values (8x8x3), each projected to 32; + [CLS] = 17 tokens"));
        // ViT-B/16 as the notes give it (003:334-337): 196 patches of 768 values.
        ModelConfig b16;
        b16.modelType = "vit";
        b16.imageSize = 224;
        b16.patchSize = 16;
        b16.hiddenSize = 768;
        const PatchGeometry gb = patchGeometry(b16);
        QCOMPARE(gb.patches, 196);
        QCOMPARE(gb.patchValues, 768);
        b16.patchSize = 15;
        QVERIFY_THROWS_EXCEPTION(Error, patchGeometry(b16));
        b16.modelType = "bert";
        QVERIFY_THROWS_EXCEPTION(Error, patchGeometry(b16));
    }

    // The patch sequence through the model's own projection plus its position table gives the
    // fixture's hidden_states.0 (the embeddings transformers computed).
    void patchVectorsAreWhatTheProjectionReads()
    {
        const auto model = loadModel(kVit);
        const PatchGeometry g = patchGeometry(model->info().config);
        SafetensorsFile expected(kVit + "/expected.safetensors");
        FloatTensor pixels = expected.readFloat("pixel_values");
        const FloatTensor hidden0 = expected.readFloat("hidden_states.0");
        pixels.shape[0] = 1;
        pixels.values.resize(size_t(3 * 32 * 32)); // image 0
        const Matrix vectors = patchVectors(pixels, g);
        QCOMPARE(vectors.rows, 16);
        QCOMPARE(vectors.cols, 192);
        const FloatTensor w = model->weight("embeddings.patch_embeddings.projection.weight");
        const FloatTensor b = model->weight("embeddings.patch_embeddings.projection.bias");
        QCOMPARE(w.shape, (std::vector<int64_t>{32, 3, 8, 8}));
        const Matrix positions = model->positionTable();
        double worst = 0.0;
        for (int64_t p = 0; p < 16; ++p)
            for (int64_t d = 0; d < 32; ++d) {
                double sum = b.values[size_t(d)] + positions.at(p + 1, d);
                for (int64_t k = 0; k < 192; ++k)
                    sum += double(vectors.at(p, k)) * w.values[size_t(d * 192 + k)];
                worst = std::max(worst, std::abs(sum - hidden0.values[size_t((1 + p) * 32 + d)]));
            }
        QVERIFY2(worst < 2e-4, qPrintable(QString::number(worst)));
        QVERIFY_THROWS_EXCEPTION(Error, model->weight("no.such.weight"));
    }

    void attentionOnThePatchGrid()
    {
        SafetensorsFile expected(kVit + "/expected.safetensors");
        const FloatTensor layer = item(expected.readFloat("attentions.1"), 1);
        const PatchGeometry g = patchGeometry(ModelConfig::fromFile(kVit + "/config.json"));
        double cls = 0.0;
        // Query patch (2, 1) = token 10, head 3: entry (r, c) is the weight on token 1 + 4r + c.
        const Matrix map = attentionOnPatches(layer, 3, 10, g, &cls);
        auto at = [&](int64_t h, int64_t q, int64_t k) { return layer.values[size_t((h * 17 + q) * 17 + k)]; };
        QCOMPARE(map.rows, 4);
        QCOMPARE(map.at(0, 0), at(3, 10, 1));
        QCOMPARE(map.at(3, 2), at(3, 10, 15));
        QCOMPARE(cls, double(at(3, 10, 0)));
        double total = cls;
        for (float v : map.values)
            total += v;
        QVERIFY(std::abs(total - 1.0) < 1e-5);
        // The mean over the four heads.
        const Matrix mean = attentionOnPatches(layer, -1, 0, g);
        const double expectedMean = (at(0, 0, 6) + at(1, 0, 6) + at(2, 0, 6) + at(3, 0, 6)) / 4.0;
        QVERIFY(std::abs(mean.at(1, 1) - expectedMean) < 1e-7);
        const Matrix all = attentionOfAllHeads(layer, 5, g);
        QCOMPARE(all.rows, 4);
        QCOMPARE(all.at(2, 7), at(2, 5, 8));
        QVERIFY_THROWS_EXCEPTION(Error, attentionOnPatches(layer, 4, 0, g));
        QVERIFY_THROWS_EXCEPTION(Error, attentionOnPatches(layer, 0, 17, g));
        QVERIFY_THROWS_EXCEPTION(Error, attentionOnPatches(layerOf(1, 5, std::vector<float>(25)), 0, 0, g));
    }

    // Mean fusion without discarding is Abnar & Zuidema's rollout: the fixture's.
    void rolloutEqualsTheFixture()
    {
        SafetensorsFile expected(kVit + "/expected.safetensors");
        const FloatTensor reference = expected.readFloat("rollout");
        for (int64_t b = 0; b < 2; ++b) {
            const Matrix r =
                rollout({item(expected.readFloat("attentions.0"), b), item(expected.readFloat("attentions.1"), b)},
                        HeadFusion::Mean, 0.0);
            QCOMPARE(r.rows, 17);
            double worst = 0.0;
            for (int64_t i = 0; i < 17 * 17; ++i)
                worst = std::max(worst, double(std::abs(r.values[size_t(i)] - reference.values[size_t(b * 289 + i)])));
            QVERIFY2(worst < 2e-4, qPrintable(QString::number(worst)));
        }
    }

    // By hand. One layer, two heads, two tokens.
    //   head 0 [[0.7, 0.3], [0.4, 0.6]], head 1 [[0.5, 0.5], [0.2, 0.8]]
    //   max  [[0.7, 0.5], [0.4, 0.8]] -> (A + I) / 2 = [[0.85, 0.25], [0.2, 0.9]] -> rows / 1.1
    //   min  [[0.5, 0.3], [0.2, 0.6]] -> [[0.75, 0.15], [0.1, 0.8]] -> rows / 0.9
    //   mean, discard 0.5: [[0.6, 0.4], [0.3, 0.7]], the two smallest (0.3, 0.4) -> 0:
    //        [[0.8, 0], [0, 0.85]] -> identity
    //   discard 0.75 would also take 0.6 ([CLS]->[CLS], index 0): kept, so again the identity.
    void rolloutFusionAndDiscardByHand()
    {
        const FloatTensor layer = layerOf(2, 2, {0.7f, 0.3f, 0.4f, 0.6f, 0.5f, 0.5f, 0.2f, 0.8f});
        const Matrix max = rollout({layer}, HeadFusion::Max, 0.0);
        QVERIFY(std::abs(max.at(0, 0) - 0.85 / 1.1) < 1e-6);
        QVERIFY(std::abs(max.at(1, 0) - 0.2 / 1.1) < 1e-6);
        const Matrix min = rollout({layer}, HeadFusion::Min, 0.0);
        QVERIFY(std::abs(min.at(0, 1) - 0.15 / 0.9) < 1e-6);
        QVERIFY(std::abs(min.at(1, 1) - 0.8 / 0.9) < 1e-6);
        const Matrix discarded = rollout({layer}, HeadFusion::Mean, 0.5);
        QVERIFY(std::abs(discarded.at(0, 0) - 1.0) < 1e-6);
        QVERIFY(std::abs(discarded.at(0, 1)) < 1e-7);
        QVERIFY(std::abs(discarded.at(1, 1) - 1.0) < 1e-6);
        const Matrix most = rollout({layer}, HeadFusion::Mean, 0.75);
        QVERIFY(std::abs(most.at(0, 0) - 1.0) < 1e-6); // 0.6 kept, the row renormalised
        QVERIFY(std::abs(most.at(1, 1) - 1.0) < 1e-6);
        // Two layers multiply from the first up: R = A2 A1.
        const Matrix two = rollout({layer, layer}, HeadFusion::Max, 0.0);
        const double a00 = 0.85 / 1.1, a01 = 0.25 / 1.1, a10 = 0.2 / 1.1, a11 = 0.9 / 1.1;
        QVERIFY(std::abs(two.at(0, 1) - (a00 * a01 + a01 * a11)) < 1e-6);
        QVERIFY(std::abs(two.at(1, 0) - (a10 * a00 + a11 * a10)) < 1e-6);
        QVERIFY_THROWS_EXCEPTION(Error, rollout({layer}, HeadFusion::Mean, 1.0));
        QVERIFY_THROWS_EXCEPTION(Error, rollout({}, HeadFusion::Mean, 0.0));
        QCOMPARE(headFusionFromName("min"), HeadFusion::Min);
        QVERIFY_THROWS_EXCEPTION(Error, headFusionFromName("median"));
    }

    void rolloutMaskIsTheClsRowOverItsMaximum()
    {
        PatchGeometry g;
        g.grid = 2;
        g.patches = 4;
        Matrix r(5, 5, 0.0f);
        const float row[5] = {0.5f, 0.1f, 0.2f, 0.05f, 0.15f};
        std::copy_n(row, 5, r.values.begin());
        const Matrix mask = rolloutMask(r, g);
        QCOMPARE(mask.at(0, 1), 1.0f);
        QCOMPARE(mask.at(0, 0), 0.5f);
        QCOMPARE(mask.at(1, 0), 0.25f);
    }

    // Rows (after [CLS]): e0, e1, -e0, e0 + e1: cosines 0, -1, 1/sqrt(2), ...
    void positionSimilarityByHand()
    {
        PatchGeometry g;
        g.grid = 2;
        g.patches = 4;
        Matrix table(5, 2);
        table.values = {9, 9, 1, 0, 0, 1, -1, 0, 1, 1};
        const Matrix s = positionSimilarity(table, g);
        QCOMPARE(s.rows, 4);
        QVERIFY(std::abs(s.at(0, 0) - 1.0f) < 1e-6);
        QVERIFY(std::abs(s.at(0, 1)) < 1e-6);
        QVERIFY(std::abs(s.at(0, 2) + 1.0f) < 1e-6);
        QVERIFY(std::abs(s.at(1, 3) - float(1.0 / std::sqrt(2.0))) < 1e-6);
        QVERIFY_THROWS_EXCEPTION(Error, positionSimilarity(Matrix(3, 2), g));
    }

    // Filters built from two orthonormal directions with the larger spread on u: the first
    // component is u, the second v, and they explain all the variance.
    void filterComponentsRecoverTheDirections()
    {
        PatchGeometry g;
        g.channels = 1;
        g.patchSize = 2;
        g.patchValues = 4;
        g.hidden = 6;
        const double u[4] = {0.5, 0.5, 0.5, 0.5}, v[4] = {0.5, -0.5, 0.5, -0.5};
        const double a[6] = {3, -3, 2, -2, 1, -1}, b[6] = {0.5, 0.5, -0.5, -0.5, 0, 0}; // a.b = 0, both sum to 0
        FloatTensor w{{6, 1, 2, 2}, std::vector<float>(24)};
        for (int i = 0; i < 6; ++i)
            for (int k = 0; k < 4; ++k)
                w.values[size_t(i * 4 + k)] =
                    float(1.0 + a[i] * u[k] + b[i] * v[k]); // + a constant, removed by centring
        const FilterComponents f = filterPrincipalComponents(w, g, 3);
        QCOMPARE(f.components.size(), size_t(3));
        QCOMPARE(f.components[0].shape, (std::vector<int64_t>{1, 2, 2}));
        double dotU = 0.0, dotV = 0.0;
        for (int k = 0; k < 4; ++k) {
            dotU += f.components[0].values[size_t(k)] * u[k];
            dotV += f.components[1].values[size_t(k)] * v[k];
        }
        QVERIFY(std::abs(std::abs(dotU) - 1.0) < 1e-5);
        QVERIFY(std::abs(std::abs(dotV) - 1.0) < 1e-5);
        // Variance along u: sum a^2 = 28, along v: sum b^2 = 1 (both centred already).
        QVERIFY(std::abs(f.explainedVariance[0] - 28.0 / 29.0) < 1e-6);
        QVERIFY(std::abs(f.explainedVariance[1] - 1.0 / 29.0) < 1e-6);
        QVERIFY(f.explainedVariance[2] < 1e-9);
        QVERIFY_THROWS_EXCEPTION(Error, filterPrincipalComponents(FloatTensor{{5, 4}, std::vector<float>(20)}, g, 2));
    }

    // The fixture averages its two images; one image at a time, the accumulator's mean must
    // give the same, and the deviation of two values a, b is |a - b| / sqrt(2).
    void distanceOverImagesEqualsTheFixture()
    {
        const auto model = loadModel(kVit);
        const ImagePreprocessing p = ImagePreprocessing::fromFile(kVit + "/preprocessor_config.json");
        const std::vector<std::string> files = imageFilesIn(kVit, 10);
        QCOMPARE(files.size(), size_t(2));
        QVERIFY(QString::fromStdString(files[0]).endsWith("image0.png"));
        BasicJobContext context;
        const DistanceStatistics s = meanAttentionDistanceOverImages(
            *model, p, 2, [&](int64_t i) { return readImage(files[size_t(i)], 3); }, &context);
        QCOMPARE(s.images, 2);
        QCOMPARE(context.progress(), 1.0);
        SafetensorsFile expected(kVit + "/expected.safetensors");
        for (bool renormalized : {false, true}) {
            const FloatTensor reference = expected.readFloat(renormalized ? "mean_attention_distance.renormalized"
                                                                          : "mean_attention_distance.raw");
            QCOMPARE(s.mean(renormalized).rows, 2);
            QCOMPARE(s.mean(renormalized).cols, 4);
            for (size_t i = 0; i < reference.values.size(); ++i)
                QVERIFY2(std::abs(s.mean(renormalized).values[i] - reference.values[i]) <
                             2e-4 + 1e-3 * std::abs(reference.values[i]),
                         qPrintable(QString::number(i)));
        }
        // Deviation against two single-image measurements.
        ModelInputs one;
        CaptureOptions capture;
        capture.meanAttentionDistance = true;
        std::vector<FloatTensor> raw;
        for (const std::string &file : files) {
            one.floats["pixel_values"] = preprocessImage(file, p);
            raw.push_back(model->run(one, capture).at("mean_attention_distance.raw"));
        }
        for (size_t i = 0; i < 8; ++i)
            QVERIFY(std::abs(s.rawDeviation.values[i] -
                             std::abs(raw[0].values[i] - raw[1].values[i]) / std::sqrt(2.0)) < 1e-4);
        // Cancelling stops between images.
        context.cancel();
        QVERIFY_THROWS_EXCEPTION(
            CancelledError, meanAttentionDistanceOverImages(
                                *model, p, 2, [&](int64_t i) { return readImage(files[size_t(i)], 3); }, &context));
    }

    void imageSetErrorsAreClear()
    {
        QTemporaryDir dir;
        const std::string broken = dir.filePath("broken.png").toStdString();
        std::ofstream(broken) << "not a png";
        const auto model = loadModel(kVit);
        const ImagePreprocessing p = ImagePreprocessing::fromFile(kVit + "/preprocessor_config.json");
        try {
            meanAttentionDistanceOverImages(*model, p, 1, [&](int64_t) { return readImage(broken, 3); });
            QFAIL("a broken image was accepted");
        } catch (const Error &e) {
            QVERIFY(QString::fromUtf8(e.what()).contains("broken.png"));
        }
        QVERIFY_THROWS_EXCEPTION(Error, meanAttentionDistanceOverImages(*model, p, 0, {}));
        QVERIFY_THROWS_EXCEPTION(Error, imageFilesIn(dir.filePath("missing").toStdString(), 5));
        QCOMPARE(imageFilesIn(dir.path().toStdString(), 5).size(), size_t(1));
        QCOMPARE(imageFilesIn(dir.path().toStdString(), 0).size(), size_t(0));
    }

    // A grey dataset sample converted for an RGB model, and an RGB image for a grey one.
    void channelConversions()
    {
        ImageDataset d;
        d.count = 2;
        d.rows = 2;
        d.cols = 3;
        d.pixels = {0, 1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 60};
        const Image8 second = datasetImage(d, 1);
        QCOMPARE(second.pixels, (std::vector<uint8_t>{10, 20, 30, 40, 50, 60}));
        QVERIFY_THROWS_EXCEPTION(Error, datasetImage(d, 2));
        ImagePreprocessing rgb;
        rgb.resize = false;
        const Image8 asRgb = resizeForModel(second, rgb);
        QCOMPARE(asRgb.channels, 3);
        QCOMPARE(asRgb.pixels[3], uint8_t(20));
        QCOMPARE(asRgb.pixels[4], uint8_t(20));
        const FloatTensor values = normalizePixels(asRgb, rgb);
        QCOMPARE(values.shape, (std::vector<int64_t>{1, 3, 2, 3}));
        QVERIFY(std::abs(values.values[0] - float((10 / 255.0 - 0.5) / 0.5)) < 1e-6);
        ImagePreprocessing grey = rgb;
        grey.mean = {0.5};
        grey.std = {0.5};
        const Image8 back = resizeForModel(asRgb, grey);
        QCOMPARE(back.channels, 1);
        QCOMPARE(back.pixels, second.pixels);
        QVERIFY_THROWS_EXCEPTION(Error, resizeForModel(Image8{}, grey));
    }
};

QTEST_GUILESS_MAIN(TestVisionLens)
#include "tst_visionlens.moc"
