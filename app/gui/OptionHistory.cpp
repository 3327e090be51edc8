#include "OptionHistory.h"

#include "tessera/widgets/PanelWidget.h"

#include <QApplication>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QTimer>
#include <QWidget>

namespace tessera::app {
namespace {

// The view (the figure tab in front) is where the user looks, not a setting: it is neither a
// step nor changed back by one.
const QString kView = QStringLiteral("view");

// The options whose values differ between a and b (the values of b).
QVariantMap difference(const QVariantMap &a, const QVariantMap &b)
{
    QVariantMap changed;
    for (auto it = b.begin(); it != b.end(); ++it)
        if (it.key() != kView && a.value(it.key()) != it.value())
            changed.insert(it.key(), it.value());
    return changed;
}

} // namespace

OptionHistory::OptionHistory(QList<widgets::PanelWidget *> panels, QObject *parent)
    : QObject(parent), m_panels(std::move(panels)), m_settle(new QTimer(this))
{
    m_settle->setSingleShot(true);
    m_settle->setInterval(kSettleMs);
    connect(m_settle, &QTimer::timeout, this, &OptionHistory::settle);
    qApp->installEventFilter(this);
}

widgets::PanelWidget *OptionHistory::panelOf(QObject *object) const
{
    for (auto *widget = qobject_cast<QWidget *>(object); widget; widget = widget->parentWidget())
        if (auto *panel = qobject_cast<widgets::PanelWidget *>(widget); panel && m_panels.contains(panel))
            return panel;
    return nullptr;
}

bool OptionHistory::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::MouseButtonPress:
    case QEvent::KeyPress:
    case QEvent::Wheel:
    case QEvent::MouseButtonRelease:
    case QEvent::KeyRelease:
        break;
    case QEvent::MouseMove: // a drag (a slider) keeps the step open
        if (static_cast<QMouseEvent *>(event)->buttons() != Qt::NoButton)
            break;
        return false;
    default:
        return false;
    }
    widgets::PanelWidget *panel = panelOf(watched);
    if (!panel)
        return false;
    if (event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        // Undo and redo themselves are no interaction to record.
        if (key->matches(QKeySequence::Undo) || key->matches(QKeySequence::Redo) ||
            (key->modifiers() & Qt::ControlModifier && key->key() == Qt::Key_Z))
            return false;
    }
    if (m_pending != panel) {
        settle();
        m_pending = panel;
        m_before = panel->options();
    }
    m_settle->start();
    return false;
}

void OptionHistory::settle()
{
    m_settle->stop();
    widgets::PanelWidget *panel = m_pending;
    m_pending = nullptr;
    if (!panel)
        return;
    if (difference(m_before, panel->options()).isEmpty())
        return;
    History &history = m_history[panel];
    history.undo.append(m_before);
    history.redo.clear();
    emit changed();
}

void OptionHistory::clear()
{
    m_settle->stop();
    m_pending = nullptr;
    m_history.clear();
    emit changed();
}

bool OptionHistory::canUndo(widgets::PanelWidget *panel) const
{
    return m_pending == panel || !m_history.value(panel).undo.isEmpty();
}

bool OptionHistory::canRedo(widgets::PanelWidget *panel) const
{
    return !m_history.value(panel).redo.isEmpty();
}

QStringList OptionHistory::undoNames(widgets::PanelWidget *panel) const
{
    if (m_pending == panel)
        return difference(m_before, panel->options()).keys();
    const History history = m_history.value(panel);
    return history.undo.isEmpty() ? QStringList() : difference(panel->options(), history.undo.last()).keys();
}

QStringList OptionHistory::redoNames(widgets::PanelWidget *panel) const
{
    const History history = m_history.value(panel);
    return history.redo.isEmpty() ? QStringList() : difference(panel->options(), history.redo.last()).keys();
}

bool OptionHistory::undo(widgets::PanelWidget *panel, QString *error)
{
    settle();
    History &history = m_history[panel];
    return step(panel, history.undo, history.redo, error);
}

bool OptionHistory::redo(widgets::PanelWidget *panel, QString *error)
{
    settle();
    History &history = m_history[panel];
    return step(panel, history.redo, history.undo, error);
}

bool OptionHistory::step(widgets::PanelWidget *panel, QList<QVariantMap> &from, QList<QVariantMap> &to, QString *error)
{
    if (from.isEmpty()) {
        if (error)
            *error = tr("nothing to undo or redo in %1").arg(panel->panelTitle());
        return false;
    }
    const QVariantMap now = panel->options();
    const QVariantMap target = from.last();
    if (!panel->setOptions(difference(now, target), error))
        return false;
    from.removeLast();
    to.append(now);
    emit changed();
    return true;
}

} // namespace tessera::app
