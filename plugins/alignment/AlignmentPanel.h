#pragma once
// The alignment view (the notes' decoder reading the encoder, 003:92-136): a source into an
// encoder-decoder (T5, BART), its target written by the model (greedy or beam search) or typed,
// and the cross-attention of every target token over the source as a heat map (one head, the
// mean over heads, one layer or all), as token links, and step by step (at target token t,
// which source tokens each head reads); the encoder's and the decoder's self-attention on the
// same run; the beams with their scores. The run is a job; switching layer, head or step only
// slices what it captured. GUI thread only.

#include "AlignmentComputation.h"

#include "tessera/plugins/PanelBase.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

class QComboBox;
class QLineEdit;
class QSlider;
class QSpinBox;
class QTimer;

namespace tessera::widgets {
class BarChartView;
class HeatmapView;
class AttentionGridView;
class TokenLinkView;
} // namespace tessera::widgets

namespace tessera::alignment {

class AlignmentPanel : public plugins::PanelBase {
    Q_OBJECT
public:
    // Its id ("alignment"), title and menu entry.
    static plugins::PanelDescriptor descriptor();
    // Models it reads: text encoder-decoders.
    static bool fits(const ModelCapabilities &can);

    AlignmentPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);

    QVariantMap options() const override;

protected:
    bool checkOptions(const QVariantMap &options, QString *error) override;
    bool openSource(const QVariantMap &options, bool *loading, QString *error) override;
    bool applyOptions(const QVariantMap &options, const QString &view, QString *error) override;

private:
    void buildUi();
    void declareOptions();
    bool openModel(const QString &folder, QString *error);
    void scheduleRun();
    bool run(QString *error);
    void showResult();
    void showMaps();
    // The stack shown ("cross_attentions", ...), the layer (-1: mean) and head (-1: mean).
    std::string stack() const;
    int layer() const;
    int head() const;

    // Layer, head and step asked for before the run that fills their choices has arrived.
    QString m_pendingLayer, m_pendingHead;
    int m_pendingStep = -1;
    std::shared_ptr<AlignmentResult> m_result;
    // Each stack of the result as float16, for the model view (shared with it, not copied).
    std::map<std::string, std::shared_ptr<std::vector<HalfTensor>>> m_half;
    plugins::PanelJobSlot<std::shared_ptr<AlignmentResult>> m_job;
    QTimer *m_debounce = nullptr;

    plugins::ModelSourceBox *m_modelBox = nullptr;
    QComboBox *m_source = nullptr;
    QLineEdit *m_target = nullptr;
    QSpinBox *m_beams = nullptr;
    QSpinBox *m_tokens = nullptr;
    QComboBox *m_stack = nullptr;
    QComboBox *m_layer = nullptr;
    QComboBox *m_head = nullptr;
    QSlider *m_step = nullptr;
    widgets::HeatmapView *m_map = nullptr;
    widgets::TokenLinkView *m_links = nullptr;
    widgets::AttentionGridView *m_grid = nullptr;
    widgets::HeatmapView *m_stepView = nullptr;
    widgets::BarChartView *m_beamsView = nullptr;
};

} // namespace tessera::alignment
