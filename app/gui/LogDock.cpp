#include "LogDock.h"

#include <QPlainTextEdit>

namespace tessera::app {

LogDock::LogDock(widgets::LogModel &model, QWidget *parent)
    : QDockWidget(tr("Log"), parent), m_text(new QPlainTextEdit(this))
{
    setObjectName("LogDock");
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(5000);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    setWidget(m_text);
    for (const widgets::LogEntry &entry : model.entries())
        append(entry);
    connect(&model, &widgets::LogModel::entryAdded, this, &LogDock::append);
}

void LogDock::append(const widgets::LogEntry &entry)
{
    QString color;
    if (entry.level == LogLevel::Warning)
        color = "#b06000";
    else if (entry.level == LogLevel::Error)
        color = "#c00000";
    const QString line = QStringLiteral("%1  %2  %3")
                             .arg(entry.time.toString("HH:mm:ss"), QString::fromLatin1(logLevelName(entry.level)),
                                  entry.message.toHtmlEscaped());
    m_text->appendHtml(color.isEmpty() ? line : QStringLiteral("<span style='color:%1'>%2</span>").arg(color, line));
}

} // namespace tessera::app
