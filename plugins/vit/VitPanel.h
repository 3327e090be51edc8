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

#include "VitAnalysis.h"

#include "tessera/core/Training.h"
#include "tessera/plugins/PanelBase.h"

#include <memory>
#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QWidget;

namespace tessera::widgets {
class ImageGridView;
class LinePlotView;
} // namespace tessera::widgets

namespace tessera::vitlens {

class VitPanel : public plugins::PanelBase {
    Q_OBJECT
public:
    // Its id ("vit"), title and menu entry.
    static plugins::PanelDescriptor descriptor();

    VitPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);
    ~VitPanel() override;

    QVariantMap options() const override;

    // The image from the clipboard (Ctrl+V).
    bool pasteImage(QString *error);

protected:
    void figureShown() override { updateControls(); }
    bool checkOptions(const QVariantMap &options, QString *error) override;
    bool openSource(const QVariantMap &options, bool *loading, QString *error) override;
    bool applyOptions(const QVariantMap &options, const QString &view, QString *error) override;

private:
    void buildUi();
    void declareOptions();
    QWidget *buildAttentionBox();
    QWidget *buildDistanceBox();
    void buildViews();
    bool openModel(const QString &folder, QString *error);
    bool loadSnapshot(int64_t step, QString *error);
    void modelReady(std::shared_ptr<const LoadedVit> loaded);
    bool setImage(Image8 image, const QString &name, QString *error);
    bool openImage(const QString &path, QString *error, bool analyseNow = true);
    bool useSample(int index, QString *error, bool analyseNow = true);
    void analyse();
    bool measureDistance(QString *error);
    bool applyQuery(const QVariantMap &options, QString *error);
    bool applyImageSet(const QString &set, QString *error);
    void refresh(); // every view from the current state
    void refreshAttention();
    void refreshRollout();
    void refreshDistance();
    void refreshStatic(); // positions, filters, patches
    void updateControls();
    QString modelName() const;

    std::shared_ptr<const LoadedVit> m_loaded;
    Image8 m_image; // as read
    QString m_imageName;
    bool m_analyseOnImage = true; // false while a first image is chosen for a model
    std::shared_ptr<const ImageAnalysis> m_analysis;
    std::optional<vision::DistanceStatistics> m_setDistance; // over an image set, for m_loaded
    QString m_setName;
    int64_t m_query = 0; // token: 0 = [CLS]
    plugins::PanelJobSlot<std::shared_ptr<const LoadedVit>> m_modelJob;
    plugins::PanelJobSlot<std::shared_ptr<const ImageAnalysis>> m_imageJob;
    plugins::PanelJobSlot<vision::DistanceStatistics> m_distanceJob;

    plugins::ModelSourceBox *m_modelBox = nullptr;
    plugins::ImageSourceBox *m_imageBox = nullptr;
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
    QList<QWidget *> m_attentionControls;
    QList<QWidget *> m_rolloutControls;
    QList<QWidget *> m_distanceControls;

    widgets::ImageGridView *m_patchesView = nullptr;
    widgets::ImageGridView *m_attentionView = nullptr;
    widgets::ImageGridView *m_headsView = nullptr;
    widgets::ImageGridView *m_rolloutView = nullptr;
    widgets::LinePlotView *m_distanceView = nullptr;
    widgets::ImageGridView *m_positionsView = nullptr;
    widgets::ImageGridView *m_filtersView = nullptr;
};

} // namespace tessera::vitlens
