// Encoder-decoders (T5, BART) against the fixtures made with transformers 5.17
// (../shared/fixtures/README.md, second set): both hidden-state stacks, the encoder, decoder and
// cross-attentions and the logits on Korean -> English pairs within the fixtures' tolerance; the
// source as their tokenizers encode it; greedy generation equal to transformers' generate; and
// the inputs and checkpoints Tessera refuses, each with the input or key named.

#include "tessera/core/Error.h"
#include "tessera/core/Generation.h"
#include "tessera/core/Model.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/Tokenizer.h"

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
#include <map>
#include <memory>

using namespace tessera;

namespace {

const std::string kHf = TESSERA_TEST_DATA "/hf/";

ModelInputs inputsFrom(const SafetensorsFile &expected)
{
    ModelInputs inputs;
    for (const char *name : {"input_ids", "attention_mask", "decoder_input_ids", "decoder_attention_mask"})
        inputs.integers[name] = {expected.info(name).shape, expected.readInt64(name)};
    return inputs;
}

// Row 0 of input_ids without its padding (the source generate.ids was made from).
std::vector<int64_t> firstSource(const SafetensorsFile &expected)
{
    const std::vector<int64_t> ids = expected.readInt64("input_ids"), mask = expected.readInt64("attention_mask");
    const int64_t n = expected.info("input_ids").shape[1];
    std::vector<int64_t> source;
    for (int64_t i = 0; i < n; ++i)
        if (mask[size_t(i)])
            source.push_back(ids[size_t(i)]);
    return source;
}

// A copy of a fixture folder in dir, for editing.
std::string copyFixture(const QTemporaryDir &dir, const char *folder)
{
    const QString from = QString::fromStdString(kHf + folder);
    for (const QString &name : QDir(from).entryList(QDir::Files))
        QFile::copy(from + "/" + name, dir.path() + "/" + name);
    return dir.path().toStdString();
}

template <typename F> QString errorOf(F &&f)
{
    try {
        f();
    } catch (const Error &e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class TestSeq2seq : public QObject {
    Q_OBJECT
private slots:
    void fixtures_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::newRow("t5-tiny") << "t5-tiny";
        QTest::newRow("bart-tiny") << "bart-tiny";
    }

    // Every hidden state, attention and the logits, as transformers computes them.
    void fixtures()
    {
        QFETCH(QString, folder);
        const std::string dir = kHf + folder.toStdString();
        const auto model = loadModel(dir);
        const ModelInfo &info = model->info();
        QVERIFY(info.capabilities.encoderDecoder && info.capabilities.conditionalGeneration);
        QVERIFY(!info.capabilities.causalLanguageModel && !info.capabilities.generates);
        QVERIFY2(info.unexpectedKeys.empty(),
                 qPrintable(QString::fromStdString(info.unexpectedKeys.empty() ? "" : info.unexpectedKeys.front())));
        QCOMPARE(info.attentionStacks.size(), size_t(3));
        QCOMPARE(info.attentionStacks[0].name, std::string("encoder_attentions"));
        QVERIFY(!info.attentionStacks[0].causal);
        QCOMPARE(info.attentionStacks[1].name, std::string("decoder_attentions"));
        QVERIFY(info.attentionStacks[1].causal);
        QCOMPARE(info.attentionStacks[2].name, std::string("cross_attentions"));
        const SafetensorsFile expected(dir + "/expected.safetensors");
        const ModelOutputs outputs = model->run(inputsFrom(expected));
        for (const char *name : {"encoder_hidden_states.0", "encoder_hidden_states.1", "encoder_hidden_states.2",
                                 "decoder_hidden_states.0", "decoder_hidden_states.1", "decoder_hidden_states.2",
                                 "encoder_attentions.0", "encoder_attentions.1", "decoder_attentions.0",
                                 "decoder_attentions.1", "cross_attentions.0", "cross_attentions.1", "logits"}) {
            QVERIFY2(outputs.count(name), name);
            TESSERA_VERIFY_CLOSE(outputs.at(name), expected.readFloat(name), test::kTransformers, folder + " " + name);
        }
        // The count from the config is the base model's; BART's head adds final_logits_bias (a
        // buffer, which transformers' num_parameters leaves out too).
        const int64_t buffers = folder == "bart-tiny" ? info.config.vocabularySize : 0;
        QCOMPARE(info.config.parameterCount() + buffers, info.parameters);
    }

    // The source as the fixture's tokenizer.json encodes it (T5's Unigram with </s>, BART's
    // byte-level BPE with <s> ... </s>).
    void sourceTokens_data() { fixtures_data(); }
    void sourceTokens()
    {
        QFETCH(QString, folder);
        const std::string dir = kHf + folder.toStdString();
        const SafetensorsFile expected(dir + "/expected.safetensors");
        const auto tokenizer = loadTokenizer(dir);
        QCOMPARE(tokenizer->encode("나는 학교에 간다", true).ids, firstSource(expected));
    }

    // Greedy generation from the first source: transformers' generate.ids (8 new tokens; BART's
    // last is its forced_eos_token_id).
    void greedyGeneration_data() { fixtures_data(); }
    void greedyGeneration()
    {
        QFETCH(QString, folder);
        const std::string dir = kHf + folder.toStdString();
        const auto model = loadModel(dir);
        const SafetensorsFile expected(dir + "/expected.safetensors");
        const std::vector<int64_t> reference = expected.readInt64("generate.ids");
        SequenceSettings greedy;
        greedy.maxNewTokens = int(reference.size()) - 1;
        const std::vector<GeneratedSequence> result = generateSequence(*model, firstSource(expected), greedy);
        QCOMPARE(result.size(), size_t(1));
        QCOMPARE(result[0].ids, reference);
    }

    // Each beam's log-probability is what a forward pass on its ids gives (summed log-softmax of
    // the chosen tokens), beams come best first, and one beam is greedy.
    void beamSearch_data() { fixtures_data(); }
    void beamSearch()
    {
        QFETCH(QString, folder);
        const std::string dir = kHf + folder.toStdString();
        const auto model = loadModel(dir);
        const SafetensorsFile expected(dir + "/expected.safetensors");
        const std::vector<int64_t> source = firstSource(expected);
        SequenceSettings settings;
        settings.maxNewTokens = 6;
        settings.beams = 3;
        const std::vector<GeneratedSequence> beams = generateSequence(*model, source, settings);
        QCOMPARE(beams.size(), size_t(3));
        const ModelConfig &c = model->info().config;
        CaptureOptions none;
        none.attentions = none.hiddenStates = false;
        for (size_t b = 0; b < beams.size(); ++b) {
            if (b > 0)
                QVERIFY(beams[b - 1].score >= beams[b].score);
            const std::vector<int64_t> &ids = beams[b].ids;
            ModelInputs inputs;
            inputs.integers["input_ids"] = {{1, int64_t(source.size())}, source};
            inputs.integers["decoder_input_ids"] = {{1, int64_t(ids.size()) - 1},
                                                    std::vector<int64_t>(ids.begin(), ids.end() - 1)};
            const FloatTensor logits = model->run(inputs, none).at("logits");
            const int64_t vocabulary = logits.shape.back();
            double sum = 0.0;
            for (size_t t = 0; t + 1 < ids.size(); ++t) {
                const float *row = logits.values.data() + int64_t(t) * vocabulary;
                double top = *std::max_element(row, row + vocabulary), total = 0.0;
                for (int64_t v = 0; v < vocabulary; ++v)
                    total += std::exp(double(row[v]) - top);
                const bool forced = c.forcedEosTokenId == ids[t + 1] && int(t) == settings.maxNewTokens - 1;
                sum += forced ? 0.0 : double(row[ids[t + 1]]) - top - std::log(total);
            }
            QVERIFY2(std::abs(sum - beams[b].logProbability) < 1e-3,
                     qPrintable(QString("beam %1: %2 vs %3").arg(b).arg(sum).arg(beams[b].logProbability)));
            QCOMPARE(beams[b].score, beams[b].logProbability / double(ids.size() - 1));
        }
        SequenceSettings one = settings;
        one.beams = 1;
        const std::vector<GeneratedSequence> greedy = generateSequence(*model, source, one);
        QCOMPARE(greedy.size(), size_t(1));
    }

    // Beam search against transformers' generate (num_beams 2, 3, 4, every beam returned, 6 new
    // tokens; tests/data/reference/seq2seq/beams.json, made by scripts/reference/seq2seq_reference.py):
    // the same beams in the same order with the same length-normalised scores.
    void beamsAsTransformers()
    {
        QFile file(TESSERA_TEST_DATA "/reference/seq2seq/beams.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray cases = QJsonDocument::fromJson(file.readAll()).object()["cases"].toArray();
        QCOMPARE(cases.size(), 6);
        std::map<QString, std::unique_ptr<Model>> models;
        auto ints = [](const QJsonArray &array) {
            std::vector<int64_t> values;
            for (const QJsonValue &v : array)
                values.push_back(v.toInteger());
            return values;
        };
        for (const QJsonValue &value : cases) {
            const QJsonObject c = value.toObject();
            const QString folder = c["model"].toString();
            if (!models.count(folder))
                models[folder] = loadModel(kHf + folder.toStdString());
            SequenceSettings settings;
            settings.maxNewTokens = 6;
            settings.beams = c["beams"].toInt();
            const std::vector<GeneratedSequence> beams =
                generateSequence(*models[folder], ints(c["source_ids"].toArray()), settings);
            const QJsonArray sequences = c["sequences"].toArray(), scores = c["scores"].toArray();
            const QString where = QString("%1, %2 beams").arg(folder).arg(settings.beams);
            QVERIFY2(beams.size() == size_t(sequences.size()), qPrintable(where));
            for (qsizetype b = 0; b < sequences.size(); ++b) {
                QVERIFY2(beams[size_t(b)].ids == ints(sequences[b].toArray()),
                         qPrintable(where + QString(": beam %1").arg(b)));
                QVERIFY2(std::abs(beams[size_t(b)].score - scores[b].toDouble()) < 1e-4,
                         qPrintable(where + QString(": beam %1 scores %2, transformers %3")
                                                .arg(b)
                                                .arg(beams[size_t(b)].score)
                                                .arg(scores[b].toDouble())));
            }
        }
    }

    // A source that is only padding leaves the cross-attention nothing to read.
    void onlyPadding()
    {
        const auto model = loadModel(kHf + "t5-tiny");
        ModelInputs inputs;
        inputs.integers["input_ids"] = {{1, 3}, {5, 6, 7}};
        inputs.integers["attention_mask"] = {{1, 3}, {0, 0, 0}};
        inputs.integers["decoder_input_ids"] = {{1, 1}, {0}};
        QString message = errorOf([&] { model->run(inputs); });
        QVERIFY2(message.contains("only padding") && message.contains("attention_mask"), qPrintable(message));
        inputs.integers.erase("attention_mask");
        inputs.integers["input_ids"] = {{1, 3}, {0, 0, 0}}; // T5's pad_token_id 0, no mask
        message = errorOf([&] { model->run(inputs); });
        QVERIFY2(message.contains("only padding") && message.contains("input_ids"), qPrintable(message));
        message = errorOf([&] { generateSequence(*model, {0, 0}, {}); });
        QVERIFY2(message.contains("only padding"), qPrintable(message));
    }

    // BART's decoder has 64 positions: a 65-token target is refused, naming decoder_input_ids.
    void decoderTooLong()
    {
        const auto model = loadModel(kHf + "bart-tiny");
        ModelInputs inputs;
        inputs.integers["input_ids"] = {{1, 3}, {0, 469, 2}};
        inputs.integers["decoder_input_ids"] = {{1, 65}, std::vector<int64_t>(65, 5)};
        const QString message = errorOf([&] { model->run(inputs); });
        QVERIFY2(message.contains("decoder_input_ids") && message.contains("64 positions"), qPrintable(message));
        // T5 needs decoder_input_ids: it does not shift its source.
        const auto t5 = loadModel(kHf + "t5-tiny");
        inputs.integers.erase("decoder_input_ids");
        const QString t5Message = errorOf([&] { t5->run(inputs); });
        QVERIFY2(t5Message.contains("needs decoder_input_ids"), qPrintable(t5Message));
    }

    // decoder_start_token_id null in config.json and absent from generation_config.json: BART
    // cannot shift its source nor generate, and says which key is missing.
    void missingDecoderStart()
    {
        QTemporaryDir dir;
        const std::string folder = copyFixture(dir, "bart-tiny");
        QFile::remove(dir.path() + "/generation_config.json");
        QFile config(dir.path() + "/config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        QByteArray json = config.readAll();
        config.close();
        json.replace("\"decoder_start_token_id\": 2", "\"decoder_start_token_id\": null");
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(json);
        config.close();
        const auto model = loadModel(folder);
        QCOMPARE(model->info().config.decoderStartTokenId, int64_t(-1));
        ModelInputs inputs;
        inputs.integers["input_ids"] = {{1, 3}, {0, 469, 2}};
        QString message = errorOf([&] { model->run(inputs); });
        QVERIFY2(message.contains("decoder_start_token_id"), qPrintable(message));
        message = errorOf([&] { generateSequence(*model, {0, 469, 2}, {}); });
        QVERIFY2(message.contains("decoder_start_token_id") && message.contains("config.json"), qPrintable(message));
    }

    // A checkpoint whose decoder is narrower than its encoder: the first decoder weight that
    // disagrees with config.json is named with both shapes.
    void encoderDecoderDisagree()
    {
        QTemporaryDir dir;
        const std::string folder = copyFixture(dir, "t5-tiny");
        const SafetensorsFile weights(kHf + "t5-tiny/model.safetensors");
        std::vector<std::pair<std::string, FloatTensor>> tensors;
        for (const std::string &key : weights.keys()) {
            FloatTensor t = weights.readFloat(key);
            if (key == "decoder.block.0.layer.0.SelfAttention.q.weight")
                t = FloatTensor{{32, 16}, std::vector<float>(32 * 16, 0.0f)};
            tensors.emplace_back(key, std::move(t));
        }
        writeSafetensors(folder + "/model.safetensors", tensors);
        const QString message = errorOf([&] { loadModel(folder); });
        QVERIFY2(message.contains("decoder.block.0.layer.0.SelfAttention.q.weight") && message.contains("[32, 16]") &&
                     message.contains("[32, 32]"),
                 qPrintable(message));
    }

    // Generation asks for an encoder-decoder with a head.
    void generationNeedsSeq2seq()
    {
        const auto gpt2 = loadModel(kHf + "gpt2-tiny");
        const QString message = errorOf([&] { generateSequence(*gpt2, {1, 2}, {}); });
        QVERIFY2(message.contains("encoder-decoder"), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestSeq2seq)
#include "tst_seq2seq.moc"
