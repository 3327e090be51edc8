#include "ModelsPanel.h"

#include "tessera/core/Detr.h"
#include "tessera/core/Diffusion.h"
#include "tessera/core/Error.h"
#include "tessera/core/Generation.h"
#include "tessera/core/Log.h"
#include "tessera/widgets/BarChartView.h"
#include "tessera/widgets/HeatmapView.h"
#include "tessera/widgets/JobRunner.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tessera::models {
namespace {

QString shapeText(const std::vector<int64_t> &shape)
{
    return QString::fromStdString(shapeToString(shape));
}

QString count(int64_t n)
{
    if (n >= 1000000)
        return QStringLiteral("%1 (%2M)").arg(QLocale::system().toString(qlonglong(n))).arg(n / 1e6, 0, 'f', 1);
    return QLocale::system().toString(qlonglong(n));
}

// Examples from the study notes, English and Korean.
const QStringList kMaskExamples = {"The capital of France is [MASK].", "A Titan RTX has 24GB of [MASK].",
                                   "HuggingFace is based in [MASK].", "나는 [MASK]에 간다",
                                   "이 강의 진짜 도움 많이 됐어요!"};
const QStringList kNextExamples = {"The cat sat on the", "Hello world", "나는 학교에 간다", "그녀는 사과를 먹었다"};

} // namespace

plugins::PanelDescriptor ModelsPanel::descriptor()
{
    return {QStringLiteral("models"),
            tr("Models"),
            tr("Open a Hugging Face checkpoint: its architecture, tokens and predictions"),
            Qt::ALT | Qt::Key_2,
            40,
            {}};
}

ModelsPanel::ModelsPanel(const plugins::PanelContext &context, QWidget *parent)
    : PanelBase(context, descriptor(), parent)
{
    addOpener(&ModelsPanel::isModelFolder, &ModelsPanel::openModel);
    buildUi();
    declareOptions();
    showStatus(tr("Open a checkpoint folder (config.json + model.safetensors, with its tokenizer files): "
                  "File \u25b8 Open Folder, the button above, or drop the folder on the window."));
}

void ModelsPanel::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    auto *openButton = new QPushButton(tr("Open checkpoint\u2026"));
    openButton->setToolTip(tr("A Hugging Face checkpoint folder: BERT, GPT-2 or ViT in safetensors"));
    m_summary = new QLabel(tr("No model loaded"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addWidget(openButton);
    top->addWidget(m_summary, 1);
    layout->addLayout(top);

    auto *splitter = new QSplitter(Qt::Horizontal);
    layout->addWidget(splitter, 1);
    m_tree = new QTreeWidget;
    m_tree->setHeaderLabels({tr("Property"), tr("Value")});
    m_tree->setColumnWidth(0, 180);
    m_tree->setMinimumWidth(360);
    m_tree->setAlternatingRowColors(true);
    splitter->addWidget(m_tree);

    auto *right = new QWidget;
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto *pipeline = new QGroupBox(tr("Try it"));
    auto *form = new QFormLayout(pipeline);
    m_task = new QLabel(tr("\u2014"));
    form->addRow(tr("Task"), m_task);
    m_input = new QComboBox;
    m_input->setEditable(true);
    m_input->setInsertPolicy(QComboBox::NoInsert);
    m_input->setToolTip(tr("Text for the model; for fill-mask, write [MASK] where a word should be predicted. "
                           "Ctrl+Return runs it."));
    form->addRow(tr("Input"), m_input);
    m_imageButton = new QPushButton(tr("Choose image\u2026"));
    m_imageButton->setVisible(false);
    form->addRow(m_imageButton);
    m_topK = new QSpinBox;
    m_topK->setRange(1, 50);
    m_topK->setValue(10);
    form->addRow(tr("Top k"), m_topK);
    m_temperature = new QDoubleSpinBox;
    m_temperature->setRange(0.05, 10.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setValue(1.0);
    m_temperature->setToolTip(tr("Next-token probabilities are softmax(logits / temperature)."));
    form->addRow(tr("Temperature"), m_temperature);
    m_run = new QPushButton(tr("Run"));
    m_run->setEnabled(false);
    form->addRow(m_run);
    rightLayout->addWidget(pipeline);

    m_predictions = new widgets::BarChartView;
    m_predictions->setFigureTitle(tr("Predictions"));
    m_predictions->setValueTitle(tr("probability"));
    addFigure("predictions", tr("Predictions"), m_predictions, m_predictions);
    m_tokens = new QTableWidget(0, 5);
    m_tokens->setHorizontalHeaderLabels({tr("token"), tr("id"), tr("start"), tr("end"), tr("type id")});
    m_tokens->horizontalHeader()->setStretchLastSection(true);
    m_tokens->setEditTriggers(QAbstractItemView::NoEditTriggers);
    addPage(tr("Tokens"), m_tokens);
    m_positions = new widgets::HeatmapView;
    m_positions->setAxisTitles(tr("dimension"), tr("position"));
    m_positions->setValueName(tr("weight"));
    m_positions->setColorMap(widgets::ColorMap::Diverging);
    m_positions->setSymmetricRange(true);
    addFigure("positions", tr("Position table"), m_positions, m_positions);
    rightLayout->addWidget(figureTabs(), 1);
    rightLayout->addWidget(statusLine());
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({420, 900});

    connect(openButton, &QPushButton::clicked, this, [this]() {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open a checkpoint folder"));
        QString error;
        if (!folder.isEmpty() && !openModel(folder, &error))
            showStatus(error, true);
    });
    connect(m_run, &QPushButton::clicked, this, &ModelsPanel::runPipeline);
    connect(m_input->lineEdit(), &QLineEdit::returnPressed, this, &ModelsPanel::runPipeline);
    auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    connect(shortcut, &QShortcut::activated, this, &ModelsPanel::runPipeline);
    connect(m_imageButton, &QPushButton::clicked, this, &ModelsPanel::chooseImage);
    connect(m_predictions, &widgets::PlotFigure::readoutChanged, this, &PanelWidget::statusMessage);
    connect(m_positions, &widgets::PlotFigure::readoutChanged, this, &PanelWidget::statusMessage);
}

void ModelsPanel::declareOptions()
{
    plugins::OptionSet &o = optionSet();
    o.addText("model", tr("checkpoint folder to load"));
    o.addText("input", tr("text (use [MASK] for fill-mask) or, for ViT, an image file"));
    o.addInt("top-k", tr("number of predictions (1-50)"), 10, 1, 50).rangeNotInHelp();
    o.addDouble("temperature", tr("next-token temperature (0.05-10)"), 1.0, 0.05, 10.0)
        .rangeNotInHelp()
        .expecting(tr("a number from %1 to %2"));
    addViewOption(tr("the figure shown and exported"), "predictions");
}

QVariantMap ModelsPanel::options() const
{
    QVariantMap map;
    if (!m_folder.isEmpty())
        map["model"] = m_folder;
    const QString input = m_loaded.preprocessing ? m_imagePath : m_input->currentText();
    if (!input.isEmpty())
        map["input"] = input;
    map["top-k"] = QString::number(m_topK->value());
    map["temperature"] = QString::number(m_temperature->value());
    map["view"] = currentFigureName();
    return map;
}

bool ModelsPanel::applyOptions(const QVariantMap &options, const QString &view, QString *error)
{
    m_topK->setValue(options.value("top-k", m_topK->value()).toString().toInt());
    m_temperature->setValue(options.value("temperature", m_temperature->value()).toString().toDouble());
    setCurrentFigure(view);
    if (options.contains("input")) {
        m_pendingInput = options["input"].toString();
        m_input->setEditText(m_pendingInput);
    }
    if (options.contains("model") && options["model"].toString() != m_folder) {
        if (!openModel(options["model"].toString(), error))
            return false;
    } else if (options.contains("input") && m_loaded.model) {
        runPipeline();
    }
    return true;
}

bool ModelsPanel::isModelFolder(const QString &path)
{
    const QFileInfo info(path);
    const QString folder = info.isDir() ? path : info.absolutePath();
    // Detectors and denoisers have panels of their own: the window hands those folders there.
    if (detr::isDetrModel(folder.toStdString()) || diffusion::isDiffusionModel(folder.toStdString()))
        return false;
    return (info.isDir() && QFileInfo::exists(path + "/config.json")) || info.fileName() == "config.json";
}

bool ModelsPanel::openModel(const QString &path, QString *error)
{
    const QString folder = QFileInfo(path).isDir() ? QDir(path).absolutePath() : QFileInfo(path).absolutePath();
    // The config is read at once so a wrong folder is reported right away; weights load in a job.
    if (detr::isDetrModel(folder.toStdString()) || diffusion::isDiffusionModel(folder.toStdString())) {
        if (error)
            *error = detr::isDetrModel(folder.toStdString())
                         ? tr("%1 is a DETR detector: open it in the DETR lens (Alt+7)").arg(folder)
                         : tr("%1 is a diffusion model: open it in the Diffusion lab (Alt+6)").arg(folder);
        return false;
    }
    try {
        ModelConfig::fromFile((folder + "/config.json").toStdString());
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    if (!context().jobs) {
        if (error)
            *error = tr("no job runner");
        return false;
    }
    if (m_job)
        m_job->cancel();
    showStatus(tr("Loading %1\u2026").arg(folder));
    QPointer<ModelsPanel> self(this);
    const std::string folderPath = folder.toStdString();
    auto jobError = std::make_shared<QString>();
    m_job = context().jobs->run<LoadedModel>(
        tr("Loading %1").arg(QFileInfo(folder).fileName()),
        [folderPath](JobContext &context) {
            LoadedModel loaded;
            loaded.model = sharedModel(folderPath, &context);
            if (loaded.model->info().capabilities.patchGrid) {
                const std::string preprocessor = folderPath + "/preprocessor_config.json";
                auto preprocessing = std::make_shared<ImagePreprocessing>();
                if (QFileInfo::exists(QString::fromStdString(preprocessor)))
                    *preprocessing = ImagePreprocessing::fromFile(preprocessor);
                else
                    preprocessing->height = preprocessing->width = loaded.model->info().config.imageSize;
                loaded.preprocessing = preprocessing;
            } else {
                try {
                    loaded.tokenizer = loadTokenizer(folderPath);
                } catch (const Error &e) {
                    loaded.tokenizerProblem = e.what();
                }
            }
            return loaded;
        },
        [self, folder](LoadedModel loaded) {
            if (self)
                self->showModel(std::move(loaded), folder);
        },
        [self, jobError](const QString &message) {
            *jobError = message;
            if (self)
                self->showStatus(message, true);
            logError(message.toStdString());
        });
    // Inline runners (CLI, tests) have finished by now: report their failure to the caller.
    if (!jobError->isEmpty()) {
        if (error)
            *error = *jobError;
        return false;
    }
    return true;
}

void ModelsPanel::showModel(LoadedModel loaded, const QString &folder)
{
    m_loaded = std::move(loaded);
    m_folder = folder;
    const ModelInfo &info = m_loaded.model->info();
    const ModelConfig &c = info.config;
    const QString name = QFileInfo(folder).fileName();
    const QString architecture = QString::fromStdString(c.architecture.empty() ? c.modelType : c.architecture);
    m_summary->setText(tr("<b>%1</b> \u00b7 %2 \u00b7 %3 layers \u00d7 %4 heads \u00b7 hidden %5 \u00b7 %6 parameters")
                           .arg(name.toHtmlEscaped(), architecture)
                           .arg(c.layers)
                           .arg(c.heads)
                           .arg(c.hiddenSize)
                           .arg(count(info.parameters)));

    m_tree->clear();
    auto item = [this](QTreeWidgetItem *parent, const QString &key, const QString &value) {
        auto *entry = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_tree);
        entry->setText(0, key);
        entry->setText(1, value);
        entry->setToolTip(1, value); // the whole value where the column elides it
        return entry;
    };
    item(nullptr, tr("Architecture"), architecture);
    item(nullptr, tr("model_type"), QString::fromStdString(c.modelType));
    item(nullptr, tr("Layers \u00d7 heads"),
         QStringLiteral("%1 \u00d7 %2 (head size %3)").arg(c.layers).arg(c.heads).arg(c.headDimension()));
    if (c.keyValueHeadCount() != c.heads)
        item(nullptr, tr("Key/value heads"),
             c.keyValueHeadCount() == 1
                 ? tr("1: multi-query attention, all %1 query heads share one key and value").arg(c.heads)
                 : tr("%1: grouped-query attention, %2 query heads per key/value head")
                       .arg(c.keyValueHeadCount())
                       .arg(c.heads / c.keyValueHeadCount()));
    if (info.capabilities.rotaryPositions) {
        auto ropeText = [&](const RotaryEmbedding &rope) {
            QString text = tr("%1, base %2").arg(QString::fromStdString(rope.type)).arg(rope.theta, 0, 'g', 10);
            if (rope.type != "default")
                text += tr(", factor %1").arg(rope.factor);
            if (rope.originalMaxPositions > 0)
                text += tr(", trained on %1 positions").arg(rope.originalMaxPositions);
            return text;
        };
        item(nullptr, tr("Positions (RoPE)"), ropeText(c.rope));
        if (c.slidingWindow > 0 && (c.localRope.theta != c.rope.theta || c.localRope.type != c.rope.type))
            item(nullptr, tr("RoPE of sliding layers"), ropeText(c.localRope));
    }
    if (c.slidingWindow > 0) {
        const auto sliding = std::count(c.slidingLayers.begin(), c.slidingLayers.end(), true);
        item(nullptr, tr("Sliding window"),
             tr("%1 keys, in %2 of %3 layers").arg(c.slidingWindow).arg(sliding).arg(c.layers));
    }
    item(nullptr, tr("Hidden / feed-forward"), QStringLiteral("%1 / %2").arg(c.hiddenSize).arg(c.intermediateSize));
    if (c.vocabularySize)
        item(nullptr, tr("Vocabulary"), count(c.vocabularySize));
    if (c.maxPositions)
        item(nullptr, tr("Positions"), count(c.maxPositions));
    if (info.capabilities.patchGrid) {
        const int64_t grid = c.imageSize / c.patchSize;
        item(nullptr, tr("Patches"),
             tr("%1/%2 = %3 per side: %4 patches of %5 values, + [CLS]")
                 .arg(c.imageSize)
                 .arg(c.patchSize)
                 .arg(grid)
                 .arg(grid * grid)
                 .arg(c.patchSize * c.patchSize * c.channels));
    }
    item(nullptr, tr("Parameters (weights)"), count(info.parameters));
    item(nullptr, tr("Parameters (config, base model)"), count(c.parameterCount()));
    item(nullptr, tr("dtype"), QString::fromStdString(c.dtype));
    item(nullptr, tr("Activation"), QString::fromStdString(c.activation));
    if (m_loaded.tokenizer)
        item(nullptr, tr("Tokenizer"), QString::fromStdString(m_loaded.tokenizer->description()));
    else if (!m_loaded.tokenizerProblem.empty())
        item(nullptr, tr("Tokenizer"), tr("none: %1").arg(QString::fromStdString(m_loaded.tokenizerProblem)));
    auto *files = item(nullptr, tr("Files read"), QString::number(info.files.size()));
    for (const std::string &file : info.files)
        item(files, QString(), QString::fromStdString(file));
    auto *tensors = item(nullptr, tr("Tensors"), QString::number(info.tensors.size()));
    for (const ModelTensorInfo &tensor : info.tensors)
        item(tensors, QString::fromStdString(tensor.name),
             shapeText(tensor.shape) + "  " + QString::fromStdString(tensor.dtype));
    if (!info.unexpectedKeys.empty()) {
        auto *unused = item(nullptr, tr("Unused tensors in the file"), QString::number(info.unexpectedKeys.size()));
        for (const std::string &key : info.unexpectedKeys)
            item(unused, QString::fromStdString(key), QString());
    }
    m_tree->expandItem(m_tree->topLevelItem(0));

    // The learned position table goes to the positional-encoding lab too.
    if (info.capabilities.learnedPositions) {
        auto table = std::make_shared<Matrix>(m_loaded.model->positionTable());
        m_positions->setFigureTitle(tr("Learned position table of %1").arg(name));
        m_positions->setMatrix(table);
        if (context().hub)
            context().hub->publishMatrix(widgets::DataHub::PositionTables,
                                         tr("%1 (%2)").arg(name, QString::fromStdString(c.modelType)), table);
    } else {
        m_positions->setFigureTitle(
            tr("%1 has no learned position table (it rotates queries and keys: RoPE)").arg(name));
        m_positions->setMatrix(std::make_shared<Matrix>());
    }
    if (context().hub)
        context().hub->publishText(widgets::DataHub::ModelFolders, name, folder);

    const bool image = m_loaded.preprocessing != nullptr;
    const bool masked = info.capabilities.maskedLanguageModel;
    const bool textToText = info.capabilities.conditionalGeneration;
    m_task->setText(image        ? tr("image classification")
                    : masked     ? tr("fill-mask")
                    : textToText ? tr("text to text (beam search; the Alignment view shows how)")
                                 : tr("next token"));
    m_input->clear();
    if (!image) {
        // The examples written with the model's own mask token (RoBERTa and XLM-R: <mask>).
        QStringList examples = masked ? kMaskExamples : kNextExamples;
        if (masked && m_loaded.tokenizer)
            examples.replaceInStrings(QStringLiteral("[MASK]"), QString::fromStdString(maskToken(*m_loaded.tokenizer)));
        m_input->addItems(examples);
    }
    m_input->setVisible(!image);
    m_imageButton->setVisible(image);
    m_temperature->setEnabled(!masked && !image && !textToText);
    m_run->setEnabled(true);
    if (!m_pendingInput.isEmpty()) {
        if (image)
            m_imagePath = m_pendingInput;
        else
            m_input->setEditText(m_pendingInput);
    }
    showStatus(tr("Loaded %1.").arg(folder));
    logInfo("loaded " + folder.toStdString() + ": " + architecture.toStdString());
    if (!m_pendingInput.isEmpty() || !image)
        runPipeline();
    m_pendingInput.clear();
}

void ModelsPanel::chooseImage()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose an image"), QString(),
                                                      tr("Images (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff)"));
    if (path.isEmpty())
        return;
    m_imagePath = path;
    runPipeline();
}

void ModelsPanel::runPipeline()
{
    if (!m_loaded.model)
        return;
    const auto loaded = m_loaded;
    const int topK = m_topK->value();
    const double temperature = m_temperature->value();
    const std::string text = m_input->currentText().toStdString();
    const std::string imagePath = m_imagePath.toStdString();
    if (loaded.preprocessing && imagePath.empty()) {
        showStatus(tr("Choose an image to classify."));
        return;
    }
    if (!loaded.preprocessing && !loaded.tokenizer) {
        showStatus(tr("This checkpoint has no tokenizer files (vocab.txt, vocab.json + merges.txt or tokenizer.json)."),
                   true);
        return;
    }
    struct Result {
        Encoding encoding;
        std::vector<Prediction> predictions;
    };
    QPointer<ModelsPanel> self(this);
    context().jobs->run<Result>(
        tr("Running %1").arg(QString::fromStdString(loaded.model->info().config.modelType)),
        [loaded, topK, temperature, text, imagePath](JobContext &context) {
            Result result;
            if (loaded.preprocessing) {
                result.predictions = classifyImage(*loaded.model, preprocessImage(imagePath, *loaded.preprocessing),
                                                   topK, nullptr, &context);
            } else if (loaded.model->info().capabilities.conditionalGeneration) {
                // An encoder-decoder: its best targets by beam search, each with its probability.
                result.encoding = loaded.tokenizer->encode(text, true);
                SequenceSettings settings;
                settings.beams = std::clamp(topK, 1, 8);
                settings.maxNewTokens = 48;
                for (const GeneratedSequence &beam :
                     generateSequence(*loaded.model, result.encoding.ids, settings, &context))
                    result.predictions.push_back(
                        {beam.ids.back(), loaded.tokenizer->decode(beam.ids, true), std::exp(beam.logProbability)});
            } else if (loaded.model->info().capabilities.maskedLanguageModel) {
                TextPipelineResult r = fillMask(*loaded.model, *loaded.tokenizer, text, topK, &context);
                result.encoding = r.encoding;
                result.predictions = r.predictions.front();
            } else {
                TextPipelineResult r = nextToken(*loaded.model, *loaded.tokenizer, text, topK, temperature, &context);
                result.encoding = r.encoding;
                result.predictions = r.predictions.front();
            }
            return result;
        },
        [self](Result result) {
            if (!self)
                return;
            QStringList labels;
            QVector<double> values, ids;
            for (const Prediction &p : result.predictions) {
                labels << QString::fromStdString(p.label);
                values << p.probability;
                ids << double(p.id);
            }
            self->m_predictions->setBars(labels, values, ids);
            self->showTokens(result.encoding);
            if (!result.predictions.empty())
                self->showStatus(tr("Most likely: \u201c%1\u201d (%2%)")
                                     .arg(labels.first())
                                     .arg(result.predictions.front().probability * 100.0, 0, 'f', 1));
        },
        [self](const QString &message) {
            if (self)
                self->showStatus(message, true);
        });
}

void ModelsPanel::showTokens(const Encoding &encoding)
{
    m_tokens->setRowCount(int(encoding.ids.size()));
    for (size_t i = 0; i < encoding.ids.size(); ++i) {
        const int row = int(i);
        m_tokens->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(encoding.tokens[i])));
        m_tokens->setItem(row, 1, new QTableWidgetItem(QString::number(encoding.ids[i])));
        m_tokens->setItem(row, 2, new QTableWidgetItem(QString::number(encoding.offsets[i].first)));
        m_tokens->setItem(row, 3, new QTableWidgetItem(QString::number(encoding.offsets[i].second)));
        m_tokens->setItem(row, 4, new QTableWidgetItem(QString::number(encoding.typeIds[i])));
    }
}

// Unlike PanelBase::setStatus, not echoed to the window's status bar (the studio says what
// the Models panel opened there itself).
void ModelsPanel::showStatus(const QString &text, bool error)
{
    statusLine()->setText(text);
    statusLine()->setStyleSheet(error ? QStringLiteral("color: #c00000;") : QString());
}

} // namespace tessera::models
