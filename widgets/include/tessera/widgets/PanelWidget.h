#pragma once
// The base of every panel. A panel shows several figures (views), is driven by named options
// (the same names in the GUI, in saved sessions and on the tessera-cli command line) and may
// accept files dropped on the window. GUI thread only.

#include "tessera/widgets/Figure.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>
#include <QWidget>

namespace tessera::widgets {

struct OptionSpec {
    QString name;         // "d-model": command-line and session name
    QString help;         // one line for --help and tooltips
    QString defaultValue; // as text
    QStringList choices;  // for enumerations, else empty
};

class PanelWidget : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;

    virtual QString panelId() const = 0;
    virtual QString panelTitle() const = 0;

    // Views of the panel, each exportable. figure() returns nullptr for unknown names.
    virtual QStringList figureNames() const = 0;
    virtual QString currentFigureName() const = 0;
    virtual void setCurrentFigure(const QString &name) = 0;
    virtual Figure *figure(const QString &name) = 0;
    Figure *currentFigure() { return figure(currentFigureName()); }

    virtual QList<OptionSpec> optionSpecs() const = 0;
    // Current option values as text, keyed by OptionSpec::name (sessions save these).
    virtual QVariantMap options() const = 0;
    // Applies some options; on a bad value returns false and sets error to a sentence naming
    // the option, the value and what is allowed, leaving the panel unchanged.
    virtual bool setOptions(const QVariantMap &options, QString *error) = 0;

    // Files and folders dropped on the window or opened from the File menu.
    virtual bool canOpen(const QString &path) const
    {
        Q_UNUSED(path);
        return false;
    }
    virtual bool open(const QString &path, QString *error)
    {
        Q_UNUSED(path);
        if (error)
            *error = tr("cannot open files");
        return false;
    }

signals:
    void currentFigureChanged(const QString &name);
    // A short status line (hover read-outs) for the status bar.
    void statusMessage(const QString &text);
};

} // namespace tessera::widgets
