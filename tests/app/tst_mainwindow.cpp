// The main window offscreen: panels from the plugins, opening and dropping files, bad files
// reported without losing the current view, sessions saved and restored.

#include "MainWindow.h"

#include <QLabel>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QDir>
#include <QtTest>

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
        QCOMPARE(window.panel("diffusion")->options().value("model").toString(), QDir(TESSERA_TEST_DATA "/diffusers/ddpm-tiny").absolutePath());

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
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
