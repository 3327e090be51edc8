#pragma once
// Undo and redo of option changes, per panel (Edit > Undo / Redo, Ctrl+Z / Ctrl+Shift+Z).
// Every panel's state is its named options (PanelWidget::options()), so one history serves
// all of them: a user's press on a panel takes a snapshot of its options; when the interaction
// has settled (a short quiet time after the last press, so a typed word or a dragged slider is
// one step) the options are compared with that snapshot and a difference becomes one undo step.
// Undoing applies only the options that differ (setOptions()), so an unchanged model folder is
// not reloaded. Changes the panels make on their own (a job's result, a model arriving) between
// interactions are not steps. GUI thread only.

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QVariantMap>

class QTimer;

namespace tessera::widgets {
class PanelWidget;
}

namespace tessera::app {

class OptionHistory : public QObject {
    Q_OBJECT
public:
    // Watches user input (mouse, keys, wheel) on the panels through an application event filter.
    OptionHistory(QList<widgets::PanelWidget *> panels, QObject *parent = nullptr);

    bool canUndo(widgets::PanelWidget *panel) const;
    bool canRedo(widgets::PanelWidget *panel) const;
    // The options the next undo / redo changes back ("d-model, dims"), for the menu text.
    QStringList undoNames(widgets::PanelWidget *panel) const;
    QStringList redoNames(widgets::PanelWidget *panel) const;
    // False with *error set when the panel refuses the earlier values (then nothing changes).
    bool undo(widgets::PanelWidget *panel, QString *error = nullptr);
    bool redo(widgets::PanelWidget *panel, QString *error = nullptr);
    // Records a pending interaction now instead of after the quiet time (tests, before undo).
    void settle();
    // Forgets a panel's steps (a session was loaded).
    void clear();

    // The quiet time after the last input that ends one step, in milliseconds.
    static constexpr int kSettleMs = 600;

signals:
    void changed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct History {
        QList<QVariantMap> undo, redo; // snapshots of options(), newest last
    };
    widgets::PanelWidget *panelOf(QObject *object) const;
    bool step(widgets::PanelWidget *panel, QList<QVariantMap> &from, QList<QVariantMap> &to, QString *error);

    QList<widgets::PanelWidget *> m_panels;
    QHash<widgets::PanelWidget *, History> m_history;
    QPointer<widgets::PanelWidget> m_pending; // the panel being interacted with
    QVariantMap m_before;                     // its options when the interaction began
    QTimer *m_settle;
};

} // namespace tessera::app
