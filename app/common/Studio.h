#pragma once
// What both faces of Tessera (the GUI and tessera-cli) set up before doing anything: the
// numerical runtime (threads, BLAS check), fonts with a Hangul fallback and the plugins.
// Main thread only.

#include "tessera/core/Runtime.h"
#include "tessera/plugins/PluginManager.h"
#include "tessera/widgets/DataHub.h"
#include "tessera/widgets/JobRunner.h"

#include <QString>

class QApplication;
class QCoreApplication;

namespace tessera::app {

class Studio {
public:
    // threads <= 0: one per available core.
    explicit Studio(int threads = 0);

    const RuntimeInfo &runtime() const { return m_runtime; }
    plugins::PluginManager &plugins() { return m_plugins; }
    widgets::JobRunner &jobs() { return m_jobs; }
    widgets::DataHub &hub() { return m_hub; }
    plugins::PanelContext panelContext() { return {&m_jobs, &m_hub}; }

    // Text for the About box and `tessera-cli info`.
    QString describe() const;

    // Makes Hangul render everywhere: the application font falls back to Nanum / Noto CJK.
    static void installFonts(QApplication &application);
    // The studio's language: the user's choice (View > Language; QSettings "view/language":
    // "system", "en" or "ko"), for "system" the locale ($LANG). Korean installs
    // tessera_ko.qm (share/tessera/translations beside the executable's folder, or
    // $TESSERA_TRANSLATION_PATH) and Qt's own qtbase_ko.qm. Call it before constructing the
    // Studio: panel names are translated when the plugins register. Returns "en" or "ko".
    static QString installTranslations(QCoreApplication &application);

private:
    RuntimeInfo m_runtime;
    plugins::PluginManager m_plugins;
    widgets::JobRunner m_jobs;
    widgets::DataHub m_hub;
};

} // namespace tessera::app
