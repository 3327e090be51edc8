#pragma once
// The way panels start their work as jobs: one job per slot (starting a new one cancels the
// one still in the slot), the result delivered on the GUI thread only while the panel lives,
// a failure logged and shown by the panel, and (for inline runners: tessera-cli, tests) the
// failure also returned at once. GUI thread only.

#include "tessera/core/Job.h"
#include "tessera/widgets/JobRunner.h"

#include <QPointer>
#include <QString>

#include <functional>

namespace tessera::plugins {

// work runs off the GUI thread; done and showError on it, and only while owner exists.
// Returns false, with error set, when an inline job failed or there is no runner.
bool startPanelJob(widgets::JobRunner *jobs, QObject *owner, const QString &title,
                   std::function<void(JobContext &)> work, std::function<void()> done,
                   std::function<void(const QString &)> showError, QPointer<widgets::JobHandle> &slot, QString *error);

} // namespace tessera::plugins
