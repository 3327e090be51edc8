// The main window offscreen: panels from the plugins, opening and dropping files, bad files
// reported without losing the current view, sessions saved and restored.

#include "MainWindow.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QDir>
#include <QtTest>

#include <sys/stat.h>

using namespace tessera;

class TestMainWindow : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_settings;

private slots:
    void initTestCase()
    {
        qputenv("TESSERA_PLUGIN_PATH", TESSERA_PLUGIN_DIR);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
        QCoreApplication::setOrganizationName("TesseraTest");
    }

    void startsOnThePeLab()
    {
        widgets::LogModel log;
        app::Studio studio;
        studio.jobs().setInline(true);
        app::MainWindow window(studio, log);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.panel("pe"));
        QCOMPARE(window.currentPanel()->panelId(), QString("pe"));
        QVERIFY(window.statusBar()->findChildren<QLabel *>().size() > 0);
        const QImage shot = window.grab().toImage();
        QVERIFY(shot.width() > 600);
    }

    void openDropAndBadFiles()
    {
        widgets::LogModel log;
        app::Studio studio;
        studio.jobs().setInline(true);
        app::MainWindow window(studio, log);
        window.show();
        QString error;
        QVERIFY(!window.openPath("/no/such/file.csv", &error));
        QVERIFY(error.contains("no such file"));
        QTemporaryDir dir;
        QFile bad(dir.filePath("broken.safetensors"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("\xff\xff\xff\xff\xff\xff\xff\x7f{}");
        bad.close();
        QVERIFY(!window.openPath(bad.fileName(), &error));
        QVERIFY2(error.contains("broken.safetensors") && error.contains("past the end"), qPrintable(error));
        QFile unknown(dir.filePath("notes.xyz"));
        QVERIFY(unknown.open(QIODevice::WriteOnly));
        unknown.write("?");
        unknown.close();
        QVERIFY(!window.openPath(unknown.fileName(), &error));
        QVERIFY2(error.contains("no panel"), qPrintable(error));
        // An image goes to the ViT lens, which waits for a model.
        QVERIFY2(window.openPath(TESSERA_TEST_DATA "/hf/vit-tiny/image0.png", &error), qPrintable(error));
        QCOMPARE(window.panel("vit")->panelId(), QStringLiteral("vit"));
        // A diffusers UNet folder goes to the Diffusion lab, past the Models panel (which
        // reads transformers configs only).
        QVERIFY2(window.openPath(TESSERA_TEST_DATA "/diffusers/ddpm-tiny", &error), qPrintable(error));
        QCOMPARE(window.panel("diffusion")->options().value("model").toString(),
                 QDir(TESSERA_TEST_DATA "/diffusers/ddpm-tiny").absolutePath());

        // Drag and drop of the fixture's checkpoint shows its learned position table.
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(TESSERA_TEST_DATA "/hf/vit-tiny/model.safetensors")});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QCOMPARE(window.panel("pe")->currentFigureName(), QString("learned"));
        QCOMPARE(window.panel("pe")->currentFigure()->figureTable().matrix->rows, 17);
    }

    void sessions()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.tessera");
        {
            widgets::LogModel log;
            app::Studio studio;
            studio.jobs().setInline(true);
            app::MainWindow window(studio, log);
            QString error;
            QVERIFY(window.panel("pe")->setOptions({{"d-model", "48"}, {"view", "rope"}}, &error));
            QVERIFY2(window.saveSession(path, &error), qPrintable(error));
        }
        widgets::LogModel log;
        app::Studio studio;
        studio.jobs().setInline(true);
        app::MainWindow window(studio, log);
        QString error;
        QVERIFY2(window.loadSession(path, &error), qPrintable(error));
        QCOMPARE(window.panel("pe")->options().value("d-model").toString(), QString("48"));
        QCOMPARE(window.panel("pe")->currentFigureName(), QString("rope"));
        QFile garbage(dir.filePath("bad.tessera"));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("{ not json");
        garbage.close();
        QVERIFY(!window.loadSession(garbage.fileName(), &error));
        QVERIFY(error.contains("bad.tessera"));
        QCOMPARE(window.panel("pe")->options().value("d-model").toString(), QString("48"));
    }

    // Hostile session files (issue [Hardening]): every option of every panel given each of a
    // list of hostile values (empty, negative, huge, NaN, non-numbers, arrays, objects, null,
    // paths that are not models, a 100 kB string), and broken session structures. Each load
    // returns with or without an error, within seconds, and the studio still works afterwards.
    void hostileSessionsAreRefusedOrApplied()
    {
        QTemporaryDir dir;
        widgets::LogModel log;
        app::Studio studio;
        studio.jobs().setInline(true);
        app::MainWindow window(studio, log);
        {
            // A FIFO named like a session is refused at once (opening it would block the GUI).
            const QString fifo = dir.filePath("fifo.tessera");
            QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
            QString error;
            QVERIFY(!window.loadSession(fifo, &error));
            QVERIFY2(error.contains("not a regular file"), qPrintable(error));
        }
        const QString path = dir.filePath("hostile.tessera");
        auto load = [&](const QByteArray &bytes) {
            QFile file(path);
            if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
                return false;
            file.write(bytes);
            file.close();
            QElapsedTimer timer;
            timer.start();
            QString error;
            const bool ok = window.loadSession(path, &error);
            if (timer.elapsed() > 10000)
                qWarning() << "slow session:" << bytes.left(200) << timer.elapsed() << "ms";
            return ok || !error.isEmpty(); // refused sessions say why
        };
        const QList<QJsonValue> hostile{QString(),
                                        QStringLiteral("-1"),
                                        QStringLiteral("1e308"),
                                        QStringLiteral("NaN"),
                                        QStringLiteral("99999999999999999999"),
                                        QStringLiteral("0"),
                                        QStringLiteral("/etc"),
                                        QStringLiteral("/no/such/folder"),
                                        QString(100000, QChar('x')),
                                        QJsonArray{1, 2},
                                        QJsonObject{{"a", 1}},
                                        true,
                                        QJsonValue(),
                                        -5,
                                        1e300};
        int cases = 0;
        for (const char *id : {"pe", "models", "attention", "training", "vit", "diffusion"}) {
            widgets::PanelWidget *p = window.panel(id);
            QVERIFY2(p, id);
            for (const widgets::OptionSpec &spec : p->optionSpecs())
                for (const QJsonValue &value : hostile) {
                    const QJsonObject session{{"tessera-session", 1},
                                              {"current-panel", id},
                                              {"panels", QJsonObject{{id, QJsonObject{{spec.name, value}}}}}};
                    QVERIFY2(load(QJsonDocument(session).toJson()), qPrintable(QString("%1 --%2").arg(id, spec.name)));
                    ++cases;
                }
        }
        QVERIFY(cases > 500);
        // Broken structures.
        for (const QByteArray &bytes :
             {QByteArray(), QByteArray("null"), QByteArray("[]"), QByteArray("{\"tessera-session\": \"1\"}"),
              QByteArray("{\"tessera-session\": 1, \"panels\": [1, 2]}"),
              QByteArray("{\"tessera-session\": 1, \"panels\": {\"pe\": 7}}"),
              QByteArray("{\"tessera-session\": 1, \"current-panel\": {\"x\": 1}}"),
              QByteArray(100000, '[') + QByteArray(100000, ']'),
              QByteArray("{\"tessera-session\": 1, \"panels\": {\"pe\": {\"view\": \"\xff\xfe\"}}}")})
            QVERIFY2(load(bytes), bytes.left(60).constData());
        // Still working: a good session applies.
        const QJsonObject good{{"tessera-session", 1},
                               {"current-panel", "pe"},
                               {"panels", QJsonObject{{"pe", QJsonObject{{"d-model", "32"}, {"view", "heatmap"}}}}}};
        QFile file(dir.filePath("good.tessera"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(good).toJson());
        file.close();
        QString error;
        QVERIFY2(window.loadSession(file.fileName(), &error), qPrintable(error));
        QCOMPARE(window.panel("pe")->options().value("d-model").toString(), QString("32"));
        QCOMPARE(window.currentPanel(), window.panel("pe"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
