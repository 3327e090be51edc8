#pragma once
// The "Model" box of the lenses: a description of the model shown, an Open button, the
// studio's model followed (a folder opened in the Models or Training panel, taken when its
// capabilities fit, never judged by its model_type string) and, for a training run with weight
// snapshots, a slider that scrubs them. The box chooses; the panel loads (a job) and then says
// what it shows (setFolder, setDescription, setSnapshots). GUI thread only.

#include "tessera/core/Model.h"
#include "tessera/core/Training.h"

#include <QGroupBox>
#include <QString>

#include <functional>
#include <optional>

class QLabel;
class QSlider;

namespace tessera::widgets {
class DataHub;
}

namespace tessera::plugins {

class ModelSourceBox : public QGroupBox {
    Q_OBJECT
public:
    struct Texts {
        QString placeholder;     // shown before a model: "No model. Open a ..."
        QString openToolTip;     // of the Open button
        QString dialogTitle;     // of the folder dialog
        QString snapshotToolTip; // of the snapshot slider; empty: no slider
    };
    using Accepts = std::function<bool(const ModelCapabilities &)>;
    enum class Follow {
        WhenEmpty, // only while the box shows no model
        Replace,   // any other folder replaces the one shown
    };

    explicit ModelSourceBox(const Texts &texts, QWidget *parent = nullptr);

    // Offers (folderChosen) each folder the studio publishes (DataHub::ModelFolders) whose
    // capabilities pass accepts, as follow says, and never while busy() (a model loading).
    void followStudio(widgets::DataHub *hub, Accepts accepts, Follow follow, std::function<bool()> busy);
    // The capabilities of folder pass accepts (false for a folder that is not a checkpoint).
    static bool folderFits(const QString &folder, const Accepts &accepts);

    const QString &folder() const { return m_folder; } // absolute; empty before a model
    void setFolder(const QString &folder) { m_folder = folder; }
    void setDescription(const QString &html);

    // A training run's snapshots: the slider spans them, at the last, shown when there are any.
    void setSnapshots(std::optional<SnapshotIndex> snapshots);
    const std::optional<SnapshotIndex> &snapshots() const { return m_snapshots; }
    int snapshotIndex() const; // the slider's position
    // The index of the snapshot at step (as text: "120"), or -1.
    int findSnapshot(const QString &step) const;
    void selectSnapshot(int index); // no snapshotChosen
    // "Snapshot: step S of LAST" followed by detail (" · held-out accuracy 91%").
    void setSnapshotDetail(const QString &detail);

signals:
    void folderChosen(const QString &folder); // the Open button or the studio
    void snapshotChosen(int64_t step);        // the slider moved

private:
    QString m_folder;
    std::optional<SnapshotIndex> m_snapshots;
    QLabel *m_description = nullptr;
    QSlider *m_slider = nullptr;
    QLabel *m_snapshotLabel = nullptr;
};

} // namespace tessera::plugins
