#include "Studio.h"

#include "tessera/core/Log.h"

#include <QApplication>
#include <QDir>
#include <QFont>
#include <QFontDatabase>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace tessera::app {

Studio::Studio(int threads) : m_runtime(configureRuntime(threads))
{
    if (!m_runtime.warning.empty())
        logWarning(m_runtime.warning);
    m_plugins.loadAll();
    if (m_plugins.panels().isEmpty())
        logError("no panels were found; looked in: " +
                 plugins::PluginManager::defaultSearchPaths().join(", ").toStdString() +
                 " (set TESSERA_PLUGIN_PATH to the folder holding libtessera_*.so)");
}

QString Studio::describe() const
{
    QString text;
    text += QStringLiteral("Tessera %1\n").arg(TESSERA_VERSION);
    text += QStringLiteral("LibTorch %1\n").arg(QString::fromStdString(m_runtime.torchVersion));
    text += QStringLiteral("BLAS: %1\n").arg(QString::fromStdString(m_runtime.blasName));
    if (!m_runtime.blasLibrary.empty())
        text += QStringLiteral("BLAS library: %1\n").arg(QString::fromStdString(m_runtime.blasLibrary));
    text += QStringLiteral("Threads: %1 of %2 cores\n").arg(m_runtime.threads).arg(m_runtime.cores);
    if (!m_runtime.warning.empty())
        text += QStringLiteral("Warning: %1\n").arg(QString::fromStdString(m_runtime.warning));
    text += QStringLiteral("Plugins:");
    for (const plugins::PluginRecord &record : m_plugins.loaded())
        text += QStringLiteral("\n  %1 %2 (%3)").arg(record.name, record.version, record.fileName);
    for (const QString &failure : m_plugins.failures())
        text += QStringLiteral("\n  FAILED: %1").arg(failure);
    return text;
}

QString Studio::installTranslations(QCoreApplication &application)
{
    QString language = QSettings().value("view/language", "system").toString();
    if (language != "en" && language != "ko")
        language = QLocale::system().language() == QLocale::Korean ? "ko" : "en";
    if (language == "en")
        return language;
    QString folder = qEnvironmentVariable("TESSERA_TRANSLATION_PATH");
    if (folder.isEmpty())
        folder = QDir::cleanPath(QCoreApplication::applicationDirPath() + "/../share/tessera/translations");
    auto *tessera = new QTranslator(&application);
    if (tessera->load("tessera_" + language, folder))
        application.installTranslator(tessera);
    else
        logWarning("no Korean translation in " + folder.toStdString() +
                   " (tessera_ko.qm); the studio stays in English");
    auto *qt = new QTranslator(&application);
    if (qt->load("qtbase_" + language, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        application.installTranslator(qt);
    return language;
}

void Studio::installFonts(QApplication &application)
{
    QFont font = application.font();
    const QStringList families = QFontDatabase::families();
    QStringList chain{font.family()};
    for (const char *candidate : {"NanumGothic", "Noto Sans CJK KR", "Noto Sans KR", "UnDotum"})
        if (families.contains(candidate))
            chain << candidate;
    font.setFamilies(chain);
    application.setFont(font);
}

} // namespace tessera::app
