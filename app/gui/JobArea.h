#pragma once
// The job area of the status bar: the running jobs' title, a progress bar and a cancel
// button (Esc cancels the newest). Hidden when nothing runs. GUI thread only.

#include "tessera/widgets/JobRunner.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace tessera::app {

class JobArea : public QWidget {
    Q_OBJECT
public:
    JobArea(widgets::JobRunner &runner, QWidget *parent = nullptr);

public slots:
    void cancelNewest();

private:
    void track(widgets::JobHandle *handle);
    void refresh();

    QLabel *m_title;
    QProgressBar *m_bar;
    QToolButton *m_cancel;
    QList<QPointer<widgets::JobHandle>> m_jobs;
};

} // namespace tessera::app
