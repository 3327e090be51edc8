#include "AttentionPanel.h"

#include "AttentionComputation.h"

#include "tessera/core/AttentionAnalysis.h"
#include "tessera/core/Error.h"
#include "tessera/core/Pipelines.h"
#include "tessera/widgets/AttentionGridView.h"
#include "tessera/widgets/BarChartView.h"
#include "tessera/widgets/CompositeFigure.h"
#include "tessera/widgets/DataHub.h"
#include "tessera/widgets/HeatmapView.h"
#include "tessera/widgets/JobRunner.h"
#include "tessera/widgets/PlotFigure.h"
#include "tessera/widgets/TokenLinkView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace tessera::attentionlens {
namespace {

// The step-through matrices, in the order the notes compute them (003:164-169).
const char *const kStepNames[] = {"step.query",  "step.key",     "step.value", "step.scores",
                                  "step.scaled", "step.weights", "step.output"};
// The notes' examples; the second list pairs with the first for comparison (the one-word
// negation "안" flips the meaning, 003:10, 37).
const QStringList kTexts = {"The cat sat on the mat.", "이 강의 진짜 도움 많이 됐어요!", "나는 학교에 간다",
                            "그녀는 사과를 먹었다",    "고양이가 나무 위에 있다",        "HuggingFace is based in NYC"};
const QStringList kSecondTexts = {"이 강의 진짜 도움 안 됐어요!", "The dog sat on the mat.", "나는 학교에 안 간다"};

QStringList tokenLabels(const Capture &capture)
{
    QStringList labels;
    for (const std::string &label : capture.labels)
        labels << QString::fromStdString(label);
    return labels;
}

} // namespace

plugins::PanelDescriptor AttentionPanel::descriptor()
{
    return {QStringLiteral("attention"),
            tr("Attention"),
            tr("One head, every layer and head, active and lazy queries, two inputs compared"),
            Qt::ALT | Qt::Key_3,
            50,
            {}};
}

AttentionPanel::AttentionPanel(const plugins::PanelContext &context, QWidget *parent)
    : PanelBase(context, descriptor(), parent), m_job(this, [this](const QString &message) {
          m_runError = message;
          statusLine()->setText(tr("Could not run: %1").arg(message));
      })
{
    buildUi();
    declareOptions();
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, &AttentionPanel::run);
    if (context.hub)
        connect(context.hub, &widgets::DataHub::textsChanged, this, [this](const QString &topic, const QString &name) {
            if (topic != widgets::DataHub::ModelFolders)
                return;
            refreshModels();
            // The model just opened in the studio becomes the one explored, unless one is chosen.
            if (m_folder.isEmpty()) {
                m_folder = this->context().hub->text(topic, name);
                m_model->setCurrentText(name);
                scheduleRun();
            }
        });
    refreshModels();
}

void AttentionPanel::buildUi()
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *splitter = new QSplitter(Qt::Horizontal);
    layout->addWidget(splitter);

    auto *controls = new QWidget;
    auto *column = new QVBoxLayout(controls);
    auto *inputBox = new QGroupBox(tr("Input"));
    auto *form = new QFormLayout(inputBox);
    m_model = new QComboBox;
    m_model->setToolTip(tr("Text models opened in the studio (Models panel), or open a checkpoint folder here."));
    auto *openButton = new QPushButton(tr("Open\u2026"));
    auto *modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(openButton);
    form->addRow(tr("Model"), modelRow);
    m_text = new QComboBox;
    m_text->setEditable(true);
    m_text->addItems(kTexts);
    m_text->setMinimumContentsLength(24);
    form->addRow(tr("Text"), m_text);
    m_compare = new QCheckBox(tr("Use a second text"));
    form->addRow(m_compare);
    m_secondRole = new QComboBox;
    m_secondRole->addItem(tr("to compare with"), "compare");
    m_secondRole->addItem(tr("as sentence B of a pair"), "pair");
    m_secondRole->addItem(tr("a second checkpoint (folder)"), "checkpoint");
    m_secondRole->setToolTip(
        tr("Compare two inputs side by side, or feed both as one pair ([CLS] A [SEP] B [SEP], segments drawn)."));
    m_secondRole->setEnabled(false);
    form->addRow(tr("Second text"), m_secondRole);
    m_secondText = new QComboBox;
    m_secondText->setEditable(true);
    m_secondText->addItems(kSecondTexts);
    m_secondText->setEnabled(false);
    form->addRow(tr("Second"), m_secondText);
    column->addWidget(inputBox);

    auto *viewBox = new QGroupBox(tr("View"));
    auto *viewForm = new QFormLayout(viewBox);
    m_layer = new QSpinBox;
    m_layer->setRange(0, 0);
    viewForm->addRow(tr("Layer"), m_layer);
    m_head = new QComboBox;
    m_head->setToolTip(tr("One head, the mean or maximum over heads, or the rollout across layers (Abnar & Zuidema)."));
    viewForm->addRow(tr("Head"), m_head);
    m_topU = new QSpinBox;
    m_topU->setRange(1, 64);
    m_topU->setValue(3);
    m_topU->setToolTip(tr("How many of the most active queries (farthest from uniform) to mark \u2605"));
    viewForm->addRow(tr("Active queries u"), m_topU);
    m_showMasks = new QCheckBox(tr("Draw masked cells grey"));
    m_showMasks->setChecked(true);
    m_showMasks->setToolTip(tr("Cells a mask removes (the causal future, keys beyond a sliding window, padded keys) "
                               "drawn grey instead of as 0"));
    viewForm->addRow(m_showMasks);
    m_padTo = new QSpinBox;
    m_padTo->setRange(0, 512);
    m_padTo->setSpecialValueText(tr("no padding"));
    m_padTo->setToolTip(tr("Pad the input with [PAD] to this many tokens, as a batch of longer sentences would "
                           "(001:23-72): the attention mask keeps the padding out."));
    viewForm->addRow(tr("Pad to"), m_padTo);
    m_applyMasks = new QCheckBox(tr("Apply the masks"));
    m_applyMasks->setChecked(true);
    m_applyMasks->setToolTip(
        tr("Untick to compute attention with no padding or causal mask and see what they prevent"));
    viewForm->addRow(m_applyMasks);
    column->addWidget(viewBox);
    column->addStretch(1);
    splitter->addWidget(controls);

    auto *right = new QWidget;
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_headView = new widgets::HeatmapView;
    m_headView->setAxisTitles(tr("key"), tr("query"));
    m_headView->setValueName(tr("weight"));
    m_headView->setValueRange(0.0, 1.0);
    addFigure("head", tr("Head"), m_headView, m_headView);
    m_links = new widgets::TokenLinkView;
    addFigure("links", tr("Token links"), m_links, m_links);
    m_grid = new widgets::AttentionGridView;
    addFigure("model", tr("Model view"), m_grid, m_grid);
    m_step = new widgets::CompositeFigure(tr("One head step by step"));
    m_step->setColumns(4);
    const QStringList stepTitles = {tr("Q = X W_Q"),
                                    tr("K = X W_K"),
                                    tr("V = X W_V"),
                                    tr("Q K\u1d40"),
                                    tr("Q K\u1d40 / \u221ad\u2096 (+ mask)"),
                                    tr("softmax"),
                                    tr("softmax \u00b7 V")};
    for (int i = 0; i < stepTitles.size(); ++i) {
        auto *view = m_step->addFigure(new widgets::HeatmapView);
        view->setFigureTitle(stepTitles[i]);
        const bool square = i >= 3 && i <= 5;
        view->setAxisTitles(square ? tr("key") : tr("d\u2096"), tr("token"));
        view->setColorMap(i == 5 ? widgets::ColorMap::Viridis : widgets::ColorMap::Diverging);
        view->setSymmetricRange(i != 5);
        m_stepViews.append(view);
    }
    m_step->setPrimary(5);
    addFigure("step", tr("Step through"), m_step, m_step);
    m_queries = new widgets::BarChartView;
    m_queries->setValueTitle(tr("KL(uniform \u2016 attention), nats"));
    addFigure("queries", tr("Active / lazy queries"), m_queries, m_queries);
    m_entropy = new widgets::HeatmapView;
    m_entropy->setAxisTitles(tr("head"), tr("layer"));
    m_entropy->setValueName(tr("mean entropy (nats)"));
    m_entropy->setColorMap(widgets::ColorMap::Magma);
    addFigure("entropy", tr("Entropy"), m_entropy, m_entropy);
    m_compareView = new widgets::HeatmapView;
    m_compareView->setColorMap(widgets::ColorMap::Diverging);
    m_compareView->setSymmetricRange(true);
    addFigure("compare", tr("Compare"), m_compareView, m_compareView);
    m_predictions = new widgets::BarChartView;
    m_predictions->setValueTitle(tr("probability"));
    addFigure("predictions", tr("Predictions"), m_predictions, m_predictions);
    rightLayout->addWidget(figureTabs(), 1);
    statusLine()->setText(
        tr("Open a BERT or GPT-2 checkpoint in the Models panel (or with Open\u2026 here), then type a text."));
    rightLayout->addWidget(statusLine());
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);

    connect(openButton, &QPushButton::clicked, this, [this]() {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open a text model"));
        if (folder.isEmpty())
            return;
        m_folder = folder;
        m_model->addItem(QFileInfo(folder).fileName(), folder);
        m_model->setCurrentIndex(m_model->count() - 1);
        scheduleRun();
    });
    connect(m_model, qOverload<int>(&QComboBox::activated), this, [this](int index) {
        m_folder = m_model->itemData(index).toString();
        scheduleRun();
    });
    connect(m_text, &QComboBox::currentTextChanged, this, &AttentionPanel::scheduleRun);
    connect(m_secondText, &QComboBox::currentTextChanged, this, [this]() {
        if (m_compare->isChecked())
            scheduleRun();
    });
    connect(m_compare, &QCheckBox::toggled, this, [this](bool on) {
        m_secondText->setEnabled(on);
        m_secondRole->setEnabled(on);
        scheduleRun();
    });
    connect(m_secondRole, qOverload<int>(&QComboBox::activated), this, [this]() {
        // The second field holds a text, or for a checkpoint the folders opened in the studio.
        const bool checkpoint = m_secondRole->currentData().toString() == "checkpoint";
        const QSignalBlocker block(m_secondText);
        m_secondText->clear();
        if (checkpoint) {
            if (context().hub)
                for (const QString &name : context().hub->textNames(widgets::DataHub::ModelFolders))
                    m_secondText->addItem(context().hub->text(widgets::DataHub::ModelFolders, name));
            m_secondText->setToolTip(
                tr("A checkpoint folder with the same architecture (type or pick one opened in the studio)"));
        } else {
            m_secondText->addItems(kSecondTexts);
            m_secondText->setToolTip(QString());
        }
        scheduleRun();
    });
    connect(m_layer, qOverload<int>(&QSpinBox::valueChanged), this, &AttentionPanel::showHead);
    connect(m_head, qOverload<int>(&QComboBox::currentIndexChanged), this, &AttentionPanel::showHead);
    connect(m_topU, qOverload<int>(&QSpinBox::valueChanged), this, &AttentionPanel::showHead);
    connect(m_showMasks, &QCheckBox::toggled, this, &AttentionPanel::showHead);
    connect(m_applyMasks, &QCheckBox::toggled, this, &AttentionPanel::scheduleRun);
    connect(m_padTo, qOverload<int>(&QSpinBox::valueChanged), this, &AttentionPanel::scheduleRun);
    connect(m_grid, &widgets::AttentionGridView::headClicked, this, [this](int layer, int head) {
        m_layer->setValue(layer);
        m_head->setCurrentIndex(head);
        figureTabs()->setCurrentWidget(m_headView);
    });
    for (widgets::PlotFigure *view :
         std::initializer_list<widgets::PlotFigure *>{m_headView, m_queries, m_entropy, m_compareView})
        connect(view, &widgets::PlotFigure::readoutChanged, this, &PanelWidget::statusMessage);
}

void AttentionPanel::runStep()
{
    if (!m_result || figureTabs()->currentWidget() != m_step)
        return;
    bool numeric = false;
    const int head = m_head->currentData().toString().toInt(&numeric);
    if (!numeric) {
        m_step->setFigureTitle(tr("Choose one head (not an aggregate) to step through"));
        return;
    }
    const int layer = m_layer->value();
    const QString key = QStringLiteral("%1/%2/%3/%4/%5")
                            .arg(layer)
                            .arg(head)
                            .arg(m_text->currentText())
                            .arg(m_padTo->value())
                            .arg(m_applyMasks->isChecked());
    if (key == m_stepKey)
        return;
    m_stepKey = key;
    const auto result = m_result;
    QPointer<AttentionPanel> self(this);
    context().jobs->run<ModelOutputs>(
        tr("Step through layer %1, head %2").arg(layer).arg(head),
        [result, layer, head, applyMasks = m_applyMasks->isChecked()](JobContext &context) {
            ModelInputs inputs;
            const int64_t n = int64_t(result->first.encoding.ids.size());
            inputs.integers["input_ids"] = {{1, n}, result->first.encoding.ids};
            if (result->model->info().capabilities.tokenTypes)
                inputs.integers["token_type_ids"] = {{1, n}, result->first.encoding.typeIds};
            CaptureOptions capture;
            capture.attentions = false;
            capture.hiddenStates = false;
            capture.stepLayer = layer;
            capture.stepHead = head;
            capture.applyMasks = applyMasks;
            inputs.integers["attention_mask"] = {{1, n}, result->first.mask};
            return result->model->run(inputs, capture, &context);
        },
        [self, layer, head](ModelOutputs outputs) {
            if (!self || !self->m_result)
                return;
            const QStringList labels = tokenLabels(self->m_result->first);
            const int64_t dk = outputs.at("step.query").shape.back();
            self->m_step->setFigureTitle(
                tr("Layer %1, head %2 step by step (d\u2096 = %3)").arg(layer).arg(head).arg(dk));
            for (int i = 0; i < self->m_stepViews.size(); ++i) {
                const FloatTensor &tensor = outputs.at(kStepNames[i]);
                auto matrix = std::make_shared<Matrix>(tensor.toMatrix(kStepNames[i]));
                const bool square = i >= 3 && i <= 5;
                self->m_stepViews[i]->setMatrix(matrix, labels, square ? labels : QStringList());
            }
        },
        [self](const QString &message) {
            if (self)
                self->statusLine()->setText(tr("Step-through failed: %1").arg(message));
        });
}

void AttentionPanel::refreshModels()
{
    if (!context().hub)
        return;
    for (const QString &name : context().hub->textNames(widgets::DataHub::ModelFolders)) {
        const QString folder = context().hub->text(widgets::DataHub::ModelFolders, name);
        if (m_model->findData(folder) < 0)
            m_model->addItem(name, folder);
    }
}

void AttentionPanel::declareOptions()
{
    plugins::OptionSet &o = optionSet();
    o.addText("model", tr("checkpoint folder of a BERT or GPT-2 model"));
    o.addText("text", tr("the input text"), kTexts.first());
    o.addText("compare", tr("a second text to compare with (empty: none)"));
    o.addText("pair", tr("sentence B: the text and this one as one pair, segments A/B"));
    o.addText("compare-model", tr("a second checkpoint folder: the same text through both, compared"));
    // The layer and head are checked against the model once its capture has arrived.
    o.addText("layer", tr("layer shown (0-based)"), "0");
    o.addText("head", tr("head shown: a number, mean, max or rollout"), "0");
    o.addInt("top-u", tr("active queries marked (1-64)"), 3, 1, 64).rangeNotInHelp();
    o.addInt("pad-to", tr("pad the input with [PAD] to this many tokens (0: none)"), 0, 0, 512).rangeNotInHelp();
    // Compared trimmed and lower-case.
    o.addChoice("masks", tr("apply the padding and causal masks (true/false)"), {"true", "false"}, "true")
        .checkedByPanel();
    addViewOption(tr("the figure shown and exported (also: heatmap = head, grid = model, rollout = head with "
                     "--head rollout; --text-pair = --pair)"),
                  "head");
}

QVariantMap AttentionPanel::options() const
{
    QVariantMap map;
    if (!m_folder.isEmpty())
        map["model"] = m_folder;
    map["text"] = m_text->currentText();
    if (m_compare->isChecked()) {
        const QString role = m_secondRole->currentData().toString();
        map[role == "checkpoint" ? QStringLiteral("compare-model") : role] = m_secondText->currentText();
    }
    map["layer"] = QString::number(m_layer->value());
    map["head"] = m_head->currentData().toString().isEmpty() ? QStringLiteral("0") : m_head->currentData().toString();
    map["top-u"] = QString::number(m_topU->value());
    map["pad-to"] = QString::number(m_padTo->value());
    map["masks"] = m_applyMasks->isChecked() ? "true" : "false";
    map["view"] = currentFigureName();
    return map;
}

QVariantMap AttentionPanel::resolveAliases(const QVariantMap &given) const
{
    // The names of the command-line contract: --text-pair for --pair; views heatmap (one head),
    // grid (the model view) and rollout (the head view showing rollout).
    QVariantMap options = given;
    if (options.contains("text-pair"))
        options["pair"] = options.take("text-pair");
    const QString alias = options.value("view").toString();
    if (alias == "heatmap")
        options["view"] = QStringLiteral("head");
    else if (alias == "grid")
        options["view"] = QStringLiteral("model");
    else if (alias == "rollout") {
        options["view"] = QStringLiteral("head");
        options["head"] = QStringLiteral("rollout");
    }
    return options;
}

bool AttentionPanel::checkOptions(const QVariantMap &options, QString *error)
{
    bool ok = true;
    const int layer = options.value("layer", m_layer->value()).toString().toInt(&ok);
    if (!ok || layer < 0)
        return fail(error, tr("--layer: \"%1\" is not a layer number").arg(options.value("layer").toString()));
    const QString head = options.value("head", QStringLiteral("0")).toString().trimmed().toLower();
    head.toInt(&ok);
    if (!ok && head != "mean" && head != "max" && head != "rollout")
        return fail(error, tr("--head: \"%1\" is not a head number, mean, max or rollout").arg(head));
    const QString masks = options.value("masks").toString().trimmed().toLower();
    if (options.contains("masks") && masks != "true" && masks != "false")
        return fail(error, tr("--masks: \"%1\" is not true or false").arg(masks));
    return true;
}

bool AttentionPanel::openSource(const QVariantMap &options, bool *loading, QString *error)
{
    *loading = false; // the capture runs in applyOptions(), with everything applied
    if (!options.contains("model"))
        return true;
    const QString folder = options["model"].toString();
    if (!QFileInfo::exists(folder + "/config.json"))
        return fail(error, tr("%1: no config.json: not a checkpoint folder").arg(folder));
    m_folder = folder;
    // Shown in the model list too (a session or the command line named it).
    if (m_model->findData(folder) < 0)
        m_model->addItem(QFileInfo(folder).fileName(), folder);
    m_model->setCurrentIndex(m_model->findData(folder));
    return true;
}

bool AttentionPanel::applyOptions(const QVariantMap &options, const QString &view, QString *error)
{
    const int layer = options.value("layer", m_layer->value()).toString().toInt();
    const QString head = options.value("head", QStringLiteral("0")).toString().trimmed().toLower();
    m_topU->setValue(options.value("top-u", m_topU->value()).toString().toInt());
    {
        const QSignalBlocker blockPad(m_padTo);
        const QSignalBlocker blockMasks(m_applyMasks);
        m_padTo->setValue(options.value("pad-to", m_padTo->value()).toString().toInt());
        if (options.contains("masks"))
            m_applyMasks->setChecked(options["masks"].toString().trimmed().toLower() == "true");
    }
    {
        const QSignalBlocker blockText(m_text);
        const QSignalBlocker blockCompare(m_compare);
        const QSignalBlocker blockSecond(m_secondText);
        if (options.contains("text"))
            m_text->setEditText(options["text"].toString());
        for (const char *role : {"compare", "pair", "compare-model"})
            if (options.contains(role)) {
                m_compare->setChecked(!options[role].toString().isEmpty());
                m_secondText->setEnabled(m_compare->isChecked());
                m_secondRole->setEnabled(m_compare->isChecked());
                m_secondRole->setCurrentIndex(m_secondRole->findData(
                    QString(role) == "compare-model" ? QStringLiteral("checkpoint") : QString(role)));
                m_secondText->setEditText(options[role].toString());
            }
    }
    setCurrentFigure(view);
    m_runError.clear();
    if (options.contains("model") || options.contains("text") || options.contains("compare") ||
        options.contains("pair") || options.contains("compare-model") || options.contains("pad-to") ||
        options.contains("masks")) {
        if (context().jobs && context().jobs->isInline())
            run();
        else
            scheduleRun();
    }
    if (!m_runError.isEmpty()) {
        if (error)
            *error = m_runError;
        return false;
    }
    // Before the first capture arrives (a session restored in the GUI, where the run is a job),
    // the layer and head are kept and applied when it does.
    if (!m_result) {
        if (options.contains("layer"))
            m_pendingLayer = layer;
        if (options.contains("head"))
            m_pendingHead = head;
    }
    if (m_result && options.contains("layer")) {
        const int layers = int(m_result->first.layers->size());
        if (layer >= layers) {
            if (error)
                *error = tr("--layer: %1 does not exist (the model has %2 layers)").arg(layer).arg(layers);
            return false;
        }
        m_layer->setValue(layer);
    }
    if (m_result && options.contains("head")) {
        const int index = m_head->findData(head);
        if (index < 0) {
            if (error)
                *error = tr("--head: %1 does not exist (the model has %2 heads)")
                             .arg(head, QString::number(m_head->count() - 3));
            return false;
        }
        m_head->setCurrentIndex(index);
    }
    return true;
}

void AttentionPanel::scheduleRun()
{
    if (context().jobs && context().jobs->isInline())
        return; // setOptions runs once with everything applied
    m_debounce->start();
}

void AttentionPanel::run()
{
    if (m_folder.isEmpty() || !context().jobs)
        return;
    CaptureSettings settings;
    settings.folder = m_folder.toStdString();
    settings.first = m_text->currentText().toStdString();
    const QString role = m_compare->isChecked() ? m_secondRole->currentData().toString() : QString();
    settings.pair = role == "pair";
    // Two checkpoints: the same text through a second model whose layers and heads match.
    if (role == "checkpoint")
        settings.otherFolder = m_secondText->currentText().toStdString();
    settings.padTo = m_padTo->value();
    settings.applyMasks = m_applyMasks->isChecked();
    if (role == "compare" || role == "pair")
        settings.second = m_secondText->currentText().toStdString();
    statusLine()->setText(tr("Running\u2026"));
    m_job.start(
        context().jobs, tr("Attention of %1").arg(QFileInfo(m_folder).fileName()),
        [settings](JobContext &context) { return captureAttention(settings, context); },
        [this](std::shared_ptr<CaptureResult> result) {
            m_result = std::move(result);
            showResult();
        });
}

void AttentionPanel::showResult()
{
    const ModelConfig &c = m_result->model->info().config;
    {
        const QSignalBlocker blockLayer(m_layer);
        const QSignalBlocker blockHead(m_head);
        m_layer->setRange(0, int(c.layers) - 1);
        const QString current = m_head->currentData().toString();
        m_head->clear();
        // Grouped-query attention: each query head named with the key/value head it reads.
        const int64_t perGroup = c.heads / std::max<int64_t>(1, c.keyValueHeadCount());
        for (int h = 0; h < c.heads; ++h)
            m_head->addItem(perGroup > 1 ? tr("head %1 (key/value head %2)").arg(h).arg(h / perGroup)
                                         : tr("head %1").arg(h),
                            QString::number(h));
        m_head->addItem(tr("mean over heads"), "mean");
        m_head->addItem(tr("max over heads"), "max");
        m_head->addItem(tr("rollout (all layers)"), "rollout");
        m_head->setCurrentIndex(std::max(0, m_head->findData(current)));
        if (m_pendingLayer >= 0 && m_pendingLayer < c.layers)
            m_layer->setValue(m_pendingLayer);
        if (!m_pendingHead.isEmpty() && m_head->findData(m_pendingHead) >= 0)
            m_head->setCurrentIndex(m_head->findData(m_pendingHead));
        m_pendingLayer = -1;
        m_pendingHead.clear();
    }
    m_grid->setFigureTitle(
        tr("Every layer and head, %1 tokens (each scaled to its maximum)").arg(m_result->first.encoding.ids.size()));
    m_grid->setAttentions(m_result->first.layers);

    // Mean entropy of each head over its queries: [layers, heads].
    auto entropy =
        std::make_shared<Matrix>(meanEntropyPerHead(m_result->first, c.layers, c.heads, validKeys(m_result->first)));
    m_entropy->setFigureTitle(tr("Mean attention entropy per head (uniform over %1 tokens = %2 nats)")
                                  .arg(m_result->first.encoding.ids.size())
                                  .arg(std::log(double(m_result->first.encoding.ids.size())), 0, 'f', 2));
    m_entropy->setMatrix(entropy);
    // What the model predicts for this input, beside its attention.
    const Capture &first = m_result->first;
    QStringList predictionLabels;
    QVector<double> probabilities, ids;
    QString predictionTitle;
    if (first.logits.values.empty()) {
        predictionTitle = tr("This checkpoint has no prediction head");
    } else {
        const int64_t vocabulary = first.logits.shape.back();
        const bool fillsMask = m_result->model->info().capabilities.maskedLanguageModel;
        int64_t position = -1;
        if (fillsMask) {
            const std::string maskText = maskToken(*m_result->tokenizer); // [MASK], <mask>
            const int64_t mask = m_result->tokenizer->tokenToId(maskText);
            for (size_t i = 0; i < first.encoding.ids.size() && position < 0; ++i)
                if (first.encoding.ids[i] == mask)
                    position = int64_t(i);
            predictionTitle =
                position < 0
                    ? tr("Write %1 in the text to see what the model fills in").arg(QString::fromStdString(maskText))
                    : tr("Fill-mask at token %1").arg(position);
        } else {
            position = int64_t(first.encoding.ids.size()) - 1;
            predictionTitle = tr("Next token after \u201c%1\u201d").arg(m_text->currentText());
        }
        if (position >= 0)
            for (const auto &[id, probability] :
                 topKSoftmax(&first.logits.values[size_t(position * vocabulary)], vocabulary, 10)) {
                predictionLabels << QString::fromStdString(fillsMask ? m_result->tokenizer->idToToken(id)
                                                                     : m_result->tokenizer->decode({id}, false));
                probabilities << probability;
                ids << double(id);
            }
    }
    m_predictions->setFigureTitle(predictionTitle);
    m_predictions->setBars(predictionLabels, probabilities, ids);

    QString status = tr("%1 \u00b7 %2 tokens \u00b7 %3 layers \u00d7 %4 heads")
                         .arg(QString::fromStdString(c.architecture.empty() ? c.modelType : c.architecture))
                         .arg(m_result->first.encoding.ids.size())
                         .arg(c.layers)
                         .arg(c.heads);
    const AttentionStack &stack = m_result->model->info().attentionStacks.front();
    if (stack.keyValueHeads != stack.queryHeads)
        status += tr(" over %1 key/value heads").arg(stack.keyValueHeads);
    if (stack.slidingWindow > 0)
        status += tr(" \u00b7 sliding window of %1 keys").arg(stack.slidingWindow);
    statusLine()->setText(status);
    showHead();
}

std::vector<int64_t> AttentionPanel::validKeys(const Capture &capture) const
{
    // With the masks applied, padded keys are not part of any distribution; without, they are.
    return m_applyMasks->isChecked() ? capture.mask : std::vector<int64_t>{};
}

Matrix AttentionPanel::selectedMatrix(const Capture &capture) const
{
    const QString head = m_head->currentData().toString();
    const size_t layer = size_t(std::clamp(m_layer->value(), 0, int(capture.layers->size()) - 1));
    if (head == "rollout")
        return capture.rollout.toMatrix("rollout");
    const FloatTensor weights = capture.layer(layer);
    if (head == "mean")
        return attention::meanOverHeads(weights);
    if (head == "max")
        return attention::maxOverHeads(weights);
    return attention::head(weights, head.toInt());
}

void AttentionPanel::showHead()
{
    if (!m_result || m_result->first.layers->empty())
        return;
    const Capture &first = m_result->first;
    const AttentionStack &stack = m_result->model->info().attentionStacks.front();
    const bool causal = stack.causal;
    // The sliding window of this layer, where it has one (keys more than window - 1 back hidden).
    const size_t layerIndex = size_t(m_layer->value());
    const int64_t window =
        stack.slidingWindow > 0 && (stack.slidingLayers.empty() ||
                                    (layerIndex < stack.slidingLayers.size() && stack.slidingLayers[layerIndex]))
            ? stack.slidingWindow
            : 0;
    Matrix matrix = selectedMatrix(first);
    const bool oneLayer = m_head->currentData().toString() != "rollout";
    if (m_showMasks->isChecked() && m_applyMasks->isChecked())
        for (int64_t q = 0; q < matrix.rows; ++q)
            for (int64_t k = 0; k < matrix.cols; ++k)
                if ((causal && k > q) || (oneLayer && window > 0 && k <= q - window) ||
                    (size_t(k) < first.mask.size() && !first.mask[size_t(k)]))
                    matrix.at(q, k) = std::nanf("");
    const QStringList labels = tokenLabels(first);
    const QString which = m_head->currentText();
    m_headView->setFigureTitle(
        m_head->currentData().toString() == "rollout" ? tr("Attention rollout over %1 layers").arg(first.layers->size())
        : window > 0 ? tr("Layer %1, %2 (sliding window of %3 keys)").arg(m_layer->value()).arg(which).arg(window)
                     : tr("Layer %1, %2").arg(m_layer->value()).arg(which));
    m_headView->setMatrix(std::make_shared<Matrix>(matrix), labels, labels);
    // Segment A/B of a sentence pair: a boundary where token_type_ids change.
    std::vector<int> boundaries;
    for (size_t i = 1; i < first.encoding.typeIds.size(); ++i)
        if (first.encoding.typeIds[i] != first.encoding.typeIds[i - 1] || (first.mask[i] != first.mask[i - 1]))
            boundaries.push_back(int(i));
    m_headView->setBoundaries(boundaries);
    m_grid->setSelected(m_layer->value(), m_head->currentData().toString().toInt());

    // Token links: one head in one colour; for mean or max every head of the layer overlaid.
    QList<widgets::LinkLayer> links;
    const QString choice = m_head->currentData().toString();
    if (choice == "mean" || choice == "max") {
        const FloatTensor layer = first.layer(size_t(m_layer->value()));
        const int heads = int(layer.shape[1]);
        for (int h = 0; h < heads; ++h)
            links.append(
                {tr("head %1").arg(h), std::make_shared<Matrix>(attention::head(layer, h)), widgets::seriesColor(h)});
    } else {
        links.append({which, std::make_shared<Matrix>(selectedMatrix(first)), widgets::seriesColor(0)});
    }
    m_links->setFigureTitle(choice == "rollout" ? tr("Rollout links")
                            : (choice == "mean" || choice == "max")
                                ? tr("Layer %1: every head overlaid").arg(m_layer->value())
                                : tr("Layer %1: %2").arg(m_layer->value()).arg(which));
    m_links->setTokens(labels);
    m_links->setLayers(links);
    runStep();

    // Active and lazy queries of the selected map.
    const Matrix plain = selectedMatrix(first);
    const std::vector<double> distance = queryDistances(plain, first.mask, causal, m_applyMasks->isChecked());
    const std::vector<int64_t> top = attention::topIndices(distance, m_topU->value());
    QStringList queryLabels;
    QVector<double> values;
    for (int64_t q = 0; q < plain.rows; ++q) {
        const bool active = std::find(top.begin(), top.end(), q) != top.end();
        queryLabels << (active ? QStringLiteral("\u2605 ") : QString()) + labels.value(int(q));
        values << (std::isfinite(distance[size_t(q)]) ? distance[size_t(q)] : 0.0);
    }
    m_queries->setFigureTitle(
        tr("Distance from uniform per query, %1 (\u2605 = top %2 active)").arg(which).arg(m_topU->value()));
    m_queries->setBars(queryLabels, values);

    if (m_result->second.layers->empty()) {
        m_compareView->setFigureTitle(tr("Tick \u201cCompare with a second text\u201d to see the difference"));
        m_compareView->setMatrix(nullptr);
        return;
    }
    const Capture &second = m_result->second;
    if (first.encoding.ids.size() == second.encoding.ids.size()) {
        m_compareView->setFigureTitle(m_result->other ? tr("Difference (first \u2212 second checkpoint), %1").arg(which)
                                                      : tr("Difference (first \u2212 second text), %1").arg(which));
        m_compareView->setAxisTitles(tr("key"), tr("query"));
        m_compareView->setValueName(tr("\u0394 weight"));
        m_compareView->setMatrix(
            std::make_shared<Matrix>(attention::difference(selectedMatrix(first), selectedMatrix(second))), labels,
            labels);
    } else {
        // Different token counts (the negation adds a token): compare each head's mean entropy.
        const ModelConfig &c = m_result->model->info().config;
        auto change = std::make_shared<Matrix>(entropyChangePerHead(first, second, c.layers, c.heads));
        m_compareView->setFigureTitle(tr("Mean entropy change per head (first \u2212 second; %1 vs %2 tokens)")
                                          .arg(first.encoding.ids.size())
                                          .arg(second.encoding.ids.size()));
        m_compareView->setAxisTitles(tr("head"), tr("layer"));
        m_compareView->setValueName(tr("\u0394 entropy (nats)"));
        m_compareView->setMatrix(change);
    }
}

} // namespace tessera::attentionlens
