#pragma once
// The ViT lens: a vision transformer looked at on real images (the study notes 003:325-369).
//   patches    the preprocessing step by step (as read, resized, normalised) and the patch grid,
//              with the shapes of the loaded config (224/16 gives 196 patches of 768 values)
//   attention  where one query (a clicked patch or [CLS]) attends, one head or the mean, over
//              the image with a colour map and opacity
//   heads      the same for every head of the layer at once
//   rollout    attention rollout with head fusion mean/min/max and a discard ratio
//   distance   mean attention distance per head against depth (Dosovitskiy et al. 2020, Fig. 7
//              right), of the image or over an image set (a job), with its dispersion
//   positions  cosine similarity of each patch's position embedding with all others (Fig. 7 centre)
//   filters    principal components of the patch-embedding filters (Fig. 7 left)
// Images come from a file, drag and drop, the clipboard or a Fashion-MNIST test sample. A run
// folder from the Training panel can be scrubbed along its snapshots in every view.
// GUI thread only; loading, the forward pass and the image-set measurement are jobs.

#include "tessera/core/Datasets.h"
#include "tessera/core/Pipelines.h"
#include "tessera/core/Training.h"
#include "tessera/core/VisionLens.h"
#include "tessera/plugins/Registry.h"
#include "tessera/widgets/PanelWidget.h"

#include <QPointer>

#include <memory>
#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTabWidget;
class QWidget;

namespace tessera::widgets {
class ImageGridView;
class JobHandle;
class LinePlotView;
} // namespace tessera::widgets

namespace tessera::vitlens {

// A model as the lens uses it, with what is derived from its weights alone.
struct LoadedVit {
    std::shared_ptr<const Model> model;
    ImagePreprocessing preprocessing;
    vision::PatchGeometry geometry;
    std::shared_ptr<const Matrix> similarity;  // [patches, patches]
    vision::FilterComponents filters;
    int64_t step = -1;                          // snapshot step; -1: the folder's model
};

// One image through the model.
struct ImageAnalysis {
    Image8 resized;                         // what the model sees, before rescaling
    FloatTensor pixelValues;                // [1, C, H, W]
    std::vector<FloatTensor> attentions;    // per layer [heads, n, n]
    FloatTensor distanceRaw;                // [layers, heads], this image
    FloatTensor distanceRenormalized;
    std::vector<Prediction> predictions;    // top 3
};

class VitPanel : public widgets::PanelWidget {
    Q_OBJECT
public:
    VitPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);
    ~VitPanel() override;

    QString panelId() const override { return QStringLiteral("vit"); }
    QString panelTitle() const override { return tr("ViT lens"); }
    QStringList figureNames() const override;
    QString currentFigureName() const override;
    void setCurrentFigure(const QString &name) override;
    widgets::Figure *figure(const QString &name) override;

    QList<widgets::OptionSpec> optionSpecs() const override;
    QVariantMap options() const override;
    bool setOptions(const QVariantMap &options, QString *error) override;

    bool canOpen(const QString &path) const override;
    bool open(const QString &path, QString *error) override;

    // The image from the clipboard (Ctrl+V).
    bool pasteImage(QString *error);

private:
    void buildUi();
    bool openModel(const QString &folder, QString *error);
    bool loadSnapshot(int64_t step, QString *error);
    void modelReady(std::shared_ptr<const LoadedVit> loaded);
    bool setImage(Image8 image, const QString &name, QString *error, bool analyseNow = true);
    bool openImage(const QString &path, QString *error, bool analyseNow = true);
    bool useSample(int index, QString *error, bool analyseNow = true);
    std::shared_ptr<const ImageDataset> fashionTest(QString *error);
    void analyse();
    bool measureDistance(QString *error);
    void refresh();            // every view from the current state
    void refreshAttention();
    void refreshRollout();
    void refreshDistance();
    void refreshStatic();      // positions, filters, patches
    void updateControls();
    void setStatus(const QString &text, bool error = false);
    bool runJob(const QString &title, std::function<void(JobContext &)> work, std::function<void()> done,
                QPointer<widgets::JobHandle> &slot, QString *error);

    plugins::PanelContext m_context;
    QString m_folder;
    std::optional<SnapshotIndex> m_snapshots;   // when the folder is a run with weight snapshots
    std::shared_ptr<const LoadedVit> m_loaded;
    Image8 m_image;                             // as read
    QString m_imageName;
    std::shared_ptr<const ImageAnalysis> m_analysis;
    std::optional<vision::DistanceStatistics> m_setDistance; // over an image set, for m_loaded
    QString m_setName;
    std::shared_ptr<const ImageDataset> m_fashion;
    int64_t m_query = 0;                        // token: 0 = [CLS]
    QVariantMap m_pendingOptions;               // applied when the loading model arrives
    QPointer<widgets::JobHandle> m_modelJob;
    QPointer<widgets::JobHandle> m_imageJob;
    QPointer<widgets::JobHandle> m_distanceJob;

    QLabel *m_modelLabel = nullptr;
    QSlider *m_snapshot = nullptr;
    QLabel *m_snapshotLabel = nullptr;
    QLabel *m_imageLabel = nullptr;
    QSpinBox *m_sample = nullptr;
    QLabel *m_prediction = nullptr;
    QSpinBox *m_layer = nullptr;
    QComboBox *m_head = nullptr;
    QLabel *m_queryLabel = nullptr;
    QComboBox *m_colorMap = nullptr;
    QSlider *m_opacity = nullptr;
    QComboBox *m_fusion = nullptr;
    QDoubleSpinBox *m_discard = nullptr;
    QComboBox *m_imageSet = nullptr;
    QSpinBox *m_count = nullptr;
    QComboBox *m_convention = nullptr;
    QPushButton *m_measure = nullptr;
    QPushButton *m_cancelMeasure = nullptr;
    QLabel *m_status = nullptr;
    QList<QWidget *> m_attentionControls;
    QList<QWidget *> m_rolloutControls;
    QList<QWidget *> m_distanceControls;

    QTabWidget *m_views = nullptr;
    widgets::ImageGridView *m_patchesView = nullptr;
    widgets::ImageGridView *m_attentionView = nullptr;
    widgets::ImageGridView *m_headsView = nullptr;
    widgets::ImageGridView *m_rolloutView = nullptr;
    widgets::LinePlotView *m_distanceView = nullptr;
    widgets::ImageGridView *m_positionsView = nullptr;
    widgets::ImageGridView *m_filtersView = nullptr;
};

} // namespace tessera::vitlens
