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

#include "DetrFigures.h"

#include "tessera/core/Training.h"
#include "tessera/plugins/PanelBase.h"

#include <QVector>

#include <memory>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSlider;
class QSpinBox;

namespace tessera::widgets {
class BoxImageView;
class CompositeFigure;
class HeatmapView;
class ImageGridView;
} // namespace tessera::widgets

namespace tessera::detrlens {

class DetrPanel : public plugins::PanelBase {
    Q_OBJECT
public:
    // Its id ("detr"), title and menu entry.
    static plugins::PanelDescriptor descriptor();

    DetrPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);
    ~DetrPanel() override;

    QVariantMap options() const override;

    // Ground truth: a box in pixels of the image with a model class; a COCO file; none.
    void addTarget(int64_t label, double x0, double y0, double x1, double y1);
    bool loadTargets(const QString &path, QString *error);
    void clearTargets();

protected:
    bool checkOptions(const QVariantMap &options, QString *error) override;
    bool openSource(const QVariantMap &options, bool *loading, QString *error) override;
    bool applyOptions(const QVariantMap &options, const QString &view, QString *error) override;

private:
    void buildUi();
    QWidget *buildDetectionBox();
    QWidget *buildQueryBox();
    QWidget *buildMatchBox();
    void buildViews();
    void declareOptions();
    bool openModel(const QString &folder, QString *error);
    bool openImage(const QString &path, QString *error);
    bool setImage(Image8 image, const QString &name, QString *error);
    bool analyse(QString *error);
    void modelReady();
    bool loadSnapshot(int64_t step, QString *error);
    void updateSnapshotLabel();
    bool applySnapshot(const QString &step, QString *error);
    bool parseTargets(const QString &targets, std::vector<std::array<double, 5>> *drawn, QString *error) const;
    void refresh();
    void refreshBoxes();
    void refreshQuery();
    void refreshEncoder();
    void refreshPosition();
    void refreshMatching();
    void updateControls();
    QStringList hiddenClasses() const;

    std::shared_ptr<const Model> m_model;
    int64_t m_step = -1; // the snapshot shown; -1: the folder's model
    detr::DetrPreprocessing m_preprocessing;
    Image8 m_image;
    std::shared_ptr<const DetrAnalysis> m_analysis;
    Targets m_targets; // cx, cy, w, h in [0, 1]
    QString m_targetSource;
    QVector<int> m_boxQueries; // the query of each box of the boxes view
    int m_query = 0;
    int m_pointRow = 0, m_pointColumn = 0;
    plugins::PanelJobSlot<std::shared_ptr<const Model>> m_modelJob;
    plugins::PanelJobSlot<std::shared_ptr<const DetrAnalysis>> m_imageJob;

    plugins::ModelSourceBox *m_modelBox = nullptr;
    plugins::ImageSourceBox *m_imageBox = nullptr;
    QSlider *m_threshold = nullptr;
    QLabel *m_thresholdLabel = nullptr;
    QListWidget *m_classes = nullptr;
    QSpinBox *m_querySpin = nullptr;
    QSpinBox *m_encoderLayer = nullptr;
    QComboBox *m_head = nullptr;
    QPushButton *m_draw = nullptr;
    QComboBox *m_drawClass = nullptr;
    QLabel *m_targetLabel = nullptr;

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
