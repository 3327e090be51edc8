#pragma once
// The Diffusion lab: reverse denoising made visible (the study notes 002:3027-3136) on any
// diffusers UNet2DModel users load, with any scheduler at any step count.
//   filmstrip  x_t, the predicted x0 and the predicted noise along the trajectory
//   step       one step, large, chosen with the scrubber
//   seeds      the final samples of several seeds
//   schedules  beta_t, alpha-bar_t and the SNR (log) of the model's schedule against the others
//   forward    q(x_t | x_0) at a chosen t, with the histogram of x_t against N(0, 1)
//   compare    DDPM and DDIM side by side, same step count and seed, with their wall times
//   particles  a 2-D toy denoiser's particles at the scrubbed step over the data distribution,
//              with the trajectories of some of them from x_T (point models only; the image
//              views are for UNets)
// Trajectories save as safetensors (the fixture's names) or .npy, the denoising as MP4.
// GUI thread only; sampling runs as cancellable jobs.

#include "DiffusionSampling.h"

#include "tessera/plugins/PanelBase.h"

#include <memory>
#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace tessera::widgets {
class CompositeFigure;
class ImageGridView;
class JobHandle;
class LinePlotView;
} // namespace tessera::widgets

namespace tessera::diffusionlab {

class DiffusionPanel : public plugins::PanelBase {
    Q_OBJECT
public:
    // Its id ("diffusion"), title and menu entry.
    static plugins::PanelDescriptor descriptor();

    DiffusionPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);

    QVariantMap options() const override;

    // Saves the current trajectory: .safetensors (the fixture's names) or .npy (x_t frames
    // [steps + 1, C, H, W]); .mp4 writes the denoising as a video. Returns the error, or an
    // empty string on success (invokable, so tests and scripts reach it through Qt's meta-object).
    Q_INVOKABLE QString saveTrajectory(const QString &path);

protected:
    void figureShown() override { fillCurrentView(); }
    bool applyOptions(const QVariantMap &options, const QString &view, QString *error) override;
    void showView(const QString &view) override;

private:
    void buildUi();
    QWidget *buildSamplingBox();
    QWidget *buildImageBox();
    void buildViews();
    void declareOptions();
    bool openModel(const QString &folder, QString *error);
    void modelReady(std::shared_ptr<const Model> model);
    SamplingRequest request() const;
    bool runSampling(QString *error);
    bool runSeeds(QString *error);
    bool runComparison(QString *error);
    bool applyStep(const QString &step, QString *error);
    bool setForwardImage(const QString &path, QString *error);
    void refreshFilmstrip();
    void refreshStep();
    void refreshSeeds();
    void refreshSchedules();
    void refreshForward();
    void refreshComparison();
    void refreshParticles();
    bool pointModel() const;
    bool imageModelReady(const QString &noModel, QString *error) const;
    void updateTabs();
    void updateControls();
    void fillCurrentView();
    bool watch(widgets::JobHandle *job, bool started);
    std::optional<diffusion::Scheduler> scheduler(const std::string &kind, int64_t steps, QString *error) const;

    std::shared_ptr<const Model> m_model;
    std::shared_ptr<const diffusion::Trajectory> m_trajectory;
    SamplingRequest m_trajectoryRequest;
    std::vector<FloatTensor> m_seedSamples;
    uint64_t m_firstSeed = 1;
    std::shared_ptr<const Comparison> m_comparison;
    FloatTensor m_forwardImage; // x_0 for the forward view; empty: the current sample
    QString m_forwardName;
    FloatTensor m_dataPoints; // the toy distribution a point model was trained on [n, 2], or empty
    QString m_dataName;
    plugins::PanelJobSlot<std::shared_ptr<const Model>> m_modelJob;
    plugins::PanelJobSlot<std::shared_ptr<const diffusion::Trajectory>> m_sampleJob;
    plugins::PanelJobSlot<std::vector<FloatTensor>> m_seedsJob;
    plugins::PanelJobSlot<std::shared_ptr<const Comparison>> m_compareJob;

    plugins::ModelSourceBox *m_modelBox = nullptr;
    QComboBox *m_scheduler = nullptr;
    QSpinBox *m_steps = nullptr;
    QSlider *m_stepsSlider = nullptr;
    QDoubleSpinBox *m_eta = nullptr;
    QSpinBox *m_seed = nullptr;
    QSpinBox *m_points = nullptr;
    QSpinBox *m_trails = nullptr;
    QWidget *m_imageControls = nullptr; // seeds, forward noising, comparison: image models only
    QString m_pendingView;              // asked for before the model that enables it had loaded
    int m_pendingStep = 0;              // likewise for --step (1-based; 0: the last)
    QPushButton *m_sample = nullptr;
    QPushButton *m_cancel = nullptr;
    QSlider *m_scrubber = nullptr;
    QLabel *m_scrubberLabel = nullptr;
    QSpinBox *m_seedCount = nullptr;
    QSlider *m_forwardT = nullptr;
    QLabel *m_forwardLabel = nullptr;
    QPushButton *m_seedsButton = nullptr;
    QPushButton *m_imageButton = nullptr;
    QPushButton *m_compareButton = nullptr;
    QPushButton *m_saveButton = nullptr;

    widgets::ImageGridView *m_filmstripView = nullptr;
    widgets::ImageGridView *m_stepView = nullptr;
    widgets::ImageGridView *m_seedsView = nullptr;
    widgets::CompositeFigure *m_schedulesView = nullptr;
    widgets::LinePlotView *m_betaPlot = nullptr;
    widgets::LinePlotView *m_alphaPlot = nullptr;
    widgets::LinePlotView *m_snrPlot = nullptr;
    widgets::CompositeFigure *m_forwardView = nullptr;
    widgets::ImageGridView *m_forwardImages = nullptr;
    widgets::LinePlotView *m_histogram = nullptr;
    widgets::ImageGridView *m_compareView = nullptr;
    widgets::LinePlotView *m_particlesView = nullptr;
};

} // namespace tessera::diffusionlab
