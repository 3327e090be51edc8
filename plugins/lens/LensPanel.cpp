#include "LensPanel.h"

#include "LensFigures.h"

#include "tessera/core/Error.h"
#include "tessera/core/Pipelines.h"
#include "tessera/core/VisionLens.h"
#include "tessera/plugins/ModelSourceBox.h"
#include "tessera/widgets/BarChartView.h"
#include "tessera/widgets/HeatmapView.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <filesystem>
#include <utility>

namespace tessera::lenspanel {
namespace {

struct Preset {
    const char *name;
    const char *text;
    const char *corrupted;
    const char *target;
    const char *contrast;
};

// The IOI pair of Wang et al. 2022 (the references' prompt), a fact to recall, and the notes'
// one-word negation "안" (003:10, 37).
const Preset kPresets[] = {
    {QT_TRANSLATE_NOOP("LensPanel", "Indirect object (IOI)"),
     "When Mary and John went to the store, John gave a drink to",
     "When Mary and John went to the store, Mary gave a drink to", " Mary", " John"},
    {QT_TRANSLATE_NOOP("LensPanel", "The capital of France"), "The capital of France is", "", "", ""},
    {QT_TRANSLATE_NOOP("LensPanel", "Negation \u201c\uc548\u201d (notes 003)"),
     "\uc774 \uc601\ud654\ub294 \uc548 \uc7ac\ubbf8\uc788\ub2e4", "", "", ""},
};

const char *const kImageViews[] = {"relevance", "flow"};

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

bool isImageView(const QString &view)
{
    for (const char *v : kImageViews)
        if (view == QLatin1String(v))
            return true;
    return false;
}

// The folder's preprocessor_config.json, else what the config implies (grey: mean and std 0.5).
ImagePreprocessing preprocessingOf(const Model &model)
{
    const std::string path = model.info().folder + "/preprocessor_config.json";
    if (std::filesystem::exists(path))
        return ImagePreprocessing::fromFile(path);
    ImagePreprocessing p;
    p.height = p.width = model.info().config.imageSize;
    if (model.info().config.channels == 1)
        p.mean = p.std = {0.5};
    return p;
}

} // namespace

plugins::PanelDescriptor LensPanel::descriptor()
{
    return {QStringLiteral("lens"),
            tr("Lens"),
            tr("Why a model said what it said: logit lens, direct logit attribution, head ablation, activation "
               "patching, gradient x input, integrated gradients, and for ViT Chefer relevance and attention flow"),
            Qt::ALT | Qt::Key_0,
            105,
            {}};
}

LensPanel::LensPanel(const plugins::PanelContext &context, QWidget *parent)
    : plugins::PanelBase(context, descriptor(), parent), m_modelJob(this, errorsToStatus()),
      m_runJob(this, errorsToStatus())
{
    addOpener(
        [](const QString &path) {
            return QFileInfo(path).isDir() && plugins::ModelSourceBox::folderFits(path, &LensPanel::fits);
        },
        &LensPanel::openModel);
    buildUi();
    declareOptions();
    usePreset(0);
    setCurrentFigure(QStringLiteral("patching"));
    refresh();
    updateControls();
    m_modelBox->followStudio(context.hub, &LensPanel::fits, plugins::ModelSourceBox::Follow::WhenEmpty,
                             [this] { return m_modelJob.isRunning(); });
}

LensPanel::~LensPanel() = default;

bool LensPanel::fits(const ModelCapabilities &can)
{
    return (can.textInput && (can.causalLanguageModel || can.maskedLanguageModel)) || can.patchGrid;
}

void LensPanel::buildUi()
{
    auto *controls = new QWidget;
    auto *form = new QVBoxLayout(controls);
    m_modelBox = modelSource(
        {tr("No model. Open a text model with a causal or masked LM head (GPT-2, Llama, BERT \u2026) or a ViT."),
         tr("A checkpoint folder (config.json, model.safetensors and the tokenizer files)"),
         tr("Open a model for the Lens"), QString()},
        [this](const QString &folder, QString *error) { return openModel(folder, error); });
    form->addWidget(m_modelBox);
    form->addWidget(buildInputBox());
    form->addWidget(statusLine());
    form->addStretch(1);
    QScrollArea *scroll = placeControls(controls);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedWidth(320);
    buildViews();
}

QWidget *LensPanel::buildInputBox()
{
    auto *box = new QGroupBox(tr("Input"));
    auto *layout = new QFormLayout(box);
    m_preset = new QComboBox;
    for (const Preset &preset : kPresets)
        m_preset->addItem(tr(preset.name));
    m_preset->addItem(tr("Your own"));
    m_preset->setToolTip(tr("A prompt with its target: the IOI pair (clean and corrupted, \u201c Mary\u201d against "
                            "\u201c John\u201d), a fact, the notes' negation example; or your own text"));
    connect(m_preset, &QComboBox::activated, this, &LensPanel::usePreset);
    layout->addRow(tr("&Preset"), m_preset);

    auto line = [this, layout](const QString &label, const QString &tip) {
        auto *edit = new QLineEdit;
        edit->setToolTip(tip);
        edit->setClearButtonEnabled(true);
        connect(edit, &QLineEdit::textEdited, this, [this] {
            m_preset->setCurrentIndex(m_preset->count() - 1);
            inputsChanged();
        });
        connect(edit, &QLineEdit::returnPressed, this, statusOnFailure([this](QString *error) { return run(error); }));
        layout->addRow(label, edit);
        return edit;
    };
    m_text = line(tr("&Text"), tr("The prompt (the clean run of patching); the Lens analyses its last token, or "
                                  "[MASK] for a masked LM"));
    m_corrupted = line(tr("&Corrupted"), tr("Patching: the corrupted prompt, as many tokens as the text (swap one "
                                            "word); each activation of the clean run is patched into it"));
    m_target = line(tr("T&arget"), tr("The token whose logit is measured, written as text with its leading space "
                                      "(\u201c Mary\u201d); it must be one token. Empty: the model's top "
                                      "prediction. A ViT: a class index"));
    m_contrast = line(tr("C&ontrast"), tr("A second token: the metric becomes logit(target) \u2212 logit(contrast). "
                                          "Empty: logit(target) alone"));
    m_image = line(tr("&Image"), tr("ViT: the image file for relevance and flow; empty: the first image in the model "
                                    "folder"));
    m_steps = new QSpinBox;
    connect(m_steps, &QSpinBox::valueChanged, this, [this] { m_results.erase(LensMethod::Attribution); });
    layout->addRow(tr("IG &steps"), m_steps);
    m_normalised = new QCheckBox(tr("&Normalised patching"));
    connect(m_normalised, &QCheckBox::toggled, this, &LensPanel::refresh);
    layout->addRow(m_normalised);

    m_run = new QPushButton(tr("&Run"));
    m_run->setToolTip(tr("Run the shown view's method on the input (a job; progress in the status bar)"));
    connect(m_run, &QPushButton::clicked, this, statusOnFailure([this](QString *error) { return run(error); }));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the running method"));
    connect(m_cancel, &QPushButton::clicked, this, [this] { m_runJob.cancel(); });
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    layout->addRow(buttons);
    return box;
}

void LensPanel::buildViews()
{
    m_logitLensView = addFigure("logit-lens", tr("Logit lens"), new widgets::HeatmapView);
    m_attributionView = addFigure("dla", tr("Attribution"), new widgets::HeatmapView);
    m_ablationView = addFigure("ablation", tr("Ablation"), new widgets::HeatmapView);
    m_patchingView = addFigure("patching", tr("Patching"), new widgets::HeatmapView);
    m_patchingHeadsView = addFigure("patching-heads", tr("Patching heads"), new widgets::HeatmapView);
    m_saliencyView = addFigure("saliency", tr("Saliency"), new widgets::BarChartView);
    m_integratedView = addFigure("ig", tr("Integrated gradients"), new widgets::BarChartView);
    m_relevanceView = addFigure("relevance", tr("Relevance"), new widgets::HeatmapView);
    m_flowView = addFigure("flow", tr("Flow"), new widgets::HeatmapView);
    m_logitLensView->setToolTip(tr("Hover a cell: the top token read from that layer at that position"));
    connect(m_logitLensView->plot(), &QCustomPlot::mouseMove, this, [this](QMouseEvent *event) {
        int row = 0, column = 0;
        const auto found = m_results.find(LensMethod::LogitLens);
        if (found != m_results.end() && m_logitLensView->cellAt(event->pos(), row, column))
            setStatus(topTokenAt(*found->second, row, column));
    });
    for (widgets::HeatmapView *view : {m_attributionView, m_ablationView, m_patchingHeadsView}) {
        view->setToolTip(tr("Click a head to read its value"));
        connect(view, &widgets::HeatmapView::cellSelected, this, [this, view](int row, int column) {
            if (row >= 0 && column >= 0 && view->matrix())
                setStatus(tr("layer %1, head %2: %3").arg(row).arg(column).arg(view->matrix()->at(row, column)));
        });
    }
}

void LensPanel::declareOptions()
{
    plugins::OptionSet &o = optionSet();
    const Preset &ioi = kPresets[0];
    o.addText("model", tr("a text model with a causal or masked LM head, or a ViT (checkpoint folder)"));
    o.addText("text", tr("the prompt (the clean run)"), text(ioi.text));
    o.addText("corrupted", tr("patching: the corrupted prompt, as many tokens as --text"), text(ioi.corrupted));
    o.addText("target", tr("the measured token as text (one token, \" Mary\"); a ViT: a class; empty: the top"),
              text(ioi.target));
    o.addText("contrast", tr("a second token: the metric is logit(target) - logit(contrast); empty: none"),
              text(ioi.contrast));
    o.addText("image", tr("ViT: an image file for relevance and flow (default: the first in the model folder)"));
    o.addInt("ig-steps", tr("integrated gradients: steps of the Riemann sum"), 64, 1, 1024)
        .expecting(tr("a number of steps from 1 to 1024"))
        .bind(m_steps);
    o.addYesNo("normalise", tr("patching: (patched - corrupted) / (clean - corrupted) instead of the metric"), false)
        .bind(m_normalised);
    addViewOption(tr("the view"), "patching");
}

// ---------------------------------------------------------------------------------------------
// Model and inputs

bool LensPanel::openModel(const QString &path, QString *error)
{
    const QString folder = QDir(path).absolutePath();
    ModelCapabilities can;
    std::string modelType;
    {
        // The model_type read directly: ModelConfig refuses the families it does not build (DETR).
        QFile config(folder + "/config.json");
        if (!config.open(QIODevice::ReadOnly))
            return fail(error, tr("%1 holds no config.json: open a checkpoint folder").arg(folder));
        modelType = QJsonDocument::fromJson(config.readAll()).object().value("model_type").toString().toStdString();
    }
    try {
        can = folderCapabilities(folder.toStdString());
    } catch (const Error &) {
        // A checkpoint the studio reads elsewhere (DETR) or not at all: the sentence below says
        // what the Lens wants instead.
    }
    if (!fits(can))
        return fail(error, tr("%1 is a %2 model, neither a text model with a language-model head nor a ViT: the Lens "
                              "reads text models with a causal or masked LM head (GPT-2, Llama, BERT for masked LM) "
                              "and ViT image models")
                               .arg(folder, text(modelType)));
    const std::string folderPath = folder.toStdString();
    const bool textModel = can.textInput;
    setStatus(tr("Loading %1\u2026").arg(folder));
    return m_modelJob.start(
        jobs(), tr("Loading %1").arg(QFileInfo(folder).fileName()),
        [folderPath, textModel](JobContext &context) {
            auto loaded = std::make_shared<LoadedLensModel>();
            loaded->model = sharedModel(folderPath, &context);
            if (textModel)
                loaded->tokenizer = loadTokenizer(folderPath);
            return std::shared_ptr<const LoadedLensModel>(std::move(loaded));
        },
        [this, folder](std::shared_ptr<const LoadedLensModel> loaded) { modelReady(std::move(loaded), folder); },
        error);
}

void LensPanel::modelReady(std::shared_ptr<const LoadedLensModel> loaded, const QString &folder)
{
    m_loaded = std::move(loaded);
    m_results.clear();
    m_modelBox->setFolder(folder);
    const ModelConfig &c = m_loaded->model->info().config;
    const lens::Support support = lens::support(*m_loaded->model);
    QString lacks;
    for (const std::string &reason : support.reasons)
        lacks += QStringLiteral("<br>") + text(reason).toHtmlEscaped();
    m_modelBox->setDescription(tr("<b>%1</b> \u00b7 %2 \u00b7 %3 layers \u00d7 %4 heads%5")
                                   .arg(QFileInfo(folder).fileName().toHtmlEscaped(), text(c.modelType))
                                   .arg(c.layers)
                                   .arg(c.heads)
                                   .arg(lacks));
    if (!m_loaded->tokenizer) {
        // A ViT's target is a class: the text presets' tokens mean nothing to it.
        bool isClass = false;
        m_target->text().toInt(&isClass);
        if (!isClass)
            m_target->clear();
        m_contrast->clear();
    }
    setStatus(tr("Loaded %1").arg(folder));
    updateControls();
    if (!runsInline()) {
        // Show a view the model has the parts for.
        const bool textModel = bool(m_loaded->tokenizer);
        if (textModel == isImageView(currentFigureName()))
            setCurrentFigure(textModel ? QStringLiteral("patching") : QStringLiteral("relevance"));
        else
            run(nullptr);
    }
    releaseHeldOptions();
}

void LensPanel::usePreset(int index)
{
    if (index < 0 || index >= int(std::size(kPresets)))
        return;
    const Preset &preset = kPresets[index];
    m_preset->setCurrentIndex(index);
    m_text->setText(text(preset.text));
    m_corrupted->setText(text(preset.corrupted));
    m_target->setText(text(preset.target));
    m_contrast->setText(text(preset.contrast));
    inputsChanged();
    if (m_loaded && !runsInline())
        run(nullptr);
}

void LensPanel::inputsChanged()
{
    m_runJob.cancel();
    m_results.clear();
    refresh();
}

// ---------------------------------------------------------------------------------------------
// Runs

LensSettings LensPanel::settingsFor(LensMethod method, QString *error) const
{
    LensSettings s;
    s.model = m_loaded->model;
    s.tokenizer = m_loaded->tokenizer;
    s.text = m_text->text().toStdString();
    s.corrupted = m_corrupted->text().toStdString();
    s.target = m_target->text().toStdString();
    s.contrast = m_contrast->text().toStdString();
    s.integratedSteps = m_steps->value();
    s.method = method;
    if (!isTextMethod(method) && m_loaded->model->info().capabilities.patchGrid) {
        try {
            std::string image = m_image->text().toStdString();
            if (image.empty()) {
                const auto files = vision::imageFilesIn(m_loaded->model->info().folder, 1);
                if (files.empty())
                    throw Error("--image: give an image file (the model folder " + m_loaded->model->info().folder +
                                " holds none)");
                image = files.front();
            }
            s.pixelValues = preprocessImage(image, preprocessingOf(*m_loaded->model));
        } catch (const std::exception &e) {
            fail(error, QString::fromUtf8(e.what()));
        }
    }
    return s;
}

bool LensPanel::run(QString *error)
{
    return runView(currentFigureName(), error);
}

bool LensPanel::runView(const QString &view, QString *error)
{
    LensMethod method;
    if (!methodOfView(view.toStdString(), method))
        return fail(error, tr("%1 is not a view of the Lens").arg(view));
    if (m_results.count(method)) {
        refresh();
        return true;
    }
    if (!m_loaded)
        return fail(error, tr("open a model first (a text model with an LM head, or a ViT)"));
    QString problem;
    const LensSettings settings = settingsFor(method, &problem);
    if (!problem.isEmpty()) {
        setStatus(problem, true);
        return fail(error, problem);
    }
    setStatus(tr("Running %1\u2026").arg(view));
    const bool started = m_runJob.start(
        jobs(), tr("Lens: %1").arg(view),
        [settings](JobContext &context) {
            return std::shared_ptr<const LensResult>(std::make_shared<LensResult>(computeLens(settings, &context)));
        },
        [this, view](std::shared_ptr<const LensResult> result) {
            m_results[result->method] = std::move(result);
            setStatus(tr("%1: done").arg(view));
            refresh();
        },
        &problem);
    if (m_runJob.isRunning())
        connect(m_runJob.handle(), &widgets::JobHandle::finished, this, [this](bool, bool cancelled, const QString &) {
            updateControls();
            if (cancelled)
                setStatus(tr("Cancelled"));
        });
    updateControls();
    if (!started)
        return fail(error, problem);
    return true;
}

void LensPanel::figureShown()
{
    updateControls();
    if (m_loaded && !runsInline() && !m_modelJob.isRunning())
        run(nullptr);
}

void LensPanel::updateControls()
{
    const QString view = currentFigureName();
    const bool image = isImageView(view);
    m_corrupted->setEnabled(view == "patching" || view == "patching-heads");
    m_normalised->setEnabled(view == "patching" || view == "patching-heads");
    m_contrast->setEnabled(!image && view != "saliency" && view != "ig");
    m_steps->setEnabled(view == "ig");
    m_image->setEnabled(image);
    m_text->setEnabled(!image);
    m_preset->setEnabled(!image);
    m_run->setEnabled(bool(m_loaded));
    m_cancel->setEnabled(m_runJob.isRunning());
}

void LensPanel::refresh()
{
    auto result = [this](LensMethod method) -> const LensResult * {
        const auto found = m_results.find(method);
        return found == m_results.end() ? nullptr : found->second.get();
    };
    const QString none = m_loaded ? tr("Press Run") : tr("Open a model");
    if (const LensResult *r = result(LensMethod::LogitLens))
        showLogitLens(*m_logitLensView, *r);
    else
        clearHeatmap(*m_logitLensView, tr("Logit lens \u00b7 %1").arg(none));
    if (const LensResult *r = result(LensMethod::DirectLogitAttribution))
        showDirectLogitAttribution(*m_attributionView, *r);
    else
        clearHeatmap(*m_attributionView, tr("Direct logit attribution \u00b7 %1").arg(none));
    if (const LensResult *r = result(LensMethod::Ablation))
        showAblation(*m_ablationView, *r);
    else
        clearHeatmap(*m_ablationView, tr("Head ablation \u00b7 %1").arg(none));
    if (const LensResult *r = result(LensMethod::Patching)) {
        showPatching(*m_patchingView, *r, false, m_normalised->isChecked());
        showPatching(*m_patchingHeadsView, *r, true, m_normalised->isChecked());
    } else {
        clearHeatmap(*m_patchingView, tr("Activation patching \u00b7 %1").arg(none));
        clearHeatmap(*m_patchingHeadsView, tr("Activation patching of heads \u00b7 %1").arg(none));
    }
    if (const LensResult *r = result(LensMethod::Attribution)) {
        showSaliency(*m_saliencyView, *r, false);
        showSaliency(*m_integratedView, *r, true);
    } else {
        clearBars(*m_saliencyView, tr("Gradient \u00d7 input \u00b7 %1").arg(none));
        clearBars(*m_integratedView, tr("Integrated gradients \u00b7 %1").arg(none));
    }
    if (const LensResult *r = result(LensMethod::Relevance))
        showPatchMap(*m_relevanceView, *r, false);
    else
        clearHeatmap(*m_relevanceView, tr("Chefer relevance (ViT) \u00b7 %1").arg(none));
    if (const LensResult *r = result(LensMethod::AttentionFlow))
        showPatchMap(*m_flowView, *r, true);
    else
        clearHeatmap(*m_flowView, tr("Attention flow (ViT) \u00b7 %1").arg(none));
}

// ---------------------------------------------------------------------------------------------
// Options

QVariantMap LensPanel::options() const
{
    QVariantMap o;
    // Without a model there is nothing a session could restore (every view needs one).
    if (m_modelBox->folder().isEmpty())
        return o;
    o["model"] = m_modelBox->folder();
    o["text"] = m_text->text();
    o["corrupted"] = m_corrupted->text();
    o["target"] = m_target->text();
    o["contrast"] = m_contrast->text();
    if (!m_image->text().isEmpty())
        o["image"] = m_image->text();
    optionSet().write(o, {"ig-steps", "normalise"});
    o["view"] = currentFigureName();
    return o;
}

bool LensPanel::checkOptions(const QVariantMap &options, QString *error)
{
    if (options.contains("image") && !options["image"].toString().isEmpty() &&
        !QFileInfo(options["image"].toString()).isFile())
        return fail(error, tr("--image: %1 is not a file").arg(options["image"].toString()));
    return true;
}

bool LensPanel::openSource(const QVariantMap &options, bool *loading, QString *error)
{
    *loading = false;
    if (!options.contains("model") || QDir(options["model"].toString()).absolutePath() == m_modelBox->folder())
        return true;
    if (!openModel(options["model"].toString(), error))
        return false;
    *loading = m_modelJob.isRunning();
    return true;
}

bool LensPanel::applyOptions(const QVariantMap &options, const QString &view, QString *error)
{
    bool changed = false;
    for (const auto &[name, edit] :
         {std::pair{"text", m_text}, std::pair{"corrupted", m_corrupted}, std::pair{"target", m_target},
          std::pair{"contrast", m_contrast}, std::pair{"image", m_image}}) {
        if (options.contains(name) && options[name].toString() != edit->text()) {
            edit->setText(options[name].toString());
            changed = true;
        }
    }
    if (changed)
        m_preset->setCurrentIndex(m_preset->count() - 1);
    const int steps = m_steps->value();
    optionSet().apply(options);
    if (changed)
        inputsChanged();
    else if (m_steps->value() != steps)
        m_results.erase(LensMethod::Attribution);
    refresh();
    if (!m_loaded) {
        // tessera-cli exports at once: say what is missing instead of exporting a placeholder.
        if (runsInline() && !options.isEmpty())
            return fail(error, tr("the Lens needs a model: --model DIR (a text model with an LM head, or a ViT)"));
        return true;
    }
    if (runsInline())
        return runView(view, error);
    if (view == currentFigureName())
        run(nullptr);
    return true;
}

} // namespace tessera::lenspanel
