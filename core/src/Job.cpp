#include "tessera/core/Job.h"

#include "tessera/core/Error.h"

#include <algorithm>

namespace tessera {

void JobContext::throwIfCancelled() const
{
    if (isCancelled())
        throw CancelledError();
}

BasicJobContext::BasicJobContext(ProgressCallback onProgress) : m_onProgress(std::move(onProgress)) {}

void BasicJobContext::setProgress(double fraction, const std::string &message)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_progress = fraction;
    }
    if (m_onProgress)
        m_onProgress(fraction, message);
}

double BasicJobContext::progress() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_progress;
}

} // namespace tessera
