#include "tessera/core/Log.h"

#include <cstdio>
#include <mutex>

namespace tessera {
namespace {
std::mutex &sinkMutex()
{
    static std::mutex mutex;
    return mutex;
}
LogSink &currentSink()
{
    static LogSink sink = [](LogLevel level, const std::string &message) {
        std::fprintf(stderr, "[%s] %s\n", logLevelName(level), message.c_str());
    };
    return sink;
}
} // namespace

const char *logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return "debug";
    case LogLevel::Info:
        return "info";
    case LogLevel::Warning:
        return "warning";
    case LogLevel::Error:
        return "error";
    }
    return "?";
}

LogSink setLogSink(LogSink sink)
{
    std::lock_guard<std::mutex> lock(sinkMutex());
    LogSink previous = std::move(currentSink());
    currentSink() = std::move(sink);
    return previous;
}

void log(LogLevel level, const std::string &message)
{
    LogSink sink;
    {
        std::lock_guard<std::mutex> lock(sinkMutex());
        sink = currentSink();
    }
    if (sink)
        sink(level, message);
}

} // namespace tessera
