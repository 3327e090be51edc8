#pragma once
// The main window: a wiring diagram. Panels come from the plugins; the window gives them a
// tab each, and provides menus, shortcuts, recent files, drag and drop, export, sessions,
// the log dock, the job area and the runtime read-out. GUI thread only.

#include "Studio.h"

#include "tessera/widgets/LogModel.h"

#include <QMainWindow>
#include <QPointer>

class QLabel;
class QMenu;
class QTabWidget;

namespace tessera::app {

class JobArea;
class LogDock;
class OptionHistory;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(Studio &studio, widgets::LogModel &log, QWidget *parent = nullptr);

    widgets::PanelWidget *panel(const QString &id) const;
    widgets::PanelWidget *currentPanel() const;
    void showPanel(const QString &id);

    // Opens a file or folder with the first panel that accepts it; false with a message otherwise.
    bool openPath(const QString &path, QString *error = nullptr);

    bool saveSession(const QString &path, QString *error = nullptr) const;
    bool loadSession(const QString &path, QString *error = nullptr);

    // Undo / redo of the current panel's option changes (Edit menu).
    OptionHistory &optionHistory() const { return *m_history; }

protected:
    void closeEvent(QCloseEvent *event) override;
    // The window's shortcuts win over a text field's own use of the same keys (Ctrl+E is
    // "end of line" in a QLineEdit); the standard editing keys stay the field's.
    bool eventFilter(QObject *watched, QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createPanels();
    void createMenus();
    void createStatusBar();
    void updateUndoActions();
    void restoreState();
    void addRecent(const QString &path);
    void rebuildRecentMenu();
    void applyTheme(const QString &theme);
    void exportCurrent(bool dataOnly);
    void showAbout();
    void reportError(const QString &message);
    QByteArray sessionJson() const;
    bool applySessionJson(const QByteArray &json, QString *error);

    Studio &m_studio;
    widgets::LogModel &m_log;
    QTabWidget *m_tabs;
    QList<widgets::PanelWidget *> m_panels;
    LogDock *m_logDock = nullptr;
    JobArea *m_jobArea = nullptr;
    QLabel *m_runtimeLabel = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_panelMenu = nullptr;
    OptionHistory *m_history = nullptr;
    QAction *m_undo = nullptr;
    QAction *m_redo = nullptr;
};

} // namespace tessera::app
