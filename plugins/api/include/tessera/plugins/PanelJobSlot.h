#pragma once
// A panel's job with a typed result: starting one cancels the previous one still in the slot,
// the result reaches onResult on the GUI thread only while the panel (the slot's owner) lives,
// and a failure reaches onError (logged too). For inline runners (tessera-cli, tests) the job has
// finished when start() returns, and a failure is also returned at once. The Qt Creator idea of
// onResultReady(future, guard, handler). Construct, start and cancel on the GUI thread only.

#include "tessera/core/Job.h"
#include "tessera/core/Log.h"
#include "tessera/widgets/JobRunner.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <memory>
#include <utility>

namespace tessera::plugins {

template <class Result> class PanelJobSlot {
public:
    using ResultHandler = std::function<void(Result)>;
    using ErrorHandler = std::function<void(const QString &)>;

    // owner guards delivery; onError (optional) shows a failure (the panel's status line).
    explicit PanelJobSlot(QObject *owner, ErrorHandler onError = {}) : m_owner(owner), m_onError(std::move(onError)) {}
    PanelJobSlot(const PanelJobSlot &) = delete;
    PanelJobSlot &operator=(const PanelJobSlot &) = delete;
    ~PanelJobSlot() { cancel(); }

    // Runs work off the GUI thread; onResult receives its value. Returns false, with error set,
    // when there is no runner or an inline job failed.
    bool start(widgets::JobRunner *jobs, const QString &title, Job<Result> work, ResultHandler onResult,
               QString *error = nullptr)
    {
        if (!jobs) {
            if (error)
                *error = QObject::tr("no job runner");
            return false;
        }
        cancel();
        auto failure = std::make_shared<QString>();
        QPointer<QObject> alive(m_owner);
        m_handle = jobs->run<Result>(
            title, std::move(work),
            [alive, onResult = std::move(onResult)](Result result) {
                if (alive && onResult)
                    onResult(std::move(result));
            },
            [alive, failure, onError = m_onError](const QString &message) {
                *failure = message;
                logError(message.toStdString());
                if (alive && onError)
                    onError(message);
            });
        if (!failure->isEmpty()) { // inline runners have finished by now
            if (error)
                *error = *failure;
            return false;
        }
        return true;
    }

    void cancel()
    {
        if (m_handle)
            m_handle->cancel();
    }
    // True while a started job has not finished.
    bool isRunning() const { return m_handle && !m_handle->isFinished(); }
    // The running job (progress, finished signal), or nullptr.
    widgets::JobHandle *handle() const { return m_handle; }

private:
    QObject *m_owner;
    ErrorHandler m_onError;
    QPointer<widgets::JobHandle> m_handle;
};

} // namespace tessera::plugins
