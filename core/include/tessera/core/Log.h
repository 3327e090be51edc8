#pragma once
// A process-wide log sink. Any thread may log; the sink is called on the logging thread,
// so a GUI sink must hand messages over to its own thread (widgets::LogModel does).

#include <functional>
#include <string>

namespace tessera {

enum class LogLevel { Debug, Info, Warning, Error };

using LogSink = std::function<void(LogLevel, const std::string &)>;

// Replaces the sink (the default writes to stderr). Returns the previous one.
LogSink setLogSink(LogSink sink);
void log(LogLevel level, const std::string &message);
inline void logInfo(const std::string &message)
{
    log(LogLevel::Info, message);
}
inline void logWarning(const std::string &message)
{
    log(LogLevel::Warning, message);
}
inline void logError(const std::string &message)
{
    log(LogLevel::Error, message);
}
const char *logLevelName(LogLevel level);

} // namespace tessera
