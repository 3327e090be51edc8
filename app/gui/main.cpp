// tessera: the studio. Usage: tessera [FILE|FOLDER ...] [--panel ID] [--threads N]
//   [--screenshot FILE.png] [--quit-after-first-paint]

#include "MainWindow.h"

#include "Studio.h"

#include "tessera/core/Log.h"
#include "tessera/core/MemoryGuard.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QSettings>
#include <QTimer>

#include <cstdio>
#include <memory>

namespace {

// Reports the time from main() to the first painted frame of the main window, for bench/.
class FirstPaintProbe : public QObject {
public:
    FirstPaintProbe(const QElapsedTimer &clock, bool quit) : m_clock(clock), m_quit(quit) {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (!m_done && event->type() == QEvent::Paint && watched->isWidgetType()) {
            m_done = true;
            // The wall-clock time lets a launcher measure from before the process existed.
            std::printf("first-paint-ms %.1f\nfirst-paint-epoch-ms %lld\n", m_clock.nsecsElapsed() / 1e6,
                        static_cast<long long>(QDateTime::currentMSecsSinceEpoch()));
            std::fflush(stdout);
            if (m_quit)
                QTimer::singleShot(0, qApp, &QApplication::quit);
        }
        return false;
    }

private:
    const QElapsedTimer &m_clock;
    bool m_quit;
    bool m_done = false;
};

// Everything the command line takes, declared once for the help text and the parse.
struct CommandLine {
    QCommandLineParser parser;
    QCommandLineOption panelOption{"panel", "Panel shown first (e.g. pe).", "id"};
    QCommandLineOption threadsOption{"threads", "Intra-op threads (default: one per core).", "n"};
    QCommandLineOption screenshotOption{"screenshot", "Save a screenshot of the window once idle, then quit.",
                                        "file.png"};
    QCommandLineOption firstPaintOption{"quit-after-first-paint",
                                        "Print the time to the first frame and quit (bench)."};
    QCommandLineOption freshOption{"fresh", "Ignore the saved window layout and session."};

    CommandLine()
    {
        parser.setApplicationDescription("A desktop studio for looking inside transformers.");
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addPositionalArgument("paths", "Files or checkpoint folders to open.", "[FILE|FOLDER...]");
        parser.addOptions({panelOption, threadsOption, screenshotOption, firstPaintOption, freshOption});
    }
};

void nameApplication()
{
    QCoreApplication::setOrganizationName("Tessera");
    QCoreApplication::setApplicationName("Tessera");
    QCoreApplication::setApplicationVersion(TESSERA_VERSION);
}

// --help and --version print and exit before the GUI starts, so they work without a display.
bool asksForHelpOrVersion(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray argument(argv[i]);
        if (argument == "--") // what follows are paths
            return false;
        if (argument == "-h" || argument == "--help" || argument == "-?" || argument == "--help-all" ||
            argument == "-v" || argument == "--version")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    if (asksForHelpOrVersion(argc, argv)) {
        QCoreApplication core(argc, argv);
        nameApplication();
        CommandLine commandLine;
        commandLine.parser.process(core); // prints and exits
        return 0;
    }
    tessera::preferFastBlasKernels(argv);
    QElapsedTimer clock;
    clock.start();
    QApplication application(argc, argv);
    nameApplication();
    QApplication::setWindowIcon(QIcon(":/tessera/tessera.svg"));

    CommandLine commandLine;
    QCommandLineParser &parser = commandLine.parser;
    const QCommandLineOption &panelOption = commandLine.panelOption;
    const QCommandLineOption &threadsOption = commandLine.threadsOption;
    const QCommandLineOption &screenshotOption = commandLine.screenshotOption;
    const QCommandLineOption &firstPaintOption = commandLine.firstPaintOption;
    const QCommandLineOption &freshOption = commandLine.freshOption;
    parser.process(application);

    if (parser.isSet(freshOption) || parser.isSet(screenshotOption) || parser.isSet(firstPaintOption)) {
        // Scripted runs start from the defaults and leave the user's settings alone.
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                           QDir::tempPath() + "/tessera-fresh-" + QString::number(QCoreApplication::applicationPid()));
    }

    try {
        tessera::checkMemoryBudgetSetting();
    } catch (const std::exception &e) {
        std::fprintf(stderr, "tessera: %s\n", e.what());
        return 2;
    }
    tessera::widgets::LogModel log;
    tessera::app::Studio::installFonts(application);
    tessera::app::Studio::installTranslations(application);
    tessera::app::Studio studio(parser.value(threadsOption).toInt());
    tessera::logInfo("runtime: " + studio.runtime().summary());

    FirstPaintProbe probe(clock, parser.isSet(firstPaintOption));
    application.installEventFilter(&probe);

    tessera::app::MainWindow window(studio, log);
    window.show();
    // Before opening, so that the chosen panel gets the first chance to open the paths
    // ("tessera RUN --panel training"); and after, so that "tessera MODEL --panel attention"
    // ends on the attention panel although Models opened the folder.
    if (parser.isSet(panelOption))
        window.showPanel(parser.value(panelOption));
    for (const QString &path : parser.positionalArguments())
        window.openPath(path);
    if (parser.isSet(panelOption))
        window.showPanel(parser.value(panelOption));

    if (parser.isSet(screenshotOption)) {
        const QString path = parser.value(screenshotOption);
        // Wait until the panels' jobs are done and the window has settled, then grab it.
        auto *poll = new QTimer(&window);
        auto idlePolls = std::make_shared<int>(0);
        QObject::connect(poll, &QTimer::timeout, &window, [&window, &studio, path, poll, idlePolls]() {
            // Idle for half a second: debounced work (typing, sliders) has started and finished.
            *idlePolls = studio.jobs().activeJobCount() > 0 ? 0 : *idlePolls + 1;
            if (*idlePolls < 5)
                return;
            poll->stop();
            QTimer::singleShot(300, &window, [&window, path]() {
                const bool saved = window.grab().save(path);
                std::fprintf(saved ? stdout : stderr, "%s %s\n", saved ? "screenshot" : "cannot write",
                             qPrintable(path));
                QApplication::exit(saved ? 0 : 1);
            });
        });
        poll->start(100);
    }
    return application.exec();
}
