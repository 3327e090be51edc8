#include "DiffusionPanel.h"

#include "tessera/core/Error.h"
#include "tessera/core/Log.h"
#include "tessera/plugins/PanelJobs.h"
#include "tessera/widgets/DataHub.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/TableIO.h"
#include "tessera/widgets/CompositeFigure.h"
#include "tessera/widgets/ImageGridView.h"
#include "tessera/widgets/JobRunner.h"
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
#include <cmath>

namespace tessera::diffusionlab {
namespace {

const QStringList kFigures{"filmstrip", "step", "seeds", "schedules", "forward", "compare", "particles"};
// The views of image models and of point models (schedules serve both).
const QStringList kImageFigures{"filmstrip", "step", "seeds", "forward", "compare"};
constexpr int kFrames = 10; // filmstrip columns

QString text(const std::string &s) { return QString::fromStdString(s); }

QImage toQImage(const FloatTensor &sample) { return widgets::imageFromPixels(diffusion::toImage(sample)); }

// Noise is ~N(0, 1): shown over [-3, 3] so that it is not clipped at 1.
FloatTensor scaled(FloatTensor t, float factor)
{
    for (float &v : t.values)
        v *= factor;
    return t;
}

// x_t entering step i: x_T for the first, then the previous step's output.
const FloatTensor &inputOf(const diffusion::Trajectory &t, size_t step) { return step == 0 ? t.start : t.previous[step - 1]; }

// Evenly spaced indices 0 .. count-1 (count of them at most), first and last included.
std::vector<size_t> frames(size_t count, size_t wanted)
{
    std::vector<size_t> out;
    if (count == 0)
        return out;
    const size_t n = std::min(count, wanted);
    for (size_t i = 0; i < n; ++i)
        out.push_back(n == 1 ? 0 : size_t(std::lround(double(i) * double(count - 1) / double(n - 1))));
    return out;
}

MatrixPtr rowsOf(const std::vector<const FloatTensor *> &tensors)
{
    if (tensors.empty())
        return {};
    auto m = std::make_shared<Matrix>(int64_t(tensors.size()), int64_t(tensors.front()->values.size()));
    for (size_t i = 0; i < tensors.size(); ++i)
        std::copy_n(tensors[i]->values.begin(), std::min<size_t>(tensors[i]->values.size(), size_t(m->cols)),
                    m->values.begin() + long(i * size_t(m->cols)));
    return m;
}

QString seconds(double s) { return s < 1.0 ? QStringLiteral("%1 ms").arg(s * 1000.0, 0, 'f', 0) : QStringLiteral("%1 s").arg(s, 0, 'f', 2); }

} // namespace

DiffusionPanel::DiffusionPanel(const plugins::PanelContext &context, QWidget *parent)
    : widgets::PanelWidget(parent), m_context(context)
{
    buildUi();
    updateControls();
    refreshSchedules();
    // A diffusion model offered by the Training panel (its "Open in" button) or the Models panel
    // opens here, replacing the one shown: only diffusion folders qualify.
    if (m_context.hub)
        connect(m_context.hub, &widgets::DataHub::textsChanged, this, [this](const QString &topic, const QString &name) {
            if (topic != widgets::DataHub::ModelFolders || (m_modelJob && !m_modelJob->isFinished()))
                return;
            const QString folder = m_context.hub->text(topic, name);
            if (!canOpen(folder) || QDir(folder).absolutePath() == m_folder)
                return;
            QString error;
            if (!openModel(folder, &error))
                setStatus(error, true);
        });
}

DiffusionPanel::~DiffusionPanel()
{
    for (const QPointer<widgets::JobHandle> &job : {m_modelJob, m_sampleJob, m_seedsJob, m_compareJob})
        if (job)
            job->cancel();
}

void DiffusionPanel::buildUi()
{
    auto *controls = new QWidget;
    auto *column = new QVBoxLayout(controls);

    auto *modelBox = new QGroupBox(tr("Model"));
    auto *modelLayout = new QVBoxLayout(modelBox);
    m_modelLabel = new QLabel(tr("No model. Open a diffusers UNet2DModel folder (config.json, diffusion_pytorch_model.safetensors, scheduler/)."));
    m_modelLabel->setWordWrap(true);
    auto *openButton = new QPushButton(tr("Open model\u2026"));
    openButton->setToolTip(tr("A diffusers UNet2DModel folder, e.g. one shaped like google/ddpm-cifar10-32"));
    connect(openButton, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open a diffusers UNet"), m_folder);
        QString error;
        if (!folder.isEmpty() && !openModel(folder, &error))
            setStatus(error, true);
    });
    modelLayout->addWidget(m_modelLabel);
    modelLayout->addWidget(openButton);
    column->addWidget(modelBox);

    auto *samplingBox = new QGroupBox(tr("Sampling"));
    auto *form = new QFormLayout(samplingBox);
    m_scheduler = new QComboBox;
    m_scheduler->addItem(tr("DDIM"), QStringLiteral("ddim"));
    m_scheduler->addItem(tr("DDPM"), QStringLiteral("ddpm"));
    m_scheduler->setToolTip(tr("DDPM: the ancestral sampler, noise added at every step; DDIM: deterministic for eta 0, "
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
    connect(m_stepsSlider, &QSlider::sliderReleased, this, [this] {
        QString error;
        const bool ok = currentFigureName() == "compare" ? runComparison(&error)
                        : currentFigureName() == "seeds" ? runSeeds(&error)
                                                         : runSampling(&error);
        if (!ok)
            setStatus(error, true);
    });
    form->addRow(m_stepsSlider);
    m_eta = new QDoubleSpinBox;
    m_eta->setRange(0.0, 1.0);
    m_eta->setSingleStep(0.1);
    m_eta->setToolTip(tr("DDIM's eta: 0 deterministic, 1 as much noise as DDPM"));
    form->addRow(tr("&Eta"), m_eta);
    m_seed = new QSpinBox;
    m_seed->setRange(0, 1000000);
    m_seed->setValue(1);
    m_seed->setToolTip(tr("Seed of x_T and of every noise draw"));
    form->addRow(tr("See&d"), m_seed);
    m_points = new QSpinBox;
    m_points->setRange(10, 100000);
    m_points->setValue(1000);
    m_points->setToolTip(tr("Particles sampled at once by a 2-D toy denoiser"));
    form->addRow(tr("&Particles"), m_points);
    m_trails = new QSpinBox;
    m_trails->setRange(0, 200);
    m_trails->setValue(40);
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
    auto *saveButton = new QPushButton(tr("Save trajectory\u2026"));
    saveButton->setToolTip(tr("safetensors (timesteps, x_T, step{i}.eps / pred_x0 / x_prev), .npy (the x_t frames) or .mp4 (a video)"));
    form->addRow(saveButton);
    column->addWidget(samplingBox);

    auto *moreBox = new QGroupBox(tr("Seeds and forward noising"));
    m_imageControls = moreBox;
    auto *more = new QFormLayout(moreBox);
    m_seedCount = new QSpinBox;
    m_seedCount->setRange(1, 256);
    m_seedCount->setValue(16);
    m_seedCount->setToolTip(tr("How many seeds the Seeds view samples (from the seed above on)"));
    auto *seedsButton = new QPushButton(tr("Sample seeds"));
    auto *seedsRow = new QHBoxLayout;
    seedsRow->addWidget(m_seedCount, 1);
    seedsRow->addWidget(seedsButton);
    more->addRow(tr("Seeds"), seedsRow);
    m_forwardT = new QSlider(Qt::Horizontal);
    m_forwardT->setRange(0, 999);
    m_forwardT->setValue(250);
    m_forwardT->setToolTip(tr("t of the forward process q(x_t | x_0)"));
    m_forwardLabel = new QLabel;
    more->addRow(tr("Forward t"), m_forwardT);
    more->addRow(m_forwardLabel);
    auto *imageButton = new QPushButton(tr("x\u2080 from an image\u2026"));
    imageButton->setToolTip(tr("Noise an image of yours instead of the current sample"));
    more->addRow(imageButton);
    auto *compareButton = new QPushButton(tr("Compare DDPM and DDIM"));
    compareButton->setToolTip(tr("Both samplers with the step count and seed above, timed"));
    more->addRow(compareButton);
    column->addWidget(moreBox);

    m_status = new QLabel;
    m_status->setWordWrap(true);
    column->addWidget(m_status);
    column->addStretch(1);

    auto *scroll = new QScrollArea;
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedWidth(320);

    const QString noModel = tr("Open a diffusers UNet2DModel folder (File \u25b8 Open Folder, or drop it here)");
    auto grid = [&](const QString &placeholder) {
        auto *view = new widgets::ImageGridView;
        view->setPlaceholder(placeholder);
        connect(view, &widgets::ImageGridView::readoutChanged, this, &DiffusionPanel::statusMessage);
        return view;
    };
    m_filmstripView = grid(noModel);
    m_stepView = grid(noModel);
    m_seedsView = grid(tr("Sample seeds to see several samples side by side"));
    m_compareView = grid(tr("Compare DDPM and DDIM to see both samplers side by side"));
    m_schedulesView = new widgets::CompositeFigure(tr("Noise schedule"));
    m_betaPlot = m_schedulesView->addFigure(new widgets::LinePlotView);
    m_alphaPlot = m_schedulesView->addFigure(new widgets::LinePlotView);
    m_snrPlot = m_schedulesView->addFigure(new widgets::LinePlotView);
    m_betaPlot->setAxisTitles(tr("timestep t"), tr("\u03b2_t"));
    m_alphaPlot->setAxisTitles(tr("timestep t"), tr("\u1fb1_t (alpha-bar)"));
    m_snrPlot->setAxisTitles(tr("timestep t"), tr("SNR = \u1fb1 / (1 \u2212 \u1fb1)"));
    m_snrPlot->setLogY(true);
    m_betaPlot->setLogY(true); // squaredcos_cap_v2 ends at 0.999, the others near 0.02
    m_forwardView = new widgets::CompositeFigure(tr("Forward noising"));
    m_forwardImages = m_forwardView->addFigure(grid(noModel), 3);
    m_histogram = m_forwardView->addFigure(new widgets::LinePlotView, 2);
    m_histogram->setAxisTitles(tr("value"), tr("density"));

    m_views = new QTabWidget;
    m_views->addTab(m_filmstripView, tr("Filmstrip"));
    m_views->addTab(m_stepView, tr("Step"));
    m_views->addTab(m_seedsView, tr("Seeds"));
    m_views->addTab(m_schedulesView, tr("Schedules"));
    m_views->addTab(m_forwardView, tr("Forward"));
    m_views->addTab(m_compareView, tr("DDPM vs DDIM"));
    m_particlesView = new widgets::LinePlotView;
    m_particlesView->setAxisTitles(tr("x"), tr("y"));
    m_particlesView->setEqualAspect(true);
    m_views->addTab(m_particlesView, tr("Particles"));
    m_views->setTabToolTip(int(kFigures.indexOf("particles")),
                           tr("2-D toy denoisers: particles flowing from noise to the data (train one in Training: "
                              "diffusion-moons, diffusion-swiss-roll, diffusion-8-gaussians)"));
    updateTabs();
    connect(m_views, &QTabWidget::currentChanged, this, [this] {
        emit currentFigureChanged(currentFigureName());
        fillCurrentView();
    });

    auto *layout = new QHBoxLayout(this);
    layout->addWidget(scroll);
    layout->addWidget(m_views, 1);

    auto report = [this](bool ok, const QString &error) {
        if (!ok)
            setStatus(error, true);
    };
    connect(m_sample, &QPushButton::clicked, this, [this, report] {
        QString error;
        report(runSampling(&error), error);
    });
    auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, m_sample, &QPushButton::click);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        for (const QPointer<widgets::JobHandle> &job : {m_sampleJob, m_seedsJob, m_compareJob})
            if (job)
                job->cancel();
    });
    connect(seedsButton, &QPushButton::clicked, this, [this, report] {
        QString error;
        report(runSeeds(&error), error);
    });
    connect(compareButton, &QPushButton::clicked, this, [this, report] {
        QString error;
        report(runComparison(&error), error);
    });
    connect(saveButton, &QPushButton::clicked, this, [this, report] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the trajectory"), QString(),
                                                          tr("Trajectory (*.safetensors);;NumPy frames (*.npy);;Video (*.mp4)"));
        const QString error = path.isEmpty() ? QString() : saveTrajectory(path);
        report(error.isEmpty(), error);
    });
    connect(imageButton, &QPushButton::clicked, this, [this, report] {
        const QString path = QFileDialog::getOpenFileName(this, tr("An image to noise"), QString(),
                                                          tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"));
        QString error;
        if (!path.isEmpty())
            report(setForwardImage(path, &error), error);
    });
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

void DiffusionPanel::fillCurrentView()
{
    // A view that has nothing yet fills itself when it comes to the front (on the GUI only: the
    // CLI asks for comparisons and seeds explicitly).
    if (!m_model || m_context.jobs->isInline())
        return;
    QString error;
    bool ok = true;
    if (currentFigureName() == "compare" && (!m_comparison || m_comparison->steps != m_steps->value()) &&
        !(m_compareJob && !m_compareJob->isFinished()))
        ok = runComparison(&error);
    else if (currentFigureName() == "seeds" && m_seedSamples.empty() && !(m_seedsJob && !m_seedsJob->isFinished()))
        ok = runSeeds(&error);
    if (!ok)
        setStatus(error, true);
}

QStringList DiffusionPanel::figureNames() const { return kFigures; }
QString DiffusionPanel::currentFigureName() const { return kFigures.value(m_views->currentIndex()); }

void DiffusionPanel::setCurrentFigure(const QString &name)
{
    const int index = int(kFigures.indexOf(name));
    if (index >= 0)
        m_views->setCurrentIndex(index);
}

widgets::Figure *DiffusionPanel::figure(const QString &name)
{
    switch (kFigures.indexOf(name)) {
    case 0: return m_filmstripView;
    case 1: return m_stepView;
    case 2: return m_seedsView;
    case 3: return m_schedulesView;
    case 4: return m_forwardView;
    case 5: return m_compareView;
    case 6: return m_particlesView;
    default: return nullptr;
    }
}

void DiffusionPanel::setStatus(const QString &message, bool error)
{
    m_status->setText(message);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
    if (!message.isEmpty())
        emit statusMessage(message);
}

void DiffusionPanel::updateControls()
{
    m_eta->setEnabled(m_scheduler->currentData().toString() == "ddim");
    const bool busy = (m_sampleJob && !m_sampleJob->isFinished()) || (m_seedsJob && !m_seedsJob->isFinished()) ||
                      (m_compareJob && !m_compareJob->isFinished());
    m_cancel->setEnabled(busy);
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
        reason = tr("%1 is a 2-D toy model: its samples are points (see the Particles view)").arg(QFileInfo(m_folder).fileName());
    if (error && !reason.isEmpty())
        *error = reason;
    return reason.isEmpty();
}

bool DiffusionPanel::pointModel() const { return m_model && diffusion::isPointModel(*m_model); }

// Image views for UNets, Particles for point models; the schedules for both.
void DiffusionPanel::updateTabs()
{
    const bool points = pointModel();
    // Decided before any tab is disabled: QTabWidget moves off a disabled current tab by itself.
    // Only the tab buttons are disabled (QTabWidget::setTabEnabled would disable the page too,
    // and the plots keep a greyed look).
    const QString before = m_pendingView.isEmpty() ? currentFigureName() : m_pendingView;
    auto enabled = [points](const QString &name) { return name == "schedules" || (name == "particles" ? points : !points); };
    for (int i = 0; i < kFigures.size(); ++i)
        m_views->tabBar()->setTabEnabled(i, enabled(kFigures[i]));
    setCurrentFigure(enabled(before) ? before : points ? QStringLiteral("particles") : QStringLiteral("filmstrip"));
    m_pendingView.clear();
}

bool DiffusionPanel::runJob(const QString &title, std::function<void(JobContext &)> work, std::function<void()> done,
                            QPointer<widgets::JobHandle> &slot, QString *error)
{
    const bool started = plugins::startPanelJob(
        m_context.jobs, this, title, std::move(work), std::move(done), [this](const QString &message) { setStatus(message, true); },
        slot, error);
    QPointer<DiffusionPanel> self(this);
    if (slot && !slot->isFinished())
        connect(slot, &widgets::JobHandle::finished, this, [self](bool, bool cancelled, const QString &) {
            if (!self)
                return;
            self->updateControls();
            if (cancelled)
                self->setStatus(tr("Cancelled"));
        });
    updateControls();
    return started;
}

std::optional<diffusion::Scheduler> DiffusionPanel::scheduler(const std::string &kind, int64_t steps, QString *error) const
{
    try {
        diffusion::SchedulerConfig config;
        if (!m_folder.isEmpty())
            config = diffusion::schedulerConfigFor(m_folder.toStdString(), kind);
        config.kind = kind;
        diffusion::Scheduler s(config);
        s.setTimesteps(steps);
        return s;
    } catch (const std::exception &e) {
        if (error) *error = QString::fromUtf8(e.what());
        return std::nullopt;
    }
}

// ---------------------------------------------------------------------------------------------

bool DiffusionPanel::openModel(const QString &path, QString *error)
{
    const QString folder = QDir(path).absolutePath();
    if (!diffusion::isDiffusionModel(folder.toStdString())) {
        if (error) *error = tr("%1 is not a diffusion model folder (its config.json must say \"_class_name\": \"UNet2DModel\", "
                               "or \"TesseraToyDenoiser\" for a 2-D toy)").arg(folder);
        return false;
    }
    try {
        diffusion::schedulerConfigFor(folder.toStdString(), "ddpm");
    } catch (const std::exception &e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    const std::string folderPath = folder.toStdString();
    auto result = std::make_shared<std::shared_ptr<const Model>>();
    setStatus(tr("Loading %1\u2026").arg(folder));
    return runJob(
        tr("Loading %1").arg(QFileInfo(folder).fileName()),
        [folderPath, result](JobContext &context) { *result = sharedModel(folderPath, &context); },
        [this, folder, result] {
            m_folder = folder;
            m_model = *result;
            m_trajectory.reset();
            m_seedSamples.clear();
            m_comparison.reset();
            const ModelInfo &info = m_model->info();
            const std::vector<int64_t> shape = diffusion::sampleShape(*m_model);
            QString trained;
            try {
                trained = tr("%1 training steps").arg(diffusion::schedulerConfigFor(m_folder.toStdString(), "ddpm").trainTimesteps);
            } catch (const Error &) {
            }
            m_dataPoints = {};
            m_dataName.clear();
            if (diffusion::isPointModel(*m_model)) {
                m_dataName = text(diffusion::toyDistributionOf(m_folder.toStdString()));
                if (!m_dataName.isEmpty())
                    m_dataPoints = diffusion::toyPoints(m_dataName.toStdString(), 2000, 7);
                m_modelLabel->setText(tr("<b>%1</b> \u00b7 toy denoiser (MLP) \u00b7 points in %2-D \u00b7 %3 parameters \u00b7 %4%5")
                                          .arg(QFileInfo(folder).fileName().toHtmlEscaped())
                                          .arg(shape[1])
                                          .arg(QLocale().toString(qlonglong(info.parameters)))
                                          .arg(trained)
                                          .arg(m_dataName.isEmpty() ? QString() : tr(" \u00b7 trained on %1").arg(m_dataName)));
            } else {
                m_modelLabel->setText(tr("<b>%1</b> \u00b7 UNet2DModel \u00b7 samples %2\u00d7%3\u00d7%4 \u00b7 %5 parameters \u00b7 %6")
                                          .arg(QFileInfo(folder).fileName().toHtmlEscaped())
                                          .arg(shape[1]).arg(shape[2]).arg(shape[3])
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
        },
        m_modelJob, error);
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

namespace {
// x_T from the seed's first draw, then the step noises from the same generator.
diffusion::Trajectory sampleWith(const Model &model, const diffusion::Scheduler &s, const SamplingRequest &r, JobContext *context)
{
    const diffusion::NoiseSource noise = diffusion::seededNoise(r.seed);
    std::vector<int64_t> shape = diffusion::sampleShape(model);
    if (diffusion::isPointModel(model))
        shape[0] = r.points;
    const FloatTensor start = noise(-1, shape);
    return diffusion::sample(model, s, start, noise, r.eta, context);
}
} // namespace

bool DiffusionPanel::runSampling(QString *error)
{
    if (!m_model) {
        if (error) *error = tr("open a diffusers UNet first");
        return false;
    }
    const SamplingRequest r = request();
    auto s = scheduler(r.scheduler, r.steps, error);
    if (!s)
        return false;
    const auto model = m_model;
    auto result = std::make_shared<std::shared_ptr<const diffusion::Trajectory>>();
    setStatus(tr("Sampling: %1, %2 steps, seed %3\u2026").arg(text(r.scheduler).toUpper()).arg(r.steps).arg(r.seed));
    return runJob(
        tr("%1 sampling, %2 steps").arg(text(r.scheduler).toUpper()).arg(r.steps),
        [model, s = *s, r, result](JobContext &context) {
            *result = std::make_shared<const diffusion::Trajectory>(sampleWith(*model, s, r, &context));
        },
        [this, result, r] {
            m_trajectory = *result;
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
                          .arg(text(r.scheduler).toUpper(), seconds(m_trajectory->seconds), seconds(m_trajectory->modelSeconds),
                               seconds(m_trajectory->seconds - m_trajectory->modelSeconds)));
            if (pointModel()) {
                refreshParticles();
                return;
            }
            refreshFilmstrip();
            refreshStep();
            refreshForward();
        },
        m_sampleJob, error);
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
    auto result = std::make_shared<std::vector<FloatTensor>>();
    return runJob(
        tr("%1 seeds").arg(count),
        [model, s = *s, r, count, result](JobContext &context) {
            for (int i = 0; i < count; ++i) {
                context.throwIfCancelled();
                context.setProgress(double(i) / count, "seed " + std::to_string(r.seed + uint64_t(i)));
                SamplingRequest one = r;
                one.seed = r.seed + uint64_t(i);
                result->push_back(sampleWith(*model, s, one, nullptr).previous.back());
            }
        },
        [this, result, r] {
            m_seedSamples = *result;
            m_firstSeed = r.seed;
            refreshSeeds();
            setStatus(tr("%1 seeds sampled").arg(m_seedSamples.size()));
        },
        m_seedsJob, error);
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
    auto result = std::make_shared<std::shared_ptr<const Comparison>>();
    return runJob(
        tr("DDPM and DDIM, %1 steps").arg(r.steps),
        [model, a = *ddpm, b = *ddim, r, result](JobContext &context) {
            auto c = std::make_shared<Comparison>();
            c->steps = r.steps;
            SamplingRequest p = r;
            p.eta = 0.0;
            c->ddpm = sampleWith(*model, a, p, &context);
            SamplingRequest q = r;
            q.scheduler = "ddim";
            c->ddim = sampleWith(*model, b, q, &context);
            *result = c;
        },
        [this, result] {
            m_comparison = *result;
            refreshComparison();
        },
        m_compareJob, error);
}

bool DiffusionPanel::setForwardImage(const QString &path, QString *error)
{
    if (!imageModelReady(tr("open a diffusers UNet first (the image is resized to what it samples)"), error))
        return false;
    try {
        const std::vector<int64_t> shape = diffusion::sampleShape(*m_model);
        ImagePreprocessing p;
        p.height = p.width = shape[2];
        p.mean.assign(size_t(shape[1]), 0.5); // [0, 1] -> [-1, 1], as the UNet was trained
        p.std.assign(size_t(shape[1]), 0.5);
        m_forwardImage = normalizePixels(resizeForModel(readImage(path.toStdString(), 3), p), p);
        m_forwardName = QFileInfo(path).fileName();
    } catch (const std::exception &e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    refreshForward();
    return true;
}

QString DiffusionPanel::saveTrajectory(const QString &path)
{
    if (!m_trajectory)
        return tr("sample first: there is no trajectory to save");
    try {
        const QString suffix = QFileInfo(path).suffix().toLower();
        std::vector<FloatTensor> frames{m_trajectory->start};
        frames.insert(frames.end(), m_trajectory->previous.begin(), m_trajectory->previous.end());
        if (suffix == "safetensors") {
            diffusion::writeTrajectory(path.toStdString(), *m_trajectory);
        } else if (suffix == "npy") {
            FloatTensor all;
            all.shape = frames.front().shape;
            if (pointModel()) // [steps + 1, points, features]
                all.shape.insert(all.shape.begin(), int64_t(frames.size()));
            else
                all.shape[0] = int64_t(frames.size());
            for (const FloatTensor &f : frames)
                all.values.insert(all.values.end(), f.values.begin(), f.values.end());
            writeNpy(path.toStdString(), all);
        } else if (suffix == "mp4") {
            if (pointModel())
                return tr("a video shows image samples; save the particles' trajectory as .safetensors or .npy, "
                          "or export the Particles view at each step");
            const int64_t side = frames.front().shape.back();
            diffusion::writeVideo(path.toStdString(), frames, std::clamp(double(frames.size()) / 4.0, 4.0, 30.0),
                                  int(std::clamp<int64_t>(256 / std::max<int64_t>(side, 1), 1, 16)));
        } else {
            return tr("%1: save as .safetensors, .npy or .mp4").arg(path);
        }
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
    const diffusion::Trajectory &t = *m_trajectory;
    const std::vector<size_t> picks = frames(t.timesteps.size(), kFrames);
    QVector<widgets::ImageTile> tiles;
    std::vector<const FloatTensor *> numbers;
    for (int row = 0; row < 3; ++row)
        for (size_t i : picks) {
            widgets::ImageTile tile;
            if (row == 0) {
                tile.image = toQImage(inputOf(t, i));
                tile.caption = tr("x_t, t = %1").arg(t.timesteps[i]);
                numbers.push_back(&inputOf(t, i));
            } else if (row == 1) {
                tile.image = toQImage(t.predictedOriginal[i]);
                tile.caption = tr("predicted x\u2080");
            } else {
                tile.image = toQImage(scaled(t.modelOutputs[i], 1.0f / 3.0f));
                tile.caption = tr("predicted noise");
            }
            tiles.push_back(tile);
        }
    m_filmstripView->setTiles(tiles, int(picks.size()));
    m_filmstripView->setFigureTitle(tr("%1, %2 steps, seed %3: x_t entering each step, the predicted x\u2080 and noise (noise shown over \u00b13)")
                                        .arg(text(m_trajectoryRequest.scheduler).toUpper())
                                        .arg(t.timesteps.size())
                                        .arg(m_trajectoryRequest.seed));
    m_filmstripView->setTable({rowsOf(numbers), {}, {}, {}});
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
    const diffusion::Trajectory &t = *m_trajectory;
    const size_t i = size_t(std::clamp(m_scrubber->value(), 0, int(t.timesteps.size()) - 1));
    m_scrubberLabel->setText(tr("step %1 of %2 \u00b7 t = %3").arg(i + 1).arg(t.timesteps.size()).arg(t.timesteps[i]));
    widgets::ImageTile in, x0, eps, out;
    in.image = toQImage(inputOf(t, i));
    in.caption = tr("x_t (t = %1)").arg(t.timesteps[i]);
    eps.image = toQImage(scaled(t.modelOutputs[i], 1.0f / 3.0f));
    eps.caption = tr("predicted noise \u03b5\u03b8(x_t, t)");
    x0.image = toQImage(t.predictedOriginal[i]);
    x0.caption = tr("predicted x\u2080");
    out.image = toQImage(t.previous[i]);
    out.caption = i + 1 < t.timesteps.size() ? tr("x_{t-1}, t-1 = %1").arg(t.timesteps[i + 1]) : tr("x\u2080, the sample");
    m_stepView->setTiles({in, eps, x0, out}, 4);
    m_stepView->setFigureTitle(tr("%1 step %2 of %3 at t = %4: x_t \u2192 noise \u2192 x\u2080 estimate \u2192 x_{t-1}")
                                   .arg(text(m_trajectoryRequest.scheduler).toUpper())
                                   .arg(i + 1)
                                   .arg(t.timesteps.size())
                                   .arg(t.timesteps[i]));
    m_stepView->setTable({rowsOf({&inputOf(t, i), &t.modelOutputs[i], &t.predictedOriginal[i], &t.previous[i]}),
                          {}, {}, {}});
}

void DiffusionPanel::refreshSeeds()
{
    QVector<widgets::ImageTile> tiles;
    std::vector<const FloatTensor *> numbers;
    for (size_t i = 0; i < m_seedSamples.size(); ++i) {
        widgets::ImageTile tile;
        tile.image = toQImage(m_seedSamples[i]);
        tile.caption = tr("seed %1").arg(m_firstSeed + i);
        tiles.push_back(tile);
        numbers.push_back(&m_seedSamples[i]);
    }
    m_seedsView->setTiles(tiles);
    m_seedsView->setFigureTitle(tr("%1 seeds, %2, %3 steps").arg(tiles.size()).arg(text(m_trajectoryRequest.scheduler).toUpper()).arg(m_steps->value()));
    m_seedsView->setTable({rowsOf(numbers), {}, {}, {}});
}

void DiffusionPanel::refreshSchedules()
{
    const std::string kind = m_scheduler->currentData().toString().toStdString();
    auto current = scheduler(kind, std::min<int64_t>(m_steps->value(), 1000), nullptr);
    if (!current)
        return;
    const diffusion::SchedulerConfig &base = current->config();
    QVector<widgets::Series> beta, alpha, snr;
    int colour = 0;
    widgets::FigureTable table;
    std::vector<std::string> names{base.betaSchedule};
    for (const char *other : {"linear", "scaled_linear", "squaredcos_cap_v2"})
        if (other != base.betaSchedule)
            names.push_back(other);
    for (const std::string &name : names) {
        const bool mine = name == base.betaSchedule;
        diffusion::SchedulerConfig config = base;
        config.betaSchedule = name;
        const diffusion::Scheduler s(config);
        widgets::Series b, a, r;
        b.name = a.name = r.name = text(name) + (mine ? tr(" (this model)") : QString());
        b.color = a.color = r.color = widgets::seriesColor(colour++);
        b.dashed = a.dashed = r.dashed = !mine;
        const std::vector<double> ratio = s.signalToNoise();
        for (int64_t t = 0; t < config.trainTimesteps; ++t) {
            b.x << double(t);
            b.y << s.betas()[size_t(t)];
            a.y << s.alphasCumprod()[size_t(t)];
            r.y << std::max(ratio[size_t(t)], 1e-12);
        }
        a.x = r.x = b.x;
        beta << b;
        alpha << a;
        snr << r;
        if (mine) {
            table.columnNames = {"t", "beta", "alpha_bar", "snr"};
            table.columns = {std::vector<double>(b.x.begin(), b.x.end()), std::vector<double>(b.y.begin(), b.y.end()),
                             std::vector<double>(a.y.begin(), a.y.end()), std::vector<double>(r.y.begin(), r.y.end())};
        }
    }
    // The timesteps this sampler visits, on alpha-bar.
    widgets::Series visited;
    visited.name = tr("%1 steps of %2").arg(current->timesteps().size()).arg(text(kind).toUpper());
    visited.line = false;
    visited.color = QColor(Qt::black);
    for (int64_t t : current->timesteps()) {
        visited.x << double(t);
        visited.y << current->alphasCumprod()[size_t(t)];
    }
    alpha << visited;
    m_betaPlot->setSeries(beta);
    m_alphaPlot->setSeries(alpha);
    m_snrPlot->setSeries(snr);
    m_betaPlot->setFigureTitle(tr("\u03b2_t"));
    m_alphaPlot->setFigureTitle(tr("\u1fb1_t, signal kept"));
    m_snrPlot->setFigureTitle(tr("signal-to-noise ratio"));
    m_schedulesView->setFigureTitle(tr("Noise schedule: %1 (%2 training steps), beside the other beta schedules")
                                        .arg(text(base.betaSchedule))
                                        .arg(base.trainTimesteps));
    m_betaPlot->setTable(table);
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
    const auto s = scheduler("ddpm", 1, nullptr);
    if (!s)
        return;
    const int64_t t = std::min<int64_t>(m_forwardT->value(), s->config().trainTimesteps - 1);
    const FloatTensor noise = diffusion::seededNoise(uint64_t(m_seed->value()) + 7919)(0, x0->shape);
    const FloatTensor xt = s->addNoise(*x0, noise, t);
    const double a = s->alphasCumprod()[size_t(t)];
    m_forwardLabel->setText(tr("t = %1 \u00b7 \u221a\u1fb1 = %2 \u00b7 \u221a(1\u2212\u1fb1) = %3").arg(t).arg(std::sqrt(a), 0, 'f', 3).arg(std::sqrt(1 - a), 0, 'f', 3));
    widgets::ImageTile original, drawn, noised;
    original.image = toQImage(*x0);
    original.caption = m_forwardName.isEmpty() ? tr("x\u2080: the last sample") : tr("x\u2080: %1").arg(m_forwardName);
    drawn.image = toQImage(scaled(noise, 1.0f / 3.0f));
    drawn.caption = tr("\u03b5 ~ N(0, I)");
    noised.image = toQImage(xt);
    noised.caption = tr("x_t = \u221a\u1fb1 x\u2080 + \u221a(1\u2212\u1fb1) \u03b5");
    m_forwardImages->setTiles({original, drawn, noised}, 3);
    m_forwardImages->setFigureTitle(tr("q(x_t | x\u2080) at t = %1").arg(t));
    // Histograms of x0 and x_t (density), and the standard normal.
    constexpr int bins = 40;
    const double low = -4.0, high = 4.0, width = (high - low) / bins;
    auto histogram = [&](const FloatTensor &v, const QString &name, QColor colour) {
        widgets::Series s;
        s.name = name;
        s.color = colour;
        std::vector<double> counts(bins, 0.0);
        for (float x : v.values)
            counts[size_t(std::clamp(int((x - low) / width), 0, bins - 1))] += 1.0;
        for (int b = 0; b < bins; ++b) {
            s.x << low + (b + 0.5) * width;
            s.y << counts[size_t(b)] / (double(v.values.size()) * width);
        }
        return s;
    };
    widgets::Series normal;
    normal.name = tr("N(0, 1)");
    normal.dashed = true;
    normal.color = QColor(Qt::black);
    for (int i = 0; i <= 160; ++i) {
        const double x = low + i * (high - low) / 160.0;
        normal.x << x;
        normal.y << std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
    }
    m_histogram->setSeries({histogram(*x0, tr("x\u2080"), widgets::seriesColor(0)), histogram(xt, tr("x_t"), widgets::seriesColor(1)), normal});
    m_histogram->setFigureTitle(tr("values of x\u2080 and x_t"));
    m_forwardView->setFigureTitle(tr("Forward noising at t = %1: \u1fb1_t = %2").arg(t).arg(a, 0, 'g', 4));
}

void DiffusionPanel::refreshComparison()
{
    if (!m_comparison) {
        m_compareView->setTiles({});
        return;
    }
    const Comparison &c = *m_comparison;
    QVector<widgets::ImageTile> tiles;
    int columns = 0;
    for (const diffusion::Trajectory *t : {&c.ddpm, &c.ddim}) {
        const std::vector<size_t> picks = frames(t->timesteps.size(), kFrames);
        columns = int(picks.size()) + 1;
        for (size_t i : picks) {
            widgets::ImageTile tile;
            tile.image = toQImage(inputOf(*t, i));
            tile.caption = tr("%1 t = %2").arg(t == &c.ddpm ? tr("DDPM") : tr("DDIM")).arg(t->timesteps[i]);
            tiles.push_back(tile);
        }
        widgets::ImageTile last;
        last.image = toQImage(t->previous.back());
        last.caption = tr("%1: %2").arg(t == &c.ddpm ? tr("DDPM") : tr("DDIM"), seconds(t->seconds));
        tiles.push_back(last);
    }
    m_compareView->setTiles(tiles, columns);
    m_compareView->setFigureTitle(tr("%1 steps, seed %2: DDPM (top) %3, DDIM eta 0 (bottom) %4; the same x_T")
                                      .arg(c.steps)
                                      .arg(m_seed->value())
                                      .arg(seconds(c.ddpm.seconds), seconds(c.ddim.seconds)));
    m_compareView->setTable({rowsOf({&c.ddpm.previous.back(), &c.ddim.previous.back()}), {}, {}, {}});
}

// ---------------------------------------------------------------------------------------------

void DiffusionPanel::refreshParticles()
{
    if (!m_trajectory || !pointModel() || m_trajectory->start.shape.size() != 2 || m_trajectory->start.shape[1] < 2) {
        m_particlesView->setSeries({});
        m_particlesView->setFigureTitle(tr("Particles: open a 2-D toy denoiser (train one in Training: diffusion-moons, "
                                           "diffusion-swiss-roll or diffusion-8-gaussians)"));
        return;
    }
    const diffusion::Trajectory &t = *m_trajectory;
    const size_t i = size_t(std::clamp(m_scrubber->value(), 0, int(t.timesteps.size()) - 1));
    const int64_t count = t.start.shape[0], features = t.start.shape[1];
    // The first two coordinates of point p of a [points, features] tensor.
    auto xOf = [features](const FloatTensor &v, int64_t p) { return double(v.values[size_t(p * features)]); };
    auto yOf = [features](const FloatTensor &v, int64_t p) { return double(v.values[size_t(p * features + 1)]); };
    QVector<widgets::Series> series;
    if (!m_dataPoints.values.empty()) {
        widgets::Series data{tr("data (%1)").arg(m_dataName), {}, {}, QColor(150, 150, 150, 120)};
        for (int64_t p = 0; p < m_dataPoints.shape[0]; ++p) {
            data.x << xOf(m_dataPoints, p);
            data.y << yOf(m_dataPoints, p);
        }
        data.line = false;
        data.markerSize = 3;
        series << data;
    }
    const FloatTensor &now = t.previous[i];
    const int64_t after = i + 1 < t.timesteps.size() ? t.timesteps[i + 1] : 0;
    widgets::Series particles{i + 1 < t.timesteps.size() ? tr("x_t, t = %1").arg(after) : tr("x₀, the samples"), {}, {},
                              QColor(33, 102, 172)};
    for (int64_t p = 0; p < count; ++p) {
        particles.x << xOf(now, p);
        particles.y << yOf(now, p);
    }
    particles.line = false;
    particles.markerSize = 3;
    series << particles;
    // Drawn last, over the particles.
    const int64_t trails = std::min<int64_t>(m_trails->value(), count);
    for (int64_t p = 0; p < trails; ++p) {
        widgets::Series trail{tr("paths from x_T"), {xOf(t.start, p)}, {yOf(t.start, p)}, QColor(214, 96, 77, 190)};
        for (size_t k = 0; k <= i; ++k) {
            trail.x << xOf(t.previous[k], p);
            trail.y << yOf(t.previous[k], p);
        }
        trail.parametric = true;
        trail.width = 1.0;
        trail.legend = p == 0;
        series << trail;
    }
    m_particlesView->setSeries(series);
    m_particlesView->setFigureTitle(tr("%1, %2 steps, seed %3: %4 particles after step %5 (t = %6 → %7)")
                                        .arg(text(m_trajectoryRequest.scheduler).toUpper())
                                        .arg(t.timesteps.size())
                                        .arg(m_trajectoryRequest.seed)
                                        .arg(count)
                                        .arg(i + 1)
                                        .arg(t.timesteps[i])
                                        .arg(after));
    m_particlesView->setTable({nullptr, {}, {QStringLiteral("x1"), QStringLiteral("x2")},
                               {std::vector<double>(particles.x.begin(), particles.x.end()),
                                std::vector<double>(particles.y.begin(), particles.y.end())}});
    m_scrubberLabel->setText(tr("step %1 of %2 · t = %3").arg(i + 1).arg(t.timesteps.size()).arg(t.timesteps[i]));
}

QList<widgets::OptionSpec> DiffusionPanel::optionSpecs() const
{
    return {
        {"model", tr("a diffusers UNet2DModel folder"), {}, {}},
        {"scheduler", tr("the sampler"), "ddim", {"ddim", "ddpm"}},
        {"steps", tr("denoising steps"), "50", {}},
        {"eta", tr("DDIM's eta in [0, 1]"), "0", {}},
        {"seed", tr("seed of x_T and the noise draws"), "1", {}},
        {"points", tr("particles a 2-D toy denoiser samples"), "1000", {}},
        {"trails", tr("particles whose paths the Particles view draws"), "40", {}},
        {"step", tr("the step the Step view shows (1-based), or last"), "last", {}},
        {"seeds", tr("how many seeds the Seeds view samples (sampled when given)"), "16", {}},
        {"t", tr("forward-noising timestep"), "250", {}},
        {"image", tr("x0 for the forward view (an image file); default: the last sample"), {}, {}},
        {"compare", tr("yes: sample with DDPM and DDIM for the compare view"), "no", {"yes", "no"}},
        {"view", tr("the view"), "filmstrip", kFigures},
    };
}

QVariantMap DiffusionPanel::options() const
{
    QVariantMap o;
    if (m_folder.isEmpty())
        return o;
    o["model"] = m_folder;
    o["scheduler"] = m_scheduler->currentData().toString();
    o["steps"] = QString::number(m_steps->value());
    o["eta"] = QString::number(m_eta->value());
    o["seed"] = QString::number(m_seed->value());
    if (pointModel()) {
        o["points"] = QString::number(m_points->value());
        o["trails"] = QString::number(m_trails->value());
    }
    o["t"] = QString::number(m_forwardT->value());
    o["view"] = currentFigureName();
    return o;
}

bool DiffusionPanel::setOptions(const QVariantMap &options, QString *error)
{
    QStringList known;
    for (const widgets::OptionSpec &spec : optionSpecs())
        known << spec.name;
    auto fail = [error](const QString &message) {
        if (error) *error = message;
        return false;
    };
    for (auto it = options.begin(); it != options.end(); ++it)
        if (!known.contains(it.key()))
            return fail(tr("unknown option --%1 for the Diffusion lab (options: %2)").arg(it.key(), known.join(", ")));
    const QString view = options.value("view", currentFigureName()).toString();
    if (!kFigures.contains(view))
        return fail(tr("--view: \"%1\" is not one of %2").arg(view, kFigures.join(", ")));
    const QString kind = options.value("scheduler", m_scheduler->currentData()).toString();
    if (m_scheduler->findData(kind) < 0)
        return fail(tr("--scheduler: \"%1\" is not ddim or ddpm").arg(kind));
    bool ok = true;
    const int steps = options.value("steps", m_steps->value()).toString().toInt(&ok);
    if (!ok || steps < 1 || steps > 100000)
        return fail(tr("--steps: \"%1\" is not a step count").arg(options.value("steps").toString()));
    const double eta = options.value("eta", m_eta->value()).toString().toDouble(&ok);
    if (!ok || eta < 0.0 || eta > 1.0)
        return fail(tr("--eta: \"%1\" is not in [0, 1]").arg(options.value("eta").toString()));
    const int seed = options.value("seed", m_seed->value()).toString().toInt(&ok);
    if (!ok || seed < 0 || seed > 1000000)
        return fail(tr("--seed: \"%1\" is not a seed from 0 to 1000000").arg(options.value("seed").toString()));
    const int t = options.value("t", m_forwardT->value()).toString().toInt(&ok);
    if (!ok || t < 0)
        return fail(tr("--t: \"%1\" is not a timestep").arg(options.value("t").toString()));
    const int seeds = options.value("seeds", m_seedCount->value()).toString().toInt(&ok);
    if (!ok || seeds < 1 || seeds > 256)
        return fail(tr("--seeds: \"%1\" is not a count from 1 to 256").arg(options.value("seeds").toString()));
    const int points = options.value("points", m_points->value()).toString().toInt(&ok);
    if (!ok || points < m_points->minimum() || points > m_points->maximum())
        return fail(tr("--points: \"%1\" is not a count from %2 to %3")
                        .arg(options.value("points").toString())
                        .arg(m_points->minimum())
                        .arg(m_points->maximum()));
    const int trails = options.value("trails", m_trails->value()).toString().toInt(&ok);
    if (!ok || trails < 0 || trails > m_trails->maximum())
        return fail(tr("--trails: \"%1\" is not a count from 0 to %2").arg(options.value("trails").toString()).arg(m_trails->maximum()));
    const QString compare = options.value("compare", "no").toString();
    if (compare != "yes" && compare != "no")
        return fail(tr("--compare: \"%1\" is not yes or no").arg(compare));

    const bool loadingModel = options.contains("model") && QDir(options["model"].toString()).absolutePath() != m_folder;
    {
        const QSignalBlocker a(m_scheduler), b(m_steps), c(m_eta), d(m_seed), e(m_forwardT), f(m_seedCount), g(m_points),
            h(m_trails);
        m_points->setValue(points);
        m_trails->setValue(trails);
        m_scheduler->setCurrentIndex(m_scheduler->findData(kind));
        m_steps->setMaximum(std::max(m_steps->maximum(), steps));
        m_steps->setValue(steps);
        m_eta->setValue(eta);
        m_seed->setValue(seed);
        m_forwardT->setValue(std::min(t, m_forwardT->maximum()));
        m_seedCount->setValue(seeds);
    }
    updateControls();
    if (loadingModel && !openModel(options["model"].toString(), error)) // samples with the settings above
        return false;
    if (m_model && m_steps->value() > m_steps->maximum())
        return fail(tr("--steps: %1 is more than this model's %2 training steps").arg(steps).arg(m_steps->maximum()));
    if (t > m_forwardT->maximum())
        return fail(tr("--t: %1 is beyond the last timestep %2").arg(t).arg(m_forwardT->maximum()));
    if (!loadingModel && m_model &&
        (options.contains("scheduler") || options.contains("steps") || options.contains("eta") || options.contains("seed") ||
         (pointModel() && options.contains("points"))) &&
        !runSampling(error))
        return false;
    if (options.contains("image") && !setForwardImage(options["image"].toString(), error))
        return false;
    // While a model loads (the GUI opens it as a job), the seeds and the comparison are left to
    // the view that asks for them once it is in front (fillCurrentView).
    const bool modelLoading = m_modelJob && !m_modelJob->isFinished();
    if (options.contains("seeds") && !modelLoading && !runSeeds(error))
        return false;
    if (compare == "yes" && !modelLoading && !runComparison(error))
        return false;
    const bool sampling = (m_modelJob && !m_modelJob->isFinished()) || (m_sampleJob && !m_sampleJob->isFinished());
    if (options.contains("step") && sampling) {
        // Applied when the sampling that runs now (a model loading) finishes.
        const QString step = options["step"].toString();
        m_pendingStep = step == "last" ? 0 : step.toInt(&ok);
        if (!ok || m_pendingStep < 0)
            return fail(tr("--step: \"%1\" is not a step number, or last").arg(step));
    } else if (options.contains("step") && m_trajectory) {
        const QString step = options["step"].toString();
        const int index = step == "last" ? int(m_trajectory->timesteps.size()) : step.toInt(&ok);
        if (step != "last" && (!ok || index < 1 || index > int(m_trajectory->timesteps.size())))
            return fail(tr("--step: \"%1\" is not a step from 1 to %2, or last").arg(step).arg(m_trajectory->timesteps.size()));
        m_scrubber->setValue(index - 1);
    }
    if (m_context.jobs->isInline() && !options.isEmpty()) {
        if (!m_model && view != "schedules")
            return fail(tr("the Diffusion lab needs a model: --model DIR (a diffusers UNet2DModel folder)"));
        if (view == "particles" && !pointModel())
            return fail(tr("the particles view is for 2-D toy denoisers (this model samples images)"));
        if (pointModel() && kImageFigures.contains(view))
            return fail(tr("the %1 view shows images; this 2-D toy model's view is particles (or schedules)").arg(view));
        if (view == "seeds" && m_seedSamples.empty())
            return fail(tr("the seeds view needs --seeds N"));
        if (view == "compare" && !m_comparison)
            return fail(tr("the compare view needs --compare yes"));
    }
    refreshSchedules();
    refreshForward();
    refreshParticles();
    if (m_views->tabBar()->isTabEnabled(int(kFigures.indexOf(view))) && !modelLoading)
        setCurrentFigure(view);
    else
        m_pendingView = view; // applied when the model that is loading has loaded (updateTabs)
    return true;
}

bool DiffusionPanel::canOpen(const QString &path) const { return diffusion::isDiffusionModel(path.toStdString()); }

bool DiffusionPanel::open(const QString &path, QString *error) { return openModel(path, error); }

} // namespace tessera::diffusionlab
