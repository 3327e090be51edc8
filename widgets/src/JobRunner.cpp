#include "tessera/widgets/JobRunner.h"

#include "tessera/core/Error.h"
#include "tessera/core/Log.h"

#include <QMetaObject>
#include <QMutex>
#include <QThreadPool>

namespace tessera::widgets {
namespace {

// The worker-side context: forwards progress to the handle's thread, at most every 33 ms.
class QueuedContext : public JobContext {
public:
    QueuedContext(QPointer<JobHandle> handle, std::shared_ptr<std::atomic<bool>> cancelled)
        : m_handle(std::move(handle)), m_cancelled(std::move(cancelled))
    {
        m_clock.start();
    }

    void setProgress(double fraction, const std::string &message) override
    {
        QMutexLocker lock(&m_mutex);
        if (fraction < 1.0 && m_clock.isValid() && m_clock.elapsed() < 33 && m_sent)
            return;
        m_clock.restart();
        m_sent = true;
        QPointer<JobHandle> handle = m_handle;
        const QString text = QString::fromStdString(message);
        QMetaObject::invokeMethod(
            handle.data(),
            [handle, fraction, text]() {
                if (handle && !handle->isFinished())
                    emit handle->progressChanged(fraction, text);
            },
            Qt::QueuedConnection);
    }

    bool isCancelled() const override { return m_cancelled->load(); }

private:
    QPointer<JobHandle> m_handle;
    std::shared_ptr<std::atomic<bool>> m_cancelled;
    QMutex m_mutex;
    QElapsedTimer m_clock;
    bool m_sent = false;
};

// Runs work, turning exceptions into (succeeded, cancelled, message).
void execute(const std::function<void(JobContext &)> &work, JobContext &context, bool &succeeded, bool &cancelled,
             QString &error)
{
    succeeded = false;
    cancelled = false;
    try {
        work(context);
        succeeded = !context.isCancelled();
        cancelled = context.isCancelled();
    } catch (const CancelledError &) {
        cancelled = true;
    } catch (const std::bad_alloc &) {
        error = QObject::tr("out of memory; try a smaller size");
    } catch (const std::exception &e) {
        error = QString::fromUtf8(e.what());
    } catch (...) {
        error = QObject::tr("unknown failure");
    }
}

} // namespace

JobHandle::JobHandle(int id, QString title, QObject *parent) : QObject(parent), m_id(id), m_title(std::move(title))
{
    connect(this, &JobHandle::progressChanged, this,
            [this](double fraction, const QString &) { m_progress = fraction; });
}

void JobHandle::cancel()
{
    m_cancelled->store(true);
}

JobRunner::JobRunner(QObject *parent) : QObject(parent) {}

JobRunner::~JobRunner()
{
    cancelAll();
    QThreadPool::globalInstance()->waitForDone();
}

void JobRunner::cancelAll()
{
    for (const QPointer<JobHandle> &handle : std::as_const(m_handles))
        if (handle)
            handle->cancel();
}

JobHandle *JobRunner::start(const QString &title, std::function<void(JobContext &)> work, std::function<void()> deliver,
                            std::function<void(const QString &)> onError)
{
    auto *handle = new JobHandle(m_nextId++, title, this);
    m_handles.append(handle);
    ++m_active;
    emit jobStarted(handle);
    emit activeJobCountChanged(m_active);

    if (m_inline) {
        BasicJobContext context([handle](double fraction, const std::string &message) {
            emit handle->progressChanged(fraction, QString::fromStdString(message));
        });
        if (handle->isCancelled())
            context.cancel();
        bool succeeded = false;
        bool cancelled = false;
        QString error;
        execute(work, context, succeeded, cancelled, error);
        finish(handle, succeeded, cancelled, error, deliver, onError);
        return handle;
    }

    QPointer<JobHandle> guarded(handle);
    auto cancelledFlag = handle->m_cancelled;
    QThreadPool::globalInstance()->start([this, guarded, cancelledFlag, work = std::move(work),
                                          deliver = std::move(deliver), onError = std::move(onError)]() {
        QueuedContext context(guarded, cancelledFlag);
        bool succeeded = false;
        bool cancelled = false;
        QString error;
        execute(work, context, succeeded, cancelled, error);
        QMetaObject::invokeMethod(
            this,
            [this, guarded, succeeded, cancelled, error, deliver, onError]() {
                if (guarded)
                    finish(guarded.data(), succeeded, cancelled || guarded->isCancelled(), error, deliver, onError);
            },
            Qt::QueuedConnection);
    });
    return handle;
}

void JobRunner::finish(JobHandle *handle, bool succeeded, bool cancelled, const QString &error,
                       const std::function<void()> &deliver, const std::function<void(const QString &)> &onError)
{
    handle->m_finished = true;
    // A callback that throws must not leave the runner's bookkeeping behind.
    try {
        if (succeeded && !cancelled && deliver)
            deliver();
        else if (!cancelled && !error.isEmpty() && onError)
            onError(error);
    } catch (const std::exception &e) {
        logError("delivering the result of \"" + handle->title().toStdString() + "\" failed: " + e.what());
    }
    handle->m_progress = 1.0;
    emit handle->finished(succeeded && !cancelled, cancelled, error);
    m_handles.removeAll(handle);
    --m_active;
    emit activeJobCountChanged(m_active);
    handle->deleteLater();
}

} // namespace tessera::widgets
