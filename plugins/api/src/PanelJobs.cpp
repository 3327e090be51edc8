#include "tessera/plugins/PanelJobs.h"

#include "tessera/core/Log.h"

#include <memory>

namespace tessera::plugins {

bool startPanelJob(widgets::JobRunner *jobs, QObject *owner, const QString &title,
                   std::function<void(JobContext &)> work, std::function<void()> done,
                   std::function<void(const QString &)> showError, QPointer<widgets::JobHandle> &slot, QString *error)
{
    if (!jobs) {
        if (error)
            *error = QObject::tr("no job runner");
        return false;
    }
    if (slot)
        slot->cancel();
    auto failure = std::make_shared<QString>();
    QPointer<QObject> alive(owner);
    slot = jobs->run<bool>(
        title,
        [work = std::move(work)](JobContext &context) {
            work(context);
            return true;
        },
        [alive, done = std::move(done)](bool) {
            if (alive)
                done();
        },
        [alive, failure, showError = std::move(showError)](const QString &message) {
            *failure = message;
            logError(message.toStdString());
            if (alive && showError)
                showError(message);
        });
    if (!failure->isEmpty()) { // inline runners have finished by now
        if (error)
            *error = *failure;
        return false;
    }
    return true;
}

} // namespace tessera::plugins
