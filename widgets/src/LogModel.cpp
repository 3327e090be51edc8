#include "tessera/widgets/LogModel.h"

#include <QMetaObject>
#include <QPointer>

namespace tessera::widgets {

LogModel::LogModel(QObject *parent) : QObject(parent)
{
    QPointer<LogModel> self(this);
    m_previous = setLogSink([self, previous = LogSink()](LogLevel level, const std::string &message) {
        std::fprintf(stderr, "[%s] %s\n", logLevelName(level), message.c_str());
        LogEntry entry{QDateTime::currentDateTime(), level, QString::fromStdString(message)};
        if (self)
            QMetaObject::invokeMethod(
                self.data(),
                [self, entry]() {
                    if (self)
                        self->append(entry);
                },
                Qt::QueuedConnection);
    });
}

LogModel::~LogModel()
{
    setLogSink(m_previous);
}

void LogModel::append(LogEntry entry)
{
    m_entries.append(entry);
    if (m_entries.size() > 5000)
        m_entries.removeFirst();
    emit entryAdded(entry);
}

} // namespace tessera::widgets
