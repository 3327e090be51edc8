#include "tessera/plugins/ModelSourceBox.h"

#include "tessera/widgets/DataHub.h"

#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>

namespace tessera::plugins {

ModelSourceBox::ModelSourceBox(const Texts &texts, QWidget *parent) : QGroupBox(tr("Model"), parent)
{
    auto *layout = new QVBoxLayout(this);
    m_description = new QLabel(texts.placeholder);
    m_description->setWordWrap(true);
    auto *open = new QPushButton(tr("Open model\u2026"));
    open->setToolTip(texts.openToolTip);
    connect(open, &QPushButton::clicked, this, [this, title = texts.dialogTitle] {
        const QString folder = QFileDialog::getExistingDirectory(this, title, m_folder);
        if (!folder.isEmpty())
            emit folderChosen(folder);
    });
    layout->addWidget(m_description);
    layout->addWidget(open);
    if (texts.snapshotToolTip.isEmpty())
        return;
    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setToolTip(texts.snapshotToolTip);
    m_snapshotLabel = new QLabel;
    m_snapshotLabel->setWordWrap(true);
    m_slider->setVisible(false);
    m_snapshotLabel->setVisible(false);
    connect(m_slider, &QSlider::valueChanged, this, [this](int index) {
        if (m_snapshots && index >= 0 && index < int(m_snapshots->steps.size()))
            emit snapshotChosen(m_snapshots->steps[size_t(index)]);
    });
    layout->addWidget(m_slider);
    layout->addWidget(m_snapshotLabel);
}

bool ModelSourceBox::folderFits(const QString &folder, const Accepts &accepts)
{
    try {
        return accepts(folderCapabilities(folder.toStdString()));
    } catch (const std::exception &) {
        return false;
    }
}

void ModelSourceBox::followStudio(widgets::DataHub *hub, Accepts accepts, Follow follow, std::function<bool()> busy)
{
    if (!hub)
        return;
    connect(hub, &widgets::DataHub::textsChanged, this,
            [this, hub, accepts = std::move(accepts), follow, busy = std::move(busy)](const QString &topic,
                                                                                      const QString &name) {
                if (topic != widgets::DataHub::ModelFolders || busy())
                    return;
                if (follow == Follow::WhenEmpty && !m_folder.isEmpty())
                    return;
                const QString folder = hub->text(topic, name);
                if (!folderFits(folder, accepts) || QDir(folder).absolutePath() == m_folder)
                    return;
                emit folderChosen(folder);
            });
}

void ModelSourceBox::setDescription(const QString &html)
{
    m_description->setText(html);
}

void ModelSourceBox::setSnapshots(std::optional<SnapshotIndex> snapshots)
{
    m_snapshots = std::move(snapshots);
    if (!m_slider)
        return;
    const QSignalBlocker block(m_slider);
    const int count = m_snapshots ? int(m_snapshots->steps.size()) : 0;
    m_slider->setRange(0, std::max(0, count - 1));
    m_slider->setValue(std::max(0, count - 1));
    m_slider->setVisible(count > 0);
    m_snapshotLabel->setVisible(count > 0);
    if (count == 0)
        m_snapshotLabel->clear();
}

int ModelSourceBox::snapshotIndex() const
{
    return m_slider ? m_slider->value() : 0;
}

int ModelSourceBox::findSnapshot(const QString &step) const
{
    if (!m_snapshots)
        return -1;
    bool ok = false;
    const qlonglong wanted = step.toLongLong(&ok);
    const auto found = std::find(m_snapshots->steps.begin(), m_snapshots->steps.end(), int64_t(wanted));
    return ok && found != m_snapshots->steps.end() ? int(found - m_snapshots->steps.begin()) : -1;
}

void ModelSourceBox::selectSnapshot(int index)
{
    if (!m_slider)
        return;
    const QSignalBlocker block(m_slider);
    m_slider->setValue(index);
}

void ModelSourceBox::setSnapshotDetail(const QString &detail)
{
    if (!m_snapshots || !m_snapshotLabel)
        return;
    const int index = std::clamp(snapshotIndex(), 0, int(m_snapshots->steps.size()) - 1);
    m_snapshotLabel->setText(tr("Snapshot: step %1 of %2%3")
                                 .arg(m_snapshots->steps[size_t(index)])
                                 .arg(m_snapshots->steps.back())
                                 .arg(detail));
}

} // namespace tessera::plugins
