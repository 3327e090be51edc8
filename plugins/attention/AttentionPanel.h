#pragma once
// The attention explorer: a text into a loaded BERT or GPT-2, and every attention weight in
// view: one head as an exact heatmap with token labels (masked cells grey), every layer x head
// as small multiples, mean / max over heads and rollout, each query's distance from uniform
// (the notes' active and lazy queries, Informer's sparsity measure) with the top u marked,
// per-head entropy, and a second input compared (difference map, or per-head entropy change
// when the token counts differ). The forward pass runs as a job; switching head or layer only
// slices the captured tensors. GUI thread only.

#include "AttentionComputation.h"

#include "tessera/plugins/PanelBase.h"

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;
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

class AttentionPanel : public plugins::PanelBase {
    Q_OBJECT
public:
    // Its id ("attention"), title and menu entry.
    static plugins::PanelDescriptor descriptor();

    AttentionPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);

    QVariantMap options() const override;

protected:
    QVariantMap resolveAliases(const QVariantMap &options) const override;
    void figureShown() override { runStep(); }
    bool checkOptions(const QVariantMap &options, QString *error) override;
    bool openSource(const QVariantMap &options, bool *loading, QString *error) override;
    bool applyOptions(const QVariantMap &options, const QString &view, QString *error) override;

private:
    void buildUi();
    void declareOptions();
    void refreshModels();
    void scheduleRun();
    void run();
    void showResult();
    void showHead();
    void runStep();
    Matrix selectedMatrix(const Capture &capture) const;
    std::vector<int64_t> validKeys(const Capture &capture) const;

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
