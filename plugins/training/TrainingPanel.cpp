#include "TrainingPanel.h"

#include "TrainingComputation.h"
#include "TrainingFigures.h"

#include "tessera/core/Detr.h"
#include "tessera/core/Diffusion.h"

#include "tessera/core/Error.h"
#include "tessera/core/Model.h"
#include "tessera/widgets/DataHub.h"
#include "tessera/widgets/HeatmapView.h"
#include "tessera/widgets/JobRunner.h"
#include "tessera/widgets/LinePlotView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace tessera::training {

namespace {

QString defaultRunFolder(const QString &recipe)
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    return QDir(base.isEmpty() ? QDir::homePath() + "/.local/share/tessera" : base)
        .filePath("runs/" + recipe + "-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss"));
}

const RecipeInfo *findRecipe(const QString &name)
{
    for (const RecipeInfo &recipe : trainingRecipes())
        if (QString::fromStdString(recipe.name) == name)
            return &recipe;
    return nullptr;
}

} // namespace

// Reports travel from the worker thread to the GUI thread through this: the worker queues a
// call on the anchor (a QObject of the GUI thread); the call runs there and reaches the panel
// only while the panel still exists (it clears the handler when destroyed).
struct TrainingPanel::Relay {
    QObject *anchor = new QObject;
    std::function<void(const TrainingReport &)> handler;
    ~Relay() { anchor->deleteLater(); }
};

plugins::PanelDescriptor TrainingPanel::descriptor()
{
    return {QStringLiteral("training"),
            tr("Training"),
            tr("Train small transformers and watch their attention form, snapshot by snapshot"),
            Qt::ALT | Qt::Key_4,
            60,
            {}};
}

TrainingPanel::TrainingPanel(const plugins::PanelContext &context, QWidget *parent)
    : plugins::PanelBase(context, descriptor(), parent), m_relay(std::make_shared<Relay>()),
      m_job(this, errorsToStatus())
{
    // A run folder: snapshots or Trainer checkpoints.
    addOpener(
        [](const QString &path) {
            return QFileInfo::exists(path + "/snapshots/index.json") ||
                   !QDir(path).entryList({"checkpoint-*"}, QDir::Dirs).isEmpty();
        },
        &TrainingPanel::openRun);
    m_relay->handler = [this](const TrainingReport &report) { onReport(report); };
    buildUi();
    declareOptions();
    recipeChanged();
    m_built = true;
}

TrainingPanel::~TrainingPanel()
{
    m_relay->handler = nullptr; // m_job cancels the run
}

void TrainingPanel::buildUi()
{
    auto *form = new QFormLayout;
    m_recipe = new QComboBox;
    for (const RecipeInfo &recipe : trainingRecipes()) {
        m_recipe->addItem(QString::fromStdString(recipe.title), QString::fromStdString(recipe.name));
        m_recipe->setItemData(m_recipe->count() - 1, QString::fromStdString(recipe.description), Qt::ToolTipRole);
    }
    form->addRow(tr("&Recipe"), m_recipe);
    m_description = new QLabel;
    m_description->setWordWrap(true);
    m_description->setStyleSheet("color: palette(mid);");
    form->addRow(m_description);

    m_textFile = new QLineEdit;
    m_textFile->setPlaceholderText(tr("a UTF-8 text file"));
    m_browseText = new QPushButton(tr("…"));
    m_browseText->setToolTip(tr("Choose the text file to train on"));
    auto *textRow = new QHBoxLayout;
    textRow->addWidget(m_textFile);
    textRow->addWidget(m_browseText);
    form->addRow(tr("Text file"), textRow);
    m_output = new QLineEdit;
    m_output->setToolTip(tr("Where the run is written: the model in Hugging Face layout, checkpoints, snapshots, "
                            "metrics.json. Empty: a new folder under ~/.local/share/tessera/runs"));
    m_output->setPlaceholderText(tr("new folder under runs/"));
    form->addRow(tr("&Output folder"), m_output);

    auto spin = [](int low, int high, const QString &tip) {
        auto *box = new QSpinBox;
        box->setRange(low, high);
        box->setToolTip(tip);
        return box;
    };
    m_steps = spin(1, 1000000, tr("Optimisation steps"));
    m_batch = spin(1, 4096, tr("Examples per step"));
    m_learningRate = new QDoubleSpinBox;
    m_learningRate->setDecimals(5);
    m_learningRate->setRange(1e-5, 1.0);
    m_learningRate->setSingleStep(1e-4);
    m_learningRate->setToolTip(tr("Peak learning rate of AdamW, reached after the warm-up (5% of the steps)"));
    m_schedule = new QComboBox;
    m_schedule->addItems({"cosine", "linear", "constant"});
    m_schedule->setToolTip(tr("Decay after the warm-up"));
    m_seed = spin(0, 1000000, tr("The same seed gives the same model, data and curve"));
    m_seed->setValue(1);
    m_layers = spin(1, 24, tr("Transformer layers"));
    m_hidden = spin(8, 1024, tr("Hidden size (divisible by the number of heads)"));
    m_hidden->setSingleStep(8);
    m_heads = spin(1, 16, tr("Attention heads per layer"));
    m_length = spin(2, 1024, tr("Longest sequence (tasks), tokens per example (text), patch side (ViT)"));
    form->addRow(tr("Steps"), m_steps);
    form->addRow(tr("Batch"), m_batch);
    form->addRow(tr("Learning rate"), m_learningRate);
    form->addRow(tr("Schedule"), m_schedule);
    form->addRow(tr("Seed"), m_seed);
    m_layersLabel = new QLabel(tr("Layers"));
    form->addRow(m_layersLabel, m_layers);
    m_hiddenLabel = new QLabel(tr("Hidden size"));
    form->addRow(m_hiddenLabel, m_hidden);
    form->addRow(tr("Heads"), m_heads);
    m_lengthLabel = new QLabel(tr("Length"));
    form->addRow(m_lengthLabel, m_length);
    m_overfit = new QCheckBox(tr("Overfit one batch"));
    m_overfit->setToolTip(tr("The notes' sanity check: train on one batch only. The loss must fall towards zero; "
                             "if it does not, the model or the data pipeline is broken"));
    form->addRow(m_overfit);
    m_float64Step = spin(0, 1000000, tr("Re-run this step in float64 and report how far float32 is from it (0: off)"));
    m_float64Step->setSpecialValueText(tr("off"));
    form->addRow(tr("float64 check at step"), m_float64Step);

    m_train = new QPushButton(tr("&Train"));
    m_train->setToolTip(tr("Start training (Ctrl+Return)"));
    m_train->setDefault(true);
    m_cancel = new QPushButton(tr("&Cancel"));
    m_cancel->setToolTip(tr("Stop; a checkpoint is saved and the run can be resumed"));
    m_cancel->setEnabled(false);
    m_resume = new QPushButton(tr("&Resume…"));
    m_resume->setToolTip(tr("Continue a stopped run from its last checkpoint; the curve continues exactly"));
    auto *openRunButton = new QPushButton(tr("&Open run…"));
    openRunButton->setToolTip(tr("Show the curves and snapshots of a run folder"));
    m_openInAttention = new QPushButton(tr("Open in &Attention"));
    m_openInAttention->setToolTip(tr("Offer this run's model to the attention explorer and the other panels"));
    m_openInAttention->setEnabled(false);
    auto *buttons = new QGridLayout;
    buttons->addWidget(m_train, 0, 0);
    buttons->addWidget(m_cancel, 0, 1);
    buttons->addWidget(m_resume, 1, 0);
    buttons->addWidget(openRunButton, 1, 1);
    buttons->addWidget(m_openInAttention, 2, 0, 1, 2);

    statusLine()->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_metrics = new QLabel;
    m_metrics->setWordWrap(true);
    m_metrics->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_prompt = new QLineEdit;
    m_prompt->setPlaceholderText(tr("prompt for a GPT run"));
    m_sample = new QPushButton(tr("&Sample"));
    m_sample->setToolTip(tr("Continue the prompt with the run's GPT (200 tokens, temperature 0.8, top-k 40)"));
    m_sample->setEnabled(false);
    m_sampled = new QPlainTextEdit;
    m_sampled->setReadOnly(true);
    m_sampled->setMaximumHeight(120);
    m_sampled->setPlaceholderText(tr("sampled text"));
    auto *sampleRow = new QHBoxLayout;
    sampleRow->addWidget(m_prompt);
    sampleRow->addWidget(m_sample);

    auto *left = new QVBoxLayout;
    left->addLayout(form);
    left->addLayout(buttons);
    left->addWidget(statusLine());
    left->addWidget(m_metrics);
    left->addLayout(sampleRow);
    left->addWidget(m_sampled);
    left->addStretch(1);
    auto *leftWidget = new QWidget;
    leftWidget->setLayout(left);
    QScrollArea *scroll = placeControls(leftWidget);
    scroll->setMinimumWidth(300);
    scroll->setMaximumWidth(380);
    scroll->setFrameShape(QFrame::NoFrame);

    const CurveViews curves = makeCurveViews();
    m_lossView = curves.loss;
    m_accuracyView = curves.accuracy;
    m_rateView = curves.rate;
    m_gradientView = curves.gradients;
    m_timelineView = makeTimelineView();

    m_timeline = new QSlider(Qt::Horizontal);
    m_timeline->setToolTip(tr("Scrub the run's snapshots (Left/Right keys step through them)"));
    m_timeline->setEnabled(false);
    m_play = new QPushButton(tr("▶ Play"));
    m_play->setToolTip(tr("Play the snapshots as an animation (Space)"));
    m_play->setCheckable(true);
    m_play->setEnabled(false);
    m_curveTimer = new QTimer(this);
    m_curveTimer->setSingleShot(true);
    m_curveTimer->setInterval(250);
    connect(m_curveTimer, &QTimer::timeout, this, [this] { refreshCurves(false); });
    m_playTimer = new QTimer(this);
    m_playTimer->setInterval(250);
    m_snapshotLayer = new QSpinBox;
    m_snapshotLayer->setPrefix(tr("layer "));
    m_snapshotLayer->setRange(0, 0); // a run's snapshots set the range and enable both
    m_snapshotLayer->setEnabled(false);
    m_snapshotHead = new QComboBox;
    m_snapshotHead->setEnabled(false);
    m_snapshotLabel = new QLabel;
    auto *timelineControls = new QHBoxLayout;
    timelineControls->addWidget(m_play);
    timelineControls->addWidget(m_timeline, 1);
    timelineControls->addWidget(m_snapshotLayer);
    timelineControls->addWidget(m_snapshotHead);
    auto *timelineBox = new QVBoxLayout;
    timelineBox->setContentsMargins(0, 0, 0, 0);
    timelineBox->addWidget(m_timelineView, 1);
    timelineBox->addLayout(timelineControls);
    timelineBox->addWidget(m_snapshotLabel);
    auto *timelinePage = new QWidget;
    timelinePage->setLayout(timelineBox);

    // Only the timeline's read-out goes to the status bar (connected below).
    addFigure("loss", tr("Loss"), m_lossView, m_lossView);
    addFigure("accuracy", tr("Accuracy"), m_accuracyView, m_accuracyView);
    addFigure("schedule", tr("Learning rate"), m_rateView, m_rateView);
    addFigure("gradients", tr("Gradients"), m_gradientView, m_gradientView);
    addFigure("timeline", tr("Attention over training"), timelinePage, m_timelineView);

    connect(m_recipe, &QComboBox::currentIndexChanged, this, &TrainingPanel::recipeChanged);
    connect(m_browseText, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Text to train on"), QString(),
                                                          tr("Text (*.txt *.md);;All files (*)"));
        if (!file.isEmpty())
            m_textFile->setText(file);
    });
    connect(m_train, &QPushButton::clicked, this, [this] { startTraining(false); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { m_job.cancel(); });
    connect(m_resume, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Run to resume"), m_runFolder);
        if (folder.isEmpty())
            return;
        m_output->setText(folder);
        startTraining(true);
    });
    connect(openRunButton, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open a training run"), m_runFolder);
        QString error;
        if (!folder.isEmpty() && !openRun(folder, &error))
            setStatus(error, true);
    });
    connect(m_openInAttention, &QPushButton::clicked, this, [this] {
        if (!context().hub || m_runFolder.isEmpty())
            return;
        context().hub->publishText(widgets::DataHub::ModelFolders, QFileInfo(m_runFolder).fileName(), m_runFolder);
        setStatus(
            diffusion::isDiffusionModel(m_runFolder.toStdString())
                ? tr("%1 is offered to the other panels (the Diffusion lab, Alt+6, opens it)").arg(m_runFolder)
            : detr::isDetrModel(m_runFolder.toStdString())
                ? tr("%1 is offered to the other panels (the DETR lens, Alt+7, opens it)").arg(m_runFolder)
            : m_snapshots && m_snapshots->capabilities().patchGrid
                ? tr("%1 is offered to the other panels (the ViT lens, Alt+5, opens it)").arg(m_runFolder)
                : tr("%1 is offered to the other panels (Attention: choose it in the model list)").arg(m_runFolder));
    });
    connect(m_sample, &QPushButton::clicked, this, &TrainingPanel::sample);
    connect(m_prompt, &QLineEdit::returnPressed, this, &TrainingPanel::sample);
    connect(m_timeline, &QSlider::valueChanged, this, &TrainingPanel::showSnapshot);
    connect(m_snapshotLayer, &QSpinBox::valueChanged, this, &TrainingPanel::showSnapshot);
    connect(m_snapshotHead, &QComboBox::currentIndexChanged, this, &TrainingPanel::showSnapshot);
    connect(m_play, &QPushButton::toggled, this, [this](bool on) {
        m_play->setText(on ? tr("❚❚ Pause") : tr("▶ Play"));
        if (on && m_timeline->value() == m_timeline->maximum())
            m_timeline->setValue(0);
        on ? m_playTimer->start() : m_playTimer->stop();
    });
    connect(m_playTimer, &QTimer::timeout, this, [this] {
        if (m_timeline->value() >= m_timeline->maximum())
            m_play->setChecked(false);
        else
            m_timeline->setValue(m_timeline->value() + 1);
    });
    auto *trainShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    trainShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(trainShortcut, &QShortcut::activated, this, [this] {
        if (!m_training)
            startTraining(false);
    });
    auto *playShortcut = new QShortcut(QKeySequence(Qt::Key_Space), timelinePage);
    playShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(playShortcut, &QShortcut::activated, m_play, &QPushButton::toggle);
    connect(m_timelineView, &widgets::PlotFigure::readoutChanged, this, &TrainingPanel::statusMessage);
}

void TrainingPanel::recipeChanged()
{
    const RecipeInfo *recipe = findRecipe(m_recipe->currentData().toString());
    if (!recipe)
        return;
    m_description->setText(QString::fromStdString(recipe->description));
    m_textFile->setEnabled(recipe->needsTextFile);
    m_browseText->setEnabled(recipe->needsTextFile);
    const TrainingOptions &d = recipe->defaults;
    m_steps->setValue(int(d.steps));
    m_batch->setValue(int(d.batchSize));
    m_learningRate->setValue(d.learningRate);
    m_layers->setValue(int(d.layers));
    m_hidden->setValue(int(d.hidden));
    m_heads->setValue(int(d.heads));
    m_length->setValue(int(d.sequenceLength));
    describeSizes(*recipe);
}

void TrainingPanel::describeSizes(const RecipeInfo &r)
{
    const RecipeInfo *recipe = &r;
    const ModelCapabilities can = recipe->capabilities();
    const bool detector = can.detection;
    m_lengthLabel->setText(recipe->name == "vit-fashion" ? tr("Patch side")
                           : detector                    ? tr("Object queries")
                           : recipe->needsTextFile       ? tr("Context")
                                                         : tr("Longest sequence"));
    // The denoisers have no heads and no sequence; their sizes mean something else.
    const bool unet = can.denoising && can.imageInput, toy = can.denoising && !can.imageInput;
    m_heads->setEnabled(!unet && !toy);
    m_length->setEnabled(!unet && !toy);
    m_layersLabel->setText(unet ? tr("Layers per block") : toy ? tr("Residual blocks") : tr("Layers"));
    m_hiddenLabel->setText(unet ? tr("Base channels") : tr("Hidden size"));
    m_layers->setToolTip(unet  ? tr("ResNet layers in each of the UNet's down blocks (the up blocks have one more)")
                         : toy ? tr("Residual MLP blocks of the denoiser")
                               : tr("Transformer layers"));
    m_hidden->setToolTip(unet
                             ? tr("Channels of the first resolution; the next two have twice as many (a multiple of 8)")
                         : toy ? tr("Width of the denoiser's MLP")
                               : tr("Hidden size (divisible by the number of heads)"));
    m_openInAttention->setText(unet || toy ? tr("Open in &Diffusion lab")
                               : detector  ? tr("Open in &DETR lens")
                                           : tr("Open in &Attention"));
}

TrainingOptions TrainingPanel::formOptions() const
{
    TrainingOptions o;
    o.recipe = m_recipe->currentData().toString().toStdString();
    o.textFile = m_textFile->text().trimmed().toStdString();
    o.steps = m_steps->value();
    o.batchSize = m_batch->value();
    o.learningRate = m_learningRate->value();
    o.schedule = m_schedule->currentText().toStdString();
    o.seed = uint64_t(m_seed->value());
    o.layers = m_layers->value();
    o.hidden = m_hidden->value();
    o.heads = m_heads->value();
    o.sequenceLength = m_length->value();
    o.overfitOneBatch = m_overfit->isChecked();
    o.float64Step = m_float64Step->value() > 0 ? m_float64Step->value() : -1;
    return o;
}

void TrainingPanel::startTraining(bool resume)
{
    if (m_training || !context().jobs)
        return;
    TrainingOptions options = formOptions();
    QString folder = m_output->text().trimmed();
    if (folder.isEmpty() && !resume) {
        folder = defaultRunFolder(QString::fromStdString(options.recipe));
        m_output->setText(folder);
    }
    options.outputFolder = folder.toStdString();
    options.resume = resume;
    try {
        if (!resume)
            resolveOptions(options); // refuse bad values here, with the message, before any work
    } catch (const Error &error) {
        setStatus(QString::fromStdString(error.what()), true);
        return;
    }
    m_runFolder = folder;
    m_snapshots.reset();
    m_snapshotCache.clear();
    if (resume) {
        QString error;
        openRun(folder, &error); // the curve so far, to continue
    } else {
        m_points.clear();
        m_evaluations.clear();
        m_groupNorms.clear();
        m_groupSteps.clear();
        m_metrics->clear();
        refreshCurves(true);
    }
    m_play->setChecked(false);
    m_train->setEnabled(false);
    m_resume->setEnabled(false);
    m_cancel->setEnabled(true);
    m_sample->setEnabled(false);
    setStatus(resume ? tr("resuming %1…").arg(folder)
                     : tr("training %1 into %2…").arg(m_recipe->currentText(), folder));
    std::weak_ptr<Relay> relay = m_relay;
    auto report = [relay](const TrainingReport &value) {
        const std::shared_ptr<Relay> target = relay.lock();
        if (!target)
            return;
        QMetaObject::invokeMethod(
            target->anchor,
            [target, value] {
                if (target->handler)
                    target->handler(value);
            },
            Qt::QueuedConnection);
    };
    m_job.start(
        context().jobs, tr("Training %1").arg(QString::fromStdString(options.recipe)),
        [options, report](JobContext &context) { return train(options, context, report); },
        [this](TrainingResult result) { onFinished(result); });
    if (!m_job.isRunning()) {              // run inline (tests): it is over already
        QCoreApplication::processEvents(); // the queued reports
        jobEnded(false);
        return;
    }
    m_training = true;
    connect(m_job.handle(), &widgets::JobHandle::finished, this,
            [this](bool, bool cancelled, const QString &) { jobEnded(cancelled); });
}

void TrainingPanel::jobEnded(bool cancelled)
{
    m_training = false;
    m_train->setEnabled(true);
    m_resume->setEnabled(true);
    m_cancel->setEnabled(false);
    if (cancelled)
        setStatus(tr("cancelled; the last checkpoint is in %1 (Resume continues it)").arg(m_runFolder));
    m_curveTimer->stop();
    refreshCurves(true);
    loadSnapshots();
    if (m_snapshots)
        m_timeline->setValue(m_timeline->maximum());
    m_openInAttention->setEnabled(QFileInfo::exists(m_runFolder + "/config.json"));
    m_sample->setEnabled(m_snapshots && m_snapshots->capabilities().generates);
}

void TrainingPanel::onReport(const TrainingReport &report)
{
    m_totalSteps = report.totalSteps;
    for (const TrainingPoint &point : report.points)
        m_points.append(point);
    for (const TrainingPoint &point : report.evaluations)
        m_evaluations.append(point);
    if (!report.points.empty() && !report.groupNorms.empty()) {
        m_groupSteps.append(double(report.points.back().step));
        for (const auto &[group, norm] : report.groupNorms) {
            QVector<double> &values = m_groupNorms[group];
            values.resize(m_groupSteps.size() - 1, std::nan(""));
            values.append(norm);
        }
    }
    if (!report.message.empty())
        setStatus(QString::fromStdString(report.message));
    else if (!m_points.isEmpty()) {
        setStatus(progressLine(m_points, m_evaluations, m_totalSteps));
    }
    // Redrawing competes with training for the cores: the curve in view is redrawn at most
    // four times a second (bench_training_plot measures the cost), the others when shown.
    if (!m_curveTimer->isActive())
        m_curveTimer->start();
    if (report.snapshotStep >= 0) {
        const bool atEnd = !m_timeline->isEnabled() || m_timeline->value() == m_timeline->maximum();
        loadSnapshots();
        if (atEnd)
            m_timeline->setValue(m_timeline->maximum());
    }
}

void TrainingPanel::onFinished(const TrainingResult &result)
{
    m_metrics->setText(metricLines(result.metrics));
    showAnswerHead(result.metrics);
    setStatus(QString::fromStdString(result.summary));
}

void TrainingPanel::refreshCurves(bool all)
{
    showCurves({m_lossView, m_accuracyView, m_rateView, m_gradientView},
               {m_points, m_evaluations, m_groupNorms, m_groupSteps}, currentFigureName(), all);
}

void TrainingPanel::loadSnapshots()
{
    if (m_runFolder.isEmpty())
        return;
    try {
        const int previousLayer = m_snapshotLayer->value();
        const QString previousHead = m_snapshotHead->currentData().toString();
        m_snapshots = readSnapshotIndex(m_runFolder.toStdString());
        if (m_snapshots->capabilities().detection) // a detector's snapshots are weights: the DETR lens scrubs them
            throw Error("no attention timeline for a detector");
        const QSignalBlocker blockSlider(m_timeline), blockLayer(m_snapshotLayer), blockHead(m_snapshotHead);
        m_timeline->setRange(0, int(m_snapshots->steps.size()) - 1);
        m_timeline->setEnabled(true);
        m_play->setEnabled(m_snapshots->steps.size() > 1);
        m_snapshotLayer->setRange(0, int(m_snapshots->layers) - 1);
        m_snapshotLayer->setValue(std::min(previousLayer, int(m_snapshots->layers) - 1));
        m_snapshotLayer->setEnabled(true);
        m_snapshotHead->setEnabled(true);
        if (m_snapshotHead->count() != m_snapshots->heads + 1) {
            m_snapshotHead->clear();
            m_snapshotHead->addItem(tr("mean of heads"), QStringLiteral("mean"));
            for (int h = 0; h < m_snapshots->heads; ++h)
                m_snapshotHead->addItem(tr("head %1").arg(h), QString::number(h));
            const int index = m_snapshotHead->findData(previousHead);
            m_snapshotHead->setCurrentIndex(index >= 0 ? index : 1);
        }
        showSnapshot();
    } catch (const Error &error) {
        m_snapshots.reset();
        m_timeline->setEnabled(false);
        m_play->setEnabled(false);
        m_snapshotLayer->setEnabled(false);
        m_snapshotHead->setEnabled(false);
    }
}

void TrainingPanel::showAnswerHead(const std::map<std::string, double> &metrics)
{
    const auto layer = metrics.find("attention_on_answer_layer");
    const auto head = metrics.find("attention_on_answer_head");
    if (!m_snapshots || layer == metrics.end() || head == metrics.end())
        return;
    const int headIndex = m_snapshotHead->findData(QString::number(int(head->second)));
    if (layer->second < 0 || layer->second >= double(m_snapshots->layers) || headIndex < 0)
        return;
    const QSignalBlocker blockLayer(m_snapshotLayer), blockHead(m_snapshotHead);
    m_snapshotLayer->setValue(int(layer->second));
    m_snapshotHead->setCurrentIndex(headIndex);
    showSnapshot();
}

void TrainingPanel::showSnapshot()
{
    if (!m_snapshots)
        return;
    const int index = std::clamp(m_timeline->value(), 0, int(m_snapshots->steps.size()) - 1);
    const int64_t step = m_snapshots->steps[size_t(index)];
    try {
        auto cached = m_snapshotCache.find(step);
        if (cached == m_snapshotCache.end())
            cached = m_snapshotCache.emplace(step, readSnapshot(*m_snapshots, step)).first;
        const int layer = m_snapshotLayer->value();
        showSnapshotAttention(m_timelineView, *m_snapshots, cached->second, step, layer,
                              m_snapshotHead->currentData().toString(), m_snapshotHead->currentText());
        // The learned position table at this snapshot goes to the positional-encoding lab (its
        // Learned view follows the timeline as it is scrubbed).
        const auto positions = cached->second.find("position_embeddings");
        if (context().hub && positions != cached->second.end() && positions->second.shape.size() == 2) {
            const QString name = tr("%1 (training, step %2)").arg(QFileInfo(m_runFolder).fileName()).arg(step);
            if (!m_publishedPositions.isEmpty() && m_publishedPositions != name)
                context().hub->removeMatrix(widgets::DataHub::PositionTables, m_publishedPositions);
            m_publishedPositions = name;
            context().hub->publishMatrix(widgets::DataHub::PositionTables, name,
                                         std::make_shared<Matrix>(positions->second.toMatrix("position_embeddings")));
        }
        const double loss = m_snapshots->losses[size_t(index)], accuracy = m_snapshots->accuracies[size_t(index)];
        m_snapshotLabel->setText(snapshotCaption(index, int(m_snapshots->steps.size()), step, loss, accuracy));
    } catch (const Error &error) {
        m_snapshotLabel->setText(QString::fromStdString(error.what()));
    }
}

bool TrainingPanel::openRun(const QString &folder, QString *error)
{
    try {
        const TrainingHistory history = readTrainingHistory(folder.toStdString());
        m_runFolder = folder;
        m_output->setText(folder);
        m_points = QVector<TrainingPoint>(history.points.begin(), history.points.end());
        m_evaluations = QVector<TrainingPoint>(history.evaluations.begin(), history.evaluations.end());
        m_groupNorms.clear();
        m_groupSteps.clear();
        m_totalSteps = history.options.steps;
        const int recipeIndex = m_recipe->findData(QString::fromStdString(history.options.recipe));
        if (recipeIndex >= 0) {
            const QSignalBlocker block(m_recipe);
            m_recipe->setCurrentIndex(recipeIndex);
            if (const RecipeInfo *recipe = findRecipe(m_recipe->currentData().toString()))
                describeSizes(*recipe);
            m_description->setText(m_recipe->itemData(recipeIndex, Qt::ToolTipRole).toString());
        }
        const TrainingOptions &o = history.options;
        m_steps->setValue(int(o.steps));
        m_batch->setValue(int(o.batchSize));
        m_learningRate->setValue(o.learningRate);
        m_schedule->setCurrentText(QString::fromStdString(o.schedule));
        m_seed->setValue(int(o.seed));
        m_layers->setValue(int(o.layers));
        m_hidden->setValue(int(o.hidden));
        m_heads->setValue(int(o.heads));
        m_length->setValue(int(o.sequenceLength));
        m_textFile->setText(QString::fromStdString(o.textFile));
        m_metrics->setText(metricLines(history.metrics));
        refreshCurves(true);
        m_snapshotCache.clear();
        loadSnapshots();
        if (m_snapshots)
            m_timeline->setValue(m_timeline->maximum());
        showAnswerHead(history.metrics);
        m_openInAttention->setEnabled(QFileInfo::exists(folder + "/config.json"));
        m_sample->setEnabled(!m_training && m_snapshots && m_snapshots->capabilities().generates);
        setStatus(tr("%1: step %2 of %3").arg(folder).arg(history.step).arg(o.steps));
        return true;
    } catch (const Error &e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
}

void TrainingPanel::sample()
{
    if (m_runFolder.isEmpty() || !context().jobs || !m_sample->isEnabled())
        return;
    const std::string folder = m_runFolder.toStdString(), prompt = m_prompt->text().toStdString();
    const uint64_t seed = uint64_t(QDateTime::currentMSecsSinceEpoch());
    m_sample->setEnabled(false);
    auto *job = context().jobs->run<std::string>(
        tr("Sampling"),
        [folder, prompt, seed](JobContext &context) { return sampleText(folder, prompt, seed, context); },
        [this](std::string text) { m_sampled->setPlainText(QString::fromStdString(text)); },
        [this](const QString &message) { setStatus(message, true); });
    connect(job, &widgets::JobHandle::finished, this, [this] { m_sample->setEnabled(!m_training); });
}

void TrainingPanel::declareOptions()
{
    QStringList recipes;
    for (const RecipeInfo &recipe : trainingRecipes())
        recipes << QString::fromStdString(recipe.name);
    plugins::OptionSet &o = optionSet();
    o.addText("run", tr("a training run folder to show (its curves and snapshots)"));
    o.addChoice("recipe", tr("the recipe of a new run"), recipes, "reverse").expecting(tr("a recipe"));
    // Checked against the run's snapshots once it is open.
    o.addText("snapshot", tr("the snapshot shown: its step, or 'last'"), "last");
    o.addText("layer", tr("layer of the snapshot's attention"), "0");
    o.addText("head", tr("head of the snapshot's attention: a number or mean"), "0");
    addViewOption(tr("the figure shown and exported"), "loss");
}

QVariantMap TrainingPanel::options() const
{
    QVariantMap map;
    if (!m_runFolder.isEmpty())
        map["run"] = m_runFolder;
    map["recipe"] = m_recipe->currentData().toString();
    if (m_snapshots && m_timeline->isEnabled())
        map["snapshot"] = QString::number(
            m_snapshots->steps[size_t(std::clamp(m_timeline->value(), 0, int(m_snapshots->steps.size()) - 1))]);
    map["layer"] = QString::number(m_snapshotLayer->value());
    map["head"] = m_snapshotHead->currentData().toString().isEmpty() ? QStringLiteral("0")
                                                                     : m_snapshotHead->currentData().toString();
    map["view"] = currentFigureName();
    return map;
}

bool TrainingPanel::applyOptions(const QVariantMap &options, const QString &view, QString *error)
{
    if (options.contains("recipe"))
        m_recipe->setCurrentIndex(m_recipe->findData(options["recipe"].toString()));
    if (options.contains("run") && options["run"].toString() != m_runFolder &&
        !openRun(options["run"].toString(), error))
        return false;
    if (m_snapshots) {
        bool ok = true;
        const int layer = options.value("layer", m_snapshotLayer->value()).toString().toInt(&ok);
        if (!ok || layer < 0 || layer >= m_snapshots->layers) {
            if (error)
                *error = tr("--layer: \"%1\" is not a layer of this run (0 to %2)")
                             .arg(options.value("layer").toString())
                             .arg(m_snapshots->layers - 1);
            return false;
        }
        const QString head = options.value("head", m_snapshotHead->currentData()).toString();
        const int headIndex = m_snapshotHead->findData(head);
        if (headIndex < 0) {
            if (error)
                *error = tr("--head: \"%1\" is not mean or a head of this run (0 to %2)")
                             .arg(head)
                             .arg(m_snapshots->heads - 1);
            return false;
        }
        const QString snapshot = options.value("snapshot", "last").toString();
        const int snapshotIndex = snapshotPosition(*m_snapshots, snapshot);
        if (snapshotIndex < 0) {
            if (error)
                *error =
                    tr("--snapshot: no snapshot at step \"%1\" (steps: %2)").arg(snapshot, snapshotSteps(*m_snapshots));
            return false;
        }
        const QSignalBlocker a(m_snapshotLayer), b(m_snapshotHead), c(m_timeline);
        m_snapshotLayer->setValue(layer);
        m_snapshotHead->setCurrentIndex(headIndex);
        m_timeline->setValue(snapshotIndex);
        showSnapshot();
    } else if (view == "timeline") {
        if (error)
            *error = tr("the timeline needs a run with snapshots (--run DIR)");
        return false;
    }
    setCurrentFigure(view);
    return true;
}

} // namespace tessera::training
