#pragma once
// The log dock: every message of tessera::log, newest last, warnings and errors coloured.

#include "tessera/widgets/LogModel.h"

#include <QDockWidget>

class QPlainTextEdit;

namespace tessera::app {

class LogDock : public QDockWidget {
    Q_OBJECT
public:
    LogDock(widgets::LogModel &model, QWidget *parent = nullptr);

private:
    void append(const widgets::LogEntry &entry);
    QPlainTextEdit *m_text;
};

} // namespace tessera::app
