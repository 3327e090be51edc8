#pragma once
// The attention explorer: a text into a loaded BERT or GPT-2, and every attention weight in
// view: one head as an exact heatmap with token labels (masked cells grey), every layer x head
// as small multiples, mean / max over heads and rollout, each query's distance from uniform
// (the notes' active and lazy queries, Informer's sparsity measure) with the top u marked,
// per-head entropy, and a second input compared (difference map, or per-head entropy change
// when the token counts differ). The forward pass runs as a job; switching head or layer only
// slices the captured tensors. GUI thread only.

#include "tessera/core/Model.h"
#include "tessera/core/Tokenizer.h"
#include "tessera/plugins/Registry.h"
#include "tessera/widgets/PanelWidget.h"

#include <QPointer>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;
class QTabWidget;
class QTimer;

namespace tessera::widgets {
class AttentionGridView;
class BarChartView;
class HeatmapView;
class CompositeFigure;
class JobHandle;
class TokenLinkView;
} // namespace tessera::widgets

namespace tessera::attentionlens {

struct Capture {
    Encoding encoding;                // padded when asked: [PAD] tokens at the end
    std::vector<int64_t> mask;        // attention_mask: 1 real token, 0 padding
    // [1, heads, n, n] per layer, float16 (half the memory; decoded per use, see layer())
    std::shared_ptr<std::vector<HalfTensor>> layers = std::make_shared<std::vector<HalfTensor>>();
    FloatTensor layer(size_t index) const { return (*layers)[index].toFloat(); }
    FloatTensor rollout;             // [1, n, n]
    FloatTensor logits;              // [1, n, vocabulary] when the model has a head
};

struct CaptureResult {
    std::shared_ptr<const Model> model;
    std::shared_ptr<const Model> other;              // a second checkpoint compared, or null
    std::shared_ptr<const Tokenizer> tokenizer;
    Capture first;
    Capture second;                  // empty when not comparing
};

class AttentionPanel : public widgets::PanelWidget {
    Q_OBJECT
public:
    AttentionPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);

    QString panelId() const override { return QStringLiteral("attention"); }
    QString panelTitle() const override { return tr("Attention"); }
    QStringList figureNames() const override;
    QString currentFigureName() const override;
    void setCurrentFigure(const QString &name) override;
    widgets::Figure *figure(const QString &name) override;

    QList<widgets::OptionSpec> optionSpecs() const override;
    QVariantMap options() const override;
    bool setOptions(const QVariantMap &options, QString *error) override;

    bool canOpen(const QString &path) const override { Q_UNUSED(path); return false; }

private:
    void buildUi();
    void refreshModels();
    void scheduleRun();
    void run();
    void showResult();
    void showHead();
    void runStep();
    Matrix selectedMatrix(const Capture &capture) const;
    std::vector<int64_t> validKeys(const Capture &capture) const;

    plugins::PanelContext m_context;
    int m_pendingLayer = -1;   // layer and head asked for before the first capture arrived
    QString m_pendingHead;
    std::shared_ptr<CaptureResult> m_result;
    QPointer<widgets::JobHandle> m_job;
    QString m_folder;
    QString m_runError;
    QTimer *m_debounce = nullptr;

    QComboBox *m_model = nullptr;
    QComboBox *m_text = nullptr;
    QCheckBox *m_compare = nullptr;
    QComboBox *m_secondText = nullptr;
    QComboBox *m_secondRole = nullptr;
    QSpinBox *m_layer = nullptr;
    QComboBox *m_head = nullptr;
    QSpinBox *m_topU = nullptr;
    QCheckBox *m_showMasks = nullptr;
    QCheckBox *m_applyMasks = nullptr;
    QSpinBox *m_padTo = nullptr;
    QLabel *m_status = nullptr;
    QTabWidget *m_views = nullptr;
    widgets::HeatmapView *m_headView = nullptr;
    widgets::TokenLinkView *m_links = nullptr;
    widgets::AttentionGridView *m_grid = nullptr;
    widgets::BarChartView *m_queries = nullptr;
    widgets::HeatmapView *m_entropy = nullptr;
    widgets::HeatmapView *m_compareView = nullptr;
    widgets::BarChartView *m_predictions = nullptr;
    widgets::CompositeFigure *m_step = nullptr;
    QList<widgets::HeatmapView *> m_stepViews;
    QString m_stepKey; // "layer/head/text" last stepped through
};

} // namespace tessera::attentionlens
