#pragma once
// The DETR lens: detection as set prediction made visible (the study notes 003:370-410) on a
// DetrForObjectDetection checkpoint and a real image.
//   boxes     the image with the detections above a threshold (label, score), classes shown or
//             hidden; a click on a box selects its query
//   queries   one object query: its cross-attention over the image for every decoder layer and
//             head (and their mean), with its box, class and no-object probability
//   classes   every query's class distribution, no-object included (queries x classes + 1)
//   encoder   encoder self-attention of a clicked reference point, every head of a layer
//   position  the 2-D sine position encoding of the feature grid, channels as images
//   matching  Hungarian matching against ground truth drawn on the image or read from a COCO
//             JSON: matched pairs linked, the matched losses
//   cost      the cost matrix (queries x targets) and its class, L1 and GIoU parts with weights
// A run of the detr-shapes recipe can be scrubbed along its weight snapshots: every view, the
// matching included, shows the model as it was at that step.
// GUI thread only; loading and the forward pass are jobs.

#include "tessera/core/Detr.h"
#include "tessera/core/Matching.h"
#include "tessera/core/Training.h"
#include "tessera/plugins/Registry.h"
#include "tessera/widgets/PanelWidget.h"

#include <QPointer>
#include <QVector>

#include <array>
#include <memory>
#include <optional>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSlider;
class QSpinBox;
class QTabWidget;

namespace tessera::widgets {
class BoxImageView;
class CompositeFigure;
class HeatmapView;
class ImageGridView;
class JobHandle;
} // namespace tessera::widgets

namespace tessera::detrlens {

// One image through the model.
struct DetrAnalysis {
    detr::DetrInput input;                  // what the model sees
    ModelOutputs outputs;                   // every capture
    std::vector<detr::Detection> detections; // every query, in pixels of the original image
    Matrix probabilities;                   // [queries, classes + 1]
    int64_t gridHeight = 0, gridWidth = 0;  // the backbone's feature grid
};

class DetrPanel : public widgets::PanelWidget {
    Q_OBJECT
public:
    DetrPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);
    ~DetrPanel() override;

    QString panelId() const override { return QStringLiteral("detr"); }
    QString panelTitle() const override { return tr("DETR lens"); }
    QStringList figureNames() const override;
    QString currentFigureName() const override;
    void setCurrentFigure(const QString &name) override;
    widgets::Figure *figure(const QString &name) override;

    QList<widgets::OptionSpec> optionSpecs() const override;
    QVariantMap options() const override;
    bool setOptions(const QVariantMap &options, QString *error) override;

    bool canOpen(const QString &path) const override;
    bool open(const QString &path, QString *error) override;

    // Ground truth: a box in pixels of the image with a model class; a COCO file; none.
    void addTarget(int64_t label, double x0, double y0, double x1, double y1);
    bool loadTargets(const QString &path, QString *error);
    void clearTargets();

private:
    void buildUi();
    bool openModel(const QString &folder, QString *error);
    bool openImage(const QString &path, QString *error);
    bool setImage(Image8 image, const QString &name, QString *error);
    bool analyse(QString *error);
    void modelReady();
    bool loadSnapshot(int64_t step, QString *error);
    void updateSnapshotLabel();
    void refresh();
    void refreshBoxes();
    void refreshQuery();
    void refreshEncoder();
    void refreshPosition();
    void refreshMatching();
    void updateControls();
    void setStatus(const QString &text, bool error = false);
    bool runJob(const QString &title, std::function<void(JobContext &)> work, std::function<void()> done,
                QPointer<widgets::JobHandle> &slot, QString *error);
    QString className(int64_t label) const;
    QStringList hiddenClasses() const;

    plugins::PanelContext m_context;
    QString m_folder;
    std::shared_ptr<const Model> m_model;
    std::optional<SnapshotIndex> m_snapshots;  // a detr-shapes run: its weight snapshots
    int64_t m_step = -1;                       // the snapshot shown; -1: the folder's model
    detr::DetrPreprocessing m_preprocessing;
    Image8 m_image;
    QString m_imagePath;
    std::shared_ptr<const DetrAnalysis> m_analysis;
    std::vector<int64_t> m_targetLabels;
    std::vector<std::array<float, 4>> m_targetBoxes; // cx, cy, w, h in [0, 1]
    QString m_targetSource;
    QVector<int> m_boxQueries;               // the query of each box of the boxes view
    int m_query = 0;
    int m_pointRow = 0, m_pointColumn = 0;
    QVariantMap m_pendingOptions;            // applied once the loading model or image arrives
    QPointer<widgets::JobHandle> m_modelJob;
    QPointer<widgets::JobHandle> m_imageJob;

    QLabel *m_modelLabel = nullptr;
    QSlider *m_snapshot = nullptr;
    QLabel *m_snapshotLabel = nullptr;
    QLabel *m_imageLabel = nullptr;
    QSlider *m_threshold = nullptr;
    QLabel *m_thresholdLabel = nullptr;
    QListWidget *m_classes = nullptr;
    QSpinBox *m_querySpin = nullptr;
    QSpinBox *m_encoderLayer = nullptr;
    QComboBox *m_head = nullptr;
    QPushButton *m_draw = nullptr;
    QComboBox *m_drawClass = nullptr;
    QLabel *m_targetLabel = nullptr;
    QLabel *m_status = nullptr;

    QTabWidget *m_views = nullptr;
    widgets::BoxImageView *m_boxesView = nullptr;
    widgets::ImageGridView *m_queryView = nullptr;
    widgets::HeatmapView *m_classesView = nullptr;
    widgets::ImageGridView *m_encoderView = nullptr;
    widgets::ImageGridView *m_positionView = nullptr;
    widgets::BoxImageView *m_matchingView = nullptr;
    widgets::CompositeFigure *m_costView = nullptr;
    widgets::HeatmapView *m_costParts[4] = {};
};

} // namespace tessera::detrlens
