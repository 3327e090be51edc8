// tessera-cli: the scriptable face of the studio. The same plugins as the GUI, headless.
// Exit status: 0 success, 1 the work failed (bad file, bad value), 2 the command line is wrong.
// Start-up and dispatch only: each command is a file of its own, listed once in the table below.

#include "Arguments.h"
#include "Commands.h"
#include "ProjectCommand.h"
#include "Studio.h"

#include "tessera/core/Log.h"
#include "tessera/core/MemoryGuard.h"
#include "tessera/core/Runtime.h"

#include <QApplication>
#include <QDir>
#include <QStringDecoder>

#include <cerrno>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using namespace tessera;

int project(app::Studio &, const QStringList &arguments)
{
    return app::projectCommand(arguments);
}

// In the order of 'tessera-cli --help'.
const app::Command commands[] = {
    {"export", app::exportHelp, app::exportCommand},       {"run", app::runHelp, app::runCommand},
    {"tokenize", app::tokenizeHelp, app::tokenizeCommand}, {"train", app::trainHelp, app::trainCommand},
    {"sample", app::sampleHelp, app::sampleCommand},       {"project", app::projectHelp, project},
    {"panels", app::panelsHelp, app::panelsCommand},       {"info", app::infoHelp, app::infoCommand},
};

void printHelp(app::Studio &studio)
{
    std::fputs("Usage: tessera-cli COMMAND [OPTIONS]\n"
               "\n"
               "Commands:\n",
               stdout);
    for (const app::Command &command : commands)
        std::fputs(command.help, stdout);
    std::fputs("\n"
               "Options:\n"
               "  --threads N    Intra-op threads (default: one per core).\n"
               "  -h, --help     Show this help.\n"
               "  -v, --version  Show the version.\n"
               "\n"
               "Example:\n"
               "  tessera-cli export pe --d-model 64 --max-len 100 --format csv --out pe.csv\n"
               "      writes the sinusoidal table: one row per position, one column per dimension.\n",
               stdout);
    if (!studio.plugins().panels().isEmpty()) {
        std::printf("\nPanels:");
        for (const plugins::PanelDescriptor &panel : studio.plugins().panels())
            std::printf(" %s", panel.id.toUtf8().constData());
        std::printf("\n");
    }
}

// The offset of the first byte of text that does not decode as UTF-8, or -1. The whole text is
// decoded once; when that fails, a stateful decoder fed a byte at a time finds the byte (a
// sequence cut at the very end shows only then: its last byte is named).
int firstInvalidUtf8Byte(const QByteArray &text)
{
    QStringDecoder whole(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = whole.decode(text); // the decoder converts on assignment
    if (!whole.hasError())
        return -1;
    QStringDecoder bytes(QStringDecoder::Utf8);
    for (int i = 0; i < text.size(); ++i) {
        const QString part = bytes.decode(QByteArrayView(text.constData() + i, 1));
        if (bytes.hasError())
            return i;
    }
    return int(text.size()) - 1;
}

} // namespace

int main(int argc, char **argv)
{
    tessera::preferFastBlasKernels(argv);
    // Headless by nature: the figures are drawn by the same widgets, off-screen.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        // Without it Qt warns on every start; a private folder of our own keeps stderr for real errors.
        const QByteArray folder = QDir::tempPath().toLocal8Bit() + "/tessera-runtime-" + QByteArray::number(getuid());
        if (mkdir(folder.constData(), 0700) == 0 || errno == EEXIST)
            qputenv("XDG_RUNTIME_DIR", folder);
    }
    QApplication application(argc, argv);
    QApplication::setApplicationName("tessera-cli");
    QApplication::setApplicationVersion(TESSERA_VERSION);
    app::Studio::installFonts(application);
    app::Studio::installTranslations(application);

    // Text given on the command line must be UTF-8: Qt would replace a bad byte with U+FFFD and the
    // text would reach the model changed, so the value is refused naming the byte. (Paths are
    // left as the system gave them.)
    for (int i = 1; i + 1 < argc; ++i) {
        const QByteArray option(argv[i]);
        if (option != "--text" && option != "--source" && option != "--target" && option != "--prompt" &&
            option != "--input" && option != "--corrupted" && option != "--system" && option != "--contrast")
            continue;
        const int bad = firstInvalidUtf8Byte(QByteArray(argv[i + 1]));
        if (bad >= 0)
            return app::usageError(QStringLiteral("%1: the value is not valid UTF-8 at byte %2 (0x%3)")
                                       .arg(QString::fromLatin1(option))
                                       .arg(bad)
                                       .arg(uchar(argv[i + 1][bad]), 2, 16, QLatin1Char('0')));
    }
    try {
        checkMemoryBudgetSetting();
    } catch (const std::exception &e) {
        return app::usageError(QString::fromUtf8(e.what()));
    }
    QStringList arguments = application.arguments().mid(1);
    int threads = 0;
    const int threadsAt = arguments.indexOf("--threads");
    if (threadsAt >= 0) {
        bool ok = false;
        threads = arguments.value(threadsAt + 1).toInt(&ok);
        if (!ok || threads < 1)
            return app::usageError(QStringLiteral("--threads needs a positive number"));
        arguments.remove(threadsAt, 2);
    }
    if (arguments.contains("--version") || arguments.contains("-v")) {
        std::printf("tessera-cli %s\n", TESSERA_VERSION);
        return 0;
    }
    // Quiet logs on the console unless something is wrong.
    setLogSink([](LogLevel level, const std::string &message) {
        if (level >= LogLevel::Warning)
            std::fprintf(stderr, "tessera-cli: %s: %s\n", logLevelName(level), message.c_str());
    });
    app::Studio studio(threads);
    if (arguments.isEmpty() || arguments.contains("--help") || arguments.contains("-h")) {
        printHelp(studio);
        return arguments.isEmpty() ? 2 : 0;
    }
    const QString name = arguments.takeFirst();
    for (const app::Command &command : commands)
        if (name == QLatin1String(command.name))
            return command.run(studio, arguments);
    return app::usageError(QStringLiteral("unknown command \"%1\"").arg(name));
}
