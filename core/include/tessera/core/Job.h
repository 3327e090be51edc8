#pragma once
// The job contract every long computation follows (loading, inference, training,
// projections, sampling): a function run(JobContext&) executed on a worker thread that
// reports progress in [0, 1], checks for cancellation often and returns one immutable
// result. Who runs it (widgets::JobRunner in the GUI, the CLI directly) delivers the
// result once, on its own thread.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

namespace tessera {

class JobContext {
public:
    virtual ~JobContext() = default;
    // fraction in [0, 1]; message is a short status ("layer 3 of 12"). Any thread.
    virtual void setProgress(double fraction, const std::string &message = {}) = 0;
    virtual bool isCancelled() const = 0;
    // Throws CancelledError when cancelled; call it between units of work.
    void throwIfCancelled() const;
};

template <class Result> using Job = std::function<Result(JobContext &)>;

// A context backed by an atomic flag, for the CLI, tests and nested work.
class BasicJobContext : public JobContext {
public:
    using ProgressCallback = std::function<void(double, const std::string &)>;
    explicit BasicJobContext(ProgressCallback onProgress = {});

    void setProgress(double fraction, const std::string &message = {}) override;
    bool isCancelled() const override { return m_cancelled.load(std::memory_order_relaxed); }
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    double progress() const;

private:
    std::atomic<bool> m_cancelled{false};
    mutable std::mutex m_mutex;
    double m_progress = 0.0;
    ProgressCallback m_onProgress;
};

} // namespace tessera
