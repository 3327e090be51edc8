#pragma once
// The Training studio: pick a recipe, train it as a cancellable job with live curves (loss,
// accuracy, learning rate, gradient norm per layer group), then scrub the run's snapshots to
// watch the probe input's attention form; sample text from GPT runs; open the result in the
// attention explorer. Finished runs are opened from their folder. GUI thread only; training
// runs on a JobRunner worker and reports through a queued signal at most ~10 times a second.

#include "tessera/core/Training.h"
#include "tessera/plugins/PanelBase.h"

#include <QVector>

#include <map>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;

namespace tessera::widgets {
class HeatmapView;
class JobHandle;
class LinePlotView;
} // namespace tessera::widgets

namespace tessera::training {

class TrainingPanel : public plugins::PanelBase {
    Q_OBJECT
public:
    // Its id ("training"), title and menu entry.
    static plugins::PanelDescriptor descriptor();

    TrainingPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);
    ~TrainingPanel() override;

    QVariantMap options() const override;

    bool isTraining() const { return m_training; }

protected:
    // Not while buildUi() adds the tabs: an empty run draws no curves (and exports none).
    void figureShown() override
    {
        if (m_built)
            refreshCurves();
    }
    bool applyOptions(const QVariantMap &options, const QString &view, QString *error) override;

private:
    void buildUi();
    void declareOptions();
    void recipeChanged();
    void describeSizes(const RecipeInfo &recipe); // labels, tooltips and fields that apply to its architecture
    void startTraining(bool resume);
    void onReport(const TrainingReport &report);
    void onFinished(const TrainingResult &result);
    void jobEnded(bool cancelled);
    bool openRun(const QString &folder, QString *error);
    void loadSnapshots();
    // Turns the timeline to the layer and head the run's metrics name as the one attending to
    // the answer (attention_on_answer_layer / _head), when it has them.
    void showAnswerHead(const std::map<std::string, double> &metrics);
    void showSnapshot();
    void refreshCurves(bool all = false); // the curve in view; all: every curve (exports, opened runs)
    void sample();
    TrainingOptions formOptions() const;

    struct Relay;
    std::shared_ptr<Relay> m_relay; // carries reports from the worker to this panel
    plugins::PanelJobSlot<TrainingResult> m_job;
    bool m_training = false; // from the start of a run until jobEnded()
    bool m_built = false;    // the constructor has finished
    QString m_runFolder;
    QString m_publishedPositions; // name of the position table offered to the PE lab
    std::optional<SnapshotIndex> m_snapshots;
    std::map<int64_t, std::map<std::string, FloatTensor>> m_snapshotCache;
    QVector<TrainingPoint> m_points;
    QVector<TrainingPoint> m_evaluations;
    std::map<std::string, QVector<double>> m_groupNorms; // group -> norm per reported step
    QVector<double> m_groupSteps;
    int64_t m_totalSteps = 0;

    QComboBox *m_recipe = nullptr;
    QLabel *m_description = nullptr;
    QLineEdit *m_textFile = nullptr;
    QPushButton *m_browseText = nullptr;
    QLineEdit *m_output = nullptr;
    QSpinBox *m_steps = nullptr;
    QSpinBox *m_batch = nullptr;
    QDoubleSpinBox *m_learningRate = nullptr;
    QComboBox *m_schedule = nullptr;
    QSpinBox *m_seed = nullptr;
    QSpinBox *m_layers = nullptr;
    QSpinBox *m_hidden = nullptr;
    QSpinBox *m_heads = nullptr;
    QSpinBox *m_length = nullptr;
    QLabel *m_layersLabel = nullptr;
    QLabel *m_hiddenLabel = nullptr;
    QLabel *m_lengthLabel = nullptr;
    QCheckBox *m_overfit = nullptr;
    QSpinBox *m_float64Step = nullptr;
    QPushButton *m_train = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_resume = nullptr;
    QPushButton *m_openInAttention = nullptr;
    QLabel *m_metrics = nullptr;

    widgets::LinePlotView *m_lossView = nullptr;
    widgets::LinePlotView *m_accuracyView = nullptr;
    widgets::LinePlotView *m_rateView = nullptr;
    widgets::LinePlotView *m_gradientView = nullptr;
    widgets::HeatmapView *m_timelineView = nullptr;
    QSlider *m_timeline = nullptr;
    QPushButton *m_play = nullptr;
    QTimer *m_playTimer = nullptr;
    QTimer *m_curveTimer = nullptr;
    QSpinBox *m_snapshotLayer = nullptr;
    QComboBox *m_snapshotHead = nullptr;
    QLabel *m_snapshotLabel = nullptr;

    QLineEdit *m_prompt = nullptr;
    QPushButton *m_sample = nullptr;
    QPlainTextEdit *m_sampled = nullptr;
};

} // namespace tessera::training
