// Llama-family decoders (Llama, Mistral, Qwen2, Qwen3, Gemma 3) against the fixtures made with
// transformers 5.17 (../shared/fixtures/README.md, second set): every attention and hidden
// state, logits, the RoPE tables and a greedy generation within the fixtures' tolerance; RoPE
// scalings against transformers' own rotary modules (tests/data/reference/rope, made by
// scripts/reference/rope_reference.py); parameter counts of published configs; the configs
// Tessera refuses, each with the key named.

#include "tessera/core/Error.h"
#include "tessera/core/Generation.h"
#include "tessera/core/MemoryGuard.h"
#include "tessera/core/Model.h"
#include "tessera/core/PositionalEncoding.h"
#include "tessera/core/Safetensors.h"

#include "support/Tolerance.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>

using namespace tessera;

namespace {

const std::string kHf = TESSERA_TEST_DATA "/hf/";

ModelInputs inputsFrom(const SafetensorsFile &expected)
{
    ModelInputs inputs;
    for (const char *name : {"input_ids", "attention_mask", "position_ids"})
        inputs.integers[name] = {expected.info(name).shape, expected.readInt64(name)};
    return inputs;
}

// The rotary table of positions 0 .. rows - 1 as transformers lays it out ([positions,
// headSize]: the pair frequencies twice), from the inverse frequencies.
FloatTensor rotaryTable(const pe::RotaryFrequencies &f, int64_t rows, bool sine)
{
    const int64_t half = int64_t(f.inverseFrequencies.size());
    FloatTensor table{{rows, 2 * half}, std::vector<float>(size_t(rows * 2 * half))};
    for (int64_t p = 0; p < rows; ++p)
        for (int64_t j = 0; j < 2 * half; ++j) {
            const double angle = double(float(p) * float(f.inverseFrequencies[size_t(j % half)]));
            table.values[size_t(p * 2 * half + j)] =
                float((sine ? std::sin(angle) : std::cos(angle)) * f.attentionScaling);
        }
    return table;
}

std::string writeConfig(const QTemporaryDir &dir, const std::string &json)
{
    const std::string path = dir.path().toStdString() + "/config.json";
    std::ofstream(path) << json;
    return path;
}

// A config with the given keys added to a small Llama.
std::string llamaConfig(const std::string &extra)
{
    return R"({"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 32,
               "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
               "intermediate_size": 64, "vocab_size": 100, "max_position_embeddings": 128)" +
           (extra.empty() ? std::string() : ", " + extra) + "}";
}

void expectConfigError(const std::string &json, const char *key)
{
    QTemporaryDir dir;
    const std::string path = writeConfig(dir, json);
    try {
        ModelConfig::fromFile(path);
        QFAIL(qPrintable(QString("no error for a config with ") + key));
    } catch (const Error &e) {
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(message.contains(key), qPrintable(message));
        QVERIFY2(message.contains("config.json"), qPrintable(message));
    }
}

} // namespace

class TestDecoders : public QObject {
    Q_OBJECT
private slots:
    void fixtures_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<int>("kvHeads");
        QTest::addColumn<int>("window");
        for (const auto &[folder, kv, window] : std::vector<std::tuple<const char *, int, int>>{{"llama-tiny", 2, 0},
                                                                                                {"mistral-tiny", 1, 4},
                                                                                                {"qwen2-tiny", 2, 0},
                                                                                                {"qwen3-tiny", 2, 0},
                                                                                                {"gemma3-tiny", 1, 4}})
            QTest::newRow(folder) << QString(folder) << kv << window;
    }

    // Every attention, hidden state and the logits, as transformers computes them.
    void fixtures()
    {
        QFETCH(QString, folder);
        QFETCH(int, kvHeads);
        QFETCH(int, window);
        const std::string dir = kHf + folder.toStdString();
        const auto model = loadModel(dir);
        const ModelInfo &info = model->info();
        QVERIFY(info.capabilities.causalLanguageModel && info.capabilities.generates);
        QVERIFY(info.unexpectedKeys.empty());
        QCOMPARE(info.attentionStacks.size(), size_t(1));
        QCOMPARE(info.attentionStacks[0].keyValueHeads, int64_t(kvHeads));
        QCOMPARE(info.attentionStacks[0].queryHeads, int64_t(4));
        QCOMPARE(info.attentionStacks[0].slidingWindow, int64_t(window));
        QVERIFY(info.attentionStacks[0].causal);
        const SafetensorsFile expected(dir + "/expected.safetensors");
        const ModelOutputs outputs = model->run(inputsFrom(expected));
        for (const char *name :
             {"hidden_states.0", "hidden_states.1", "hidden_states.2", "attentions.0", "attentions.1", "logits"}) {
            QVERIFY2(outputs.count(name), name);
            TESSERA_VERIFY_CLOSE(outputs.at(name), expected.readFloat(name), test::kTransformers, folder + " " + name);
        }
        // The parameter count from the config alone equals the weights the model read.
        QCOMPARE(info.config.parameterCount(), info.parameters);
    }

    // A sliding window of 4: the last real query of the first text sees keys n-4 .. n-1 only.
    void mistralSlidingWindow()
    {
        const auto model = loadModel(kHf + "mistral-tiny");
        const SafetensorsFile expected(kHf + "mistral-tiny/expected.safetensors");
        const ModelInputs inputs = inputsFrom(expected);
        const ModelOutputs outputs = model->run(inputs);
        const FloatTensor &a = outputs.at("attentions.0"); // [2, 4, n, n]
        const int64_t n = a.shape[2];
        const std::vector<int64_t> &mask = inputs.integers.at("attention_mask").values;
        const int64_t last = std::count(mask.begin(), mask.begin() + n, 1) - 1;
        for (int64_t head = 0; head < 4; ++head) {
            const float *row = a.values.data() + (head * n + last) * n;
            double seen = 0.0;
            for (int64_t key = 0; key < n; ++key) {
                if (key > last - 4 && key <= last)
                    seen += row[key];
                else
                    QCOMPARE(row[key], 0.0f);
            }
            QVERIFY(std::abs(seen - 1.0) < 1e-5);
        }
        const AttentionStack &stack = model->info().attentionStacks[0];
        QCOMPARE(stack.slidingLayers, std::vector<bool>({true, true}));
    }

    void gemmaLayerTypes()
    {
        const auto model = loadModel(kHf + "gemma3-tiny");
        const ModelConfig &c = model->info().config;
        QCOMPARE(c.slidingLayers, std::vector<bool>({true, false}));
        QCOMPARE(c.rope.theta, 1000000.0);
        QCOMPARE(c.localRope.theta, 10000.0);
        QCOMPARE(c.queryScale, 16.0);
        QVERIFY(c.queryKeyNorm && c.tieWordEmbeddings);
    }

    // The RoPE tables of each fixture's rotary module (positions 0-15).
    void ropeTables_data() { fixtures_data(); }
    void ropeTables()
    {
        QFETCH(QString, folder);
        const std::string dir = kHf + folder.toStdString();
        const ModelConfig c = ModelConfig::fromFile(dir + "/config.json");
        const SafetensorsFile expected(dir + "/expected.safetensors");
        const FloatTensor cos = expected.readFloat("rope.model.rotary_emb.cos");
        const FloatTensor sin = expected.readFloat("rope.model.rotary_emb.sin");
        // Gemma 3's one module is its global layers' (the local layers' base is checked by the
        // attentions of its sliding layer).
        const pe::RotaryFrequencies f = pe::rotaryFrequencies(c.rope, c.headDimension(), c.maxPositions);
        TESSERA_VERIFY_CLOSE(rotaryTable(f, cos.shape[0], false), cos, test::kTransformers, folder + " cos");
        TESSERA_VERIFY_CLOSE(rotaryTable(f, sin.shape[0], true), sin, test::kTransformers, folder + " sin");
    }

    // Greedy decoding from the fixture's prompt: the same new tokens as transformers' generate.
    void greedyGeneration_data() { fixtures_data(); }
    void greedyGeneration()
    {
        QFETCH(QString, folder);
        const std::string dir = kHf + folder.toStdString();
        const auto model = loadModel(dir);
        const SafetensorsFile expected(dir + "/expected.safetensors");
        std::vector<int64_t> ids = expected.readInt64("generate.prompt_ids");
        const std::vector<int64_t> reference = expected.readInt64("generate.ids");
        CaptureOptions none;
        none.attentions = none.hiddenStates = false;
        while (ids.size() < reference.size()) {
            ModelInputs inputs;
            inputs.integers["input_ids"] = {{1, int64_t(ids.size())}, ids};
            const FloatTensor logits = model->run(inputs, none).at("logits");
            const int64_t vocabulary = logits.shape.back();
            const float *last = logits.values.data() + (int64_t(ids.size()) - 1) * vocabulary;
            ids.push_back(std::max_element(last, last + vocabulary) - last);
        }
        QCOMPARE(ids, reference);
    }

    // The same through generateIds: one token at a time through the key/value cache.
    void cachedGeneration_data() { fixtures_data(); }
    void cachedGeneration()
    {
        QFETCH(QString, folder);
        const std::string dir = kHf + folder.toStdString();
        const auto model = loadModel(dir);
        const SafetensorsFile expected(dir + "/expected.safetensors");
        const std::vector<int64_t> prompt = expected.readInt64("generate.prompt_ids");
        const std::vector<int64_t> reference = expected.readInt64("generate.ids");
        SamplingSettings greedy;
        greedy.maxNewTokens = int(reference.size() - prompt.size());
        greedy.stopAtEnd = false;
        std::vector<int64_t> streamed;
        const std::vector<int64_t> added =
            generateIds(*model, prompt, greedy, [&](int64_t id) { streamed.push_back(id); });
        QCOMPARE(added, std::vector<int64_t>(reference.begin() + int64_t(prompt.size()), reference.end()));
        QCOMPARE(streamed, added);
    }

    // Nucleus sampling by hand: probabilities 0.5, 0.3, 0.2. p = 0.5 keeps the first token only,
    // p = 0.6 the first two (0.5 falls short of 0.6, 0.8 reaches it); top-k 1 is greedy.
    void topPAndTopK()
    {
        const float logits[3] = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
        std::mt19937_64 random(7);
        SamplingSettings s;
        s.temperature = 1.0;
        s.topP = 0.5;
        for (int i = 0; i < 200; ++i)
            QCOMPARE(sampleNext(logits, 3, s, random), int64_t(0));
        s.topP = 0.6;
        int counts[3] = {0, 0, 0};
        for (int i = 0; i < 2000; ++i)
            ++counts[sampleNext(logits, 3, s, random)];
        QCOMPARE(counts[2], 0);
        QVERIFY2(counts[1] > 600 && counts[1] < 900, qPrintable(QString::number(counts[1]))); // 2000 x 3/8 = 750
        s.topP = 1.0;
        s.topK = 1;
        for (int i = 0; i < 50; ++i)
            QCOMPARE(sampleNext(logits, 3, s, random), int64_t(0));
    }

    // RoPE scalings (default, linear, dynamic, llama3, yarn) as transformers 5.17's
    // LlamaRotaryEmbedding computes them, read from transformers 4 configs and from the same
    // settings in transformers 5's rope_parameters.
    void ropeScalings_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<bool>("v5");
        QFile file(TESSERA_TEST_DATA "/reference/rope/rope.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        m_rope = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonArray cases = m_rope["cases"].toArray();
        for (int i = 0; i < cases.size(); ++i)
            for (bool v5 : {false, true})
                QTest::newRow(qPrintable(cases[i].toObject()["name"].toString() + (v5 ? " v5" : " v4"))) << i << v5;
    }
    void ropeScalings()
    {
        QFETCH(int, index);
        QFETCH(bool, v5);
        const QJsonObject c = m_rope["cases"].toArray()[index].toObject();
        const int headSize = m_rope["head_dim"].toInt();
        QJsonObject keys = v5 ? QJsonObject{{"rope_parameters", c["rope_parameters_v5"]}} : c["config_v4"].toObject();
        keys["model_type"] = "llama";
        keys["hidden_size"] = headSize * 4;
        keys["num_attention_heads"] = 4;
        keys["num_hidden_layers"] = 1;
        keys["intermediate_size"] = 64;
        keys["vocab_size"] = 16;
        keys["max_position_embeddings"] = c["config_v4"].toObject()["max_position_embeddings"];
        QTemporaryDir dir;
        const ModelConfig config = ModelConfig::fromFile(writeConfig(dir, QJsonDocument(keys).toJson().toStdString()));
        QCOMPARE(config.headDimension(), int64_t(headSize));
        const pe::RotaryFrequencies f = pe::rotaryFrequencies(config.rope, headSize, config.maxPositions);
        const QJsonArray inv = c["inv_freq"].toArray();
        QCOMPARE(f.inverseFrequencies.size(), size_t(inv.size()));
        for (int i = 0; i < inv.size(); ++i) // transformers computes them in float32
            QVERIFY2(std::abs(f.inverseFrequencies[size_t(i)] - inv[i].toDouble()) <= 2e-6 * inv[i].toDouble(),
                     qPrintable(QString("inv_freq[%1] %2 vs %3")
                                    .arg(i)
                                    .arg(f.inverseFrequencies[size_t(i)])
                                    .arg(inv[i].toDouble())));
        QVERIFY(std::abs(f.attentionScaling - c["attention_scaling"].toDouble()) < 1e-9);
        // cos / sin at short and (dynamic: stretched) long positions. transformers' module keeps
        // the frequencies of the longest run it has seen (it made the short table first), so
        // each table is compared at the longest position so far.
        int64_t longest = 0;
        for (const char *label : {"short", "long"}) {
            const QJsonObject table = c["tables"].toObject()[label].toObject();
            const QJsonArray positions = table["positions"].toArray();
            for (const auto &p : positions)
                longest = std::max<int64_t>(longest, p.toInt() + 1);
            const pe::RotaryFrequencies g = pe::rotaryFrequencies(config.rope, headSize, config.maxPositions, longest);
            for (int r = 0; r < positions.size(); ++r) {
                const QJsonArray cosRow = table["cos"].toArray()[r].toArray();
                for (int j = 0; j < cosRow.size(); ++j) {
                    // Float32 angles in the reference: at position 262,000 their rounding is
                    // a few thousandths of a radian.
                    const double angle = positions[r].toDouble() * g.inverseFrequencies[size_t(j % (headSize / 2))];
                    const double tolerance = 1e-3 + 1e-7 * positions[r].toDouble();
                    QVERIFY2(std::abs(std::cos(angle) * g.attentionScaling - cosRow[j].toDouble()) < tolerance,
                             qPrintable(QString("%1 position %2 dim %3").arg(label).arg(positions[r].toInt()).arg(j)));
                }
            }
        }
    }

    // Published configs: Llama-2-7B (meta-llama/Llama-2-7b-hf: 6,738,415,616 parameters, the
    // count Meta's model card rounds to 7B and transformers' num_parameters() gives) and
    // SmolLM2-135M (134,515,008, tied embeddings, 9 heads over 3 key/value heads).
    void parameterCounts()
    {
        QTemporaryDir dir;
        const ModelConfig llama2 = ModelConfig::fromFile(writeConfig(dir, R"({
            "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096,
            "intermediate_size": 11008, "num_attention_heads": 32, "num_hidden_layers": 32,
            "num_key_value_heads": 32, "max_position_embeddings": 4096, "rms_norm_eps": 1e-05,
            "vocab_size": 32000, "tie_word_embeddings": false, "rope_theta": 10000.0,
            "rope_scaling": null, "torch_dtype": "float16", "hidden_act": "silu"})"));
        QCOMPARE(llama2.parameterCount(), int64_t(6738415616));
        QCOMPARE(llama2.dtype, std::string("float16"));
        const ModelConfig smol = ModelConfig::fromFile(writeConfig(dir, R"({
            "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 576,
            "intermediate_size": 1536, "num_attention_heads": 9, "num_hidden_layers": 30,
            "num_key_value_heads": 3, "max_position_embeddings": 8192, "rms_norm_eps": 1e-05,
            "vocab_size": 49152, "tie_word_embeddings": true, "rope_theta": 100000,
            "rope_scaling": null, "torch_dtype": "bfloat16", "hidden_act": "silu"})"));
        QCOMPARE(smol.parameterCount(), int64_t(134515008));
        QCOMPARE(smol.keyValueHeadCount(), int64_t(3));
        QCOMPARE(smol.headDimension(), int64_t(64));
    }

    // Published configs of Qwen2.5-0.5B, Qwen3-0.6B, TinyLlama-1.1B, Llama-3.2-1B, Mistral-7B and
    // Gemma-3-270m: the parameter count transformers 5.17's num_parameters() gives for each
    // (tests/data/reference/decoders, made by scripts/reference/decoder_checks.py), and YaRN
    // with an explicit factor that max_position_embeddings / original disagrees with.
    void publishedConfigs()
    {
        QFile file(TESSERA_TEST_DATA "/reference/decoders/decoder_checks.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject reference = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonObject parameters = reference["parameters"].toObject();
        QCOMPARE(parameters.size(), 6);
        QTemporaryDir dir;
        for (auto it = parameters.begin(); it != parameters.end(); ++it) {
            const QJsonObject entry = it.value().toObject();
            QVERIFY2(entry.contains("num_parameters"), qPrintable(it.key()));
            const ModelConfig c = ModelConfig::fromFile(
                writeConfig(dir, QJsonDocument(entry["config"].toObject()).toJson().toStdString()));
            QCOMPARE(c.parameterCount(), int64_t(entry["num_parameters"].toDouble()));
        }
        for (const QJsonValue &value : reference["yarn"].toArray()) {
            const QJsonObject yarn = value.toObject();
            QJsonObject keys = yarn["config_v4"].toObject();
            keys["model_type"] = "llama";
            keys["hidden_size"] = 256;
            keys["num_attention_heads"] = 4;
            keys["head_dim"] = 64;
            keys["num_hidden_layers"] = 1;
            keys["intermediate_size"] = 64;
            keys["vocab_size"] = 16;
            const ModelConfig c = ModelConfig::fromFile(writeConfig(dir, QJsonDocument(keys).toJson().toStdString()));
            const pe::RotaryFrequencies f = pe::rotaryFrequencies(c.rope, 64, c.maxPositions);
            const QJsonArray inv = yarn["inv_freq"].toArray();
            for (int i = 0; i < inv.size(); ++i)
                QVERIFY2(std::abs(f.inverseFrequencies[size_t(i)] - inv[i].toDouble()) <= 2e-6 * inv[i].toDouble(),
                         qPrintable(yarn["name"].toString() + QString(" inv_freq[%1]").arg(i)));
            QVERIFY(std::abs(f.attentionScaling - yarn["attention_scaling"].toDouble()) < 1e-9);
        }
    }

    // What Tessera cannot run is refused by name, before any weight is read.
    void refusedConfigs()
    {
        expectConfigError(llamaConfig(R"("rope_scaling": {"rope_type": "longrope", "factor": 2.0})"),
                          "rope_scaling.rope_type");
        expectConfigError(llamaConfig(R"("rope_parameters": {"rope_type": "mrope", "rope_theta": 10000.0})"),
                          "rope_parameters.rope_type");
        expectConfigError(llamaConfig(R"("num_local_experts": 8)"), "num_local_experts");
        expectConfigError(llamaConfig(R"("layer_types": ["full_attention"])"), "layer_types");
        expectConfigError(llamaConfig(R"("layer_types": ["full_attention", "chunked_attention"])"), "layer_types[1]");
        expectConfigError(llamaConfig(R"("rope_scaling": {"rope_type": "linear", "factor": 0})"),
                          "rope_scaling.factor");
        expectConfigError(llamaConfig(R"("partial_rotary_factor": 0.5)"), "partial_rotary_factor");
        QTemporaryDir dir;
        const std::string gqa = R"({"model_type": "qwen2", "hidden_size": 32, "num_hidden_layers": 2,
            "num_attention_heads": 4, "num_key_value_heads": 3, "intermediate_size": 64, "vocab_size": 100})";
        expectConfigError(gqa, "num_key_value_heads");
        const std::string gemma2 = R"({"model_type": "gemma3_text", "hidden_size": 32, "num_hidden_layers": 2,
            "num_attention_heads": 4, "intermediate_size": 64, "vocab_size": 100, "sliding_window": 4,
            "attn_logit_softcapping": 50.0})";
        expectConfigError(gemma2, "attn_logit_softcapping");
    }

    // A config that disagrees with its weights (two key/value heads in the file, one in the
    // config): refused naming the tensor, nothing loaded.
    void configDisagreesWithWeights()
    {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        QFile::copy(QString::fromStdString(kHf + "llama-tiny/model.safetensors"),
                    QString::fromStdString(folder + "/model.safetensors"));
        QFile in(QString::fromStdString(kHf + "llama-tiny/config.json"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QJsonObject config = QJsonDocument::fromJson(in.readAll()).object();
        config["num_key_value_heads"] = 1;
        std::ofstream(folder + "/config.json") << QJsonDocument(config).toJson().toStdString();
        try {
            loadModel(folder);
            QFAIL("a config with the wrong key/value heads loaded");
        } catch (const Error &e) {
            const QString message = e.what();
            QVERIFY2(message.contains("model.layers.0.self_attn.k_proj.weight"), qPrintable(message));
            QVERIFY2(message.contains("[16, 32]") && message.contains("[8, 32]"), qPrintable(message));
        }
    }

    // A 100k-token prompt is refused by the memory guard before any work, naming the length
    // that fits; that length runs and one more token does not. Generation refuses it too.
    void longPromptsRefusedWithTheLengthThatFits()
    {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        QVERIFY(QFile::copy(QString::fromStdString(kHf + "llama-tiny/model.safetensors"),
                            QString::fromStdString(folder + "/model.safetensors")));
        QFile in(QString::fromStdString(kHf + "llama-tiny/config.json"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QJsonObject config = QJsonDocument::fromJson(in.readAll()).object();
        config["max_position_embeddings"] = 131072; // RoPE: no table grows with it
        std::ofstream(folder + "/config.json") << QJsonDocument(config).toJson().toStdString();
        const auto model = loadModel(folder);
        setMemoryBudget(64ull << 20);
        auto run = [&](int64_t n) {
            ModelInputs inputs;
            inputs.integers["input_ids"] = {{1, n}, std::vector<int64_t>(size_t(n), 5)};
            model->run(inputs);
        };
        int64_t fits = 0;
        try {
            run(100000);
            QFAIL("100,000 tokens with every attention ran under a 64 MiB budget");
        } catch (const Error &e) {
            const QRegularExpressionMatch m = QRegularExpression("at most (\\d+) tokens fit").match(e.what());
            QVERIFY2(m.hasMatch(), e.what());
            fits = m.captured(1).toLongLong();
        }
        QVERIFY2(fits > 100 && fits < 100000, qPrintable(QString::number(fits)));
        run(fits);
        QVERIFY_THROWS_EXCEPTION(Error, run(fits + 1));
        SamplingSettings one;
        one.maxNewTokens = 1;
        QVERIFY_THROWS_EXCEPTION(Error, generateIds(*model, std::vector<int64_t>(100000, 5), one));
        setMemoryBudget(0);
    }

    void noLearnedPositionTable()
    {
        const auto model = loadModel(kHf + "qwen3-tiny");
        QVERIFY_THROWS_EXCEPTION(Error, model->positionTable());
    }

private:
    QJsonObject m_rope;
};

QTEST_GUILESS_MAIN(TestDecoders)
#include "tst_decoders.moc"
