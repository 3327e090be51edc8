// BERT, GPT-2 and ViT against the fixtures made with Hugging Face transformers 5.17: every
// captured attention and hidden state, logits, rollout and mean attention distance within
// the fixtures' tolerance (atol 2e-4, rtol 1e-3).

#include "tessera/core/Error.h"
#include "tessera/core/Model.h"
#include "tessera/core/Safetensors.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace tessera;

namespace {

const std::string kHf = TESSERA_TEST_DATA "/hf/";

ModelInputs inputsFrom(const SafetensorsFile &expected)
{
    ModelInputs inputs;
    for (const char *name : {"input_ids", "attention_mask", "token_type_ids", "position_ids"})
        if (expected.contains(name))
            inputs.integers[name] = {expected.info(name).shape, expected.readInt64(name)};
    if (expected.contains("pixel_values"))
        inputs.floats["pixel_values"] = expected.readFloat("pixel_values");
    return inputs;
}

void compare(const FloatTensor &actual, const FloatTensor &reference, const QString &name)
{
    QVERIFY2(actual.shape == reference.shape,
             qPrintable(name + ": shape " + QString::fromStdString(shapeToString(actual.shape)) + " vs " +
                        QString::fromStdString(shapeToString(reference.shape))));
    double worst = 0.0;
    size_t worstAt = 0;
    for (size_t i = 0; i < reference.values.size(); ++i) {
        const double excess = std::abs(double(actual.values[i]) - reference.values[i]) - (2e-4 + 1e-3 * std::abs(reference.values[i]));
        if (excess > worst) {
            worst = excess;
            worstAt = i;
        }
    }
    QVERIFY2(worst <= 0.0, qPrintable(QString("%1: element %2 is %3, reference %4").arg(name).arg(worstAt)
                                          .arg(actual.values[worstAt]).arg(reference.values[worstAt])));
}

void checkFixture(const std::string &folder, const QStringList &names, const CaptureOptions &capture = {})
{
    const auto model = loadModel(kHf + folder);
    const SafetensorsFile expected(kHf + folder + "/expected.safetensors");
    const ModelOutputs outputs = model->run(inputsFrom(expected), capture);
    for (const QString &name : names) {
        const auto found = outputs.find(name.toStdString());
        QVERIFY2(found != outputs.end(), qPrintable("no output " + name));
        compare(found->second, expected.readFloat(name.toStdString()), QString::fromStdString(folder) + " " + name);
    }
}

} // namespace

class TestModels : public QObject {
    Q_OBJECT
private slots:
    void bertMaskedLm()
    {
        checkFixture("bert-tiny-mlm", {"hidden_states.0", "hidden_states.1", "hidden_states.2", "attentions.0",
                                       "attentions.1", "logits"});
    }

    void gpt2LmHead()
    {
        checkFixture("gpt2-tiny", {"hidden_states.0", "hidden_states.1", "hidden_states.2", "attentions.0",
                                   "attentions.1", "logits"});
    }

    void vitClassifierWithAnalyses()
    {
        CaptureOptions capture;
        capture.rollout = true;
        capture.meanAttentionDistance = true;
        checkFixture("vit-tiny", {"hidden_states.0", "hidden_states.1", "hidden_states.2", "attentions.0", "attentions.1",
                                  "logits", "rollout", "mean_attention_distance.raw", "mean_attention_distance.renormalized"},
                     capture);
    }

    void modelInfoAndPositionTables()
    {
        const auto bert = loadModel(kHf + "bert-tiny-mlm");
        QCOMPARE(bert->info().config.architecture, std::string("BertForMaskedLM"));
        QCOMPARE(bert->positionTable().rows, 64);
        QCOMPARE(bert->positionTable().cols, 32);
        const auto gpt2 = loadModel(kHf + "gpt2-tiny");
        QCOMPARE(gpt2->positionTable().rows, 64);
        const auto vit = loadModel(kHf + "vit-tiny");
        QCOMPARE(vit->positionTable().rows, 17);
        QCOMPARE(vit->positionTable().at(0, 0), 0.3696536719799042f); // read with Python's struct
        QCOMPARE(vit->info().config.labels.size(), size_t(10));
    }

    void bertBaseHas110MParameters()
    {
        // The notes' BERT-base (000:168-171): 12 layers, hidden 768, 12 heads, vocab 30,522.
        QTemporaryDir dir;
        std::ofstream(dir.filePath("config.json").toStdString())
            << R"({"model_type": "bert", "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
                   "intermediate_size": 3072, "vocab_size": 30522, "max_position_embeddings": 512, "type_vocab_size": 2})";
        const ModelConfig config = ModelConfig::fromFile(dir.filePath("config.json").toStdString());
        // 109,482,240: the count of bert-base-uncased's BertModel.
        QCOMPARE(config.parameterCount(), int64_t(109482240));
    }

    void onlyChosenLayers()
    {
        const auto model = loadModel(kHf + "bert-tiny-mlm");
        const SafetensorsFile expected(kHf + "bert-tiny-mlm/expected.safetensors");
        CaptureOptions capture;
        capture.layers = {1};
        const ModelOutputs outputs = model->run(inputsFrom(expected), capture);
        QVERIFY(outputs.count("attentions.1"));
        QVERIFY(!outputs.count("attentions.0"));
        QVERIFY(outputs.count("logits"));
    }

    void badCheckpointsAndInputs()
    {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        auto expectError = [&](const std::string &path, std::initializer_list<const char *> fragments) {
            try {
                loadModel(path);
                QFAIL("loaded a broken checkpoint");
            } catch (const Error &e) {
                for (const char *fragment : fragments)
                    QVERIFY2(QString(e.what()).contains(fragment), qPrintable(QString(e.what()) + " lacks " + fragment));
            }
        };
        expectError(folder, {"no config.json"});
        std::ofstream(folder + "/config.json") << R"({"model_type": "t5"})";
        expectError(folder, {"t5", "model_type"});
        std::ofstream(folder + "/config.json") << R"({"model_type": "bert", "hidden_size": 32, "num_hidden_layers": 2,
            "num_attention_heads": 4, "intermediate_size": 64, "vocab_size": 28996, "max_position_embeddings": 64})";
        std::ofstream(folder + "/pytorch_model.bin") << "pickle";
        expectError(folder, {"pytorch_model.bin", "safetensors"});
        // Weights that disagree with the config: the fixture's BERT with a config claiming 3 layers.
        QFile::copy(QString::fromStdString(kHf + "bert-tiny-mlm/model.safetensors"), dir.filePath("model.safetensors"));
        std::ofstream(folder + "/config.json") << R"({"model_type": "bert", "architectures": ["BertForMaskedLM"],
            "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 4, "intermediate_size": 64,
            "vocab_size": 28996, "max_position_embeddings": 64})";
        expectError(folder, {"missing", "encoder.layer.2"});
        std::ofstream(folder + "/config.json") << R"({"model_type": "bert", "hidden_size": 32, "num_hidden_layers": 2,
            "num_attention_heads": 4, "intermediate_size": 64, "vocab_size": 30000, "max_position_embeddings": 64})";
        expectError(folder, {"word_embeddings", "disagrees with config.json"});

        const auto model = loadModel(kHf + "bert-tiny-mlm");
        ModelInputs inputs;
        inputs.integers["input_ids"] = {{1, 3}, {101, 99999, 102}};
        QVERIFY_THROWS_EXCEPTION(Error, model->run(inputs));
        inputs.integers["input_ids"] = {{1, 65}, std::vector<int64_t>(65, 100)};
        QVERIFY_THROWS_EXCEPTION(Error, model->run(inputs));
        inputs.integers["input_ids"] = {{1, 3}, {101, 100, 102}};
        inputs.integers["attention_mask"] = {{1, 2}, {1, 1}};
        QVERIFY_THROWS_EXCEPTION(Error, model->run(inputs));
        BasicJobContext cancelled;
        cancelled.cancel();
        inputs.integers.erase("attention_mask");
        QVERIFY_THROWS_EXCEPTION(CancelledError, model->run(inputs, {}, &cancelled));
    }
};

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
