#include "PeLabPanel.h"

#include "PeLabFigures.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/TableIO.h"
#include "tessera/widgets/CompositeFigure.h"
#include "tessera/widgets/HeatmapView.h"
#include "tessera/widgets/JobRunner.h"
#include "tessera/widgets/LinePlotView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <utility>

namespace tessera::pelab {
namespace {

struct IntRange {
    const char *name;
    int minimum;
    int maximum;
};
constexpr IntRange kDModel{"d-model", 1, 4096};
constexpr IntRange kMaxLength{"max-len", 1, 4096};
constexpr IntRange kRopeDimension{"rope-dim", 2, 512};
constexpr IntRange kRopeLength{"rope-length", 1, 512};
constexpr IntRange kAlibiHeads{"alibi-heads", 1, 64};
constexpr IntRange kAlibiLength{"alibi-length", 1, 1024};

bool parseInt(const QVariant &value, const IntRange &range, int &out, QString *error)
{
    bool ok = false;
    const int parsed = value.toString().trimmed().toInt(&ok);
    if (!ok || parsed < range.minimum || parsed > range.maximum) {
        if (error)
            *error = QObject::tr("--%1: \"%2\" is not a whole number from %3 to %4")
                         .arg(range.name, value.toString())
                         .arg(range.minimum)
                         .arg(range.maximum);
        return false;
    }
    out = parsed;
    return true;
}

bool parseBool(const QVariant &value, bool &out)
{
    const QString text = value.toString().trimmed().toLower();
    if (text == "1" || text == "true" || text == "yes" || text == "on") {
        out = true;
        return true;
    }
    if (text == "0" || text == "false" || text == "no" || text == "off") {
        out = false;
        return true;
    }
    return false;
}

// "4,5,6,7" or "0-3,8" -> dimensions; each in [0, dModel) when dModel > 0.
bool parseDimensions(const QString &text, std::vector<int> &dimensions, QString *error)
{
    dimensions.clear();
    for (const QString &part : text.split(',', Qt::SkipEmptyParts)) {
        const QStringList bounds = part.trimmed().split('-');
        bool okLow = false;
        bool okHigh = true;
        const int low = bounds.value(0).toInt(&okLow);
        const int high = bounds.size() == 2 ? bounds[1].toInt(&okHigh) : low;
        if (!okLow || !okHigh || bounds.size() > 2 || low < 0 || high < low || high - low > 64) {
            if (error)
                *error = QObject::tr("--dims: \"%1\" is not a list of dimensions like 4,5,6,7 or 0-3").arg(text);
            return false;
        }
        for (int d = low; d <= high; ++d)
            dimensions.push_back(d);
    }
    if (dimensions.empty() || dimensions.size() > 16) {
        if (error)
            *error = QObject::tr("--dims: give 1 to 16 dimensions (got \"%1\")").arg(text);
        return false;
    }
    return true;
}

QString dimensionList(const std::vector<int> &dimensions)
{
    QStringList list;
    for (int d : dimensions)
        list << QString::number(d);
    return list.join(", ");
}

QWidget *withDescription(QWidget *figure, const QString &text)
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *label = new QLabel(text);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    layout->addWidget(label);
    layout->addWidget(figure, 1);
    return page;
}

} // namespace

plugins::PanelDescriptor PeLabPanel::descriptor()
{
    return {QStringLiteral("pe"),
            tr("Positional encodings"),
            tr("Sinusoidal curves and heatmap, position similarity, RoPE, ALiBi and learned tables"),
            Qt::ALT | Qt::Key_1,
            30,
            {}};
}

PeLabPanel::PeLabPanel(const plugins::PanelContext &context, QWidget *parent) : PanelBase(context, descriptor(), parent)
{
    addOpener(&PeLabPanel::isTableFile, &PeLabPanel::openTable);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    layout->addWidget(splitter);

    auto *scroll = new QScrollArea(splitter);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *controls = new QWidget;
    buildControls(controls);
    scroll->setWidget(controls);
    scroll->setMinimumWidth(controls->sizeHint().width() + 24);

    auto *right = new QWidget(splitter);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(figureTabs(), 1);
    rightLayout->addWidget(statusLine());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);

    buildViews();
    declareOptions();
    setCurrentFigure("heatmap");

    if (context.hub) {
        connect(context.hub, &widgets::DataHub::matricesChanged, this,
                [this](const QString &topic, const QString &name) {
                    if (topic != widgets::DataHub::PositionTables)
                        return;
                    refreshSourceChoices();
                    // A model just loaded: its table becomes the one shown in the Learned view.
                    if (MatrixPtr table = this->context().hub->matrix(topic, name))
                        showLearnedTable(name, table);
                });
    }
    refreshSourceChoices();
    scheduleRecompute();
}

void PeLabPanel::buildControls(QWidget *container)
{
    auto *column = new QVBoxLayout(container);

    auto *sinusoid = new QGroupBox(tr("Sinusoidal encoding"), container);
    auto *form = new QFormLayout(sinusoid);
    m_dModelSlider = new QSlider(Qt::Horizontal);
    m_dModelSlider->setRange(1, 512);
    m_dModelSlider->setValue(128);
    m_dModelSlider->setToolTip(tr("d_model: the embedding width. Drag to watch the frequencies spread out."));
    m_dModel = new QSpinBox;
    m_dModel->setRange(kDModel.minimum, kDModel.maximum);
    m_dModel->setValue(128);
    m_dModel->setToolTip(m_dModelSlider->toolTip());
    auto *dRow = new QHBoxLayout;
    dRow->addWidget(m_dModelSlider, 1);
    dRow->addWidget(m_dModel);
    form->addRow(tr("d_model"), dRow);
    m_maxLength = new QSpinBox;
    m_maxLength->setRange(kMaxLength.minimum, kMaxLength.maximum);
    m_maxLength->setValue(128);
    m_maxLength->setToolTip(tr("max_len: the number of positions tabulated (0 .. max_len - 1)."));
    form->addRow(tr("max_len"), m_maxLength);
    m_base = new QDoubleSpinBox;
    m_base->setRange(2.0, 1e7);
    m_base->setDecimals(0);
    m_base->setValue(10000.0);
    m_base->setToolTip(tr("The base of the wavelengths: PE(pos, 2i) = sin(pos / base^(2i/d))."));
    form->addRow(tr("base"), m_base);
    m_dimensions = new QLineEdit(QStringLiteral("4,5,6,7"));
    m_dimensions->setToolTip(tr("Dimensions drawn as curves: a list like 4,5,6,7 or a range like 0-3."));
    form->addRow(tr("curve dims"), m_dimensions);
    m_similarity = new QComboBox;
    m_similarity->addItems({"cosine", "dot"});
    m_similarity->setToolTip(tr("How two positions' encodings are compared in the similarity view."));
    form->addRow(tr("similarity"), m_similarity);
    column->addWidget(sinusoid);

    auto *rope = new QGroupBox(tr("RoPE"), container);
    auto *ropeForm = new QFormLayout(rope);
    m_ropeDimension = new QSpinBox;
    m_ropeDimension->setRange(kRopeDimension.minimum, kRopeDimension.maximum);
    m_ropeDimension->setSingleStep(2);
    m_ropeDimension->setValue(64);
    m_ropeDimension->setToolTip(tr("Head dimension of the rotated query and key (even)."));
    ropeForm->addRow(tr("head dim"), m_ropeDimension);
    // RoPE rotates pairs: an odd number typed in becomes the even one below it (what is drawn),
    // so that what the box shows, a session saves and --rope-dim accepts agree.
    connect(m_ropeDimension, &QSpinBox::editingFinished, this, [this]() {
        if (m_ropeDimension->value() % 2 != 0)
            m_ropeDimension->setValue(m_ropeDimension->value() - 1);
    });
    m_ropePair = new QSpinBox;
    m_ropePair->setRange(0, 255);
    m_ropePair->setValue(8);
    m_ropePair->setToolTip(tr("The pair (x[2i], x[2i+1]) whose rotation is drawn beside pair 0."));
    ropeForm->addRow(tr("pair i"), m_ropePair);
    m_ropeLength = new QSpinBox;
    m_ropeLength->setRange(kRopeLength.minimum, kRopeLength.maximum);
    m_ropeLength->setValue(64);
    ropeForm->addRow(tr("positions"), m_ropeLength);
    column->addWidget(rope);

    auto *alibi = new QGroupBox(tr("ALiBi"), container);
    auto *alibiForm = new QFormLayout(alibi);
    m_alibiHeads = new QSpinBox;
    m_alibiHeads->setRange(kAlibiHeads.minimum, kAlibiHeads.maximum);
    m_alibiHeads->setValue(8);
    alibiForm->addRow(tr("heads"), m_alibiHeads);
    m_alibiHead = new QSpinBox;
    m_alibiHead->setRange(0, 7);
    m_alibiHead->setToolTip(tr("The head whose bias matrix is shown."));
    alibiForm->addRow(tr("head"), m_alibiHead);
    m_alibiLength = new QSpinBox;
    m_alibiLength->setRange(kAlibiLength.minimum, kAlibiLength.maximum);
    m_alibiLength->setValue(32);
    alibiForm->addRow(tr("length"), m_alibiLength);
    m_causal = new QCheckBox(tr("causal (mask the future)"));
    m_causal->setChecked(true);
    alibiForm->addRow(m_causal);
    column->addWidget(alibi);

    auto *learned = new QGroupBox(tr("Learned table"), container);
    auto *learnedLayout = new QVBoxLayout(learned);
    m_learnedSource = new QComboBox;
    m_learnedSource->setToolTip(tr("Position tables of loaded models, or one opened from a file."));
    learnedLayout->addWidget(m_learnedSource);
    auto *openButton = new QPushButton(tr("Open table\u2026"));
    openButton->setToolTip(tr("A .csv, .npy or .safetensors file holding a [positions, dims] table."));
    learnedLayout->addWidget(openButton);
    column->addWidget(learned);

    auto *display = new QGroupBox(tr("Display"), container);
    auto *displayForm = new QFormLayout(display);
    m_colorMap = new QComboBox;
    m_colorMap->addItems(widgets::colorMapNames());
    m_colorMap->setToolTip(tr("Colour map of every heatmap; 'diverging' centres zero."));
    displayForm->addRow(tr("colour map"), m_colorMap);
    column->addWidget(display);
    column->addStretch(1);

    connect(m_dModelSlider, &QSlider::valueChanged, this, [this](int value) {
        if (m_dModel->value() != value)
            m_dModel->setValue(value);
    });
    connect(m_dModel, qOverload<int>(&QSpinBox::valueChanged), this, [this](int value) {
        QSignalBlocker block(m_dModelSlider);
        m_dModelSlider->setValue(std::min(value, m_dModelSlider->maximum()));
        scheduleRecompute();
    });
    for (QSpinBox *box :
         {m_maxLength, m_ropePair, m_ropeDimension, m_ropeLength, m_alibiHeads, m_alibiHead, m_alibiLength})
        connect(box, qOverload<int>(&QSpinBox::valueChanged), this, &PeLabPanel::scheduleRecompute);
    connect(m_alibiHeads, qOverload<int>(&QSpinBox::valueChanged), this,
            [this](int heads) { m_alibiHead->setMaximum(heads - 1); });
    // The pair drawn must exist in the head dimension (as --rope-pair is checked).
    connect(m_ropeDimension, qOverload<int>(&QSpinBox::valueChanged), this,
            [this](int dimension) { m_ropePair->setMaximum(std::max(0, dimension / 2 - 1)); });
    m_ropePair->setMaximum(m_ropeDimension->value() / 2 - 1);
    connect(m_base, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &PeLabPanel::scheduleRecompute);
    connect(m_dimensions, &QLineEdit::editingFinished, this, &PeLabPanel::scheduleRecompute);
    connect(m_similarity, &QComboBox::currentTextChanged, this, &PeLabPanel::scheduleRecompute);
    connect(m_causal, &QCheckBox::toggled, this, &PeLabPanel::scheduleRecompute);
    connect(m_colorMap, &QComboBox::currentTextChanged, this, [this](const QString &name) {
        const widgets::ColorMap map = widgets::colorMapFromName(name);
        for (widgets::HeatmapView *view :
             {m_heatmap, m_similarityMap, m_ropeScores, m_alibiBias, m_learnedTable, m_learnedSimilarity}) {
            view->setColorMap(map);
            view->setSymmetricRange(map == widgets::ColorMap::Diverging);
        }
    });
    connect(m_learnedSource, qOverload<int>(&QComboBox::activated), this, [this](int index) {
        const QString name = m_learnedSource->itemText(index);
        if (context().hub)
            if (MatrixPtr table = context().hub->matrix(widgets::DataHub::PositionTables, name))
                showLearnedTable(name, table);
    });
    connect(openButton, &QPushButton::clicked, this, &PeLabPanel::openTableDialog);
}

void PeLabPanel::buildViews()
{
    using namespace widgets;
    m_curves = new LinePlotView;
    m_curves->setFigureTitle(tr("Sinusoidal positional encoding"));
    m_curves->setAxisTitles(tr("position"), tr("PE(pos, dim)"));
    addFigure(
        "curves", tr("Curves"),
        withDescription(m_curves, tr("PE(pos, 2i) = sin(pos / 10000<sup>2i/d</sup>), PE(pos, 2i+1) = cos(\u2026): "
                                     "each pair of dimensions is a sine/cosine of its own wavelength.")),
        m_curves);

    m_heatmap = new HeatmapView;
    m_heatmap->setFigureTitle(tr("Sinusoidal positional encoding"));
    m_heatmap->setAxisTitles(tr("dimension"), tr("position"));
    m_heatmap->setValueName(tr("PE"));
    addFigure("heatmap", tr("Heatmap"),
              withDescription(m_heatmap, tr("Every position (row) is a d_model-wide code; low dimensions change fast, "
                                            "high ones slowly. Click a cell to highlight its row and column.")),
              m_heatmap);

    m_similarityFigure = new CompositeFigure(tr("Position similarity"));
    m_similarityMap = m_similarityFigure->addFigure(new HeatmapView, 3);
    m_similarityMap->setFigureTitle(tr("Similarity of positions"));
    m_similarityMap->setAxisTitles(tr("position"), tr("position"));
    m_profile = m_similarityFigure->addFigure(new LinePlotView, 2);
    m_profile->setFigureTitle(tr("Mean similarity against offset"));
    m_profile->setAxisTitles(tr("offset k"), tr("mean S(p, p+k)"));
    addFigure("similarity", tr("Similarity"),
              withDescription(m_similarityFigure, tr("Nearby positions have similar encodings, and the similarity "
                                                     "depends on the offset more than on the position itself.")),
              m_similarityFigure);

    m_ropeFigure = new CompositeFigure(tr("Rotary position embedding (RoPE)"));
    m_ropeRotation = m_ropeFigure->addFigure(new LinePlotView, 2);
    m_ropeRotation->setFigureTitle(tr("Rotation of query pairs"));
    m_ropeRotation->setAxisTitles(tr("x[2i]"), tr("x[2i+1]"));
    m_ropeRotation->setEqualAspect(true);
    m_ropeScores = m_ropeFigure->addFigure(new HeatmapView, 2);
    m_ropeScores->setFigureTitle(tr("Score q\u2098\u00b7k\u2099"));
    m_ropeScores->setAxisTitles(tr("key position n"), tr("query position m"));
    m_ropeScores->setValueName(tr("score"));
    m_ropeDiagonals = m_ropeFigure->addFigure(new LinePlotView, 2);
    m_ropeDiagonals->setFigureTitle(tr("Score along m \u2212 n = const"));
    m_ropeDiagonals->setAxisTitles(tr("query position m"), tr("score"));
    m_ropeFigure->setPrimary(1);
    addFigure(
        "rope", tr("RoPE"),
        withDescription(m_ropeFigure,
                        tr("RoPE rotates each pair (x<sub>2i</sub>, x<sub>2i+1</sub>) by m\u00b7\u03b8<sub>i</sub>. "
                           "The score of a rotated query and key depends only on m \u2212 n: "
                           "constant along every diagonal.")),
        m_ropeFigure);

    m_alibiFigure = new CompositeFigure(tr("ALiBi attention biases"));
    m_alibiBias = m_alibiFigure->addFigure(new HeatmapView, 3);
    m_alibiBias->setAxisTitles(tr("key position j"), tr("query position i"));
    m_alibiBias->setValueName(tr("bias"));
    m_alibiSlopes = m_alibiFigure->addFigure(new LinePlotView, 2);
    m_alibiSlopes->setFigureTitle(tr("Slope per head"));
    m_alibiSlopes->setAxisTitles(tr("head"), tr("slope m"));
    m_alibiSlopes->setLogY(true);
    addFigure("alibi", tr("ALiBi"),
              withDescription(m_alibiFigure,
                              tr("ALiBi adds \u2212m\u00b7|i \u2212 j| to the attention scores, "
                                 "with a geometric sequence of slopes m across heads; grey cells are masked.")),
              m_alibiFigure);

    m_learnedFigure = new CompositeFigure(tr("Learned position table"));
    m_learnedTable = m_learnedFigure->addFigure(new HeatmapView, 1);
    m_learnedTable->setAxisTitles(tr("dimension"), tr("position"));
    m_learnedTable->setValueName(tr("weight"));
    m_learnedSimilarity = m_learnedFigure->addFigure(new HeatmapView, 1);
    m_learnedSimilarity->setFigureTitle(tr("Cosine similarity of positions"));
    m_learnedSimilarity->setAxisTitles(tr("position"), tr("position"));
    m_learnedSimilarity->setValueName(tr("cosine"));
    m_learnedInfo =
        new QLabel(tr("No learned table yet: open a model (BERT, GPT-2 and ViT checkpoints publish theirs here), "
                      "or open a .csv, .npy or .safetensors table with \u201cOpen table\u2026\u201d or by dropping it "
                      "on the window."));
    m_learnedInfo->setWordWrap(true);
    auto *learnedPage = new QWidget;
    auto *learnedLayout = new QVBoxLayout(learnedPage);
    learnedLayout->setContentsMargins(4, 4, 4, 4);
    learnedLayout->addWidget(m_learnedInfo);
    learnedLayout->addWidget(m_learnedFigure, 1);
    addFigure("learned", tr("Learned"), learnedPage, m_learnedFigure);

    for (PlotFigure *view : std::initializer_list<PlotFigure *>{
             m_curves, m_heatmap, m_similarityMap, m_profile, m_ropeRotation, m_ropeScores, m_ropeDiagonals,
             m_alibiBias, m_alibiSlopes, m_learnedTable, m_learnedSimilarity})
        connect(view, &PlotFigure::readoutChanged, this, &PanelWidget::statusMessage);
}

void PeLabPanel::declareOptions()
{
    plugins::OptionSet &o = optionSet();
    // The help texts say the ranges their own way; choices are compared trimmed and lower-case.
    addViewOption(tr("the figure shown and exported"), "heatmap");
    o.addInt(kDModel.name, tr("embedding width d_model (1-4096)"), 128, kDModel.minimum, kDModel.maximum)
        .rangeNotInHelp();
    o.addInt(kMaxLength.name, tr("number of positions (1-4096)"), 128, kMaxLength.minimum, kMaxLength.maximum)
        .rangeNotInHelp();
    o.addDouble("base", tr("wavelength base of the sinusoids"), 10000, 2, 1e7)
        .rangeNotInHelp()
        .expecting(tr("a number from %1 to %2"));
    o.addText("dims", tr("dimensions drawn as curves, e.g. 4,5,6,7 or 0-3"), "4,5,6,7");
    o.addChoice("similarity", tr("position similarity measure"), {"cosine", "dot"}, "cosine").checkedByPanel();
    o.addInt(kRopeDimension.name, tr("RoPE head dimension (even, 2-512)"), 64, kRopeDimension.minimum,
             kRopeDimension.maximum)
        .rangeNotInHelp();
    o.addText("rope-pair", tr("RoPE pair drawn beside pair 0"), "8");
    o.addInt(kRopeLength.name, tr("RoPE positions (1-512)"), 64, kRopeLength.minimum, kRopeLength.maximum)
        .rangeNotInHelp();
    o.addInt(kAlibiHeads.name, tr("number of ALiBi heads (1-64)"), 8, kAlibiHeads.minimum, kAlibiHeads.maximum)
        .rangeNotInHelp();
    o.addText("alibi-head", tr("ALiBi head shown (0-based)"), "0");
    o.addInt(kAlibiLength.name, tr("ALiBi sequence length (1-1024)"), 32, kAlibiLength.minimum, kAlibiLength.maximum)
        .rangeNotInHelp();
    o.addChoice("causal", tr("mask the future in the ALiBi view (true/false)"), {"true", "false"}, "true")
        .checkedByPanel();
    o.addChoice("colormap", tr("heatmap colour map"), widgets::colorMapNames(), "viridis").checkedByPanel();
    o.addText("table", tr("learned position table file (.csv, .npy, .safetensors)"));
    o.addText("table-key", tr("tensor name inside a .safetensors table"));
}

QVariantMap PeLabPanel::options() const
{
    QVariantMap map;
    map["view"] = currentFigureName();
    map["d-model"] = QString::number(m_dModel->value());
    map["max-len"] = QString::number(m_maxLength->value());
    map["base"] = QString::number(m_base->value(), 'g', 10);
    map["dims"] = m_dimensions->text();
    map["similarity"] = m_similarity->currentText();
    map["rope-dim"] = QString::number(m_ropeDimension->value() - m_ropeDimension->value() % 2);
    map["rope-pair"] = QString::number(m_ropePair->value());
    map["rope-length"] = QString::number(m_ropeLength->value());
    map["alibi-heads"] = QString::number(m_alibiHeads->value());
    map["alibi-head"] = QString::number(m_alibiHead->value());
    map["alibi-length"] = QString::number(m_alibiLength->value());
    map["causal"] = m_causal->isChecked() ? "true" : "false";
    map["colormap"] = m_colorMap->currentText();
    if (!m_tablePath.isEmpty()) {
        map["table"] = m_tablePath;
        map["table-key"] = m_tableKey;
    }
    return map;
}

bool PeLabPanel::checkOptions(const QVariantMap &options, QString *error)
{
    // Everything is checked first, so a bad value leaves the panel as it was.
    auto given = [&](const char *name, int current) {
        return options.contains(name) ? options[name].toString().toInt() : current;
    };
    CheckedOptions c;
    c.dModel = given(kDModel.name, m_dModel->value());
    c.maxLength = given(kMaxLength.name, m_maxLength->value());
    c.ropeDimension = given(kRopeDimension.name, m_ropeDimension->value());
    c.ropeLength = given(kRopeLength.name, m_ropeLength->value());
    c.alibiHeads = given(kAlibiHeads.name, m_alibiHeads->value());
    c.alibiLength = given(kAlibiLength.name, m_alibiLength->value());
    c.ropePair = m_ropePair->value();
    c.alibiHead = m_alibiHead->value();
    c.base = options.contains("base") ? options["base"].toString().toDouble() : m_base->value();
    c.causal = m_causal->isChecked();
    if (c.ropeDimension % 2 != 0)
        return fail(
            error,
            tr("--rope-dim: %1 is odd; RoPE rotates pairs, so the head dimension must be even").arg(c.ropeDimension));
    if (options.contains("rope-pair") &&
        !parseInt(options["rope-pair"], {"rope-pair", 0, c.ropeDimension / 2 - 1}, c.ropePair, error))
        return false;
    if (options.contains("alibi-head") &&
        !parseInt(options["alibi-head"], {"alibi-head", 0, c.alibiHeads - 1}, c.alibiHead, error))
        return false;
    if (options.contains("causal") && !parseBool(options["causal"], c.causal))
        return fail(error, tr("--causal: \"%1\" is not true or false").arg(options["causal"].toString()));
    c.dimensions = options.value("dims", m_dimensions->text()).toString();
    std::vector<int> dimensions;
    if (!parseDimensions(c.dimensions, dimensions, error))
        return false;
    // Dimensions the user asked for must exist; the defaults simply drop what d_model lacks.
    for (int d : dimensions)
        if (options.contains("dims") && d >= c.dModel)
            return fail(error, tr("--dims: dimension %1 does not exist when d_model is %2 (use 0 to %3)")
                                   .arg(d)
                                   .arg(c.dModel)
                                   .arg(c.dModel - 1));
    for (const char *name : {"similarity", "colormap"})
        if (options.contains(name) &&
            !optionSet()[name].choices().contains(options[name].toString().trimmed().toLower()))
            return fail(error, tr("--%1: \"%2\" is not one of %3")
                                   .arg(name, options[name].toString(), optionSet()[name].choices().join(", ")));
    c.tablePath = options.value("table").toString();
    c.tableKey = options.value("table-key").toString();
    if (!c.tablePath.isEmpty()) {
        try {
            c.table = std::make_shared<Matrix>(readMatrix(c.tablePath.toStdString(), c.tableKey.toStdString()));
        } catch (const std::exception &e) {
            return fail(error, QString::fromUtf8(e.what()));
        }
    }
    m_checked = std::move(c);
    return true;
}

bool PeLabPanel::applyOptions(const QVariantMap &options, const QString &, QString *)
{
    const CheckedOptions c = std::exchange(m_checked, {});
    m_applyingOptions = true;
    m_dModel->setValue(c.dModel);
    m_maxLength->setValue(c.maxLength);
    m_base->setValue(c.base);
    m_dimensions->setText(c.dimensions);
    m_ropeDimension->setValue(c.ropeDimension);
    m_ropePair->setMaximum(c.ropeDimension / 2 - 1);
    m_ropePair->setValue(c.ropePair);
    m_ropeLength->setValue(c.ropeLength);
    m_alibiHeads->setValue(c.alibiHeads);
    m_alibiHead->setMaximum(c.alibiHeads - 1);
    m_alibiHead->setValue(c.alibiHead);
    m_alibiLength->setValue(c.alibiLength);
    m_causal->setChecked(c.causal);
    if (options.contains("similarity"))
        m_similarity->setCurrentText(options["similarity"].toString().trimmed().toLower());
    if (options.contains("colormap"))
        m_colorMap->setCurrentText(options["colormap"].toString().trimmed().toLower());
    if (c.table) {
        m_tablePath = c.tablePath;
        m_tableKey = c.tableKey;
        QString name = QFileInfo(c.tablePath).fileName();
        if (!c.tableKey.isEmpty())
            name += " : " + c.tableKey;
        showLearnedTable(name, c.table);
    }
    m_applyingOptions = false;
    scheduleRecompute();
    return true;
}

bool PeLabPanel::isTableFile(const QString &path)
{
    const std::string extension = fileExtension(path.toStdString());
    return extension == "csv" || extension == "npy" || extension == "safetensors";
}

bool PeLabPanel::openTable(const QString &path, QString *error)
{
    QString key;
    if (fileExtension(path.toStdString()) == "safetensors") {
        std::vector<std::string> keys;
        try {
            keys = matrixKeys(path.toStdString());
        } catch (const std::exception &e) {
            if (error)
                *error = QString::fromUtf8(e.what());
            return false;
        }
        if (keys.empty()) {
            if (error)
                *error = tr("%1: holds no two-dimensional tensor to show as a position table").arg(path);
            return false;
        }
        key = QString::fromStdString(keys.front());
        const bool obvious = key.contains("position") || key.contains("wpe");
        // Ask only when no tensor is clearly the position table (a checkpoint names it).
        if (keys.size() > 1 && !obvious && isVisible()) {
            QStringList names;
            for (const std::string &k : keys)
                names << QString::fromStdString(k);
            bool ok = false;
            key = QInputDialog::getItem(this, tr("Choose a tensor"), tr("Tensor shown as the position table:"), names,
                                        0, false, &ok);
            if (!ok) {
                if (error)
                    *error = tr("cancelled");
                return false;
            }
        }
    }
    QVariantMap options{{"table", path}, {"view", "learned"}};
    if (!key.isEmpty())
        options["table-key"] = key;
    return setOptions(options, error);
}

void PeLabPanel::openTableDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a position table"), QString(),
                                                      tr("Tables (*.csv *.npy *.safetensors);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!openTable(path, &error) && error != tr("cancelled"))
        m_learnedInfo->setText(tr("Could not open the table: %1").arg(error.toHtmlEscaped()));
}

void PeLabPanel::showLearnedTable(const QString &name, MatrixPtr table)
{
    m_learnedName = name;
    m_learned = std::move(table);
    m_learnedInfo->setText(tr("<b>%1</b>: %2 positions \u00d7 %3 dimensions")
                               .arg(name.toHtmlEscaped())
                               .arg(m_learned->rows)
                               .arg(m_learned->cols));
    m_learnedTable->setFigureTitle(tr("Learned position table: %1").arg(name));
    m_learnedTable->setMatrix(m_learned);
    if (m_learnedSource->findText(name) < 0)
        m_learnedSource->addItem(name);
    m_learnedSource->setCurrentText(name);
    scheduleRecompute();
}

void PeLabPanel::refreshSourceChoices()
{
    const QString current = m_learnedSource->currentText();
    QStringList names;
    if (context().hub)
        names = context().hub->matrixNames(widgets::DataHub::PositionTables);
    if (!m_learnedName.isEmpty() && !names.contains(m_learnedName))
        names.prepend(m_learnedName);
    m_learnedSource->clear();
    if (names.isEmpty())
        m_learnedSource->addItem(tr("(none loaded)"));
    m_learnedSource->addItems(names);
    m_learnedSource->setEnabled(!names.isEmpty());
    if (!current.isEmpty())
        m_learnedSource->setCurrentText(current);
}

PeSettings PeLabPanel::currentSettings() const
{
    PeSettings settings;
    settings.dModel = m_dModel->value();
    settings.maxLength = m_maxLength->value();
    settings.base = m_base->value();
    std::vector<int> dimensions;
    if (parseDimensions(m_dimensions->text(), dimensions, nullptr)) {
        settings.curveDimensions.clear();
        for (int d : dimensions)
            (d < settings.dModel ? settings.curveDimensions : settings.missingCurveDimensions).push_back(d);
    }
    if (settings.curveDimensions.empty() || settings.curveDimensions.front() >= settings.dModel)
        settings.curveDimensions = {0};
    settings.similarity = m_similarity->currentText() == "dot" ? pe::Similarity::Dot : pe::Similarity::Cosine;
    settings.ropeDimension = m_ropeDimension->value() - m_ropeDimension->value() % 2;
    settings.ropePair = m_ropePair->value();
    settings.ropeLength = m_ropeLength->value();
    settings.alibiHeads = m_alibiHeads->value();
    settings.alibiHead = m_alibiHead->value();
    settings.alibiLength = m_alibiLength->value();
    settings.causal = m_causal->isChecked();
    settings.learned = m_learned;
    return settings;
}

void PeLabPanel::scheduleRecompute()
{
    if (m_applyingOptions)
        return;
    if (context().jobs && context().jobs->isInline()) {
        recompute();
        return;
    }
    // Coalesce a burst of changes (a slider drag) into one job on the next event-loop turn.
    if (m_recomputeScheduled)
        return;
    m_recomputeScheduled = true;
    QTimer::singleShot(0, this, [this]() {
        m_recomputeScheduled = false;
        recompute();
    });
}

void PeLabPanel::recompute()
{
    if (!context().jobs)
        return;
    if (m_job)
        m_job->cancel();
    const PeSettings settings = currentSettings();
    statusLine()->setText(tr("computing\u2026"));
    QPointer<PeLabPanel> self(this);
    auto handle = std::make_shared<QPointer<widgets::JobHandle>>();
    *handle = context().jobs->run<PeResult>(
        tr("Positional encodings (d_model %1, %2 positions)").arg(settings.dModel).arg(settings.maxLength),
        [settings](JobContext &context) { return computePe(settings, context); },
        [self, settings, handle](PeResult result) {
            // Only the newest job's result is shown, with the settings it was computed from.
            if (self && (self->context().jobs->isInline() || self->m_job == *handle))
                self->applyResult(result, settings);
        },
        [self](const QString &message) {
            if (self)
                self->statusLine()->setText(tr("Could not compute: %1").arg(message));
        });
    m_job = *handle;
}

void PeLabPanel::applyResult(const PeResult &result, const PeSettings &settings)
{
    const int positions = int(result.table->rows);
    const int width = int(result.table->cols);
    // Curve dimensions beyond d_model (typed before d_model shrank, or from a session) are named,
    // not silently replaced.
    const QString missing = dimensionList(settings.missingCurveDimensions);
    m_curves->setFigureTitle(missing.isEmpty()
                                 ? tr("Sinusoidal positional encoding (d_model = %1)").arg(width)
                                 : tr("Sinusoidal positional encoding (d_model = %1; no dimension %2, drawing %3)")
                                       .arg(width)
                                       .arg(missing)
                                       .arg(dimensionList(settings.curveDimensions)));
    m_curves->setSeries(encodingCurves(result, settings));
    m_heatmap->setFigureTitle(
        tr("Sinusoidal positional encoding (%1 positions \u00d7 d_model %2)").arg(positions).arg(width));
    m_heatmap->setMatrix(result.table);

    const QString measure = settings.similarity == pe::Similarity::Dot ? tr("dot product") : tr("cosine");
    m_similarityMap->setFigureTitle(tr("Position similarity (%1)").arg(measure));
    m_similarityMap->setValueName(measure);
    m_similarityMap->setMatrix(result.similarity);
    m_profile->setSeries({similarityProfile(result)});

    m_ropeRotation->setSeries(ropeRotation(result, settings));
    m_ropeScores->setMatrix(result.ropeScores);
    m_ropeDiagonals->setSeries(ropeDiagonals(result));
    // Flat lines: the score depends only on m - n; the spread says how flat, in numbers.
    m_ropeDiagonals->setFigureTitle(tr("Score per offset m \u2212 n (spread %1)").arg(result.ropeSpread, 0, 'g', 2));

    const int head = std::clamp(settings.alibiHead, 0, settings.alibiHeads - 1);
    m_alibiBias->setFigureTitle(
        tr("ALiBi bias of head %1 (slope %2)").arg(head).arg(result.alibiSlopes[size_t(head)], 0, 'g', 4));
    m_alibiBias->setMatrix(result.alibiBias);
    m_alibiSlopes->setSeries({alibiSlopes(result)});

    if (result.learnedSimilarity && m_learned)
        m_learnedSimilarity->setMatrix(result.learnedSimilarity);

    QString status = tr("d_model %1 \u00b7 %2 positions \u00b7 RoPE diagonal spread %3")
                         .arg(width)
                         .arg(positions)
                         .arg(result.ropeSpread, 0, 'g', 3);
    if (!missing.isEmpty())
        status += tr(" \u00b7 curve dims %1 do not exist at d_model %2").arg(missing).arg(width);
    statusLine()->setText(status);
}

} // namespace tessera::pelab
