#pragma once
// The positional-encoding lab: sinusoidal curves and heatmap, position similarity with its
// profile against offset, RoPE rotation and the m - n check, ALiBi biases per head, and
// learned position tables (from a file or from a loaded model via the DataHub).
// Every change recomputes in one cancellable job; the newest settings always win. GUI thread.

#include "PeLabComputation.h"

#include "tessera/plugins/PanelBase.h"

#include <QPointer>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSlider;
class QSpinBox;

namespace tessera::widgets {
class CompositeFigure;
class HeatmapView;
class JobHandle;
class LinePlotView;
} // namespace tessera::widgets

namespace tessera::pelab {

class PeLabPanel : public plugins::PanelBase {
    Q_OBJECT
public:
    // Its id ("pe"), title and menu entry.
    static plugins::PanelDescriptor descriptor();

    PeLabPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);

    QVariantMap options() const override;

    // Shows a learned position table [positions, dims] under a name (a file, a model).
    void showLearnedTable(const QString &name, MatrixPtr table);

private:
    static bool isTableFile(const QString &path); // .csv, .npy, .safetensors
    // A learned position table from a file (a .safetensors asks which tensor when unclear).
    bool openTable(const QString &path, QString *error);
    // The values setOptions() applies: parsed and checked by checkOptions(), the table read.
    struct CheckedOptions {
        int dModel = 0, maxLength = 0, ropeDimension = 0, ropePair = 0, ropeLength = 0;
        int alibiHeads = 0, alibiHead = 0, alibiLength = 0;
        double base = 0.0;
        bool causal = false;
        QString dimensions, tablePath, tableKey;
        MatrixPtr table;
    };

    void declareOptions();
    bool checkOptions(const QVariantMap &options, QString *error) override;
    bool applyOptions(const QVariantMap &options, const QString &view, QString *error) override;
    void buildControls(QWidget *container);
    void buildViews();
    void scheduleRecompute();
    void recompute();
    void applyResult(const PeResult &result, const PeSettings &settings);
    void refreshSourceChoices();
    void openTableDialog();
    PeSettings currentSettings() const;

    CheckedOptions m_checked; // by the last checkOptions()
    // controls
    QSlider *m_dModelSlider = nullptr;
    QSpinBox *m_dModel = nullptr;
    QSpinBox *m_maxLength = nullptr;
    QDoubleSpinBox *m_base = nullptr;
    QLineEdit *m_dimensions = nullptr;
    QComboBox *m_similarity = nullptr;
    QSpinBox *m_ropePair = nullptr;
    QSpinBox *m_ropeDimension = nullptr;
    QSpinBox *m_ropeLength = nullptr;
    QSpinBox *m_alibiHeads = nullptr;
    QSpinBox *m_alibiHead = nullptr;
    QSpinBox *m_alibiLength = nullptr;
    QCheckBox *m_causal = nullptr;
    QComboBox *m_colorMap = nullptr;
    QComboBox *m_learnedSource = nullptr;
    // views
    widgets::LinePlotView *m_curves = nullptr;
    widgets::HeatmapView *m_heatmap = nullptr;
    widgets::CompositeFigure *m_similarityFigure = nullptr;
    widgets::HeatmapView *m_similarityMap = nullptr;
    widgets::LinePlotView *m_profile = nullptr;
    widgets::CompositeFigure *m_ropeFigure = nullptr;
    widgets::LinePlotView *m_ropeRotation = nullptr;
    widgets::HeatmapView *m_ropeScores = nullptr;
    widgets::LinePlotView *m_ropeDiagonals = nullptr;
    widgets::CompositeFigure *m_alibiFigure = nullptr;
    widgets::HeatmapView *m_alibiBias = nullptr;
    widgets::LinePlotView *m_alibiSlopes = nullptr;
    widgets::CompositeFigure *m_learnedFigure = nullptr;
    widgets::HeatmapView *m_learnedTable = nullptr;
    widgets::HeatmapView *m_learnedSimilarity = nullptr;
    QLabel *m_learnedInfo = nullptr;

    QString m_learnedName;
    MatrixPtr m_learned;
    QString m_tablePath;
    QString m_tableKey;
    QPointer<widgets::JobHandle> m_job;
    bool m_recomputeScheduled = false;
    bool m_applyingOptions = false;
};

} // namespace tessera::pelab
