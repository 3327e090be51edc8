#pragma once
// Runs tessera::Job functions off the GUI thread (QThreadPool) and delivers each result once,
// on the GUI thread. Progress is rate-limited (at most ~30 updates a second reach the GUI).
// Cancelling makes JobContext::isCancelled() true; a cancelled job's result is dropped.
// The application owns one JobRunner; its signals feed the job area of the status bar.
// Construct and call on the GUI thread.

#include "tessera/core/Job.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <exception>
#include <functional>
#include <memory>

namespace tessera::widgets {

// One running job as seen from the GUI thread.
class JobHandle : public QObject {
    Q_OBJECT
public:
    JobHandle(int id, QString title, QObject *parent);
    int id() const { return m_id; }
    const QString &title() const { return m_title; }
    double progress() const { return m_progress; }
    bool isCancelled() const { return m_cancelled->load(); }
    bool isFinished() const { return m_finished; }

public slots:
    void cancel();

signals:
    void progressChanged(double fraction, const QString &message);
    // Emitted exactly once, after the result or error callback ran (or on cancellation).
    void finished(bool succeeded, bool cancelled, const QString &error);

private:
    friend class JobRunner;
    int m_id;
    QString m_title;
    double m_progress = 0.0;
    bool m_finished = false;
    std::shared_ptr<std::atomic<bool>> m_cancelled = std::make_shared<std::atomic<bool>>(false);
};

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject *parent = nullptr);
    // Cancels what is still running and waits for the workers to return.
    ~JobRunner() override;

    // Inline mode runs every job on the calling thread before returning (the CLI and
    // tests, where there is no event loop to wait in).
    void setInline(bool runInline) { m_inline = runInline; }
    bool isInline() const { return m_inline; }

    // Starts job; onResult (GUI thread) receives its value, onError (GUI thread) the message
    // of a failure. The returned handle lives until the job has finished.
    template <class Result>
    JobHandle *run(const QString &title, Job<Result> job, std::function<void(Result)> onResult,
                   std::function<void(const QString &)> onError = {})
    {
        auto value = std::make_shared<Result>();
        return start(
            title, [job = std::move(job), value](JobContext &context) { *value = job(context); },
            [onResult = std::move(onResult), value]() {
                if (onResult)
                    onResult(std::move(*value));
            },
            std::move(onError));
    }

    int activeJobCount() const { return m_active; }
    // Cancels every running job (application shutdown).
    void cancelAll();

signals:
    void jobStarted(tessera::widgets::JobHandle *handle);
    void activeJobCountChanged(int count);

private:
    JobHandle *start(const QString &title, std::function<void(JobContext &)> work, std::function<void()> deliver,
                     std::function<void(const QString &)> onError);
    void finish(JobHandle *handle, bool succeeded, bool cancelled, const QString &error,
                const std::function<void()> &deliver, const std::function<void(const QString &)> &onError);

    bool m_inline = false;
    int m_nextId = 1;
    int m_active = 0;
    QList<QPointer<JobHandle>> m_handles;
};

} // namespace tessera::widgets
