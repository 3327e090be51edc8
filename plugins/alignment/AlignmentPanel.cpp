#include "AlignmentPanel.h"

#include "tessera/widgets/AttentionGridView.h"
#include "tessera/widgets/BarChartView.h"
#include "tessera/widgets/HeatmapView.h"
#include "tessera/widgets/PlotFigure.h"
#include "tessera/widgets/TokenLinkView.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tessera::alignment {
namespace {

// The notes' Korean -> English examples (003:92-136), then dates as the dates recipe writes them.
const QStringList kSources = {"나는 학교에 간다", "고양이가 나무 위에 있다", "나는 사과를 좋아한다", "2026년 12월 2일",
                              "translate English to German: The house is wonderful."};

QStringList toQt(const std::vector<std::string> &labels)
{
    QStringList out;
    for (const std::string &label : labels)
        out << QString::fromStdString(label);
    return out;
}

} // namespace

plugins::PanelDescriptor AlignmentPanel::descriptor()
{
    return {QStringLiteral("alignment"),
            tr("Alignment"),
            tr("An encoder-decoder (T5, BART) translating: which source tokens each target token reads, by head, "
               "layer and step, with the beams it considered"),
            Qt::ALT | Qt::SHIFT | Qt::Key_A,
            108,
            {}};
}

bool AlignmentPanel::fits(const ModelCapabilities &can)
{
    return can.encoderDecoder && can.textInput;
}

AlignmentPanel::AlignmentPanel(const plugins::PanelContext &context, QWidget *parent)
    : PanelBase(context, descriptor(), parent), m_job(this, errorsToStatus())
{
    addOpener(
        [](const QString &path) {
            return QFileInfo(path).isDir() && plugins::ModelSourceBox::folderFits(path, &AlignmentPanel::fits);
        },
        &AlignmentPanel::openModel);
    buildUi();
    declareOptions();
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(300);
    connect(m_debounce, &QTimer::timeout, this, [this] { run(nullptr); });
    m_modelBox->followStudio(context.hub, &AlignmentPanel::fits, plugins::ModelSourceBox::Follow::WhenEmpty,
                             [this] { return m_job.isRunning(); });
    showMaps();
}

void AlignmentPanel::buildUi()
{
    auto *controls = new QWidget;
    auto *column = new QVBoxLayout(controls);
    m_modelBox = modelSource({tr("No model. Open an encoder-decoder checkpoint (T5, BART, a dates run)."),
                              tr("A checkpoint folder (config.json, model.safetensors and the tokenizer files)"),
                              tr("Open an encoder-decoder"), QString()},
                             [this](const QString &folder, QString *error) { return openModel(folder, error); });
    column->addWidget(m_modelBox);

    auto *input = new QGroupBox(tr("Input"));
    auto *form = new QFormLayout(input);
    m_source = new QComboBox;
    m_source->setEditable(true);
    m_source->setInsertPolicy(QComboBox::NoInsert);
    m_source->addItems(kSources);
    m_source->setToolTip(tr("The text the encoder reads"));
    form->addRow(tr("Source"), m_source);
    m_target = new QLineEdit;
    m_target->setPlaceholderText(tr("empty: the model writes it"));
    m_target->setToolTip(tr("A target to score and inspect (teacher forcing); leave it empty to let the model "
                            "generate one"));
    form->addRow(tr("Target"), m_target);
    m_beams = new QSpinBox;
    m_beams->setRange(1, 8);
    m_beams->setToolTip(tr("1: greedy decoding; more: beam search over that many hypotheses (the best is shown; "
                           "all are listed under Beams)"));
    form->addRow(tr("Beams"), m_beams);
    m_tokens = new QSpinBox;
    m_tokens->setRange(1, 256);
    m_tokens->setValue(32);
    m_tokens->setToolTip(tr("The most tokens generation writes"));
    form->addRow(tr("Max tokens"), m_tokens);
    column->addWidget(input);

    auto *view = new QGroupBox(tr("View"));
    auto *viewForm = new QFormLayout(view);
    m_stack = new QComboBox;
    m_stack->addItem(tr("cross-attention (target \u2192 source)"), "cross");
    m_stack->addItem(tr("encoder self-attention"), "encoder");
    m_stack->addItem(tr("decoder self-attention (causal)"), "decoder");
    m_stack->setToolTip(tr("Which of the three attention stacks of an encoder-decoder is drawn"));
    viewForm->addRow(tr("Attention"), m_stack);
    m_layer = new QComboBox;
    m_layer->setToolTip(tr("One layer, or the mean over every layer"));
    viewForm->addRow(tr("Layer"), m_layer);
    m_head = new QComboBox;
    m_head->setToolTip(tr("One head, or the mean over the layer's heads"));
    viewForm->addRow(tr("Head"), m_head);
    m_step = new QSlider(Qt::Horizontal);
    m_step->setRange(0, 0);
    m_step->setToolTip(tr("The decoder's step: which source tokens each head reads while writing this target "
                          "token (the Step view)"));
    viewForm->addRow(tr("Step"), m_step);
    column->addWidget(view);
    column->addWidget(statusLine());
    column->addStretch(1);
    QScrollArea *scroll = placeControls(controls);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFixedWidth(320);

    m_map = addFigure("alignment", tr("Alignment"), new widgets::HeatmapView);
    m_map->setValueName(tr("attention weight"));
    m_links = addFigure("links", tr("Links"), new widgets::TokenLinkView);
    m_grid = addFigure("model", tr("Every head"), new widgets::AttentionGridView);
    m_stepView = addFigure("step", tr("Step"), new widgets::HeatmapView);
    m_stepView->setValueName(tr("attention weight"));
    m_stepView->setAxisTitles(tr("source token"), tr("head"));
    m_beamsView = addFigure("beams", tr("Beams"), new widgets::BarChartView);
    m_beamsView->setValueTitle(tr("probability of the whole target"));

    connect(m_grid, &widgets::AttentionGridView::headClicked, this, [this](int layer, int head) {
        m_layer->setCurrentIndex(std::max(0, m_layer->findData(QString::number(layer))));
        m_head->setCurrentIndex(std::max(0, m_head->findData(QString::number(head))));
        setCurrentFigure("alignment");
    });
    for (QComboBox *box : {m_stack, m_layer, m_head})
        connect(box, &QComboBox::currentIndexChanged, this, [this] { showMaps(); });
    connect(m_step, &QSlider::valueChanged, this, [this] { showMaps(); });
    connect(m_source, &QComboBox::currentTextChanged, this, [this] { scheduleRun(); });
    connect(m_target, &QLineEdit::textChanged, this, [this] { scheduleRun(); });
    for (QSpinBox *box : {m_beams, m_tokens})
        connect(box, &QSpinBox::valueChanged, this, [this] { scheduleRun(); });
}

void AlignmentPanel::declareOptions()
{
    plugins::OptionSet &o = optionSet();
    o.addText("model", tr("an encoder-decoder checkpoint folder (T5, BART)"));
    o.addText("source", tr("the source text"), kSources.front());
    o.addText("target", tr("a target to inspect (empty: the model writes it)"));
    o.addInt("beams", tr("beam search width (1: greedy)"), 1, 1, 8).bind(m_beams);
    o.addInt("tokens", tr("the most tokens generation writes"), 32, 1, 256).bind(m_tokens);
    o.addChoice("stack", tr("which attention: cross, encoder or decoder"), {"cross", "encoder", "decoder"}, "cross")
        .bind(m_stack);
    o.addText("layer", tr("a layer number, or mean (every layer)"), "mean");
    o.addText("head", tr("a head number, or mean (every head)"), "mean");
    o.addInt("step", tr("the target token of the Step view (0 = the first)"), 0, 0, 4096);
    addViewOption(tr("the view"), "alignment");
}

bool AlignmentPanel::openModel(const QString &folder, QString *error)
{
    const QString absolute = QDir(folder).absolutePath();
    ModelCapabilities can;
    try {
        can = folderCapabilities(absolute.toStdString());
    } catch (const std::exception &e) {
        return fail(error, QString::fromUtf8(e.what()));
    }
    if (!fits(can))
        return fail(error, tr("%1 is no text encoder-decoder: the alignment view reads T5 and BART checkpoints "
                              "(the attention explorer reads encoders and decoders)")
                               .arg(absolute));
    m_modelBox->setFolder(absolute);
    m_modelBox->setDescription(tr("<b>%1</b>").arg(QFileInfo(absolute).fileName().toHtmlEscaped()));
    m_result.reset();
    if (!runsInline())
        return run(error);
    return true;
}

void AlignmentPanel::scheduleRun()
{
    if (runsInline() || m_modelBox->folder().isEmpty())
        return; // setOptions runs once with everything applied
    m_debounce->start();
}

bool AlignmentPanel::run(QString *error)
{
    if (m_modelBox->folder().isEmpty() || !jobs())
        return true;
    AlignmentSettings settings;
    settings.folder = m_modelBox->folder().toStdString();
    settings.source = m_source->currentText().toStdString();
    settings.target = m_target->text().toStdString();
    settings.beams = m_beams->value();
    settings.maxTokens = m_tokens->value();
    setStatus(settings.target.empty() ? tr("Generating\u2026") : tr("Running\u2026"));
    return m_job.start(
        jobs(), tr("Alignment in %1").arg(QFileInfo(m_modelBox->folder()).fileName()),
        [settings](JobContext &context) { return computeAlignment(settings, context); },
        [this](std::shared_ptr<AlignmentResult> result) {
            m_result = std::move(result);
            showResult();
        },
        error);
}

void AlignmentPanel::showResult()
{
    const ModelConfig &c = m_result->model->info().config;
    const int64_t layers = std::max<int64_t>(c.layers, c.decoderLayers);
    const int64_t heads = std::max<int64_t>(c.heads, c.decoderHeads);
    {
        const QSignalBlocker blockLayer(m_layer), blockHead(m_head), blockStep(m_step);
        const QString layer = m_layer->currentData().toString(), head = m_head->currentData().toString();
        m_layer->clear();
        m_layer->addItem(tr("mean over layers"), "mean");
        for (int64_t l = 0; l < layers; ++l)
            m_layer->addItem(tr("layer %1").arg(l), QString::number(l));
        m_layer->setCurrentIndex(std::max(0, m_layer->findData(m_pendingLayer.isEmpty() ? layer : m_pendingLayer)));
        m_head->clear();
        m_head->addItem(tr("mean over heads"), "mean");
        for (int64_t h = 0; h < heads; ++h)
            m_head->addItem(tr("head %1").arg(h), QString::number(h));
        m_head->setCurrentIndex(std::max(0, m_head->findData(m_pendingHead.isEmpty() ? head : m_pendingHead)));
        m_step->setRange(0, std::max(0, int(m_result->targetLabels.size()) - 1));
        if (m_pendingStep >= 0)
            m_step->setValue(m_pendingStep);
        m_pendingLayer.clear();
        m_pendingHead.clear();
        m_pendingStep = -1;
    }
    m_half.clear();
    for (const auto &[name, layers] : m_result->stacks) {
        auto half = std::make_shared<std::vector<HalfTensor>>();
        for (const FloatTensor &layer : layers)
            half->push_back(HalfTensor::fromFloat(layer));
        m_half[name] = std::move(half);
    }
    QStringList beamLabels;
    QVector<double> scores;
    // Each hypothesis's probability as a whole (exp of its log-probability), its length-normalised
    // score (what beam search ranks by) beside its text.
    for (size_t b = 0; b < m_result->beams.size(); ++b) {
        beamLabels << tr("%1 (score %2)")
                          .arg(QString::fromStdString(m_result->beamTexts[b]))
                          .arg(m_result->beams[b].score, 0, 'f', 3);
        scores << std::exp(m_result->beams[b].logProbability);
    }
    m_beamsView->setFigureTitle(
        m_result->generated ? tr("%n hypothesis(es) for \u201c%1\u201d, best first", nullptr, int(scores.size()))
                                  .arg(m_source->currentText())
                            : tr("A typed target: no generation"));
    m_beamsView->setBars(beamLabels, scores);
    const QString written =
        m_result->generated ? QString::fromStdString(m_result->beamTexts.front()) : m_target->text();
    setStatus(tr("%1 \u00b7 %2 source tokens \u2192 %3 target tokens: \u201c%4\u201d")
                  .arg(QString::fromStdString(c.architecture.empty() ? c.modelType : c.architecture))
                  .arg(m_result->sourceLabels.size())
                  .arg(m_result->targetLabels.size())
                  .arg(written));
    showMaps();
}

std::string AlignmentPanel::stack() const
{
    const QString which = m_stack->currentData().toString();
    return which == "encoder" ? "encoder_attentions" : which == "decoder" ? "decoder_attentions" : "cross_attentions";
}

int AlignmentPanel::layer() const
{
    bool ok = false;
    const int value = m_layer->currentData().toString().toInt(&ok);
    return ok ? value : -1;
}

int AlignmentPanel::head() const
{
    bool ok = false;
    const int value = m_head->currentData().toString().toInt(&ok);
    return ok ? value : -1;
}

void AlignmentPanel::showMaps()
{
    if (!m_result) {
        m_map->setFigureTitle(tr("Open an encoder-decoder to see which source tokens each target token reads"));
        m_map->setMatrix(nullptr);
        m_stepView->setMatrix(nullptr);
        m_links->setTokens({});
        m_grid->setAttentions(nullptr);
        return;
    }
    const std::string name = stack();
    const auto layers = m_result->stacks.find(name);
    if (layers == m_result->stacks.end() || layers->second.empty())
        return;
    // Layers and heads of this stack (the decoder may have other counts than the encoder).
    const int stackLayers = int(layers->second.size()), stackHeads = int(layers->second.front().shape[1]);
    const int l = layer() < stackLayers ? layer() : -1, h = head() < stackHeads ? head() : -1;
    Matrix map;
    try {
        map = stackMap(*m_result, name, l, h);
    } catch (const std::exception &e) {
        setStatus(QString::fromUtf8(e.what()), true);
        return;
    }
    const QStringList source = toQt(m_result->sourceLabels), target = toQt(m_result->targetLabels),
                      reads = toQt(m_result->decoderInputLabels);
    QStringList rows = target, columns = source;
    QString rowTitle = tr("target token written"), columnTitle = tr("source token");
    if (name == "encoder_attentions") {
        rows = source;
        rowTitle = tr("query (source)");
        columnTitle = tr("key (source)");
    } else if (name == "decoder_attentions") {
        rows = columns = reads;
        rowTitle = tr("query (decoder input)");
        columnTitle = tr("key (decoder input)");
        for (int64_t q = 0; q < map.rows; ++q) // a causal decoder: later keys are not there
            for (int64_t k = q + 1; k < map.cols; ++k)
                map.at(q, k) = std::nanf("");
    }
    const QString which = (l < 0 ? tr("mean over layers") : tr("layer %1").arg(l)) + ", " +
                          (h < 0 ? tr("mean over heads") : tr("head %1").arg(h));
    const QString what = m_stack->currentText();
    m_map->setFigureTitle(tr("%1: %2").arg(what, which));
    m_map->setAxisTitles(columnTitle, rowTitle);
    m_map->setMatrix(std::make_shared<Matrix>(map), rows, columns);

    m_grid->setFigureTitle(tr("%1: every layer (rows) and head (columns), each scaled to its maximum").arg(what));
    m_grid->setAttentions(m_half[name]);
    m_grid->setSelected(std::max(l, 0), std::max(h, 0));
    m_links->setFigureTitle(tr("%1: %2").arg(what, which));
    m_links->setTokens(rows, columns);
    m_links->setLayers({{which, std::make_shared<Matrix>(map), widgets::seriesColor(0)}});

    const int step = std::clamp(m_step->value(), 0, std::max(0, int(target.size()) - 1));
    try {
        const Matrix perHead = stepMap(*m_result, l, step);
        QStringList headLabels;
        for (int64_t i = 0; i < perHead.rows; ++i)
            headLabels << tr("head %1").arg(i);
        m_stepView->setFigureTitle(
            tr("Step %1: writing \u201c%2\u201d (reading \u201c%3\u201d), %4")
                .arg(step)
                .arg(target.value(step), reads.value(step), l < 0 ? tr("mean over layers") : tr("layer %1").arg(l)));
        m_stepView->setMatrix(std::make_shared<Matrix>(perHead), headLabels, source);
    } catch (const std::exception &e) {
        setStatus(QString::fromUtf8(e.what()), true);
    }
}

bool AlignmentPanel::checkOptions(const QVariantMap &options, QString *error)
{
    for (const char *name : {"layer", "head"}) {
        if (!options.contains(name))
            continue;
        const QString value = options[name].toString();
        bool ok = false;
        const int number = value.toInt(&ok);
        if (value != "mean" && (!ok || number < 0))
            return fail(error, tr("--%1: \"%2\" is neither a number nor mean").arg(name, value));
    }
    if (options.contains("source") && options["source"].toString().isEmpty())
        return fail(error, tr("--source: give a source text"));
    return true;
}

bool AlignmentPanel::openSource(const QVariantMap &options, bool *loading, QString *error)
{
    *loading = false;
    const QString model = options.value("model").toString();
    if (model.isEmpty() || QDir(model).absolutePath() == m_modelBox->folder())
        return true;
    return openModel(options["model"].toString(), error);
}

bool AlignmentPanel::applyOptions(const QVariantMap &options, const QString &view, QString *error)
{
    Q_UNUSED(view);
    const QSignalBlocker blockSource(m_source), blockTarget(m_target);
    optionSet().apply(options);
    if (options.contains("source"))
        m_source->setEditText(options["source"].toString());
    if (options.contains("target"))
        m_target->setText(options["target"].toString());
    if (m_modelBox->folder().isEmpty()) {
        if (runsInline() && !options.isEmpty())
            return fail(error, tr("the alignment view needs a model: --model DIR (a T5 or BART checkpoint)"));
        return true;
    }
    // Held until the run fills the layer and head choices (at once in tessera-cli, later in the GUI).
    if (options.contains("layer"))
        m_pendingLayer = options["layer"].toString();
    if (options.contains("head"))
        m_pendingHead = options["head"].toString();
    if (options.contains("step"))
        m_pendingStep = options["step"].toInt();
    return run(error);
}

QVariantMap AlignmentPanel::options() const
{
    QVariantMap o;
    // Without a model there is nothing a session could restore (every view needs one).
    if (m_modelBox->folder().isEmpty())
        return o;
    o["model"] = m_modelBox->folder();
    o["source"] = m_source->currentText();
    o["target"] = m_target->text();
    o["layer"] = m_layer->currentData().toString().isEmpty() ? QStringLiteral("mean") : m_layer->currentData();
    o["head"] = m_head->currentData().toString().isEmpty() ? QStringLiteral("mean") : m_head->currentData();
    o["step"] = m_step->value();
    optionSet().write(o, {"beams", "tokens", "stack"});
    o["view"] = currentFigureName();
    return o;
}

} // namespace tessera::alignment
