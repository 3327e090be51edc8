#include "DiffusionPanel.h"

#include "DiffusionFigures.h"

#include "tessera/core/Error.h"
#include "tessera/plugins/ImageSourceBox.h"
#include "tessera/plugins/ModelSourceBox.h"
#include "tessera/widgets/CompositeFigure.h"
#include "tessera/widgets/ImageGridView.h"
#include "tessera/widgets/LinePlotView.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSlider>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <cmath>

namespace tessera::diffusionlab {
namespace {

// The views of image models (the others: schedules for both, particles for point models).
const QStringList kImageFigures{"filmstrip", "step", "seeds", "forward", "compare"};

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

bool denoises(const ModelCapabilities &can)
{
    return can.denoising;
}

} // namespace

plugins::PanelDescriptor DiffusionPanel::descriptor()
{
    return {QStringLiteral("diffusion"),
            tr("Diffusion lab"),
            tr("DDPM and DDIM denoising step by step on a diffusers UNet: filmstrip, seeds, "
               "schedules, forward noising, the two samplers side by side"),
            Qt::ALT | Qt::Key_6,
            80,
            {}};
}

DiffusionPanel::DiffusionPanel(const plugins::PanelContext &context, QWidget *parent)
    : plugins::PanelBase(context, descriptor(), parent), m_modelJob(this, errorsToStatus()),
      m_sampleJob(this, errorsToStatus()), m_seedsJob(this, errorsToStatus()), m_compareJob(this, errorsToStatus())
{
    addOpener([](const QString &path) { return plugins::ModelSourceBox::folderFits(path, denoises); },
              &DiffusionPanel::openModel);
    buildUi();
    declareOptions();
    updateControls();
    refreshSchedules();
    // A diffusion model offered by the Training panel (its "Open in" button) or the Models panel
    // opens here, replacing the one shown: only diffusion folders qualify.
    m_modelBox->followStudio(context.hub, denoises, plugins::ModelSourceBox::Follow::Replace,
                             [this] { return m_modelJob.isRunning(); });
}

void DiffusionPanel::buildUi()
{
    auto *controls = new QWidget;
    auto *column = new QVBoxLayout(controls);
    m_modelBox = modelSource(
        {tr("No model. Open a diffusers UNet2DModel folder (config.json, diffusion_pytorch_model.safetensors, "
            "scheduler/)."),
         tr("A diffusers UNet2DModel folder, e.g. one shaped like google/ddpm-cifar10-32"),
         tr("Open a diffusers UNet"),
         {}},
        [this](const QString &folder, QString *error) { return openModel(folder, error); });
    column->addWidget(m_modelBox);
    column->addWidget(buildSamplingBox());
    column->addWidget(buildImageBox());
    column->addWidget(statusLine());
    column->addStretch(1);

    QScrollArea *scroll = placeControls(controls);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedWidth(320);
    buildViews();

    connect(m_sample, &QPushButton::clicked, this,
            statusOnFailure([this](QString *error) { return runSampling(error); }));
    auto *shortcut =
        new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, m_sample, &QPushButton::click);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_sampleJob.cancel();
        m_seedsJob.cancel();
        m_compareJob.cancel();
    });
    connect(m_seedsButton, &QPushButton::clicked, this,
            statusOnFailure([this](QString *error) { return runSeeds(error); }));
    connect(m_compareButton, &QPushButton::clicked, this,
            statusOnFailure([this](QString *error) { return runComparison(error); }));
    connect(m_saveButton, &QPushButton::clicked, this, statusOnFailure([this](QString *error) {
                const QString path =
                    QFileDialog::getSaveFileName(this, tr("Save the trajectory"), QString(),
                                                 tr("Trajectory (*.safetensors);;NumPy frames (*.npy);;Video (*.mp4)"));
                *error = path.isEmpty() ? QString() : saveTrajectory(path);
                return error->isEmpty();
            }));
    connect(m_imageButton, &QPushButton::clicked, this, statusOnFailure([this](QString *error) {
                const QString path =
                    QFileDialog::getOpenFileName(this, tr("An image to noise"), QString(),
                                                 tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"));
                return path.isEmpty() || setForwardImage(path, error);
            }));
    connect(m_scrubber, &QSlider::valueChanged, this, &DiffusionPanel::refreshStep);
    connect(m_scrubber, &QSlider::valueChanged, this, &DiffusionPanel::refreshParticles);
    connect(m_trails, &QSpinBox::valueChanged, this, &DiffusionPanel::refreshParticles);
    connect(m_forwardT, &QSlider::valueChanged, this, &DiffusionPanel::refreshForward);
    connect(m_scheduler, &QComboBox::currentIndexChanged, this, [this] {
        updateControls();
        refreshSchedules();
    });
    connect(m_steps, &QSpinBox::valueChanged, this, &DiffusionPanel::refreshSchedules);
}

QWidget *DiffusionPanel::buildSamplingBox()
{
    auto *samplingBox = new QGroupBox(tr("Sampling"));
    auto *form = new QFormLayout(samplingBox);
    m_scheduler = new QComboBox;
    m_scheduler->addItem(tr("DDIM"), QStringLiteral("ddim"));
    m_scheduler->addItem(tr("DDPM"), QStringLiteral("ddpm"));
    m_scheduler->setToolTip(
        tr("DDPM: the ancestral sampler, noise added at every step; DDIM: deterministic for eta 0, "
           "good with far fewer steps. The betas are the model's (scheduler/scheduler_config.json)"));
    form->addRow(tr("S&cheduler"), m_scheduler);
    m_steps = new QSpinBox;
    m_steps->setRange(1, 1000);
    m_steps->setValue(50);
    m_steps->setToolTip(tr("Denoising steps (timesteps spaced as the scheduler config says)"));
    form->addRow(tr("S&teps"), m_steps);
    m_stepsSlider = new QSlider(Qt::Horizontal);
    m_stepsSlider->setRange(1, 1000);
    m_stepsSlider->setValue(m_steps->value());
    m_stepsSlider->setToolTip(tr("Drag to change the step count; on release the view in front samples again "
                                 "(DDPM vs DDIM compares both)"));
    connect(m_stepsSlider, &QSlider::valueChanged, m_steps, &QSpinBox::setValue);
    connect(m_steps, &QSpinBox::valueChanged, m_stepsSlider, &QSlider::setValue);
    connect(m_stepsSlider, &QSlider::sliderReleased, this, statusOnFailure([this](QString *error) {
                return currentFigureName() == "compare" ? runComparison(error)
                       : currentFigureName() == "seeds" ? runSeeds(error)
                                                        : runSampling(error);
            }));
    form->addRow(m_stepsSlider);
    m_eta = new QDoubleSpinBox;
    m_eta->setSingleStep(0.1);
    m_eta->setToolTip(tr("DDIM's eta: 0 deterministic, 1 as much noise as DDPM"));
    form->addRow(tr("&Eta"), m_eta);
    m_seed = new QSpinBox;
    m_seed->setToolTip(tr("Seed of x_T and of every noise draw"));
    form->addRow(tr("See&d"), m_seed);
    m_points = new QSpinBox;
    m_points->setToolTip(tr("Particles sampled at once by a 2-D toy denoiser"));
    form->addRow(tr("&Particles"), m_points);
    m_trails = new QSpinBox;
    m_trails->setToolTip(tr("How many particles' paths from x_T the Particles view draws"));
    form->addRow(tr("T&rails"), m_trails);
    m_sample = new QPushButton(tr("Sample"));
    m_sample->setToolTip(tr("Denoise from x_T (Ctrl+Return)"));
    m_cancel = new QPushButton(tr("Cancel"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_sample);
    buttons->addWidget(m_cancel);
    form->addRow(buttons);
    m_scrubber = new QSlider(Qt::Horizontal);
    m_scrubber->setToolTip(tr("The step shown in the Step view (Left / Right)"));
    m_scrubberLabel = new QLabel;
    form->addRow(m_scrubber);
    form->addRow(m_scrubberLabel);
    m_saveButton = new QPushButton(tr("Save trajectory\u2026"));
    m_saveButton->setToolTip(
        tr("safetensors (timesteps, x_T, step{i}.eps / pred_x0 / x_prev), .npy (the x_t frames) or .mp4 (a video)"));
    form->addRow(m_saveButton);
    return samplingBox;
}

QWidget *DiffusionPanel::buildImageBox()
{
    auto *moreBox = new QGroupBox(tr("Seeds and forward noising"));
    m_imageControls = moreBox;
    auto *more = new QFormLayout(moreBox);
    m_seedCount = new QSpinBox;
    m_seedCount->setToolTip(tr("How many seeds the Seeds view samples (from the seed above on)"));
    m_seedsButton = new QPushButton(tr("Sample seeds"));
    auto *seedsRow = new QHBoxLayout;
    seedsRow->addWidget(m_seedCount, 1);
    seedsRow->addWidget(m_seedsButton);
    more->addRow(tr("Seeds"), seedsRow);
    m_forwardT = new QSlider(Qt::Horizontal);
    m_forwardT->setRange(0, 999);
    m_forwardT->setValue(250);
    m_forwardT->setToolTip(tr("t of the forward process q(x_t | x_0)"));
    m_forwardLabel = new QLabel;
    more->addRow(tr("Forward t"), m_forwardT);
    more->addRow(m_forwardLabel);
    m_imageButton = new QPushButton(tr("x\u2080 from an image\u2026"));
    m_imageButton->setToolTip(tr("Noise an image of yours instead of the current sample"));
    more->addRow(m_imageButton);
    m_compareButton = new QPushButton(tr("Compare DDPM and DDIM"));
    m_compareButton->setToolTip(tr("Both samplers with the step count and seed above, timed"));
    more->addRow(m_compareButton);
    return moreBox;
}

void DiffusionPanel::buildViews()
{
    const QString noModel = tr("Open a diffusers UNet2DModel folder (File \u25b8 Open Folder, or drop it here)");
    auto grid = [](const QString &placeholder) {
        auto *view = new widgets::ImageGridView;
        view->setPlaceholder(placeholder);
        return view;
    };
    m_filmstripView = addFigure("filmstrip", tr("Filmstrip"), grid(noModel));
    m_stepView = addFigure("step", tr("Step"), grid(noModel));
    m_seedsView = addFigure("seeds", tr("Seeds"), grid(tr("Sample seeds to see several samples side by side")));
    m_schedulesView = addFigure("schedules", tr("Schedules"), new widgets::CompositeFigure(tr("Noise schedule")));
    m_betaPlot = m_schedulesView->addFigure(new widgets::LinePlotView);
    m_alphaPlot = m_schedulesView->addFigure(new widgets::LinePlotView);
    m_snrPlot = m_schedulesView->addFigure(new widgets::LinePlotView);
    m_betaPlot->setAxisTitles(tr("timestep t"), tr("\u03b2_t"));
    m_alphaPlot->setAxisTitles(tr("timestep t"), tr("\u1fb1_t (alpha-bar)"));
    m_snrPlot->setAxisTitles(tr("timestep t"), tr("SNR = \u1fb1 / (1 \u2212 \u1fb1)"));
    m_snrPlot->setLogY(true);
    m_betaPlot->setLogY(true); // squaredcos_cap_v2 ends at 0.999, the others near 0.02
    m_forwardView = addFigure("forward", tr("Forward"), new widgets::CompositeFigure(tr("Forward noising")));
    m_forwardImages = m_forwardView->addFigure(grid(noModel), 3);
    connect(m_forwardImages, &widgets::ImageGridView::readoutChanged, this, &DiffusionPanel::statusMessage);
    m_histogram = m_forwardView->addFigure(new widgets::LinePlotView, 2);
    m_histogram->setAxisTitles(tr("value"), tr("density"));
    m_compareView =
        addFigure("compare", tr("DDPM vs DDIM"), grid(tr("Compare DDPM and DDIM to see both samplers side by side")));
    m_particlesView = new widgets::LinePlotView;
    m_particlesView->setAxisTitles(tr("x"), tr("y"));
    m_particlesView->setEqualAspect(true);
    addFigure("particles", tr("Particles"), m_particlesView);
    figureTabs()->setTabToolTip(int(figureNames().indexOf("particles")),
                                tr("2-D toy denoisers: particles flowing from noise to the data (train one in "
                                   "Training: diffusion-moons, diffusion-swiss-roll, diffusion-8-gaussians)"));
    updateTabs();
}

void DiffusionPanel::declareOptions()
{
    plugins::OptionSet &o = optionSet();
    o.addText("model", tr("a diffusers UNet2DModel folder"));
    o.addChoice("scheduler", tr("the sampler"), {"ddim", "ddpm"}, "ddim")
        .expecting(tr("ddim or ddpm"))
        .bind(m_scheduler);
    // The step count's spin box follows the model's training steps: checked here, set by hand.
    o.addInt("steps", tr("denoising steps"), 50, 1, 100000).rangeNotInHelp().expecting(tr("a step count"));
    o.addDouble("eta", tr("DDIM's eta"), 0.0, 0.0, 1.0).bind(m_eta);
    o.addInt("seed", tr("seed of x_T and the noise draws"), 1, 0, 1000000)
        .rangeNotInHelp()
        .expecting(tr("a seed from %1 to %2"))
        .bind(m_seed);
    o.addInt("points", tr("particles a 2-D toy denoiser samples"), 1000, 10, 100000)
        .rangeNotInHelp()
        .expecting(tr("a count from %1 to %2"))
        .bind(m_points);
    o.addInt("trails", tr("particles whose paths the Particles view draws"), 40, 0, 200)
        .rangeNotInHelp()
        .expecting(tr("a count from %1 to %2"))
        .bind(m_trails);
    o.addText("step", tr("the step the Step view shows (1-based), or last"), "last");
    o.addInt("seeds", tr("how many seeds the Seeds view samples (sampled when given)"), 16, 1, 256)
        .rangeNotInHelp()
        .expecting(tr("a count from %1 to %2"))
        .bind(m_seedCount);
    // Beyond the model's last timestep is refused once the model is known.
    o.addInt("t", tr("forward-noising timestep"), 250, 0, INT_MAX).rangeNotInHelp().expecting(tr("a timestep"));
    o.addText("image", tr("x0 for the forward view (an image file); default: the last sample"));
    o.addYesNo("compare", tr("yes: sample with DDPM and DDIM for the compare view"), false);
    addViewOption(tr("the view"), "filmstrip");
}

void DiffusionPanel::fillCurrentView()
{
    // A view that has nothing yet fills itself when it comes to the front (on the GUI only: the
    // CLI asks for comparisons and seeds explicitly).
    if (!m_model || runsInline())
        return;
    QString error;
    bool ok = true;
    if (currentFigureName() == "compare" && (!m_comparison || m_comparison->steps != m_steps->value()) &&
        !m_compareJob.isRunning())
        ok = runComparison(&error);
    else if (currentFigureName() == "seeds" && m_seedSamples.empty() && !m_seedsJob.isRunning())
        ok = runSeeds(&error);
    if (!ok)
        setStatus(error, true);
}

void DiffusionPanel::updateControls()
{
    m_eta->setEnabled(m_scheduler->currentData().toString() == "ddim");
    m_cancel->setEnabled(m_sampleJob.isRunning() || m_seedsJob.isRunning() || m_compareJob.isRunning());
    m_sample->setEnabled(m_model != nullptr);
    m_points->setEnabled(pointModel());
    m_trails->setEnabled(pointModel());
    m_imageControls->setEnabled(!pointModel());
}

// The image-only actions (seeds, comparison, forward noising) need a UNet: false with the reason
// (noModel when none is open) otherwise.
bool DiffusionPanel::imageModelReady(const QString &noModel, QString *error) const
{
    QString reason;
    if (!m_model)
        reason = noModel;
    else if (pointModel())
        reason = tr("%1 is a 2-D toy model: its samples are points (see the Particles view)")
                     .arg(QFileInfo(m_modelBox->folder()).fileName());
    if (error && !reason.isEmpty())
        *error = reason;
    return reason.isEmpty();
}

bool DiffusionPanel::pointModel() const
{
    return m_model && diffusion::isPointModel(*m_model);
}

// Image views for UNets, Particles for point models; the schedules for both.
void DiffusionPanel::updateTabs()
{
    const bool points = pointModel();
    // Decided before any tab is disabled: QTabWidget moves off a disabled current tab by itself.
    // Only the tab buttons are disabled (QTabWidget::setTabEnabled would disable the page too,
    // and the plots keep a greyed look).
    const QString before = m_pendingView.isEmpty() ? currentFigureName() : m_pendingView;
    auto enabled = [points](const QString &name) {
        return name == "schedules" || (name == "particles" ? points : !points);
    };
    const QStringList names = figureNames();
    for (int i = 0; i < names.size(); ++i)
        figureTabs()->tabBar()->setTabEnabled(i, enabled(names[i]));
    setCurrentFigure(enabled(before) ? before : points ? QStringLiteral("particles") : QStringLiteral("filmstrip"));
    m_pendingView.clear();
}

// Keeps the controls in step with a job just started (cancel, the status when cancelled).
bool DiffusionPanel::watch(widgets::JobHandle *job, bool started)
{
    if (job && !job->isFinished())
        connect(job, &widgets::JobHandle::finished, this, [this](bool, bool cancelled, const QString &) {
            updateControls();
            if (cancelled)
                setStatus(tr("Cancelled"));
        });
    updateControls();
    return started;
}

std::optional<diffusion::Scheduler> DiffusionPanel::scheduler(const std::string &kind, int64_t steps,
                                                              QString *error) const
{
    try {
        return schedulerFor(m_modelBox->folder().toStdString(), kind, steps);
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return std::nullopt;
    }
}

// ---------------------------------------------------------------------------------------------

bool DiffusionPanel::openModel(const QString &path, QString *error)
{
    const QString folder = QDir(path).absolutePath();
    if (!diffusion::isDiffusionModel(folder.toStdString())) {
        if (error)
            *error = tr("%1 is not a diffusion model folder (its config.json must say \"_class_name\": "
                        "\"UNet2DModel\", or \"TesseraToyDenoiser\" for a 2-D toy)")
                         .arg(folder);
        return false;
    }
    try {
        diffusion::schedulerConfigFor(folder.toStdString(), "ddpm");
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    const std::string folderPath = folder.toStdString();
    setStatus(tr("Loading %1\u2026").arg(folder));
    const bool started = m_modelJob.start(
        jobs(), tr("Loading %1").arg(QFileInfo(folder).fileName()),
        [folderPath](JobContext &context) { return sharedModel(folderPath, &context); },
        [this, folder](std::shared_ptr<const Model> model) {
            m_modelBox->setFolder(folder);
            modelReady(std::move(model));
        },
        error);
    return watch(m_modelJob.handle(), started);
}

void DiffusionPanel::modelReady(std::shared_ptr<const Model> model)
{
    const QString &folder = m_modelBox->folder();
    m_model = std::move(model);
    m_trajectory.reset();
    m_seedSamples.clear();
    m_comparison.reset();
    const ModelInfo &info = m_model->info();
    const std::vector<int64_t> shape = diffusion::sampleShape(*m_model);
    QString trained;
    try {
        trained =
            tr("%1 training steps").arg(diffusion::schedulerConfigFor(folder.toStdString(), "ddpm").trainTimesteps);
    } catch (const Error &) {
    }
    m_dataPoints = {};
    m_dataName.clear();
    if (diffusion::isPointModel(*m_model)) {
        m_dataName = text(diffusion::toyDistributionOf(folder.toStdString()));
        if (!m_dataName.isEmpty())
            m_dataPoints = diffusion::toyPoints(m_dataName.toStdString(), 2000, 7);
        m_modelBox->setDescription(
            tr("<b>%1</b> \u00b7 toy denoiser (MLP) \u00b7 points in %2-D \u00b7 %3 parameters \u00b7 %4%5")
                .arg(QFileInfo(folder).fileName().toHtmlEscaped())
                .arg(shape[1])
                .arg(QLocale().toString(qlonglong(info.parameters)))
                .arg(trained)
                .arg(m_dataName.isEmpty() ? QString() : tr(" \u00b7 trained on %1").arg(m_dataName)));
    } else {
        m_modelBox->setDescription(
            tr("<b>%1</b> \u00b7 UNet2DModel \u00b7 samples %2\u00d7%3\u00d7%4 \u00b7 %5 parameters \u00b7 %6")
                .arg(QFileInfo(folder).fileName().toHtmlEscaped())
                .arg(shape[1])
                .arg(shape[2])
                .arg(shape[3])
                .arg(QLocale().toString(qlonglong(info.parameters)))
                .arg(trained));
    }
    updateTabs();
    if (auto s = scheduler("ddpm", 1, nullptr)) {
        m_steps->setMaximum(int(s->config().trainTimesteps));
        m_stepsSlider->setMaximum(int(s->config().trainTimesteps));
        m_forwardT->setMaximum(int(s->config().trainTimesteps) - 1);
    }
    setStatus(tr("Loaded %1").arg(folder));
    updateControls();
    refreshSchedules();
    QString problem;
    if (!runSampling(&problem))
        setStatus(problem, true);
    fillCurrentView();
}

SamplingRequest DiffusionPanel::request() const
{
    SamplingRequest r;
    r.scheduler = m_scheduler->currentData().toString().toStdString();
    r.steps = m_steps->value();
    r.eta = r.scheduler == "ddim" ? m_eta->value() : 0.0;
    r.seed = uint64_t(m_seed->value());
    r.points = m_points->value();
    return r;
}

bool DiffusionPanel::runSampling(QString *error)
{
    if (!m_model) {
        if (error)
            *error = tr("open a diffusers UNet first");
        return false;
    }
    const SamplingRequest r = request();
    auto s = scheduler(r.scheduler, r.steps, error);
    if (!s)
        return false;
    const auto model = m_model;
    setStatus(tr("Sampling: %1, %2 steps, seed %3\u2026").arg(text(r.scheduler).toUpper()).arg(r.steps).arg(r.seed));
    const bool started = m_sampleJob.start(
        jobs(), tr("%1 sampling, %2 steps").arg(text(r.scheduler).toUpper()).arg(r.steps),
        [model, s = *s, r](JobContext &context) {
            return std::make_shared<const diffusion::Trajectory>(sampleWith(*model, s, r, &context));
        },
        [this, r](std::shared_ptr<const diffusion::Trajectory> trajectory) {
            m_trajectory = std::move(trajectory);
            m_trajectoryRequest = r;
            {
                const QSignalBlocker block(m_scrubber);
                m_scrubber->setRange(0, int(m_trajectory->timesteps.size()) - 1);
                const int steps = int(m_trajectory->timesteps.size());
                m_scrubber->setValue(m_pendingStep > 0 ? std::min(m_pendingStep, steps) - 1 : steps - 1);
                m_pendingStep = 0;
            }
            setStatus(tr("%1 steps of %2 in %3 (UNet %4, scheduler and the rest %5)")
                          .arg(m_trajectory->timesteps.size())
                          .arg(text(r.scheduler).toUpper(), seconds(m_trajectory->seconds),
                               seconds(m_trajectory->modelSeconds),
                               seconds(m_trajectory->seconds - m_trajectory->modelSeconds)));
            if (pointModel()) {
                refreshParticles();
                return;
            }
            refreshFilmstrip();
            refreshStep();
            refreshForward();
        },
        error);
    return watch(m_sampleJob.handle(), started);
}

bool DiffusionPanel::runSeeds(QString *error)
{
    if (!imageModelReady(tr("open a diffusers UNet first"), error))
        return false;
    const SamplingRequest r = request();
    auto s = scheduler(r.scheduler, r.steps, error);
    if (!s)
        return false;
    const auto model = m_model;
    const int count = m_seedCount->value();
    const bool started = m_seedsJob.start(
        jobs(), tr("%1 seeds").arg(count),
        [model, s = *s, r, count](JobContext &context) { return sampleSeeds(*model, s, r, count, context); },
        [this, r](std::vector<FloatTensor> samples) {
            m_seedSamples = std::move(samples);
            m_firstSeed = r.seed;
            refreshSeeds();
            setStatus(tr("%1 seeds sampled").arg(m_seedSamples.size()));
        },
        error);
    return watch(m_seedsJob.handle(), started);
}

bool DiffusionPanel::runComparison(QString *error)
{
    if (!imageModelReady(tr("open a diffusers UNet first"), error))
        return false;
    SamplingRequest r = request();
    auto ddpm = scheduler("ddpm", r.steps, error);
    auto ddim = scheduler("ddim", r.steps, error);
    if (!ddpm || !ddim)
        return false;
    const auto model = m_model;
    const bool started = m_compareJob.start(
        jobs(), tr("DDPM and DDIM, %1 steps").arg(r.steps),
        [model, a = *ddpm, b = *ddim, r](JobContext &context) {
            return std::make_shared<const Comparison>(compareSamplers(*model, a, b, r, context));
        },
        [this](std::shared_ptr<const Comparison> comparison) {
            m_comparison = std::move(comparison);
            refreshComparison();
        },
        error);
    return watch(m_compareJob.handle(), started);
}
bool DiffusionPanel::setForwardImage(const QString &path, QString *error)
{
    if (!imageModelReady(tr("open a diffusers UNet first (the image is resized to what it samples)"), error))
        return false;
    try {
        m_forwardImage = forwardImageFor(*m_model, path.toStdString());
        m_forwardName = QFileInfo(path).fileName();
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    refreshForward();
    return true;
}

QString DiffusionPanel::saveTrajectory(const QString &path)
{
    if (!m_trajectory)
        return tr("sample first: there is no trajectory to save");
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != "safetensors" && suffix != "npy" && suffix != "mp4")
        return tr("%1: save as .safetensors, .npy or .mp4").arg(path);
    if (suffix == "mp4" && pointModel())
        return tr("a video shows image samples; save the particles' trajectory as .safetensors or .npy, "
                  "or export the Particles view at each step");
    try {
        writeTrajectoryFile(path.toStdString(), *m_trajectory, pointModel());
    } catch (const std::exception &e) {
        return QString::fromUtf8(e.what());
    }
    setStatus(tr("Saved %1").arg(path));
    return {};
}

// ---------------------------------------------------------------------------------------------
// Views

void DiffusionPanel::refreshFilmstrip()
{
    if (!m_trajectory || pointModel()) {
        m_filmstripView->setTiles({});
        return;
    }
    showFilmstrip(*m_filmstripView, *m_trajectory, m_trajectoryRequest);
}

void DiffusionPanel::refreshStep()
{
    if (pointModel()) { // the scrubber drives the Particles view (refreshParticles)
        m_stepView->setTiles({});
        return;
    }
    if (!m_trajectory) {
        m_stepView->setTiles({});
        m_scrubberLabel->clear();
        return;
    }
    m_scrubberLabel->setText(showStep(*m_stepView, *m_trajectory, m_trajectoryRequest, m_scrubber->value()));
}

void DiffusionPanel::refreshSeeds()
{
    showSeeds(*m_seedsView, m_seedSamples, m_firstSeed, m_trajectoryRequest.scheduler, m_steps->value());
}

void DiffusionPanel::refreshSchedules()
{
    const std::string kind = m_scheduler->currentData().toString().toStdString();
    if (auto current = scheduler(kind, std::min<int64_t>(m_steps->value(), 1000), nullptr))
        showSchedules(*m_schedulesView, *m_betaPlot, *m_alphaPlot, *m_snrPlot, *current, kind);
}

void DiffusionPanel::refreshForward()
{
    const FloatTensor *x0 = !m_forwardImage.values.empty() ? &m_forwardImage
                            : m_trajectory                 ? &m_trajectory->previous.back()
                                                           : nullptr;
    if (!x0 || pointModel()) {
        m_forwardImages->setTiles({});
        m_histogram->setSeries({});
        return;
    }
    if (const auto s = scheduler("ddpm", 1, nullptr))
        m_forwardLabel->setText(showForward(*m_forwardView, *m_forwardImages, *m_histogram, *s, *x0, m_forwardName,
                                            m_forwardT->value(), m_seed->value()));
}

void DiffusionPanel::refreshComparison()
{
    if (!m_comparison) {
        m_compareView->setTiles({});
        return;
    }
    showComparison(*m_compareView, *m_comparison, m_seed->value());
}

void DiffusionPanel::refreshParticles()
{
    if (!m_trajectory || !pointModel() || m_trajectory->start.shape.size() != 2 || m_trajectory->start.shape[1] < 2) {
        m_particlesView->setSeries({});
        m_particlesView->setFigureTitle(
            tr("Particles: open a 2-D toy denoiser (train one in Training: diffusion-moons, "
               "diffusion-swiss-roll or diffusion-8-gaussians)"));
        return;
    }
    m_scrubberLabel->setText(showParticles(*m_particlesView, *m_trajectory, m_trajectoryRequest, m_scrubber->value(),
                                           m_trails->value(), m_dataPoints, m_dataName));
}

// ---------------------------------------------------------------------------------------------
// Options, sessions, files

QVariantMap DiffusionPanel::options() const
{
    QVariantMap o;
    if (m_modelBox->folder().isEmpty())
        return o;
    o["model"] = m_modelBox->folder();
    optionSet().write(o, {"scheduler", "eta", "seed"});
    o["steps"] = QString::number(m_steps->value());
    if (pointModel())
        optionSet().write(o, {"points", "trails"});
    o["t"] = QString::number(m_forwardT->value());
    o["view"] = currentFigureName();
    return o;
}

bool DiffusionPanel::applyOptions(const QVariantMap &options, const QString &view, QString *error)
{
    const int steps = options.value("steps", m_steps->value()).toString().toInt();
    const int t = options.value("t", m_forwardT->value()).toString().toInt();
    const bool loadingModel =
        options.contains("model") && QDir(options["model"].toString()).absolutePath() != m_modelBox->folder();
    {
        const QSignalBlocker a(m_steps), b(m_forwardT);
        optionSet().apply(options);
        m_steps->setMaximum(std::max(m_steps->maximum(), steps));
        m_steps->setValue(steps);
        m_forwardT->setValue(std::min(t, m_forwardT->maximum()));
    }
    updateControls();
    if (loadingModel && !openModel(options["model"].toString(), error)) // samples with the settings above
        return false;
    if (m_model && m_steps->value() > m_steps->maximum())
        return fail(error,
                    tr("--steps: %1 is more than this model's %2 training steps").arg(steps).arg(m_steps->maximum()));
    if (t > m_forwardT->maximum())
        return fail(error, tr("--t: %1 is beyond the last timestep %2").arg(t).arg(m_forwardT->maximum()));
    if (!loadingModel && m_model &&
        (options.contains("scheduler") || options.contains("steps") || options.contains("eta") ||
         options.contains("seed") || (pointModel() && options.contains("points"))) &&
        !runSampling(error))
        return false;
    if (options.contains("image") && !setForwardImage(options["image"].toString(), error))
        return false;
    // While a model loads (the GUI opens it as a job), the seeds and the comparison are left to
    // the view that asks for them once it is in front (fillCurrentView).
    const bool modelLoading = m_modelJob.isRunning();
    if (options.contains("seeds") && !modelLoading && !runSeeds(error))
        return false;
    if (options.value("compare", "no").toString() == "yes" && !modelLoading && !runComparison(error))
        return false;
    if (options.contains("step") && !applyStep(options["step"].toString(), error))
        return false;
    if (runsInline() && !options.isEmpty()) {
        if (!m_model && view != "schedules")
            return fail(error, tr("the Diffusion lab needs a model: --model DIR (a diffusers UNet2DModel folder)"));
        if (view == "particles" && !pointModel())
            return fail(error, tr("the particles view is for 2-D toy denoisers (this model samples images)"));
        if (pointModel() && kImageFigures.contains(view))
            return fail(
                error, tr("the %1 view shows images; this 2-D toy model's view is particles (or schedules)").arg(view));
        if (view == "seeds" && m_seedSamples.empty())
            return fail(error, tr("the seeds view needs --seeds N"));
        if (view == "compare" && !m_comparison)
            return fail(error, tr("the compare view needs --compare yes"));
    }
    refreshSchedules();
    refreshForward();
    refreshParticles();
    return true;
}

// --step: now on the trajectory shown, or when the sampling that runs now (a model loading) finishes.
bool DiffusionPanel::applyStep(const QString &step, QString *error)
{
    bool ok = true;
    if (m_modelJob.isRunning() || m_sampleJob.isRunning()) {
        m_pendingStep = step == "last" ? 0 : step.toInt(&ok);
        if (!ok || m_pendingStep < 0)
            return fail(error, tr("--step: \"%1\" is not a step number, or last").arg(step));
    } else if (m_trajectory) {
        const int index = step == "last" ? int(m_trajectory->timesteps.size()) : step.toInt(&ok);
        if (step != "last" && (!ok || index < 1 || index > int(m_trajectory->timesteps.size())))
            return fail(
                error,
                tr("--step: \"%1\" is not a step from 1 to %2, or last").arg(step).arg(m_trajectory->timesteps.size()));
        m_scrubber->setValue(index - 1);
    }
    return true;
}

void DiffusionPanel::showView(const QString &view)
{
    if (figureTabs()->tabBar()->isTabEnabled(int(figureNames().indexOf(view))) && !m_modelJob.isRunning())
        setCurrentFigure(view);
    else
        m_pendingView = view; // applied when the model that is loading has loaded (updateTabs)
}

} // namespace tessera::diffusionlab
