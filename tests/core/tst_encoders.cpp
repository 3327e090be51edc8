// RoBERTa, XLM-R, DistilBERT and DeiT against the fixtures made with transformers 5.17
// (../shared/fixtures/README.md, second set; copies in tests/data/hf): every attention, hidden
// state and the logits within the fixtures' tolerance; the fixtures' tokenizers give their
// input_ids; DeiT's pixel values from DeiTImageProcessor (resize, centre crop, bicubic) and its
// two special tokens in the ViT lens's analyses; fill-mask with each tokenizer's mask token; the
// configs and checkpoints refused, each with the file and key named.

#include "tessera/core/Error.h"
#include "tessera/core/Model.h"
#include "tessera/core/Pipelines.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/Tokenizer.h"
#include "tessera/core/VisionLens.h"

#include "support/Tolerance.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>

using namespace tessera;

namespace {

const std::string kHf = TESSERA_TEST_DATA "/hf/";

ModelInputs textInputsFrom(const SafetensorsFile &expected)
{
    ModelInputs inputs;
    for (const char *name : {"input_ids", "attention_mask"})
        inputs.integers[name] = {expected.info(name).shape, expected.readInt64(name)};
    return inputs;
}

double maxAbsDifference(const FloatTensor &a, const FloatTensor &b)
{
    double worst = 0.0;
    for (size_t i = 0; i < std::min(a.values.size(), b.values.size()); ++i)
        worst = std::max(worst, double(std::abs(a.values[i] - b.values[i])));
    return worst;
}

// Compares outputs with the fixture's tensors of the given names, reporting the largest
// difference of each folder.
void compareOutputs(const ModelOutputs &outputs, const SafetensorsFile &expected,
                    std::initializer_list<const char *> names, const QString &folder)
{
    double worst = 0.0;
    for (const char *name : names) {
        QVERIFY2(outputs.count(name), name);
        const FloatTensor reference = expected.readFloat(name);
        TESSERA_VERIFY_CLOSE(outputs.at(name), reference, test::kTransformers, folder + " " + name);
        worst = std::max(worst, maxAbsDifference(outputs.at(name), reference));
    }
    qInfo("%s: largest difference from transformers %.3g", qPrintable(folder), worst);
}

QJsonObject readJson(const std::string &path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

void expectLoadError(const std::string &folder, std::initializer_list<const char *> fragments)
{
    try {
        loadModel(folder);
        QFAIL("loaded a broken checkpoint");
    } catch (const Error &e) {
        for (const char *fragment : fragments)
            QVERIFY2(QString(e.what()).contains(fragment), qPrintable(QString(e.what()) + " lacks " + fragment));
    }
}

// The mean attention distance of one layer [batch, heads, n, n] by its definition, in plain
// loops: queries and keys over the patches only (the first `leading` tokens left out), each key
// weighted by the distance in pixels between patch centres, averaged over queries and the batch.
std::vector<double> distanceByDefinition(const FloatTensor &attention, int64_t grid, int64_t patch, int64_t leading)
{
    const int64_t batch = attention.shape[0], heads = attention.shape[1], n = attention.shape[2];
    const int64_t patches = grid * grid;
    std::vector<double> out(size_t(heads), 0.0);
    for (int64_t b = 0; b < batch; ++b)
        for (int64_t h = 0; h < heads; ++h)
            for (int64_t q = 0; q < patches; ++q) {
                const float *row = attention.values.data() + ((b * heads + h) * n + leading + q) * n + leading;
                double sum = 0.0;
                for (int64_t k = 0; k < patches; ++k) {
                    const double dy = double((q / grid - k / grid) * patch), dx = double((q % grid - k % grid) * patch);
                    sum += row[k] * std::sqrt(dy * dy + dx * dx);
                }
                out[size_t(h)] += sum / double(patches * batch);
            }
    return out;
}

} // namespace

class TestEncoders : public QObject {
    Q_OBJECT
private slots:
    void textFixtures_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("modelType");
        for (const auto &[folder, type] : std::vector<std::pair<const char *, const char *>>{
                 {"roberta-tiny", "roberta"}, {"xlmr-tiny", "xlm-roberta"}, {"distilbert-tiny", "distilbert"}})
            QTest::newRow(folder) << QString(folder) << QString(type);
    }

    // Every attention, hidden state and the logits, as transformers computes them (the second
    // row of each fixture is right-padded: RoBERTa's positions count the real tokens only).
    void textFixtures()
    {
        QFETCH(QString, folder);
        QFETCH(QString, modelType);
        const std::string dir = kHf + folder.toStdString();
        const auto model = loadModel(dir);
        const ModelInfo &info = model->info();
        QCOMPARE(QString::fromStdString(info.config.modelType), modelType);
        QVERIFY(info.capabilities.textInput && info.capabilities.bidirectional);
        QVERIFY(info.capabilities.maskedLanguageModel && info.capabilities.learnedPositions);
        QVERIFY(!info.capabilities.tokenTypes && !info.capabilities.causalLanguageModel);
        QVERIFY2(info.unexpectedKeys.empty(), info.unexpectedKeys.empty() ? "" : info.unexpectedKeys[0].c_str());
        QCOMPARE(info.attentionStacks.size(), size_t(1));
        QCOMPARE(info.attentionStacks[0].layers, int64_t(2));
        QCOMPARE(info.attentionStacks[0].queryHeads, int64_t(4));
        QVERIFY(!info.attentionStacks[0].causal);
        const SafetensorsFile expected(dir + "/expected.safetensors");
        const ModelOutputs outputs = model->run(textInputsFrom(expected));
        compareOutputs(
            outputs, expected,
            {"hidden_states.0", "hidden_states.1", "hidden_states.2", "attentions.0", "attentions.1", "logits"},
            folder);
    }

    // The parameter count from the config: the base model (no head) plus what the head adds.
    void parameterCounts()
    {
        const auto distil = loadModel(kHf + "distilbert-tiny");
        const ModelConfig &c = distil->info().config;
        const int64_t d = c.hiddenSize, head = d * d + d + 2 * d + c.vocabularySize;
        QCOMPARE(c.parameterCount() + head, distil->info().parameters);
        const auto roberta = loadModel(kHf + "roberta-tiny");
        const ModelConfig &r = roberta->info().config;
        // RobertaModel's count has the pooler, which RobertaForMaskedLM has not; its head adds
        // the dense layer, the norm and the decoder bias.
        QCOMPARE(r.parameterCount() - (r.hiddenSize * r.hiddenSize + r.hiddenSize) +
                     (r.hiddenSize * r.hiddenSize + 3 * r.hiddenSize + r.vocabularySize),
                 roberta->info().parameters);
    }

    // The fixtures' own tokenizers give the fixtures' input_ids (the position the fixture masked
    // aside: the texts are the unmasked sentences).
    void tokenizersGiveTheFixtureIds_data() { textFixtures_data(); }
    void tokenizersGiveTheFixtureIds()
    {
        QFETCH(QString, folder);
        const std::string dir = kHf + folder.toStdString();
        const QJsonObject description = readJson(dir + "/expected.json");
        const QJsonArray texts = description["texts"].toArray();
        QCOMPARE(texts.size(), 2);
        const auto tokenizer = loadTokenizer(dir);
        const int64_t mask = tokenizer->tokenToId(description["mask_token"].toString().toStdString());
        QVERIFY(mask >= 0);
        QCOMPARE(maskToken(*tokenizer), description["mask_token"].toString().toStdString());
        const SafetensorsFile expected(dir + "/expected.safetensors");
        const std::vector<int64_t> ids = expected.readInt64("input_ids");
        const std::vector<int64_t> attention = expected.readInt64("attention_mask");
        const int64_t length = expected.info("input_ids").shape[1];
        int masked = 0;
        for (int row = 0; row < 2; ++row) {
            const Encoding encoding = tokenizer->encode(texts[row].toString().toStdString(), true);
            const int64_t real =
                std::count(attention.begin() + row * length, attention.begin() + (row + 1) * length, 1);
            QCOMPARE(int64_t(encoding.ids.size()), real);
            for (int64_t i = 0; i < real; ++i) {
                const int64_t reference = ids[size_t(row * length + i)];
                if (reference == mask) {
                    ++masked;
                    continue;
                }
                QVERIFY2(encoding.ids[size_t(i)] == reference,
                         qPrintable(QString("%1 text %2 token %3: %4, transformers %5")
                                        .arg(folder)
                                        .arg(row)
                                        .arg(i)
                                        .arg(encoding.ids[size_t(i)])
                                        .arg(reference)));
            }
        }
        QCOMPARE(masked, 1);
    }

    // Fill-mask through the tokenizer's own mask token: <mask> for RoBERTa, [MASK] for DistilBERT.
    void fillMaskWithEachMaskToken_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("text");
        QTest::newRow("roberta") << "roberta-tiny"
                                 << "The capital of France is <mask>.";
        QTest::newRow("xlmr") << "xlmr-tiny"
                              << "나는 <mask>에 간다";
        QTest::newRow("distilbert") << "distilbert-tiny"
                                    << "The capital of France is [MASK].";
    }
    void fillMaskWithEachMaskToken()
    {
        QFETCH(QString, folder);
        QFETCH(QString, text);
        const std::string dir = kHf + folder.toStdString();
        const auto model = loadModel(dir);
        const auto tokenizer = loadTokenizer(dir);
        const TextPipelineResult result = fillMask(*model, *tokenizer, text.toStdString(), 3);
        QCOMPARE(result.positions.size(), size_t(1));
        QCOMPARE(result.predictions[0].size(), size_t(3));
        QCOMPARE(result.encoding.ids[size_t(result.positions[0])], tokenizer->tokenToId(maskToken(*tokenizer)));
        try {
            fillMask(*model, *tokenizer, "no mask here", 3);
            QFAIL("fill-mask without a mask token");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(maskToken(*tokenizer))), e.what());
        }
    }

    // DeiT with its teacher: [CLS] + distillation token, the two heads and their mean.
    void deitFixture()
    {
        const std::string dir = kHf + "deit-tiny";
        const auto model = loadModel(dir);
        const ModelInfo &info = model->info();
        QVERIFY(info.capabilities.imageInput && info.capabilities.patchGrid && info.capabilities.imageClassification);
        QVERIFY(!info.capabilities.textInput);
        QVERIFY(info.unexpectedKeys.empty());
        QCOMPARE(info.attentionStacks.size(), size_t(1));
        QCOMPARE(info.attentionStacks[0].layers, int64_t(2));
        const SafetensorsFile expected(dir + "/expected.safetensors");
        ModelInputs inputs;
        inputs.floats["pixel_values"] = expected.readFloat("pixel_values");
        const ModelOutputs outputs = model->run(inputs);
        compareOutputs(outputs, expected,
                       {"hidden_states.0", "hidden_states.1", "hidden_states.2", "attentions.0", "attentions.1",
                        "logits", "cls_logits", "distillation_logits"},
                       "deit-tiny");
        QCOMPARE(model->positionTable().rows, int64_t(18));
    }

    // The fixture's weights as DeiTForImageClassification (its one classifier on [CLS]: the
    // teacher model's cls_classifier) and as DeiTModel (no prefix, no head).
    void deitVariants()
    {
        const std::string fixture = kHf + "deit-tiny";
        const SafetensorsFile file(fixture + "/model.safetensors");
        const SafetensorsFile expected(fixture + "/expected.safetensors");
        ModelInputs inputs;
        inputs.floats["pixel_values"] = expected.readFloat("pixel_values");
        for (const char *architecture : {"DeiTForImageClassification", "DeiTModel"}) {
            const bool head = std::string(architecture) != "DeiTModel";
            QTemporaryDir dir;
            QJsonObject config = readJson(fixture + "/config.json");
            config["architectures"] = QJsonArray{architecture};
            QFile out(dir.filePath("config.json"));
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(QJsonDocument(config).toJson());
            out.close();
            std::vector<std::pair<std::string, FloatTensor>> tensors;
            for (const std::string &key : file.keys()) {
                if (key.rfind("deit.", 0) == 0)
                    tensors.emplace_back(head ? key : key.substr(5), file.readFloat(key));
                else if (head && key.rfind("cls_classifier.", 0) == 0)
                    tensors.emplace_back(key.substr(4), file.readFloat(key)); // "classifier."
            }
            writeSafetensors(dir.path().toStdString() + "/model.safetensors", tensors);
            const auto model = loadModel(dir.path().toStdString());
            QCOMPARE(model->info().capabilities.imageClassification, head);
            QVERIFY(model->info().unexpectedKeys.empty());
            const ModelOutputs outputs = model->run(inputs);
            QVERIFY(!outputs.count("cls_logits"));
            compareOutputs(outputs, expected, {"hidden_states.2", "attentions.1"}, architecture);
            if (head)
                TESSERA_VERIFY_CLOSE(outputs.at("logits"), expected.readFloat("cls_logits"), test::kTransformers,
                                     "DeiTForImageClassification logits");
            else
                QVERIFY(!outputs.count("logits"));
        }
    }

    // DeiTImageProcessor: resize to 36 (bicubic), centre crop 32, rescale, normalise.
    void deitPreprocessing()
    {
        const std::string dir = kHf + "deit-tiny";
        const ImagePreprocessing p = ImagePreprocessing::fromFile(dir + "/preprocessor_config.json");
        QCOMPARE(p.resample, 3);
        QVERIFY(p.centerCrop);
        QCOMPARE(p.height, int64_t(36));
        QCOMPARE(p.cropHeight, int64_t(32));
        const SafetensorsFile expected(dir + "/expected.safetensors");
        const FloatTensor reference = expected.readFloat("pixel_values"); // [2, 3, 32, 32]
        double worst = 0.0;
        for (int image = 0; image < 2; ++image) {
            const FloatTensor pixels = preprocessImage(dir + "/image" + std::to_string(image) + ".png", p);
            QCOMPARE(pixels.shape, (std::vector<int64_t>{1, 3, 32, 32}));
            FloatTensor one{{1, 3, 32, 32},
                            std::vector<float>(reference.values.begin() + image * 3072,
                                               reference.values.begin() + (image + 1) * 3072)};
            TESSERA_VERIFY_CLOSE(pixels, one, test::kTransformers, QString("image%1 pixel_values").arg(image));
            worst = std::max(worst, maxAbsDifference(pixels, one));
        }
        qInfo("deit-tiny pixel_values: largest difference from DeiTImageProcessor %.3g", worst);
        // The model classifies them as transformers does.
        const auto model = loadModel(dir);
        const FloatTensor pixels = preprocessImage(dir + "/image1.png", p);
        const std::vector<Prediction> top = classifyImage(*model, pixels, 1);
        const FloatTensor logits = expected.readFloat("logits");
        const auto best = std::max_element(logits.values.begin() + 5, logits.values.begin() + 10);
        QCOMPARE(top[0].id, int64_t(best - (logits.values.begin() + 5)));
    }

    // The transformers center_crop of an image smaller than the crop: zero padding around it.
    void centreCropPadsSmallImages()
    {
        ImagePreprocessing p;
        p.resize = false;
        p.centerCrop = true;
        p.cropHeight = 4;
        p.cropWidth = 2;
        p.mean = {0.0};
        p.std = {1.0};
        Image8 image;
        image.width = 3;
        image.height = 2;
        image.channels = 1;
        image.pixels = {10, 20, 30, 40, 50, 60};
        const Image8 out = resizeForModel(image, p);
        QCOMPARE(out.width, int64_t(2));
        QCOMPARE(out.height, int64_t(4));
        // numpy: pad to 4 x 3 (one row above, one below), then rows 0-3, columns 0-1.
        QCOMPARE(out.pixels, (std::vector<uint8_t>{0, 0, 10, 20, 40, 50, 0, 0}));
    }

    // The ViT lens over DeiT: two leading tokens, left out of the mean attention distance
    // (checked against its definition on the fixture's attentions) and of the patch maps.
    void deitLens()
    {
        const std::string dir = kHf + "deit-tiny";
        const auto model = loadModel(dir);
        const vision::PatchGeometry g = vision::patchGeometry(model->info().config);
        QCOMPARE(g.leadingTokens, int64_t(2));
        QCOMPARE(g.tokens(), int64_t(18));
        QVERIFY(QString::fromStdString(g.describe()).contains("distillation"));
        const SafetensorsFile expected(dir + "/expected.safetensors");
        ModelInputs inputs;
        inputs.floats["pixel_values"] = expected.readFloat("pixel_values");
        CaptureOptions capture;
        capture.meanAttentionDistance = true;
        capture.rollout = true;
        const ModelOutputs outputs = model->run(inputs, capture);
        const FloatTensor &distance = outputs.at("mean_attention_distance.raw"); // [layers, heads]
        QCOMPARE(distance.shape, (std::vector<int64_t>{2, 4}));
        for (int layer = 0; layer < 2; ++layer) {
            const FloatTensor attention = expected.readFloat("attentions." + std::to_string(layer));
            const std::vector<double> reference = distanceByDefinition(attention, g.grid, g.patchSize, 2);
            for (int head = 0; head < 4; ++head)
                QVERIFY2(std::abs(distance.values[size_t(layer * 4 + head)] - reference[size_t(head)]) < 1e-3,
                         qPrintable(QString("layer %1 head %2: %3, by definition %4")
                                        .arg(layer)
                                        .arg(head)
                                        .arg(distance.values[size_t(layer * 4 + head)])
                                        .arg(reference[size_t(head)])));
            const FloatTensor public_ = meanAttentionDistance({attention}, g.grid, g.patchSize, false);
            for (int head = 0; head < 4; ++head)
                QVERIFY(std::abs(public_.values[size_t(head)] - reference[size_t(head)]) < 1e-3);
        }
        QCOMPARE(outputs.at("rollout").shape, (std::vector<int64_t>{2, 18, 18}));
        // One query's map: the weights on the patches, the two leading tokens' weight beside it.
        const FloatTensor first = expected.readFloat("attentions.0");
        FloatTensor item{{1, 4, 18, 18}, std::vector<float>(first.values.begin(), first.values.begin() + 4 * 18 * 18)};
        double leadingWeight = 0.0;
        const Matrix map = vision::attentionOnPatches(item, 0, 0, g, &leadingWeight);
        QCOMPARE(map.at(0, 0), item.values[2]);
        QVERIFY(std::abs(leadingWeight - double(item.values[0] + item.values[1])) < 1e-6);
        const Matrix distillationFlow =
            vision::rolloutMask(vision::rollout({item}, vision::HeadFusion::Mean, 0.0), g, 1);
        QCOMPARE(distillationFlow.rows, int64_t(4));
        QVERIFY_THROWS_EXCEPTION(Error,
                                 vision::rolloutMask(vision::rollout({item}, vision::HeadFusion::Mean, 0.0), g, 2));
        QCOMPARE(vision::positionSimilarity(model->positionTable(), g).rows, int64_t(16));
    }

    // A config without a key the family needs names the file and the key.
    void configsMissingKeys_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("key");
        QTest::newRow("distilbert dim") << "distilbert-tiny"
                                        << "dim";
        QTest::newRow("distilbert n_layers") << "distilbert-tiny"
                                             << "n_layers";
        QTest::newRow("distilbert vocab_size") << "distilbert-tiny"
                                               << "vocab_size";
        QTest::newRow("roberta hidden_size") << "roberta-tiny"
                                             << "hidden_size";
        QTest::newRow("xlmr vocab_size") << "xlmr-tiny"
                                         << "vocab_size";
    }
    void configsMissingKeys()
    {
        QFETCH(QString, folder);
        QFETCH(QString, key);
        QJsonObject config = readJson(kHf + folder.toStdString() + "/config.json");
        QVERIFY(config.contains(key));
        config.remove(key);
        QTemporaryDir dir;
        const QString path = dir.filePath("config.json");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(config).toJson());
        file.close();
        try {
            ModelConfig::fromFile(path.toStdString());
            QFAIL(qPrintable("no error for a config without " + key));
        } catch (const Error &e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains(key) && message.contains("config.json"), qPrintable(message));
        }
    }

    // Set-ups the network does not run are refused, with the key named, rather than run wrongly.
    void unsupportedSetUpsRefused_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("relative positions") << "position_embedding_type" << QJsonValue("relative_key");
        QTest::newRow("decoder") << "is_decoder" << QJsonValue(true);
        QTest::newRow("cross-attention") << "add_cross_attention" << QJsonValue(true);
    }
    void unsupportedSetUpsRefused()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QJsonObject config = readJson(kHf + "roberta-tiny/config.json");
        config[key] = value;
        QTemporaryDir dir;
        QFile file(dir.filePath("config.json"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(config).toJson());
        file.close();
        try {
            ModelConfig::fromFile(dir.filePath("config.json").toStdString());
            QFAIL(qPrintable("no error for " + key));
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains(key), e.what());
        }
    }

    void badConfigValues()
    {
        QJsonObject config = readJson(kHf + "distilbert-tiny/config.json");
        config["activation"] = "tanh";
        QTemporaryDir dir;
        QFile file(dir.filePath("config.json"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(config).toJson());
        file.close();
        try {
            ModelConfig::fromFile(dir.filePath("config.json").toStdString());
            QFAIL("no error for DistilBERT with a tanh activation");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("activation"), e.what());
        }
    }

    // A DistilBERT checkpoint without one of its weights is refused with the weight's name.
    void missingWeightNamed()
    {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        QVERIFY(QFile::copy(QString::fromStdString(kHf + "distilbert-tiny/config.json"), dir.filePath("config.json")));
        const SafetensorsFile file(kHf + "distilbert-tiny/model.safetensors");
        std::vector<std::pair<std::string, FloatTensor>> tensors;
        for (const std::string &key : file.keys())
            if (key != "distilbert.transformer.layer.1.ffn.lin2.weight")
                tensors.emplace_back(key, file.readFloat(key));
        writeSafetensors(folder + "/model.safetensors", tensors);
        expectLoadError(folder, {"missing", "distilbert.transformer.layer.1.ffn.lin2.weight", "model.safetensors"});
    }

    // A DistilBertModel checkpoint (no prefix, no head) runs as the base model; a RobertaModel
    // checkpoint likewise, its hidden states those of the fixture.
    void baseModelsWithoutPrefix_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<QString>("architecture");
        QTest::newRow("distilbert") << "distilbert-tiny"
                                    << "distilbert."
                                    << "DistilBertModel";
        QTest::newRow("roberta") << "roberta-tiny"
                                 << "roberta."
                                 << "RobertaModel";
    }
    void baseModelsWithoutPrefix()
    {
        QFETCH(QString, folder);
        QFETCH(QString, prefix);
        QFETCH(QString, architecture);
        QTemporaryDir dir;
        QJsonObject config = readJson(kHf + folder.toStdString() + "/config.json");
        config["architectures"] = QJsonArray{architecture};
        QFile out(dir.filePath("config.json"));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(config).toJson());
        out.close();
        const SafetensorsFile file(kHf + folder.toStdString() + "/model.safetensors");
        std::vector<std::pair<std::string, FloatTensor>> tensors;
        for (const std::string &key : file.keys())
            if (QString::fromStdString(key).startsWith(prefix))
                tensors.emplace_back(key.substr(size_t(prefix.size())), file.readFloat(key));
        writeSafetensors(dir.path().toStdString() + "/model.safetensors", tensors);
        const auto model = loadModel(dir.path().toStdString());
        QVERIFY(!model->info().capabilities.maskedLanguageModel);
        const SafetensorsFile expected(kHf + folder.toStdString() + "/expected.safetensors");
        const ModelOutputs outputs = model->run(textInputsFrom(expected));
        QVERIFY(!outputs.count("logits"));
        compareOutputs(outputs, expected, {"hidden_states.2", "attentions.1"}, folder + " base");
    }

    // RoBERTa reads at most max_position_embeddings - pad_token_id - 1 tokens.
    void robertaPositionLimit()
    {
        const auto model = loadModel(kHf + "roberta-tiny");
        ModelInputs inputs;
        inputs.integers["input_ids"] = {{1, 128}, std::vector<int64_t>(128, 5)};
        model->run(inputs);
        inputs.integers["input_ids"] = {{1, 129}, std::vector<int64_t>(129, 5)};
        QVERIFY_THROWS_EXCEPTION(Error, model->run(inputs));
    }
};

QTEST_GUILESS_MAIN(TestEncoders)
#include "tst_encoders.moc"
