// The detr-shapes recipe: scenes whose boxes are exactly the pixels the shapes cover, mean
// average precision by hand, DETR's set loss falling when one batch is learned by heart, the
// saved folder opened by loadModel (and equal to the weights in memory), and exact resume.

#include "tessera/core/Detr.h"
#include "tessera/core/Error.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/Training.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "TrainingTestSupport.h"

#include <cmath>
#include <set>

using namespace tessera;
using namespace tessera::detr;

namespace {

TrainingOptions shapes(const QString &folder, int64_t steps)
{
    TrainingOptions o;
    o.recipe = "detr-shapes";
    o.outputFolder = folder.toStdString();
    o.steps = steps;
    o.batchSize = 8;
    o.seed = 5;
    o.evaluateEvery = steps;
    return o;
}

} // namespace

class TestDetrTraining : public QObject {
    Q_OBJECT
private slots:
    void sceneBoxesAreThePixelsOfTheShape()
    {
        // One shape per scene: the pixels unlike the background span exactly the box.
        std::set<int64_t> seen;
        for (int64_t index = 0; index < 60; ++index) {
            const ShapesScene scene = shapesScene(11, index, 96, 1);
            QCOMPARE(scene.labels.size(), size_t(1));
            seen.insert(scene.labels[0]);
            const uint8_t *corner = nullptr;
            int64_t x0 = 96, y0 = 96, x1 = -1, y1 = -1;
            // The background is the colour of a pixel outside the box (the box leaves some free).
            const double cx = scene.boxes.at(0, 0) * 96, cy = scene.boxes.at(0, 1) * 96, w = scene.boxes.at(0, 2) * 96,
                         h = scene.boxes.at(0, 3) * 96;
            for (int64_t y = 0; y < 96 && !corner; ++y)
                for (int64_t x = 0; x < 96 && !corner; ++x)
                    if (x < cx - w / 2 - 0.5 || x > cx + w / 2 || y < cy - h / 2 - 0.5 || y > cy + h / 2)
                        corner = &scene.image.pixels[size_t((y * 96 + x) * 3)];
            QVERIFY(corner);
            for (int64_t y = 0; y < 96; ++y)
                for (int64_t x = 0; x < 96; ++x) {
                    const uint8_t *p = &scene.image.pixels[size_t((y * 96 + x) * 3)];
                    if (p[0] == corner[0] && p[1] == corner[1] && p[2] == corner[2])
                        continue;
                    x0 = std::min(x0, x);
                    y0 = std::min(y0, y);
                    x1 = std::max(x1, x);
                    y1 = std::max(y1, y);
                }
            // Pixels x0 .. x1 cover [x0, x1 + 1): centre (x0 + x1 + 1) / 2, width x1 - x0 + 1.
            QVERIFY2(std::abs(double(x0 + x1 + 1) / 2 - cx) < 1e-3 && std::abs(double(x1 - x0 + 1) - w) < 1e-3,
                     qPrintable(QString("scene %1 (%2): x %3..%4, box cx %5 w %6")
                                    .arg(index)
                                    .arg(scene.labels[0])
                                    .arg(x0)
                                    .arg(x1)
                                    .arg(cx)
                                    .arg(w)));
            QVERIFY2(std::abs(double(y0 + y1 + 1) / 2 - cy) < 1e-3 && std::abs(double(y1 - y0 + 1) - h) < 1e-3,
                     qPrintable(QString("scene %1 (%2): y %3..%4, box cy %5 h %6")
                                    .arg(index)
                                    .arg(scene.labels[0])
                                    .arg(y0)
                                    .arg(y1)
                                    .arg(cy)
                                    .arg(h)));
        }
        QCOMPARE(seen.size(), size_t(3)); // rectangles, ellipses and triangles all appear
        const ShapesScene a = shapesScene(3, 7), b = shapesScene(3, 7), c = shapesScene(3, 8);
        QVERIFY(a.image.pixels == b.image.pixels);
        QVERIFY(a.image.pixels != c.image.pixels);
    }

    void meanAveragePrecisionByHand()
    {
        const ScoredBox truth{0, 1.0, 0, 0, 10, 10};
        const ScoredBox hit{0, 0.8, 1, 0, 10, 10}, miss{0, 0.9, 50, 50, 60, 60}, twice{0, 0.7, 0, 1, 10, 10};
        // Perfect: AP 1.
        QCOMPARE(meanAveragePrecision({{hit}}, {{truth}}), 1.0);
        // A false positive ranked first: precision 0 then 1/2 at recall 1 -> AP 0.5.
        QCOMPARE(meanAveragePrecision({{miss, hit}}, {{truth}}), 0.5);
        // A duplicate after the hit is a false positive that comes after full recall: AP 1.
        QCOMPARE(meanAveragePrecision({{hit, twice}}, {{truth}}), 1.0);
        // A box overlapping by IoU 0.25 (< 0.5) does not count; it does at threshold 0.2.
        const ScoredBox quarter{0, 0.9, 0, 0, 5, 5};
        QCOMPARE(meanAveragePrecision({{quarter}}, {{truth}}), 0.0);
        QCOMPARE(meanAveragePrecision({{quarter}}, {{truth}}, 0.2), 1.0);
        // Two classes, one found, one not: the mean is 0.5; a class absent from the ground truth
        // (label 2) does not enter the mean.
        const ScoredBox other{1, 1.0, 20, 20, 30, 30}, stray{2, 0.99, 70, 70, 80, 80};
        QCOMPARE(meanAveragePrecision({{hit, stray}}, {{truth, other}}), 0.5);
        // Two images, one truth each; the hit in image 1 ranks above the miss in image 0:
        // precision 1 at recall 0.5, then 1/2, then 2/3 at recall 1 -> envelope 1, 2/3 -> AP 1/2 + 1/3.
        const ScoredBox hit2{0, 0.95, 0, 0, 10, 10};
        const double ap = meanAveragePrecision({{miss, hit}, {hit2}}, {{truth}, {truth}});
        QVERIFY(std::abs(ap - (0.5 + 0.5 * 2.0 / 3.0)) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(Error, meanAveragePrecision({{hit}}, {{}}));
    }

    void overfittingOneBatchLowersTheSetLoss()
    {
        QTemporaryDir dir;
        BasicJobContext context;
        TrainingOptions o = shapes(dir.path(), 120);
        o.overfitOneBatch = true;
        o.learningRate = 2e-3;
        const TrainingResult result = train(o, context);
        const std::vector<double> losses = lossHistory(dir.path() + "/checkpoint-000120");
        QCOMPARE(losses.size(), size_t(120));
        QVERIFY2(losses.back() < 0.5 * losses.front(),
                 qPrintable(QString("%1 -> %2").arg(losses.front()).arg(losses.back())));
        QVERIFY(result.metrics.count("ap50"));

        // The saved folder is a DETR checkpoint: it opens, its config says so, and its run()
        // gives 10 queries over 3 classes + no-object on a 128 x 128 scene.
        const std::unique_ptr<Model> model = loadModel(dir.path().toStdString());
        QCOMPARE(model->info().config.labels, shapeClasses());
        const DetrPreprocessing p = DetrPreprocessing::forModel(dir.path().toStdString());
        const DetrInput input = detrPreprocess(shapesScene(1, 0).image, p);
        QCOMPARE(input.pixelValues.shape, (std::vector<int64_t>{1, 3, 128, 128}));
        ModelInputs inputs;
        inputs.floats["pixel_values"] = input.pixelValues;
        const ModelOutputs out = model->run(inputs);
        QCOMPARE(out.at("logits").shape, (std::vector<int64_t>{1, 10, 4}));
        QCOMPARE(out.at("encoder_attentions.1").shape, (std::vector<int64_t>{1, 4, 16, 16})); // 128 / 32 = 4 x 4 grid
    }

    void resumeReproducesTheUninterruptedRun()
    {
        QTemporaryDir whole, pieces;
        BasicJobContext context;
        train(shapes(whole.path(), 16), context);
        TrainingOptions first = shapes(pieces.path(), 16);
        first.stopAfter = 8;
        QVERIFY(!train(first, context).finished);
        TrainingOptions second;
        second.outputFolder = pieces.path().toStdString();
        second.resume = true;
        QVERIFY(train(second, context).finished);
        const std::vector<double> a = lossHistory(whole.path() + "/checkpoint-000016");
        const std::vector<double> b = lossHistory(pieces.path() + "/checkpoint-000016");
        QCOMPARE(a.size(), size_t(16));
        QCOMPARE(b.size(), size_t(16));
        for (size_t i = 0; i < a.size(); ++i)
            QVERIFY2(std::abs(a[i] - b[i]) <= 1e-5 * std::abs(a[i]),
                     qPrintable(QString("step %1: %2 vs %3").arg(i + 1).arg(a[i]).arg(b[i])));
    }

    void badSizesAreRefused()
    {
        QTemporaryDir dir;
        BasicJobContext context;
        TrainingOptions o = shapes(dir.path(), 2);
        o.sequenceLength = 2; // fewer queries than objects a scene may hold
        QVERIFY_THROWS_EXCEPTION(Error, train(o, context));
        QVERIFY_THROWS_EXCEPTION(Error, shapesScene(1, 0, 8));
    }
};

QTEST_APPLESS_MAIN(TestDetrTraining)
#include "tst_detrtraining.moc"
