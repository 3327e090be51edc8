// tessera-cli as users and scripts call it: exit codes, messages and files.

#include "tessera/core/Safetensors.h"

#include <QElapsedTimer>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QDir>
#include <QFileInfo>
#include <QtTest>

#include <sys/stat.h>

#include <cmath>

namespace {
struct Result {
    int exitCode;
    QString out;
    QString err;
};
Result runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(TESSERA_CLI, arguments);
    process.waitForFinished(120000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}
} // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void versionAndHelp()
    {
        const Result version = runCli({"--version"});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("tessera-cli "));
        const Result help = runCli({"--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("export PANEL"));
        QVERIFY(help.out.contains("pe"));
        QVERIFY(help.err.isEmpty());
    }

    // The studio's own --help and --version print without a display (no platform plugin).
    void studioHelpWithoutDisplay()
    {
        for (const QString &flag : {QStringLiteral("--help"), QStringLiteral("--version")}) {
            QProcess process;
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
                environment.remove(name);
            process.setProcessEnvironment(environment);
            process.start(TESSERA_GUI, {flag});
            QVERIFY(process.waitForFinished(60000));
            QCOMPARE(process.exitCode(), 0);
            const QString out = QString::fromUtf8(process.readAllStandardOutput());
            QVERIFY2(flag == "--help" ? out.contains("--panel") : out.startsWith("Tessera "), qPrintable(out));
        }
    }

    // Text options must be UTF-8: a bad byte is named, not replaced with U+FFFD behind the
    // user's back (QProcess cannot pass such bytes: the shell's printf makes them).
    void invalidUtf8Text()
    {
        QProcess process;
        process.start("/bin/sh", {"-c",
                                  "exec \"$0\" export attention --model \"$1\" --text \"$(printf 'ab\\377c')\" "
                                  "--out /tmp/never.csv",
                                  TESSERA_CLI, TESSERA_TEST_DATA "/hf/gpt2-tiny"});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 2);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.contains("--text") && err.contains("not valid UTF-8 at byte 2"), qPrintable(err));
    }

    // tokenize streams its text file: a line beyond 1 MiB is refused naming it, a FIFO at once.
    void tokenizeBounds()
    {
        QTemporaryDir dir;
        QFile longFile(dir.filePath("long.txt"));
        QVERIFY(longFile.open(QIODevice::WriteOnly));
        longFile.write("short line\n");
        longFile.write(QByteArray(2 << 20, 'a'));
        longFile.close();
        const Result result = runCli(
            {"tokenize", "--tokenizer", TESSERA_TEST_DATA "/hf/gpt2-tiny", "--text-file", dir.filePath("long.txt")});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains("line 2 is 2097152 bytes"), qPrintable(result.err));
        QCOMPARE(::mkfifo(dir.filePath("fifo.txt").toLocal8Bit().constData(), 0600), 0);
        const Result fifo = runCli(
            {"tokenize", "--tokenizer", TESSERA_TEST_DATA "/hf/gpt2-tiny", "--text-file", dir.filePath("fifo.txt")});
        QCOMPARE(fifo.exitCode, 1);
        QVERIFY2(fifo.err.contains("FIFO"), qPrintable(fifo.err));
    }

    // A memory budget that is not a size is refused, not silently replaced by the default.
    void badMemoryBudget()
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("TESSERA_MEMORY_BUDGET", "banana");
        process.setProcessEnvironment(environment);
        process.start(TESSERA_CLI, {"info"});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 2);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.contains("TESSERA_MEMORY_BUDGET=\"banana\" is not a size"), qPrintable(err));
        environment.insert("TESSERA_MEMORY_BUDGET", "3G");
        process.setProcessEnvironment(environment);
        process.start(TESSERA_CLI, {"info"});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
    }

    void info()
    {
        const Result info = runCli({"info", "--threads", "2"});
        QCOMPARE(info.exitCode, 0);
        QVERIFY(info.out.contains("BLAS:"));
        QVERIFY(info.out.contains("Threads: 2"));
        QVERIFY(info.out.contains("Positional-encoding lab"));
    }

    void referenceBlasIsNamedWithItsFix()
    {
        // Debian's reference BLAS sits in blas/; putting it first on the library path makes
        // LibTorch use it, as on a machine without OpenBLAS.
        const QString reference = "/usr/lib/x86_64-linux-gnu/blas";
        if (!QFile::exists(reference + "/libblas.so.3"))
            QSKIP("Debian's reference BLAS (libblas3) is not installed here");
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("LD_LIBRARY_PATH", reference);
        process.setProcessEnvironment(environment);
        process.start(TESSERA_CLI, {"info"});
        QVERIFY(process.waitForFinished(60000));
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QCOMPARE(process.exitCode(), 0);
        QVERIFY2(out.contains("BLAS: reference BLAS"), qPrintable(out));
        QVERIFY2((out + err).contains("apt-get install libopenblas0-openmp"), qPrintable(out + err));
    }

    void exportSinusoidalTable()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("pe.csv");
        const Result r =
            runCli({"export", "pe", "--d-model", "4", "--max-len", "100", "--format", "csv", "--out", path});
        QCOMPARE(r.exitCode, 0);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(file.readAll()).trimmed().split('\n');
        QCOMPARE(rows.size(), 100);             // one row per position
        QCOMPARE(rows[0].split(',').size(), 4); // one column per dimension
        // The study notes' worked example (003:214-232).
        const double pos2[] = {0.909297, -0.416147, 0.019999, 0.999800};
        for (int c = 0; c < 4; ++c)
            QVERIFY(std::abs(rows[2].split(',')[c].toDouble() - pos2[c]) < 1e-6);
    }

    void exportFigures()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath("heat.png");
        QCOMPARE(runCli({"export", "pe", "--view", "similarity", "--width", "600", "--height", "300", "--dpi", "192",
                         "--format", "png", "--out", png})
                     .exitCode,
                 0);
        QCOMPARE(QImageReader(png).size(), QSize(1200, 600));
        const QString pdf = dir.filePath("rope.pdf");
        QCOMPARE(runCli({"export", "pe", "--view", "rope", "--out", pdf}).exitCode, 0); // format from the suffix
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");
    }

    void runModels()
    {
        // The fixtures' own inputs in, every internal out; compared against transformers'
        // numbers in tst_models, here the names and shapes the contract promises.
        QTemporaryDir dir;
        const QString out = dir.filePath("vit.safetensors");
        const QString vit = TESSERA_TEST_DATA "/hf/vit-tiny";
        QFile::copy(vit + "/expected.safetensors", dir.filePath("all.safetensors"));
        Result r = runCli({"run", "--model", vit, "--inputs", dir.filePath("all.safetensors"), "--out", out});
        QCOMPARE(r.exitCode, 1); // the expected file holds outputs too: not inputs
        QVERIFY2(r.err.contains("unexpected input"), qPrintable(r.err));
        // An inputs file holding only the fixture's pixel_values, assembled byte by byte here.
        QFile expected(vit + "/expected.safetensors");
        QVERIFY(expected.open(QIODevice::ReadOnly));
        const QByteArray bytes = expected.readAll();
        quint64 length = 0;
        for (int i = 7; i >= 0; --i)
            length = (length << 8) | quint8(bytes[i]);
        const QJsonObject header = QJsonDocument::fromJson(bytes.mid(8, int(length))).object();
        const QJsonObject pixels = header["pixel_values"].toObject();
        const qint64 begin = pixels["data_offsets"].toArray()[0].toInteger();
        const qint64 end = pixels["data_offsets"].toArray()[1].toInteger();
        QJsonObject newHeader;
        QJsonObject entry{{"dtype", "F32"}, {"shape", pixels["shape"]}, {"data_offsets", QJsonArray{0, end - begin}}};
        newHeader["pixel_values"] = entry;
        QByteArray json = QJsonDocument(newHeader).toJson(QJsonDocument::Compact);
        QByteArray file;
        for (int i = 0; i < 8; ++i)
            file.append(char((quint64(json.size()) >> (8 * i)) & 0xff));
        file += json;
        file += bytes.mid(int(8 + length + begin), int(end - begin));
        QFile inputs(dir.filePath("in.safetensors"));
        QVERIFY(inputs.open(QIODevice::WriteOnly));
        inputs.write(file);
        inputs.close();
        r = runCli({"run", "--model", vit, "--inputs", inputs.fileName(), "--out", out, "--with",
                    "rollout,mean-attention-distance"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile result(out);
        QVERIFY(result.open(QIODevice::ReadOnly));
        const QByteArray written = result.readAll();
        quint64 outLength = 0;
        for (int i = 7; i >= 0; --i)
            outLength = (outLength << 8) | quint8(written[i]);
        const QJsonObject outHeader = QJsonDocument::fromJson(written.mid(8, int(outLength))).object();
        for (const char *name : {"attentions.0", "attentions.1", "hidden_states.0", "hidden_states.2", "logits",
                                 "rollout", "mean_attention_distance.raw", "mean_attention_distance.renormalized"})
            QVERIFY2(outHeader.contains(name), name);
        QCOMPARE(outHeader["attentions.1"].toObject()["shape"].toArray(), (QJsonArray{2, 4, 17, 17}));
        QCOMPARE(outHeader["mean_attention_distance.raw"].toObject()["shape"].toArray(), (QJsonArray{2, 4}));
        r = runCli({"run", "--model", dir.path(), "--inputs", inputs.fileName(), "--out", out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("config.json"));
        r = runCli({"run", "--model", vit});
        QCOMPARE(r.exitCode, 2);
    }

    // The Lens contract: run --with its methods writes the references' names and shapes, equal to
    // the interpretability reference (made with PyTorch on transformers' GPT-2); bad requests name
    // the flag.
    void runLens()
    {
        QTemporaryDir dir;
        const std::string reference = TESSERA_TEST_DATA "/reference/interpretability/gpt2-tiny/expected.safetensors";
        const tessera::SafetensorsFile expected(reference);
        auto writeIds = [&](const QString &name, std::vector<int64_t> ids) {
            const int64_t n = int64_t(ids.size());
            tessera::writeSafetensors(dir.filePath(name).toStdString(), {}, {{"input_ids", {1, n}, std::move(ids)}});
            return dir.filePath(name);
        };
        const QString clean = writeIds("clean.safetensors", expected.readInt64("patching.clean_ids"));
        const QString corrupted = writeIds("corrupted.safetensors", expected.readInt64("patching.corrupt_ids"));
        std::vector<int64_t> shorter = expected.readInt64("patching.corrupt_ids");
        shorter.pop_back();
        const QString shortFile = writeIds("short.safetensors", shorter);
        const std::vector<int64_t> tokens = expected.readInt64("interp.tokens");
        const QString target = QString::number(tokens[0]), contrast = QString::number(tokens[1]);
        const QString gpt2 = TESSERA_TEST_DATA "/hf/gpt2-tiny", out = dir.filePath("lens.safetensors");
        const QStringList common{
            "run", "--model", gpt2, "--inputs", clean, "--out", out, "--no-attentions", "--no-hidden-states"};
        Result r = runCli(common + QStringList{"--with", "logit-lens,dla,ablation,patching,saliency", "--target",
                                               target, "--contrast", contrast, "--corrupted", corrupted});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const tessera::SafetensorsFile written(out.toStdString());
        for (const char *name :
             {"logit_lens.0", "logit_lens.2", "dla.embed", "dla.heads", "dla.attn_bias", "dla.mlp", "dla.constant",
              "dla.logit_diff", "ablation.heads", "patching.resid_pre", "patching.heads", "saliency.grad_x_input"}) {
            QVERIFY2(written.contains(name), name);
            QCOMPARE(written.info(name).shape, expected.info(name).shape);
        }
        for (const char *name : {"dla.heads", "patching.resid_pre"}) {
            const tessera::FloatTensor a = written.readFloat(name), b = expected.readFloat(name);
            for (size_t i = 0; i < a.values.size(); ++i)
                QVERIFY2(std::abs(a.values[i] - b.values[i]) <= 2e-4 + 1e-3 * std::abs(b.values[i]), name);
        }
        // Bad requests, each naming its flag.
        r = runCli(common + QStringList{"--with", "logit-lens,telepathy"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--with") && r.err.contains("telepathy"), qPrintable(r.err));
        r = runCli(common + QStringList{"--with", "dla", "--target", "50257"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--target") && r.err.contains("50257"), qPrintable(r.err));
        r = runCli(common + QStringList{"--with", "patching", "--target", target, "--corrupted", shortFile});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--corrupted"), qPrintable(r.err));
        r = runCli(common + QStringList{"--with", "patching", "--target", target});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--corrupted"), qPrintable(r.err));
        r = runCli(common + QStringList{"--with", "dla", "--ig-steps", "0"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--ig-steps"), qPrintable(r.err));
        // ViT has no unembedding of its residual stream: the logit lens is refused by name.
        const QString pixels = dir.filePath("pixels.safetensors");
        tessera::writeSafetensors(
            pixels.toStdString(),
            {{"pixel_values", tessera::SafetensorsFile(TESSERA_TEST_DATA "/reference/interpretability/vit-tiny/"
                                                                         "expected.safetensors")
                                  .readFloat("pixel_values")}});
        r = runCli({"run", "--model", TESSERA_TEST_DATA "/hf/vit-tiny", "--inputs", pixels, "--out", out, "--with",
                    "chefer,attention-flow"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(tessera::SafetensorsFile(out.toStdString()).info("chefer.cls").shape, (std::vector<int64_t>{16}));
        r = runCli({"run", "--model", TESSERA_TEST_DATA "/hf/vit-tiny", "--inputs", pixels, "--out", out, "--with",
                    "logit-lens"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--with logit-lens") && r.err.contains("lacks"), qPrintable(r.err));
    }

    // The diffusion contract: run on a UNet, and sample with the fixture's x_T and noises gives
    // the fixture's trajectories (diffusers 0.40), within its tolerance.
    void diffusion()
    {
        using namespace tessera;
        const QString unet = TESSERA_TEST_DATA "/diffusers/ddpm-tiny";
        SafetensorsFile expected((unet + "/expected.safetensors").toStdString());
        QTemporaryDir dir;
        auto path = [&](const char *name) { return dir.filePath(name).toStdString(); };
        auto close = [](const FloatTensor &a, const FloatTensor &b) {
            if (a.shape != b.shape)
                return false;
            for (size_t i = 0; i < a.values.size(); ++i)
                if (std::abs(a.values[i] - b.values[i]) > 5e-4 + 2e-3 * std::abs(b.values[i]))
                    return false;
            return true;
        };
        writeSafetensors(path("in.safetensors"), {{"sample", expected.readFloat("unet.input")}},
                         {{"timestep", {1}, {500}}});
        Result r = runCli({"run", "--model", unet, "--inputs", dir.filePath("in.safetensors"), "--out",
                           dir.filePath("eps.safetensors")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(
            close(SafetensorsFile(path("eps.safetensors")).readFloat("sample"), expected.readFloat("unet.eps.t500")));

        writeSafetensors(path("ddim-start.safetensors"), {{"x_T", expected.readFloat("ddim10.x_T")}});
        r = runCli({"sample", "--model", unet, "--scheduler", "ddim", "--steps", "10", "--x-T",
                    dir.filePath("ddim-start.safetensors"), "--out", dir.filePath("ddim.safetensors")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        SafetensorsFile ddim(path("ddim.safetensors"));
        QCOMPARE(ddim.readInt64("timesteps"), expected.readInt64("ddim10.timesteps"));
        QVERIFY(close(ddim.readFloat("step9.x_prev"), expected.readFloat("ddim10.step9.x_prev")));

        std::vector<std::pair<std::string, FloatTensor>> noises;
        for (int i = 0; i < 19; ++i)
            noises.emplace_back("noise" + std::to_string(i), expected.readFloat("ddpm20.noise" + std::to_string(i)));
        writeSafetensors(path("noise.safetensors"), noises);
        writeSafetensors(path("ddpm-start.safetensors"), {{"x_T", expected.readFloat("ddpm20.x_T")}});
        r = runCli({"sample", "--model", unet, "--scheduler", "ddpm", "--steps", "20", "--x-T",
                    dir.filePath("ddpm-start.safetensors"), "--noise", dir.filePath("noise.safetensors"), "--out",
                    dir.filePath("ddpm.safetensors")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        SafetensorsFile ddpm(path("ddpm.safetensors"));
        for (const char *step : {"step0.pred_x0", "step10.x_prev", "step19.x_prev"})
            QVERIFY2(close(ddpm.readFloat(step), expected.readFloat(std::string("ddpm20.") + step)), step);

        // Too few recorded noises, an unknown scheduler, a bad eta.
        noises.resize(5);
        writeSafetensors(path("few.safetensors"), noises);
        r = runCli({"sample", "--model", unet, "--steps", "20", "--noise", dir.filePath("few.safetensors"), "--out",
                    dir.filePath("x.safetensors")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("noise5"), qPrintable(r.err));
        QCOMPARE(runCli({"sample", "--model", unet, "--scheduler", "euler", "--out", dir.filePath("x.safetensors")})
                     .exitCode,
                 2);
        QCOMPARE(runCli({"sample", "--model", unet, "--eta", "2", "--out", dir.filePath("x.safetensors")}).exitCode, 2);
    }

    // tests/data/hostile: every broken or hostile file gets exit code 1, one line on stderr
    // naming the file (or the folder's file), no crash and no hang.
    void detr()
    {
        using namespace tessera;
        const QString tiny = TESSERA_TEST_DATA "/hf/detr-tiny";
        SafetensorsFile expected((tiny + "/expected.safetensors").toStdString());
        QTemporaryDir dir;
        auto path = [&](const char *name) { return dir.filePath(name).toStdString(); };
        writeSafetensors(path("in.safetensors"), {{"pixel_values", expected.readFloat("pixel_values")}},
                         {{"pixel_mask", expected.info("pixel_mask").shape, expected.readInt64("pixel_mask")}});
        Result r = runCli({"run", "--model", tiny, "--inputs", dir.filePath("in.safetensors"), "--out",
                           dir.filePath("out.safetensors")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        SafetensorsFile out(path("out.safetensors"));
        for (const char *key :
             {"logits", "pred_boxes", "encoder_attentions.1", "decoder_attentions.0", "cross_attentions.1"}) {
            const FloatTensor a = out.readFloat(key), b = expected.readFloat(key);
            QCOMPARE(a.shape, b.shape);
            for (size_t i = 0; i < a.values.size(); ++i)
                QVERIFY2(std::abs(a.values[i] - b.values[i]) <= 5e-4 + 2e-3 * std::abs(b.values[i]), key);
        }

        // export detr: the boxes' numbers for an image, and a refusal naming what is missing.
        QImage image(64, 48, QImage::Format_RGB888);
        image.fill(QColor(40, 120, 200));
        image.save(dir.filePath("scene.png"));
        r = runCli({"export", "detr", "--model", tiny, "--image", dir.filePath("scene.png"), "--threshold", "0",
                    "--view", "boxes", "--format", "csv", "--out", dir.filePath("boxes.csv")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile csv(dir.filePath("boxes.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csv.readAll()).trimmed().split('\n');
        QCOMPARE(lines.size(), 11); // header + one row per query
        QVERIFY(lines[0].startsWith("query,label,score,x0,y0,x1,y1"));
        r = runCli({"export", "detr", "--model", tiny, "--image", dir.filePath("scene.png"), "--view", "matching",
                    "--format", "png", "--out", dir.filePath("m.png")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("needs ground truth"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(dir.filePath("m.png")));
        r = runCli({"export", "detr", "--model", tiny, "--image", dir.filePath("scene.png"), "--targets", "0:5,5,30,30",
                    "--view", "matching", "--format", "svg", "--out", dir.filePath("m.svg")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFileInfo(dir.filePath("m.svg")).size() > 1000);
    }

    void hostileFilesAreRefusedClearly()
    {
        const QString hostile = TESSERA_TEST_DATA "/hostile/";
        const QString vit = TESSERA_TEST_DATA "/hf/vit-tiny";
        QTemporaryDir dir;
        const QString out = dir.filePath("out.safetensors");
        struct Case {
            QStringList arguments;
            QString named; // what the message must name
        };
        QList<Case> cases;
        for (const char *file : {"truncated.safetensors", "header-past-end.safetensors", "overlapping.safetensors",
                                 "overflowing-shape.safetensors", "wrong-dtype.safetensors",
                                 "nested-header.safetensors", "empty.safetensors", "garbage.safetensors"})
            cases.append({{"run", "--model", vit, "--inputs", hostile + file, "--out", out}, file});
        for (const char *folder : {"config-disagrees", "config-nested", "config-huge-number", "config-not-utf8"})
            cases.append(
                {{"run", "--model", hostile + folder, "--inputs", hostile + "truncated.safetensors", "--out", out},
                 QString(folder)});
        for (const char *file : {"not-utf8-vocab.txt", "empty-vocab.txt", "binary-tokenizer.json"})
            cases.append({{"tokenize", "--tokenizer", hostile + file, "--text-file", hostile + "lines.txt"}, file});
        cases.append(
            {{"export", "vit", "--model", vit, "--image", hostile + "not-an-image.png", "--out", dir.filePath("v.png")},
             "not-an-image.png"});
        // Diffusion folders: a scheduler asking for 10^12 training steps (a 4 TB table of betas),
        // a toy denoiser config that disagrees with its weights.
        cases.append({{"sample", "--model", hostile + "scheduler-huge", "--out", out}, "num_train_timesteps"});
        cases.append({{"sample", "--model", hostile + "denoiser-disagrees", "--out", out}, "input_proj.weight"});
        for (const Case &c : cases) {
            QElapsedTimer timer;
            timer.start();
            const Result r = runCli(c.arguments);
            const QString label = c.arguments.join(' ') + " -> " + r.err;
            QVERIFY2(r.exitCode == 1, qPrintable(label));
            // Our message is one line naming the file; a decoder library may print its own line
            // before it (libpng does, on stderr, for a broken PNG).
            const QStringList lines = r.err.trimmed().split('\n');
            QVERIFY2(lines.last().contains(c.named), qPrintable(label));
            QVERIFY2(lines.size() == 1 || (lines.size() == 2 && lines.first().startsWith("libpng")), qPrintable(label));
            QVERIFY2(timer.elapsed() < 30000, qPrintable(label));
        }
        QVERIFY(!QFile::exists(out));
        // NaN and Inf weights (a model saved after training diverged) still open, to be looked at,
        // with a warning naming the tensor before anything runs.
        const Result nan = runCli(
            {"run", "--model", hostile + "nan-weights", "--inputs", hostile + "truncated.safetensors", "--out", out});
        QCOMPARE(nan.exitCode, 1); // the inputs file is truncated
        QVERIFY2(nan.err.contains("vit.encoder.layer.0.attention.attention.query.weight holds NaN or infinite weights"),
                 qPrintable(nan.err));
    }

    // A training run killed (SIGKILL, no chance to save) in the middle resumes from its last
    // complete checkpoint and ends where the uninterrupted run ends: checkpoints are written
    // aside and renamed, so a kill leaves a complete one or a .partial folder that is ignored.
    void killedTrainingResumes()
    {
        QTemporaryDir whole, killed;
        const QStringList common{"train", "--recipe", "diffusion-moons", "--steps", "600", "--checkpoint-every",
                                 "30",    "--quiet"};
        QCOMPARE(runCli(common + QStringList{"--out", whole.path()}).exitCode, 0);
        QProcess process;
        process.start(TESSERA_CLI, common + QStringList{"--out", killed.path()});
        QVERIFY(process.waitForStarted());
        QElapsedTimer timer;
        timer.start();
        // Kill once two complete checkpoints exist (the run is then well under way).
        while (QDir(killed.path()).entryList({"checkpoint-??????"}, QDir::Dirs).size() < 2 && timer.elapsed() < 60000)
            QThread::msleep(5);
        process.kill();
        QVERIFY(process.waitForFinished(10000));
        QVERIFY2(!QFile::exists(killed.filePath("metrics.json")),
                 "the run finished before it was killed: make it longer");
        const Result resumed = runCli({"train", "--resume", "--out", killed.path(), "--quiet"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        auto loss = [](const QString &folder) {
            QFile file(folder + "/metrics.json");
            return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object()["loss"].toDouble()
                                                  : -1.0;
        };
        QVERIFY(loss(whole.path()) > 0.0);
        QCOMPARE(loss(killed.path()), loss(whole.path()));
    }

    void tokenize()
    {
        QTemporaryDir dir;
        const QString text = dir.filePath("lines.txt");
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("A Titan RTX has 24GB of VRAM\n\xea\xb3\xa0\xec\x96\x91\xec\x9d\xb4\n");
        file.close();
        Result r = runCli({"tokenize", "--tokenizer", TESSERA_TEST_DATA "/hf/bert-tiny-mlm", "--text-file", text});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QJsonObject first = QJsonDocument::fromJson(lines[0].toUtf8()).object();
        // The glossary's worked example (001:184-242).
        const QList<int> expected{101, 138, 18696, 155, 1942, 3190, 1144, 1572, 13745, 1104, 159, 9664, 2107, 102};
        QCOMPARE(first["ids"].toArray().size(), expected.size());
        for (int i = 0; i < expected.size(); ++i)
            QCOMPARE(first["ids"].toArray()[i].toInt(), expected[i]);
        QCOMPARE(first["tokens"].toArray()[3].toString(), QString("R"));
        QCOMPARE(first["decoded"].toString(), QString("A Titan RTX has 24GB of VRAM"));
        r = runCli({"tokenize", "--tokenizer", TESSERA_TEST_DATA "/tokenizers/vocab/gpt2", "--text-file", text,
                    "--no-special"});
        QCOMPARE(r.exitCode, 0);
        // fixtures/tokenizers row 2, GPT-2.
        QVERIFY2(r.out.contains("\"ids\":[32,11977,45877,468,1987,4579,286,6453,2390]"), qPrintable(r.out));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("fine\ncaf\xe9\n");
        file.close();
        r = runCli({"tokenize", "--tokenizer", TESSERA_TEST_DATA "/hf/bert-tiny-mlm", "--text-file", text});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("line 2") && r.err.contains("UTF-8"), qPrintable(r.err));
        r = runCli({"tokenize", "--tokenizer", dir.path(), "--text-file", text});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no tokenizer here"));
    }

    void project()
    {
        // Points t (1, 2) for t = -1, 0, 1, 3: PCA's first coordinate is (t - 0.75) sqrt 5; the
        // output is [4, 2] float32 ('<f4') in the input's row order.
        QTemporaryDir dir;
        const QString csv = dir.filePath("line.csv"), out = dir.filePath("coords.npy"),
                      figure = dir.filePath("line.svg");
        QFile file(csv);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("-1,-2\n0,0\n1,2\n3,6\n");
        file.close();
        const Result r = runCli(
            {"project", "--source", csv, "--method", "pca", "--quality-k", "1", "--out", out, "--figure", figure});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("trustworthiness@1 1.0000"));
        QFile npy(out);
        QVERIFY(npy.open(QIODevice::ReadOnly));
        const QByteArray bytes = npy.readAll();
        QVERIFY(bytes.startsWith("\x93NUMPY"));
        const int headerLength = uchar(bytes[8]) | (uchar(bytes[9]) << 8);
        const QByteArray header = bytes.mid(10, headerLength);
        QVERIFY2(header.contains("'<f4'") && header.contains("(4,2)"), header.constData());
        const float *values = reinterpret_cast<const float *>(bytes.constData() + 10 + headerLength);
        const double t[4] = {-1, 0, 1, 3};
        for (int i = 0; i < 4; ++i) {
            QVERIFY(std::abs(values[2 * i] - (t[i] - 0.75) * std::sqrt(5.0)) < 1e-4);
            QVERIFY(std::abs(values[2 * i + 1]) < 1e-4);
        }
        QVERIFY(QFileInfo(figure).size() > 1000);
        // Bad input: a clear message, exit 1, nothing written.
        const QString missing = dir.filePath("missing.npy"), none = dir.filePath("none.npy");
        const Result bad = runCli({"project", "--source", missing, "--method", "tsne", "--out", none});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("missing.npy"), qPrintable(bad.err));
        QVERIFY(!QFileInfo::exists(none));
        const Result tooFew = runCli({"project", "--source", csv, "--method", "tsne", "--out", none});
        QCOMPARE(tooFew.exitCode, 1);
        QVERIFY2(tooFew.err.contains("perplexity"), qPrintable(tooFew.err));
        QCOMPARE(runCli({"project", "--source", csv, "--method", "mds", "--out", none}).exitCode, 2);
        QVERIFY(!QFileInfo::exists(none));
    }

    void badInputGetsAClearMessage()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("x.csv");
        Result r = runCli({"export", "nosuchpanel", "--format", "csv", "--out", out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown panel"));
        r = runCli({"export", "pe", "--d-model", "-3", "--format", "csv", "--out", out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--d-model") && r.err.contains("-3"), qPrintable(r.err));
        r = runCli({"export", "pe", "--format", "jpeg", "--out", out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("jpeg"));
        r = runCli({"export", "pe", "--format", "csv"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--out"));
        r = runCli({"export", "pe", "--table", dir.filePath("missing.npy"), "--format", "csv", "--out", out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("missing.npy"));
        r = runCli({"export", "pe", "--format", "csv", "--out", dir.filePath("no/folder/x.csv")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("does not exist"));
        // A missing value is named as missing (exit 2), not as an unexpected argument.
        r = runCli({"export", "pe", "--d-model", "--format", "csv", "--out", out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--d-model needs a value"), qPrintable(r.err));
        // The extension decides: a .png that would hold SVG is refused, nothing written.
        r = runCli({"export", "pe", "--format", "svg", "--out", dir.filePath("x.png")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("x.png") && r.err.contains("extension"), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir.filePath("x.png")));
        r = runCli({"frobnicate"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!QFile::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
