#pragma once
// The attention explorer: a text into a loaded BERT or GPT-2, and every attention weight in
// view: one head as an exact heatmap with token labels (masked cells grey), every layer x head
// as small multiples, mean / max over heads and rollout, each query's distance from uniform
// (the notes' active and lazy queries, Informer's sparsity measure) with the top u marked,
// per-head entropy, and a second input compared (difference map, or per-head entropy change
// when the token counts differ). The forward pass runs as a job; switching head or layer only
// slices the captured tensors. GUI thread only.

#include "AttentionComputation.h"

#include "tessera/plugins/PanelJobSlot.h"
#include "tessera/plugins/Registry.h"
#include "tessera/widgets/PanelWidget.h"

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

    bool canOpen(const QString &path) const override
    {
        Q_UNUSED(path);
        return false;
    }

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
    int m_pendingLayer = -1; // layer and head asked for before the first capture arrived
    QString m_pendingHead;
    std::shared_ptr<CaptureResult> m_result;
    plugins::PanelJobSlot<std::shared_ptr<CaptureResult>> m_job;
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
