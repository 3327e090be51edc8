#pragma once
// The Lens: why a model said what it said (core/Lens.h), each method a view:
//   logit-lens      the top token's probability at every layer and position (hover names it)
//   dla             direct logit attribution per head, with the parts-sum check in the title
//   ablation        the change in the metric with each head zeroed
//   patching        activation patching of the residual stream (layers x positions)
//   patching-heads  activation patching of every head (layers x heads); raw or normalised
//   saliency        gradient x input per input token
//   ig              integrated gradients per token, with the completeness gap
//   relevance       ViT: Chefer et al.'s relevance of [CLS] over the patch grid
//   flow            ViT: attention flow from each patch to [CLS]
// The model is a text model with a causal or masked LM head (the text views) or a ViT (the image
// views), opened here or followed from the studio. Every run is a cancellable job.
// GUI thread only.

#include "LensComputation.h"

#include "tessera/plugins/PanelBase.h"

#include <map>
#include <memory>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace tessera::widgets {
class BarChartView;
class HeatmapView;
} // namespace tessera::widgets

namespace tessera::lenspanel {

// A model as the panel uses it: text models with their tokenizer.
struct LoadedLensModel {
    std::shared_ptr<const Model> model;
    std::shared_ptr<const Tokenizer> tokenizer; // text models only
};

class LensPanel : public plugins::PanelBase {
    Q_OBJECT
public:
    // Its id ("lens"), title and menu entry.
    static plugins::PanelDescriptor descriptor();

    LensPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);
    ~LensPanel() override;

    QVariantMap options() const override;

    // Text models with a causal or masked LM head, and patch-grid image models.
    static bool fits(const ModelCapabilities &can);

protected:
    void figureShown() override;
    bool checkOptions(const QVariantMap &options, QString *error) override;
    bool openSource(const QVariantMap &options, bool *loading, QString *error) override;
    bool applyOptions(const QVariantMap &options, const QString &view, QString *error) override;

private:
    void buildUi();
    QWidget *buildInputBox();
    void buildViews();
    void declareOptions();
    bool openModel(const QString &folder, QString *error);
    void modelReady(std::shared_ptr<const LoadedLensModel> loaded, const QString &folder);
    void usePreset(int index);
    void inputsChanged(); // forgets the results
    // Runs the current view's method unless its result is there; false with error when it
    // cannot start (or, inline, failed).
    bool run(QString *error);
    bool runView(const QString &view, QString *error);
    LensSettings settingsFor(LensMethod method, QString *error) const;
    void refresh();
    void updateControls();

    std::shared_ptr<const LoadedLensModel> m_loaded;
    std::map<LensMethod, std::shared_ptr<const LensResult>> m_results;
    plugins::PanelJobSlot<std::shared_ptr<const LoadedLensModel>> m_modelJob;
    plugins::PanelJobSlot<std::shared_ptr<const LensResult>> m_runJob;

    plugins::ModelSourceBox *m_modelBox = nullptr;
    QComboBox *m_preset = nullptr;
    QLineEdit *m_text = nullptr;
    QLineEdit *m_corrupted = nullptr;
    QLineEdit *m_target = nullptr;
    QLineEdit *m_contrast = nullptr;
    QLineEdit *m_image = nullptr;
    QSpinBox *m_steps = nullptr;
    QCheckBox *m_normalised = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_cancel = nullptr;

    widgets::HeatmapView *m_logitLensView = nullptr;
    widgets::HeatmapView *m_attributionView = nullptr;
    widgets::HeatmapView *m_ablationView = nullptr;
    widgets::HeatmapView *m_patchingView = nullptr;
    widgets::HeatmapView *m_patchingHeadsView = nullptr;
    widgets::BarChartView *m_saliencyView = nullptr;
    widgets::BarChartView *m_integratedView = nullptr;
    widgets::HeatmapView *m_relevanceView = nullptr;
    widgets::HeatmapView *m_flowView = nullptr;
};

} // namespace tessera::lenspanel
