#pragma once
// Collects tessera::log messages from any thread and hands them to the GUI thread, where the
// log dock shows them. Keeps the last 5000 lines. Construct on the GUI thread.

#include "tessera/core/Log.h"

#include <QDateTime>
#include <QObject>
#include <QStringList>

namespace tessera::widgets {

struct LogEntry {
    QDateTime time;
    LogLevel level;
    QString message;
};

class LogModel : public QObject {
    Q_OBJECT
public:
    explicit LogModel(QObject *parent = nullptr);
    ~LogModel() override; // restores the previous sink

    const QList<LogEntry> &entries() const { return m_entries; }

signals:
    void entryAdded(const tessera::widgets::LogEntry &entry);

private:
    void append(LogEntry entry);

    QList<LogEntry> m_entries;
    LogSink m_previous;
};

} // namespace tessera::widgets
