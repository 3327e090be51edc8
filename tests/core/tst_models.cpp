// BERT, GPT-2 and ViT against the fixtures made with Hugging Face transformers 5.17: every
// captured attention and hidden state, logits, rollout and mean attention distance within
// the fixtures' tolerance (atol 2e-4, rtol 1e-3).

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/ImageHeader.h"
#include "tessera/core/Log.h"
#include "tessera/core/Model.h"
#include "tessera/core/Pipelines.h"
#include "tessera/core/Safetensors.h"

#include "support/Tolerance.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <functional>

#include <sys/stat.h>
#include <unistd.h>

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
    TESSERA_VERIFY_CLOSE(actual, reference, test::kTransformers, name);
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
    // The header readers give every format's size as OpenCV decodes it; an image beyond the pixel
    // budget is refused from its header (a 1 KB PNG claiming 20000 x 20000 decoded to 6 GB).
    void imageHeaders()
    {
        const QString corpus = TESSERA_TEST_DATA "/../../fuzz/corpus/image";
        for (const QString &name : QDir(corpus).entryList(QDir::Files)) {
            QFile file(corpus + "/" + name);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            const ImageSize size = imageSizeFromHeader(std::string_view(bytes.constData(), size_t(bytes.size())));
            QVERIFY2(!size.format.empty(), qPrintable(name));
            const Image8 image = readImage((corpus + "/" + name).toStdString(), 3);
            QCOMPARE(size.width, image.width);
            QCOMPARE(size.height, image.height);
        }
        QTemporaryDir dir;
        // A valid PNG signature and IHDR claiming 20000 x 20000, then nothing.
        std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x4e\x20\0\0\x4e\x20\x08\x02\0\0\0", 29);
        png += std::string(1000, '\0');
        const std::string path = dir.filePath("huge.png").toStdString();
        std::ofstream(path, std::ios::binary) << png;
        try {
            readImage(path, 3);
            QFAIL("a 20000 x 20000 PNG was decoded");
        } catch (const Error &e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains("20000 x 20000") && message.contains("TESSERA_MAX_IMAGE_PIXELS"),
                     qPrintable(message));
        }
        // The budget is the user's: lowered, a small image is refused too.
        qputenv("TESSERA_MAX_IMAGE_PIXELS", "10");
        QVERIFY_THROWS_EXCEPTION(Error, readImage((corpus + "/small.png").toStdString(), 3));
        qunsetenv("TESSERA_MAX_IMAGE_PIXELS");
    }

    // A FIFO in place of any file a checkpoint is read from (config.json, generation_config.json,
    // the shard index, the weights), or of an image or text file, is refused at once, naming it:
    // opening one with no writer used to block forever (the CLI hung, the studio froze).
    void fifosAreRefused()
    {
        const std::string fixture = TESSERA_TEST_DATA "/hf/gpt2-tiny";
        auto expectRefused = [](const std::function<void()> &work, const std::string &fifo) {
            try {
                work();
                QFAIL(qPrintable(QString::fromStdString("no error for the FIFO " + fifo)));
            } catch (const Error &e) {
                const QString message = QString::fromUtf8(e.what());
                QVERIFY2(message.contains(QString::fromStdString(fifo)) && message.contains("FIFO"),
                         qPrintable(message));
            }
        };
        for (const char *name : {"config.json", "generation_config.json", "model.safetensors"}) {
            QTemporaryDir dir;
            const std::string folder = dir.path().toStdString();
            for (const char *file : {"config.json", "model.safetensors", "vocab.json", "merges.txt"})
                if (std::string(file) != name)
                    QVERIFY(QFile::copy(QString::fromStdString(fixture + "/" + file), dir.filePath(file)));
            const std::string fifo = folder + "/" + name;
            QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
            expectRefused([&] { loadModel(folder); }, fifo);
        }
        // A symbolic-link loop in place of the weights names the loop, not "no model.safetensors".
        {
            QTemporaryDir dir;
            QVERIFY(QFile::copy(QString::fromStdString(fixture + "/config.json"), dir.filePath("config.json")));
            const std::string loop = dir.filePath("model.safetensors").toStdString();
            QCOMPARE(::symlink(loop.c_str(), loop.c_str()), 0);
            try {
                loadModel(dir.path().toStdString());
                QFAIL("a link loop loaded");
            } catch (const Error &e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains("loop") &&
                             QString::fromUtf8(e.what()).contains(QString::fromStdString(loop)),
                         e.what());
            }
        }
        {
            QTemporaryDir dir;
            QVERIFY(QFile::copy(QString::fromStdString(fixture + "/config.json"), dir.filePath("config.json")));
            const std::string fifo = dir.filePath("model.safetensors.index.json").toStdString();
            QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
            expectRefused([&] { loadModel(dir.path().toStdString()); }, fifo);
            const std::string image = dir.filePath("cat.png").toStdString();
            QCOMPARE(::mkfifo(image.c_str(), 0600), 0);
            expectRefused([&] { readImage(image, 3); }, image);
            const std::string text = dir.filePath("notes.txt").toStdString();
            QCOMPARE(::mkfifo(text.c_str(), 0600), 0);
            expectRefused([&] { readFile(text); }, text);
        }
    }

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
        checkFixture("vit-tiny",
                     {"hidden_states.0", "hidden_states.1", "hidden_states.2", "attentions.0", "attentions.1", "logits",
                      "rollout", "mean_attention_distance.raw", "mean_attention_distance.renormalized"},
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

    // What each fixture can do, from the loaded weights and from config.json alone: the panels
    // decide by these (fill-mask, generation, patch grid, token types), never by model_type.
    void capabilitiesAndAttentionStacks()
    {
        const auto bert = loadModel(kHf + "bert-tiny-mlm"), gpt2 = loadModel(kHf + "gpt2-tiny"),
                   vit = loadModel(kHf + "vit-tiny");
        const ModelCapabilities b = bert->info().capabilities, g = gpt2->info().capabilities,
                                v = vit->info().capabilities;
        QVERIFY(b.textInput && b.tokenTypes && b.bidirectional && b.maskedLanguageModel);
        QVERIFY(!b.causalLanguageModel && !b.generates && !b.imageInput);
        QVERIFY(g.textInput && g.causalLanguageModel && g.generates);
        QVERIFY(!g.tokenTypes && !g.bidirectional && !g.maskedLanguageModel && !g.imageInput);
        QVERIFY(v.imageInput && v.patchGrid && v.imageClassification && !v.textInput && !v.detection);
        for (const auto *model : {bert.get(), gpt2.get(), vit.get()}) {
            const std::vector<AttentionStack> &stacks = model->info().attentionStacks;
            QCOMPARE(stacks.size(), size_t(1));
            QCOMPARE(QString::fromStdString(stacks[0].name), QStringLiteral("attentions"));
            QCOMPARE(stacks[0].layers, int64_t(2)); // the fixtures' num_hidden_layers / n_layer
            QCOMPARE(stacks[0].queryHeads, int64_t(4));
            QCOMPARE(stacks[0].keyValueHeads, int64_t(4));
            QCOMPARE(stacks[0].slidingWindow, int64_t(0));
        }
        QVERIFY(!bert->info().attentionStacks[0].causal && gpt2->info().attentionStacks[0].causal);
        // The same answers from config.json alone.
        QVERIFY(folderCapabilities(kHf + "bert-tiny-mlm").maskedLanguageModel);
        QVERIFY(folderCapabilities(kHf + "gpt2-tiny").generates);
        QVERIFY(folderCapabilities(kHf + "vit-tiny").patchGrid);
        QVERIFY(folderCapabilities(kHf + "detr-tiny").detection);
        QVERIFY(folderCapabilities(TESSERA_TEST_DATA "/diffusers/ddpm-tiny").denoising);
        QVERIFY(sameArchitecture(bert->info(), loadModel(kHf + "bert-tiny-mlm")->info()));
        QVERIFY(!sameArchitecture(bert->info(), gpt2->info()));
        // A folder that is no checkpoint: an error naming it, not a guess.
        QTemporaryDir empty;
        try {
            folderCapabilities(empty.path().toStdString());
            QFAIL("an empty folder has no capabilities");
        } catch (const Error &e) {
            QVERIFY(QString::fromUtf8(e.what()).contains("config.json"));
        }
    }

    void stepThroughOneHead()
    {
        // Recomputing attention by hand from the captured Q, K, V must give transformers' weights.
        const auto model = loadModel(kHf + "gpt2-tiny");
        const SafetensorsFile expected(kHf + "gpt2-tiny/expected.safetensors");
        CaptureOptions capture;
        capture.stepLayer = 1;
        capture.stepHead = 2;
        const ModelOutputs out = model->run(inputsFrom(expected), capture);
        const FloatTensor &q = out.at("step.query"), &k = out.at("step.key"), &weights = out.at("step.weights");
        const int64_t n = q.shape[0], d = q.shape[1];
        QCOMPARE(d, 8);                                                   // 32 / 4 heads
        const FloatTensor reference = expected.readFloat("attentions.1"); // [2, 4, 7, 7], batch item 0 unpadded
        for (int64_t i = 0; i < n; ++i) {
            std::vector<double> row(size_t(n), -INFINITY);
            double top = -INFINITY;
            for (int64_t j = 0; j <= i; ++j) { // causal
                double dot = 0.0;
                for (int64_t c = 0; c < d; ++c)
                    dot += double(q.values[size_t(i * d + c)]) * k.values[size_t(j * d + c)];
                row[size_t(j)] = dot / std::sqrt(double(d));
                top = std::max(top, row[size_t(j)]);
            }
            double sum = 0.0;
            for (double &v : row)
                sum += v = std::exp(v - top);
            for (int64_t j = 0; j < n; ++j) {
                const double want = reference.values[size_t(((0 * 4 + 2) * 7 + i) * 7 + j)];
                QVERIFY(std::abs(row[size_t(j)] / sum - want) < 2e-4 + 1e-3 * want);
                QVERIFY(std::abs(weights.values[size_t(i * n + j)] - want) < 2e-4 + 1e-3 * want);
            }
            if (i + 1 < n)
                QVERIFY(std::isnan(out.at("step.scaled").values[size_t(i * n + i + 1)])); // masked future
        }
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

    void checkpointVariants()
    {
        // The same weights under the names and dtypes published checkpoints use must give the
        // same numbers: GPT-2 without "transformer.", BERT with legacy gamma/beta, shards, F16.
        const SafetensorsFile bertFile(kHf + "bert-tiny-mlm/model.safetensors");
        const SafetensorsFile gptFile(kHf + "gpt2-tiny/model.safetensors");
        const SafetensorsFile bertExpected(kHf + "bert-tiny-mlm/expected.safetensors");
        const SafetensorsFile gptExpected(kHf + "gpt2-tiny/expected.safetensors");
        QTemporaryDir dir;
        auto folder = [&](const char *name, const std::string &configFrom) {
            const QString path = dir.filePath(name);
            QDir().mkpath(path);
            QFile::copy(QString::fromStdString(configFrom), path + "/config.json");
            return path.toStdString();
        };
        auto rewrite = [](const SafetensorsFile &file, auto rename) {
            std::vector<std::pair<std::string, FloatTensor>> tensors;
            for (const std::string &key : file.keys())
                tensors.emplace_back(rename(key), file.readFloat(key));
            return tensors;
        };
        {
            const std::string path = folder("gpt2-no-prefix", kHf + "gpt2-tiny/config.json");
            writeSafetensors(path + "/model.safetensors", rewrite(gptFile, [](std::string k) {
                                 return k.rfind("transformer.", 0) == 0 ? k.substr(12) : k;
                             }));
            const ModelOutputs out = loadModel(path)->run(inputsFrom(gptExpected));
            compare(out.at("logits"), gptExpected.readFloat("logits"), "gpt2 without prefix");
        }
        {
            const std::string path = folder("bert-gamma-beta", kHf + "bert-tiny-mlm/config.json");
            writeSafetensors(path + "/model.safetensors", rewrite(bertFile, [](std::string k) {
                                 if (k.find("LayerNorm.weight") != std::string::npos)
                                     return k.substr(0, k.size() - 6) + "gamma";
                                 if (k.find("LayerNorm.bias") != std::string::npos)
                                     return k.substr(0, k.size() - 4) + "beta";
                                 return k;
                             }));
            const ModelOutputs out = loadModel(path)->run(inputsFrom(bertExpected));
            compare(out.at("logits"), bertExpected.readFloat("logits"), "bert with gamma/beta");
        }
        {
            const std::string path = folder("bert-sharded", kHf + "bert-tiny-mlm/config.json");
            auto all = rewrite(bertFile, [](std::string k) { return k; });
            std::vector<std::pair<std::string, FloatTensor>> a(all.begin(), all.begin() + long(all.size() / 2));
            std::vector<std::pair<std::string, FloatTensor>> b(all.begin() + long(all.size() / 2), all.end());
            writeSafetensors(path + "/model-00001-of-00002.safetensors", a);
            writeSafetensors(path + "/model-00002-of-00002.safetensors", b);
            std::ofstream index(path + "/model.safetensors.index.json");
            index << "{\"metadata\": {}, \"weight_map\": {";
            for (size_t i = 0; i < all.size(); ++i)
                index << (i ? "," : "") << "\"" << all[i].first << "\": \"model-0000" << (i < all.size() / 2 ? 1 : 2)
                      << "-of-00002.safetensors\"";
            index << "}}";
            index.close();
            const auto model = loadModel(path);
            QCOMPARE(model->info().files.size(), size_t(4)); // config, index, two shards
            compare(model->run(inputsFrom(bertExpected)).at("logits"), bertExpected.readFloat("logits"),
                    "bert sharded");
        }
        {
            const std::string path = folder("bert-f16", kHf + "bert-tiny-mlm/config.json");
            writeSafetensors(path + "/model.safetensors", rewrite(bertFile, [](std::string k) { return k; }), {},
                             DType::F16);
            const auto model = loadModel(path);
            QCOMPARE(model->info().tensors.front().dtype, std::string("F16"));
            // Half precision weights: the embeddings agree to half precision.
            const FloatTensor h0 = model->run(inputsFrom(bertExpected)).at("hidden_states.0");
            const FloatTensor reference = bertExpected.readFloat("hidden_states.0");
            for (size_t i = 0; i < h0.values.size(); ++i)
                QVERIFY(std::abs(h0.values[i] - reference.values[i]) < 2e-2 + 2e-2 * std::abs(reference.values[i]));
        }
        {
            // NaN weights load with a warning naming the tensor.
            const std::string path = folder("bert-nan", kHf + "bert-tiny-mlm/config.json");
            auto all = rewrite(bertFile, [](std::string k) { return k; });
            for (auto &[name, tensor] : all)
                if (name == "bert.encoder.layer.1.output.dense.bias")
                    tensor.values[0] = std::nanf("");
            writeSafetensors(path + "/model.safetensors", all);
            std::vector<std::string> warnings;
            const LogSink previous = setLogSink([&](LogLevel level, const std::string &m) {
                if (level == LogLevel::Warning)
                    warnings.push_back(m);
            });
            loadModel(path);
            setLogSink(previous);
            QCOMPARE(warnings.size(), size_t(1));
            QVERIFY(warnings[0].find("bert.encoder.layer.1.output.dense.bias") != std::string::npos);
        }
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
                    QVERIFY2(QString(e.what()).contains(fragment),
                             qPrintable(QString(e.what()) + " lacks " + fragment));
            }
        };
        expectError(folder, {"no config.json"});
        std::ofstream(folder + "/config.json") << R"({"model_type": "mamba"})";
        expectError(folder, {"mamba", "model_type"});
        // A norm epsilon that is not positive would divide by zero (or by a negative variance).
        for (const char *bad : {"-1e-12", "0"}) {
            std::ofstream(folder + "/config.json")
                << std::string("{\"model_type\": \"bert\", \"hidden_size\": 8, \"num_hidden_layers\": 1, "
                               "\"num_attention_heads\": 2, \"vocab_size\": 10, \"layer_norm_eps\": ") +
                       bad + "}";
            expectError(folder, {"layer_norm_eps", "positive"});
        }
        // A billion layers in a 1 KB config is refused at once (it used to grow to 8.7 GB), and
        // more layers than the weights have tensors is refused before the weight list is built.
        std::ofstream(folder + "/config.json")
            << "{\"model_type\": \"bert\", \"hidden_size\": 8, \"num_hidden_layers\": 1000000000, "
               "\"num_attention_heads\": 2, \"vocab_size\": 10}";
        expectError(folder, {"1000000000 layers", "num_hidden_layers"});
        {
            QTemporaryDir copy;
            const QString tiny = TESSERA_TEST_DATA "/hf/gpt2-tiny";
            QVERIFY(QFile::copy(tiny + "/model.safetensors", copy.filePath("model.safetensors")));
            QFile config(tiny + "/config.json");
            QVERIFY(config.open(QIODevice::ReadOnly));
            QByteArray json = config.readAll();
            json.replace("\"n_layer\": 2", "\"n_layer\": 4000");
            QFile out(copy.filePath("config.json"));
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(json);
            out.close();
            expectError(copy.path().toStdString(), {"4000 layers", "tensors"});
        }
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
