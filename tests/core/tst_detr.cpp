// DetrForObjectDetection against fixtures/hf/detr-tiny (transformers 5.17): every captured
// tensor, the post-processing; both config styles; the image processor's sizes and the sine
// position embedding by hand; bad configs, weights and inputs named.

#include "tessera/core/Detr.h"
#include "tessera/core/Error.h"
#include "tessera/core/MemoryGuard.h"
#include "tessera/core/Model.h"
#include "tessera/core/Safetensors.h"

#include "support/Tolerance.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace tessera;
using namespace tessera::detr;

namespace {

const std::string kTiny = TESSERA_TEST_DATA "/hf/detr-tiny";

// The fixture's tolerance (atol 5e-4, rtol 2e-3): how far beyond it actual is.
double worstExcess(const FloatTensor &actual, const FloatTensor &reference)
{
    const test::Worst worst = test::worstOf(actual, reference, test::kDiffusers);
    return worst.sameShape ? worst.excess : INFINITY;
}

ModelInputs fixtureInputs()
{
    SafetensorsFile expected(kTiny + "/expected.safetensors");
    ModelInputs inputs;
    inputs.floats["pixel_values"] = expected.readFloat("pixel_values");
    inputs.integers["pixel_mask"] = {expected.info("pixel_mask").shape, expected.readInt64("pixel_mask")};
    return inputs;
}

// A folder with the fixture's weights (linked) and the given config.
void makeFolder(const QString &folder, const nlohmann::json &config)
{
    QDir().mkpath(folder);
    QFile::link(QString::fromStdString(kTiny + "/model.safetensors"), folder + "/model.safetensors");
    std::ofstream(folder.toStdString() + "/config.json") << config.dump(2);
}

nlohmann::json fixtureConfig()
{
    std::ifstream in(kTiny + "/config.json");
    return nlohmann::json::parse(in);
}

QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class TestDetr : public QObject {
    Q_OBJECT
private slots:
    void forwardEqualsTheFixture()
    {
        const std::unique_ptr<Model> model = loadModel(kTiny);
        QCOMPARE(QString::fromStdString(model->info().config.modelType), QString("detr"));
        QCOMPARE(model->info().config.labels.size(), size_t(5));
        QVERIFY(model->info().unexpectedKeys.empty());
        const ModelOutputs outputs = model->run(fixtureInputs());
        SafetensorsFile expected(kTiny + "/expected.safetensors");
        int compared = 0;
        for (const std::string &key : expected.keys()) {
            if (key.rfind("post.", 0) == 0 || key.rfind("pixel_", 0) == 0)
                continue;
            QVERIFY2(outputs.count(key), key.c_str());
            const double excess = worstExcess(outputs.at(key), expected.readFloat(key));
            QVERIFY2(excess <= 0.0, qPrintable(QString("%1: beyond tolerance by %2").arg(key.c_str()).arg(excess)));
            ++compared;
        }
        QCOMPARE(compared, 15); // logits, boxes, last state, 6 attentions, 3 + 3 hidden states
        QCOMPARE(outputs.at("position_embedding").shape, (std::vector<int64_t>{1, 32, 4, 3}));
    }

    void postProcessingEqualsTheFixture()
    {
        SafetensorsFile expected(kTiny + "/expected.safetensors");
        const std::vector<Detection> detections = postProcess(
            expected.readFloat("logits"), expected.readFloat("pred_boxes"), 640, 480, {"a", "b", "c", "d", "e"});
        const FloatTensor scores = expected.readFloat("post.scores"), boxes = expected.readFloat("post.boxes_xyxy");
        const std::vector<int64_t> labels = expected.readInt64("post.labels");
        QCOMPARE(detections.size(), size_t(10));
        for (size_t i = 0; i < detections.size(); ++i) {
            QCOMPARE(detections[i].query, int64_t(i));
            QCOMPARE(detections[i].label, labels[i]);
            QCOMPARE(QString::fromStdString(detections[i].name), QString(QChar('a' + int(labels[i]))));
            QVERIFY(std::abs(detections[i].score - scores.values[i]) < 1e-6);
            const double got[4] = {detections[i].x0, detections[i].y0, detections[i].x1, detections[i].y1};
            for (int k = 0; k < 4; ++k)
                QVERIFY2(std::abs(got[k] - boxes.values[i * 4 + size_t(k)]) < 1e-3,
                         qPrintable(QString::number(got[k])));
        }
        // A threshold keeps those strictly above it.
        const double cut = scores.values[3];
        size_t above = 0;
        for (float s : scores.values)
            above += s > cut;
        QCOMPARE(postProcess(expected.readFloat("logits"), expected.readFloat("pred_boxes"), 640, 480, {}, cut).size(),
                 above);
        QVERIFY(!errorOf([&] {
                     postProcess(expected.readFloat("logits"), expected.readFloat("logits"), 640, 480, {});
                 }).isEmpty());
    }

    void transformers4ConfigGivesTheSameModel()
    {
        // The hub's style: top-level backbone and use_timm_backbone, torch_dtype, no backbone_config.
        nlohmann::json config = fixtureConfig();
        config.erase("backbone_config");
        config.erase("dtype");
        config["backbone"] = "resnet26";
        config["use_timm_backbone"] = true;
        config["use_pretrained_backbone"] = true; // the hub's detr-resnet-50 says so; nothing is downloaded
        config["torch_dtype"] = "float32";
        QTemporaryDir dir;
        makeFolder(dir.path() + "/v4", config);
        const std::unique_ptr<Model> model = loadModel(dir.path().toStdString() + "/v4");
        const ModelOutputs outputs = model->run(fixtureInputs());
        SafetensorsFile expected(kTiny + "/expected.safetensors");
        QVERIFY(worstExcess(outputs.at("logits"), expected.readFloat("logits")) <= 0.0);
        QVERIFY(worstExcess(outputs.at("pred_boxes"), expected.readFloat("pred_boxes")) <= 0.0);
    }

    void badConfigsAreNamed()
    {
        QTemporaryDir dir;
        auto refused = [&](const char *name, nlohmann::json config, const char *expect) {
            makeFolder(dir.path() + "/" + name, config);
            const QString message = errorOf([&] { loadModel(dir.path().toStdString() + "/" + name); });
            QVERIFY2(message.contains(expect), qPrintable(QString("%1: %2").arg(name, message)));
        };
        nlohmann::json c = fixtureConfig();
        c["backbone_config"]["backbone"] = "resnet50";
        refused("wrong-depth", c, "the weights hold Bottleneck blocks 2-2-2-2");
        c = fixtureConfig();
        c["position_embedding_type"] = "learned";
        refused("learned", c, "position_embedding_type");
        c = fixtureConfig();
        c.erase("backbone_config");
        c["use_timm_backbone"] = false;
        refused("hf-backbone", c, "use_timm_backbone");
        c = fixtureConfig();
        c["d_model"] = 64;
        refused("wider", c, "expected shape [64, 2048, 1, 1] from the config, found [32, 2048, 1, 1]");
        c = fixtureConfig();
        c["num_queries"] = 12;
        refused("queries", c, "model.query_position_embeddings.weight");
        c = fixtureConfig();
        c["id2label"] = {{"0", "cat"}, {"1", "dog"}};
        refused("labels", c, "id2label names 2 classes, the classifier has 5");
        c = fixtureConfig();
        c["encoder_attention_heads"] = 5;
        refused("heads", c, "not divisible");
        c = fixtureConfig();
        c["d_model"] = "wide";
        refused("string", c, "d_model");
    }

    void badInputsAreNamed()
    {
        const std::unique_ptr<Model> model = loadModel(kTiny);
        ModelInputs inputs = fixtureInputs();
        inputs.integers["pixel_mask"].values[5] = 2;
        QVERIFY(errorOf([&] { model->run(inputs); }).contains("0 (padding) or 1"));
        inputs = fixtureInputs();
        inputs.integers["pixel_mask"].shape = {1, 96, 128};
        QVERIFY(errorOf([&] { model->run(inputs); }).contains("pixel_mask"));
        inputs = fixtureInputs();
        inputs.floats["pixel_values"].shape = {1, 1, 128 * 3, 96};
        QVERIFY(errorOf([&] { model->run(inputs); }).contains("[batch, 3, height, width]"));
        inputs = fixtureInputs();
        inputs.integers["input_ids"] = {{1, 1}, {0}};
        QVERIFY(errorOf([&] { model->run(inputs); }).contains("input_ids"));
        setMemoryBudget(1 << 20);
        QVERIFY(errorOf([&] { model->run(fixtureInputs()); }).contains("memory budget"));
        setMemoryBudget(0);
    }

    void paddingIsMaskedOut()
    {
        // A padded image: the right half of the mask is 0. The padded keys get no attention, and
        // the position embedding's x runs over the real columns only.
        const std::unique_ptr<Model> model = loadModel(kTiny);
        ModelInputs inputs = fixtureInputs();
        IntTensor &mask = inputs.integers["pixel_mask"];
        for (int64_t y = 0; y < 128; ++y)
            for (int64_t x = 64; x < 96; ++x)
                mask.values[size_t(y * 96 + x)] = 0;
        const ModelOutputs out = model->run(inputs);
        const FloatTensor &a = out.at("encoder_attentions.0"); // [1, 4, 12, 12], grid 4 x 3
        for (int64_t row = 0; row < 4 * 12; ++row)
            for (int64_t key = 0; key < 12; ++key)
                if (key % 3 == 2) // mask at the grid: columns 0, 1 real, 2 padding (64 / 32 = 2)
                    QCOMPARE(a.values[size_t(row * 12 + key)], 0.0f);
        const FloatTensor &cross = out.at("cross_attentions.1");
        for (int64_t row = 0; row < 4 * 10; ++row)
            QCOMPARE(cross.values[size_t(row * 12 + 2)], 0.0f);
    }

    void sinePositionEmbeddingByHand()
    {
        // 2 x 2 grid, d = 4: channel 0 = sin(y), 1 = cos(y), 2 = sin(x), 3 = cos(x), with
        // y = row / rows * 2 pi (rows counted from 1): pi for the first row, 2 pi for the second.
        const FloatTensor pe = sinePositionEmbedding({1, 1, 1, 1}, 2, 2, 4);
        QCOMPARE(pe.shape, (std::vector<int64_t>{4, 2, 2}));
        auto at = [&](int c, int r, int x) { return pe.values[size_t((c * 2 + r) * 2 + x)]; };
        QVERIFY(std::abs(at(0, 0, 0) - 0.0f) < 1e-5); // sin(pi)
        QVERIFY(std::abs(at(1, 0, 1) + 1.0f) < 1e-5); // cos(pi), any column
        QVERIFY(std::abs(at(1, 1, 0) - 1.0f) < 1e-5); // cos(2 pi)
        QVERIFY(std::abs(at(3, 1, 0) + 1.0f) < 1e-5); // x: first column -> cos(pi)
        QVERIFY(std::abs(at(3, 0, 1) - 1.0f) < 1e-5); // second column -> cos(2 pi)
        // A padded second row: the real row alone spans the whole range (y = 2 pi).
        const FloatTensor padded = sinePositionEmbedding({1, 1, 0, 0}, 2, 2, 4);
        QVERIFY(std::abs(padded.values[size_t(1 * 4 + 0)] - 1.0f) < 1e-5);
        // d = 8: channels 2, 3 of y use frequency 10000^(2/4) = 100: sin(pi / 100), cos(pi / 100).
        const FloatTensor wide = sinePositionEmbedding({1, 1, 1, 1}, 2, 2, 8);
        QVERIFY(std::abs(wide.values[size_t(2 * 4)] - float(std::sin(M_PI / 100))) < 1e-5);
        QVERIFY(std::abs(wide.values[size_t(3 * 4)] - float(std::cos(M_PI / 100))) < 1e-5);
        QVERIFY(!errorOf([] { sinePositionEmbedding({1}, 1, 1, 3); }).isEmpty());
    }

    void processorSizesByHand()
    {
        // (height, width) -> DetrImageProcessor's (shortest 800, longest 1333).
        QCOMPARE(resizedSize(480, 640, 800, 1333), (std::pair<int64_t, int64_t>{800, 1066})); // 800 * 640 / 480
        QCOMPARE(resizedSize(800, 600, 800, 1333), (std::pair<int64_t, int64_t>{1066, 800}));
        QCOMPARE(resizedSize(800, 1000, 800, 1333), (std::pair<int64_t, int64_t>{800, 1000})); // already there
        // Too elongated: the longest edge caps it. raw = 1333 * 500 / 2000 = 333.25 -> 333, and
        // the long side int(333.25 * 4) = 1333.
        QCOMPARE(resizedSize(500, 2000, 800, 1333), (std::pair<int64_t, int64_t>{333, 1333}));
        QCOMPARE(resizedSize(2000, 500, 800, 1333), (std::pair<int64_t, int64_t>{1333, 333}));
    }

    void processorNormalisesWithImageNetStatistics()
    {
        Image8 image;
        image.width = 64;
        image.height = 48;
        image.channels = 3;
        image.pixels.resize(64 * 48 * 3);
        for (size_t i = 0; i < image.pixels.size(); i += 3) {
            image.pixels[i] = 255;
            image.pixels[i + 1] = 0;
            image.pixels[i + 2] = 51;
        }
        DetrPreprocessing p;
        p.shortestEdge = 24;
        const DetrInput input = detrPreprocess(image, p);
        QCOMPARE(input.pixelValues.shape, (std::vector<int64_t>{1, 3, 24, 32}));
        QCOMPARE(input.pixelMask.shape, (std::vector<int64_t>{1, 24, 32}));
        // (1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (0.2 - 0.406) / 0.225
        QVERIFY(std::abs(input.pixelValues.values[0] - 2.248908f) < 1e-4);
        QVERIFY(std::abs(input.pixelValues.values[24 * 32] + 2.035714f) < 1e-4);
        QVERIFY(std::abs(input.pixelValues.values[2 * 24 * 32] + 0.915556f) < 1e-4);
    }

    void preprocessorConfigStyles()
    {
        QTemporaryDir dir;
        const std::string modern = dir.path().toStdString() + "/modern.json",
                          old = dir.path().toStdString() + "/old.json", bad = dir.path().toStdString() + "/bad.json";
        std::ofstream(modern)
            << R"({"size": {"shortest_edge": 600, "longest_edge": 1000}, "image_mean": [0.5, 0.5, 0.5]})";
        std::ofstream(old) << R"({"size": 512, "max_size": 900, "do_normalize": false})";
        std::ofstream(bad) << R"({"size": {"height": 224, "width": 224}})";
        const DetrPreprocessing a = DetrPreprocessing::fromFile(modern), b = DetrPreprocessing::fromFile(old);
        QCOMPARE(a.shortestEdge, int64_t(600));
        QCOMPARE(a.longestEdge, int64_t(1000));
        QCOMPARE(a.mean[1], 0.5);
        QCOMPARE(b.shortestEdge, int64_t(512));
        QCOMPARE(b.longestEdge, int64_t(900));
        QVERIFY(!b.normalize);
        QVERIFY(errorOf([&] { DetrPreprocessing::fromFile(bad); }).contains("size"));
        QCOMPARE(DetrPreprocessing::forModel(kTiny).shortestEdge, int64_t(800)); // none there: the defaults
    }

    void cocoAnnotationsBecomeTargets()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/coco.json";
        std::ofstream(path) << R"({"images": [{"id": 7, "file_name": "a.jpg", "width": 200, "height": 100},
                                             {"id": 8, "file_name": "sub/b.jpg", "width": 400, "height": 200}],
            "categories": [{"id": 1, "name": "dog"}, {"id": 3, "name": "zebra"}],
            "annotations": [{"image_id": 7, "category_id": 1, "bbox": [10, 20, 50, 40]},
                            {"image_id": 8, "category_id": 3, "bbox": [0, 0, 400, 200]},
                            {"image_id": 8, "category_id": 1, "bbox": [100, 50, 100, 50]}]})";
        const std::vector<std::string> labels{"cat", "dog", "bird", "car"};
        const GroundTruth a = readCocoAnnotations(path, "/photos/a.jpg", 0, 0, labels);
        QCOMPARE(a.labels, (std::vector<int64_t>{1})); // by name: "dog" is class 1
        // [10, 20, 50, 40] in 200 x 100: centre (35, 40) -> (0.175, 0.4), size (0.25, 0.4)
        QVERIFY(std::abs(a.boxes.at(0, 0) - 0.175f) < 1e-6 && std::abs(a.boxes.at(0, 1) - 0.4f) < 1e-6);
        QVERIFY(std::abs(a.boxes.at(0, 2) - 0.25f) < 1e-6 && std::abs(a.boxes.at(0, 3) - 0.4f) < 1e-6);
        const GroundTruth b = readCocoAnnotations(path, "b.jpg", 0, 0, labels);
        QCOMPARE(b.labels, (std::vector<int64_t>{3, 1})); // "zebra" unnamed: its id 3 is a class index
        QCOMPARE(b.boxes.at(0, 0), 0.5f);
        QVERIFY(errorOf([&] { readCocoAnnotations(path, "c.jpg", 0, 0, labels); }).contains("no image named"));
        QVERIFY(errorOf([&] { readCocoAnnotations(path, "b.jpg", 0, 0, {"cat", "dog"}); }).contains("zebra"));
        std::ofstream(path) << R"({"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
            "annotations": [{"image_id": 1, "category_id": 0, "bbox": [5, 5, 50, 5]}]})";
        QVERIFY(errorOf([&] { readCocoAnnotations(path, "", 0, 0, labels); }).contains("outside the 10 x 10 image"));
        std::ofstream(path) << R"({"images": [{"id": 1, "width": "wide"}], "annotations": []})";
        QVERIFY(errorOf([&] { readCocoAnnotations(path, "", 0, 0, labels); }).contains("width"));
        std::ofstream(path) << R"([1, 2])";
        QVERIFY(errorOf([&] { readCocoAnnotations(path, "", 0, 0, labels); }).contains("not a JSON object"));
    }
};

QTEST_APPLESS_MAIN(TestDetr)
#include "tst_detr.moc"
