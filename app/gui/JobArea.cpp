#include "JobArea.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QTimer>
#include <QToolButton>

namespace tessera::app {

JobArea::JobArea(widgets::JobRunner &runner, QWidget *parent)
    : QWidget(parent), m_title(new QLabel(this)), m_bar(new QProgressBar(this)), m_cancel(new QToolButton(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    m_bar->setRange(0, 1000);
    m_bar->setMaximumWidth(180);
    m_bar->setTextVisible(false);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Cancel the running job (Esc)"));
    connect(m_cancel, &QToolButton::clicked, this, &JobArea::cancelNewest);
    connect(&runner, &widgets::JobRunner::jobStarted, this, &JobArea::track);
    setVisible(false);
}

void JobArea::track(widgets::JobHandle *handle)
{
    m_jobs.append(handle);
    connect(handle, &widgets::JobHandle::progressChanged, this, &JobArea::refresh);
    connect(handle, &widgets::JobHandle::finished, this, [this]() { QTimer::singleShot(0, this, &JobArea::refresh); });
    // Jobs that finish within 300 ms never flash the bar.
    QTimer::singleShot(300, this, &JobArea::refresh);
}

void JobArea::cancelNewest()
{
    for (auto it = m_jobs.rbegin(); it != m_jobs.rend(); ++it)
        if (*it && !(*it)->isFinished()) {
            (*it)->cancel();
            return;
        }
}

void JobArea::refresh()
{
    m_jobs.removeIf([](const QPointer<widgets::JobHandle> &job) { return !job || job->isFinished(); });
    if (m_jobs.isEmpty()) {
        setVisible(false);
        return;
    }
    const widgets::JobHandle *newest = m_jobs.last();
    m_title->setText(m_jobs.size() == 1 ? newest->title()
                                        : tr("%1 (+%2 more)").arg(newest->title()).arg(m_jobs.size() - 1));
    m_bar->setValue(int(newest->progress() * 1000));
    setVisible(true);
}

} // namespace tessera::app
