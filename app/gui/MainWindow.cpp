#include "MainWindow.h"

#include "ExportDialog.h"
#include "JobArea.h"
#include "LogDock.h"
#include "OptionHistory.h"

#include "tessera/core/Log.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSaveFile>
#include <QRegularExpression>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>

// Q_INIT_RESOURCE must be used outside any namespace.
static void initResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace tessera::app {
namespace {
constexpr int kSessionVersion = 1;
constexpr int kMaxRecent = 10;

QPalette darkPalette()
{
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 30), text(230, 230, 230), highlight(42, 130, 218);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, highlight.lighter());
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
    return p;
}
} // namespace

MainWindow::MainWindow(Studio &studio, widgets::LogModel &log, QWidget *parent)
    : QMainWindow(parent), m_studio(studio), m_log(log), m_tabs(new QTabWidget(this))
{
    initResources(); // the icons live in the static tessera_gui library
    setWindowTitle(QStringLiteral("Tessera"));
    setWindowIcon(QIcon(":/tessera/tessera.svg"));
    setAcceptDrops(true);
    m_tabs->setDocumentMode(true);
    setCentralWidget(m_tabs);
    createPanels();
    m_history = new OptionHistory(m_panels, this);
    createMenus();
    createStatusBar();
    restoreState();
    qApp->installEventFilter(this);
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::ShortcutOverride)
        return QMainWindow::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    if (!(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier)))
        return false;
    for (QKeySequence::StandardKey editing : {QKeySequence::Undo, QKeySequence::Redo, QKeySequence::Copy,
                                              QKeySequence::Cut, QKeySequence::Paste, QKeySequence::SelectAll})
        if (key->matches(editing))
            return false;
    const QKeySequence pressed(key->keyCombination());
    for (const QAction *action : findChildren<QAction *>())
        if (action->isEnabled() && action->shortcuts().contains(pressed)) {
            // Not delivered to the focused field and left unaccepted: the shortcut fires.
            event->ignore();
            return true;
        }
    return false;
}

void MainWindow::createPanels()
{
    for (const plugins::PanelDescriptor &descriptor : m_studio.plugins().panels()) {
        widgets::PanelWidget *panel = nullptr;
        try {
            panel = descriptor.create(m_studio.panelContext(), m_tabs);
        } catch (const std::exception &e) {
            logError("panel " + descriptor.id.toStdString() + " could not be created: " + e.what());
            continue;
        }
        panel->setObjectName(descriptor.id);
        m_panels.append(panel);
        const int index = m_tabs->addTab(panel, descriptor.title);
        m_tabs->setTabToolTip(index, descriptor.description);
        // Only the panel in view speaks in the status bar (a hidden panel finishing its start-up
        // job used to leave its line there).
        connect(panel, &widgets::PanelWidget::statusMessage, this, [this, panel](const QString &text) {
            if (m_tabs->currentWidget() == panel)
                statusBar()->showMessage(text, 8000);
        });
    }
    if (m_panels.isEmpty()) {
        auto *label =
            new QLabel(tr("<h3>No panels were loaded</h3><p>Tessera looked for plugins in:<br>%1</p>"
                          "<p>Set TESSERA_PLUGIN_PATH to the folder holding libtessera_*.so, or reinstall.</p>")
                           .arg(plugins::PluginManager::defaultSearchPaths().join("<br>")));
        label->setAlignment(Qt::AlignCenter);
        m_tabs->addTab(label, tr("Welcome"));
    }
    m_logDock = new LogDock(m_log, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    m_logDock->hide();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open\u2026"), this, [this]() {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open"), QSettings().value("open/folder").toString(),
                                         tr("Supported files (*.safetensors *.npy *.csv *.json);;All files (*)"));
        if (!path.isEmpty())
            openPath(path);
    });
    open->setShortcut(QKeySequence::Open);
    QAction *openFolder = file->addAction(tr("Open &Folder\u2026"), this, [this]() {
        const QString path = QFileDialog::getExistingDirectory(this, tr("Open a checkpoint folder"),
                                                               QSettings().value("open/folder").toString());
        if (!path.isEmpty())
            openPath(path);
    });
    openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction *exportFigure = file->addAction(tr("&Export Figure\u2026"), this, [this]() { exportCurrent(false); });
    exportFigure->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportFigure->setToolTip(tr("Save the figure in view as PDF, SVG, PNG or CSV"));
    QAction *exportData = file->addAction(tr("Export &Data (CSV)\u2026"), this, [this]() { exportCurrent(true); });
    exportData->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    file->addSeparator();
    QAction *saveSessionAction = file->addAction(tr("&Save Session\u2026"), this, [this]() {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Save Session"), QString(), tr("Tessera sessions (*.tessera)"));
        QString error;
        if (!path.isEmpty() && !saveSession(path.endsWith(".tessera") ? path : path + ".tessera", &error))
            reportError(error);
    });
    saveSessionAction->setShortcut(QKeySequence::Save);
    file->addAction(tr("Open Sess&ion\u2026"), this, [this]() {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open Session"), QString(), tr("Tessera sessions (*.tessera)"));
        QString error;
        if (!path.isEmpty() && !loadSession(path, &error))
            reportError(error);
    });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    m_undo = edit->addAction(tr("&Undo"), this, [this]() {
        QString error;
        if (currentPanel() && !m_history->undo(currentPanel(), &error))
            reportError(error);
    });
    m_undo->setShortcut(QKeySequence::Undo);
    m_redo = edit->addAction(tr("&Redo"), this, [this]() {
        QString error;
        if (currentPanel() && !m_history->redo(currentPanel(), &error))
            reportError(error);
    });
    m_redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    // The menu shows what an undo would change back; it is worked out when the menu opens.
    connect(edit, &QMenu::aboutToShow, this, &MainWindow::updateUndoActions);
    connect(m_history, &OptionHistory::changed, this, &MainWindow::updateUndoActions);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updateUndoActions);
    updateUndoActions();

    m_panelMenu = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_panels.size(); ++i) {
        const plugins::PanelDescriptor *descriptor = m_studio.plugins().panel(m_panels[i]->panelId());
        QAction *action = m_panelMenu->addAction(m_panels[i]->panelTitle(), this,
                                                 [this, i]() { m_tabs->setCurrentWidget(m_panels[i]); });
        if (descriptor && !descriptor->shortcut.isEmpty())
            action->setShortcut(descriptor->shortcut);
    }
    m_panelMenu->addSeparator();
    QAction *logAction = m_logDock->toggleViewAction();
    logAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_panelMenu->addAction(logAction);
    QMenu *theme = m_panelMenu->addMenu(tr("&Theme"));
    auto *themes = new QActionGroup(this);
    const QString currentTheme = QSettings().value("view/theme", "system").toString();
    for (const auto &[id, title] : {std::pair{"system", tr("Follow the &system")}, std::pair{"light", tr("&Light")},
                                    std::pair{"dark", tr("&Dark")}}) {
        QAction *action = theme->addAction(title);
        action->setCheckable(true);
        action->setChecked(currentTheme == id);
        themes->addAction(action);
        const QString themeId = QString::fromLatin1(id);
        connect(action, &QAction::triggered, this, [this, themeId]() { applyTheme(themeId); });
    }
    // The language applies at the next start (the panels are built in it).
    QMenu *language = m_panelMenu->addMenu(tr("&Language"));
    auto *languages = new QActionGroup(this);
    const QString currentLanguage = QSettings().value("view/language", "system").toString();
    for (const auto &[id, title] :
         {std::pair{"system", tr("Follow the &system")}, std::pair{"en", QStringLiteral("English")},
          std::pair{"ko", QStringLiteral("한국어")}}) {
        QAction *action = language->addAction(title);
        action->setCheckable(true);
        action->setChecked(currentLanguage == id);
        languages->addAction(action);
        const QString languageId = QString::fromLatin1(id);
        connect(action, &QAction::triggered, this, [this, languageId]() {
            QSettings().setValue("view/language", languageId);
            statusBar()->showMessage(tr("The language changes when Tessera starts again."), 8000);
        });
    }
    QAction *fullScreen = m_panelMenu->addAction(tr("&Full Screen"), this,
                                                 [this]() { setWindowState(windowState() ^ Qt::WindowFullScreen); });
    fullScreen->setShortcut(QKeySequence::FullScreen);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Tessera"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::updateUndoActions()
{
    widgets::PanelWidget *panel = currentPanel();
    const QStringList undo = panel ? m_history->undoNames(panel) : QStringList();
    const QStringList redo = panel ? m_history->redoNames(panel) : QStringList();
    // Enabled while a step may be pending (its names are known once it settles).
    m_undo->setEnabled(panel && m_history->canUndo(panel));
    m_redo->setEnabled(panel && m_history->canRedo(panel));
    m_undo->setText(undo.isEmpty() ? tr("&Undo") : tr("&Undo %1").arg(undo.join(", ")));
    m_redo->setText(redo.isEmpty() ? tr("&Redo") : tr("&Redo %1").arg(redo.join(", ")));
}

void MainWindow::createStatusBar()
{
    m_jobArea = new JobArea(m_studio.jobs(), this);
    statusBar()->addPermanentWidget(m_jobArea);
    auto *cancel = new QAction(this);
    cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(cancel, &QAction::triggered, m_jobArea, &JobArea::cancelNewest);
    addAction(cancel);

    const RuntimeInfo &runtime = m_studio.runtime();
    m_runtimeLabel = new QLabel(QString::fromStdString(runtime.summary()), this);
    m_runtimeLabel->setToolTip(
        tr("LibTorch %1 \u00b7 %2 \u00b7 %3 of %4 cores")
            .arg(QString::fromStdString(runtime.torchVersion), QString::fromStdString(runtime.blasLibrary))
            .arg(runtime.threads)
            .arg(runtime.cores));
    if (runtime.referenceBlas) {
        m_runtimeLabel->setText(QStringLiteral("\u26a0 ") + m_runtimeLabel->text());
        m_runtimeLabel->setStyleSheet("QLabel { color: white; background: #b00020; padding: 0 6px; }");
        m_runtimeLabel->setToolTip(QString::fromStdString(runtime.warning));
    }
    statusBar()->addPermanentWidget(m_runtimeLabel);
}

void MainWindow::restoreState()
{
    QSettings settings;
    applyTheme(settings.value("view/theme", "system").toString());
    if (!restoreGeometry(settings.value("window/geometry").toByteArray())) {
        // 1400 x 880, or the screen's free area when it is smaller (a 1280 x 800 laptop).
        const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1400, 880);
        resize(std::min(1400, available.width()), std::min(880, available.height()));
    }
    QMainWindow::restoreState(settings.value("window/state").toByteArray());
    const QByteArray session = settings.value("session/last").toByteArray();
    QString error;
    if (!session.isEmpty() && !applySessionJson(session, &error))
        logWarning("the last session could not be restored (" + error.toStdString() + "); starting with defaults");
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_studio.jobs().cancelAll();
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", QMainWindow::saveState());
    settings.setValue("session/last", sessionJson());
    event->accept();
}

widgets::PanelWidget *MainWindow::panel(const QString &id) const
{
    for (widgets::PanelWidget *panel : m_panels)
        if (panel->panelId() == id)
            return panel;
    return nullptr;
}

widgets::PanelWidget *MainWindow::currentPanel() const
{
    return qobject_cast<widgets::PanelWidget *>(m_tabs->currentWidget());
}

void MainWindow::showPanel(const QString &id)
{
    if (widgets::PanelWidget *p = panel(id))
        m_tabs->setCurrentWidget(p);
}

bool MainWindow::openPath(const QString &path, QString *error)
{
    QString message;
    const QFileInfo info(path);
    if (!info.exists()) {
        message = tr("%1: no such file or folder").arg(path);
    } else {
        QSettings().setValue("open/folder", info.absolutePath());
        if (info.suffix() == QLatin1String("tessera")) {
            if (loadSession(path, &message)) {
                addRecent(info.absoluteFilePath());
                return true;
            }
            if (error)
                *error = message;
            else
                reportError(message);
            return false;
        }
        QStringList tried;
        // The panel in view gets the first chance (a training run dropped on the Training
        // panel opens there, not in Models).
        QList<widgets::PanelWidget *> order = m_panels;
        if (auto *current = qobject_cast<widgets::PanelWidget *>(m_tabs->currentWidget());
            current && order.removeOne(current))
            order.prepend(current);
        for (widgets::PanelWidget *panel : order) {
            if (!panel->canOpen(path))
                continue;
            QString panelError;
            if (panel->open(path, &panelError)) {
                m_tabs->setCurrentWidget(panel);
                addRecent(info.absoluteFilePath());
                logInfo("opened " + path.toStdString() + " in " + panel->panelTitle().toStdString());
                statusBar()->showMessage(tr("Opened %1").arg(info.fileName()), 5000);
                return true;
            }
            tried << panelError;
        }
        message = tried.isEmpty() ? tr("%1: no panel can open this kind of file (the positional-encoding lab opens "
                                       ".csv, .npy and .safetensors tables)")
                                        .arg(path)
                                  : tried.join("\n");
    }
    if (error)
        *error = message;
    else
        reportError(message);
    return false;
}

void MainWindow::reportError(const QString &message)
{
    logError(message.toStdString());
    statusBar()->showMessage(message, 10000);
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Tessera"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::addRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value("open/recent").toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue("open/recent", recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value("open/recent").toStringList();
    for (int i = 0; i < recent.size(); ++i) {
        QAction *action = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg((i + 1) % 10).arg(recent[i]), this,
                                                  [this, path = recent[i]]() { openPath(path); });
        action->setEnabled(QFileInfo::exists(recent[i]));
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("(none yet)"))->setEnabled(false);
    else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("&Clear"), this, [this]() {
            QSettings().remove("open/recent");
            rebuildRecentMenu();
        });
    }
}

void MainWindow::applyTheme(const QString &theme)
{
    QSettings().setValue("view/theme", theme);
    static const QPalette systemPalette = QApplication::palette();
    static const QString systemStyle = QApplication::style()->name();
    if (theme == "dark") {
        QApplication::setStyle(QStyleFactory::create("Fusion"));
        QApplication::setPalette(darkPalette());
    } else if (theme == "light") {
        QApplication::setStyle(QStyleFactory::create("Fusion"));
        QApplication::setPalette(QApplication::style()->standardPalette());
    } else {
        QApplication::setStyle(QStyleFactory::create(systemStyle));
        QApplication::setPalette(systemPalette);
    }
}

void MainWindow::exportCurrent(bool dataOnly)
{
    widgets::PanelWidget *panel = currentPanel();
    widgets::Figure *figure = panel ? panel->currentFigure() : nullptr;
    if (!figure) {
        reportError(tr("There is no figure in view to export."));
        return;
    }
    const QString name = panel->panelId() + "-" + panel->currentFigureName();
    ExportDialog dialog(name, figure->defaultFigureSize(), dataOnly, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString message = widgets::exportFigure(*figure, dialog.path(), dialog.format(), dialog.options());
    if (!message.isEmpty()) {
        reportError(message);
        return;
    }
    logInfo("exported " + dialog.path().toStdString());
    statusBar()->showMessage(tr("Exported %1").arg(dialog.path()), 8000);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Tessera"),
                       tr("<h3>Tessera %1</h3><p>A desktop studio for looking inside transformers.</p><pre>%2</pre>")
                           .arg(TESSERA_VERSION, m_studio.describe().toHtmlEscaped()));
}

QByteArray MainWindow::sessionJson() const
{
    QJsonObject panels;
    for (const widgets::PanelWidget *panel : m_panels)
        panels[panel->panelId()] = QJsonObject::fromVariantMap(panel->options());
    QJsonObject root;
    root["tessera-session"] = kSessionVersion;
    root["current-panel"] = currentPanel() ? currentPanel()->panelId() : QString();
    root["panels"] = panels;
    return QJsonDocument(root).toJson();
}

bool MainWindow::applySessionJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject()) {
        *error = tr("not a Tessera session (%1)").arg(parseError.errorString());
        return false;
    }
    const QJsonObject root = document.object();
    if (root.value("tessera-session").toInt() != kSessionVersion) {
        *error = tr("session format %1 is not supported (this studio reads %2)")
                     .arg(root.value("tessera-session").toVariant().toString())
                     .arg(kSessionVersion);
        return false;
    }
    const QJsonObject panels = root.value("panels").toObject();
    QStringList problems;
    for (auto it = panels.begin(); it != panels.end(); ++it) {
        widgets::PanelWidget *p = panel(it.key());
        if (!p) {
            problems << tr("no panel \"%1\" in this installation").arg(it.key());
            continue;
        }
        // An option that no longer fits (curve dimensions beyond a smaller d_model, a model
        // folder that is gone) is dropped with a log line; the panel keeps the rest.
        QVariantMap options = it.value().toObject().toVariantMap();
        QString panelError;
        while (!p->setOptions(options, &panelError)) {
            static const QRegularExpression named(QStringLiteral("^--([A-Za-z0-9-]+)"));
            const QString option = named.match(panelError).captured(1);
            if (option.isEmpty() || !options.contains(option)) {
                problems << panelError;
                break;
            }
            // The reason quotes the value, which a hostile session may make 100 kB long.
            const QString reason = panelError.size() > 300 ? panelError.left(300) + QChar(0x2026) : panelError;
            logWarning(
                QStringLiteral("session: %1: left out --%2 (%3)").arg(p->panelTitle(), option, reason).toStdString());
            options.remove(option);
        }
    }
    showPanel(root.value("current-panel").toString());
    m_history->clear(); // the steps were of the options the session replaced
    if (!problems.isEmpty()) {
        *error = problems.join("; ");
        return false;
    }
    return true;
}

bool MainWindow::saveSession(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(sessionJson()) < 0 || !file.commit()) {
        if (error)
            *error = tr("%1: cannot save the session (%2)").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool MainWindow::loadSession(const QString &path, QString *error)
{
    // A FIFO or device would block the GUI thread in open() until something writes to it.
    const QFileInfo info(path);
    if (info.exists() && !info.isFile()) {
        if (error)
            *error = tr("%1: not a regular file (a folder, FIFO or device); a session is a .tessera file").arg(path);
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("%1: cannot open (%2)").arg(path, file.errorString());
        return false;
    }
    if (file.size() > 16 * 1024 * 1024) {
        if (error)
            *error = tr("%1: %2 bytes is too large for a session file").arg(path).arg(file.size());
        return false;
    }
    QString message;
    if (!applySessionJson(file.readAll(), &message)) {
        if (error)
            *error = tr("%1: %2").arg(path, message);
        return false;
    }
    return true;
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            openPath(url.toLocalFile());
    event->acceptProposedAction();
}

} // namespace tessera::app
