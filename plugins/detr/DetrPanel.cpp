#include "DetrPanel.h"

#include "tessera/core/Error.h"
#include "tessera/plugins/ImageSourceBox.h"
#include "tessera/plugins/ModelSourceBox.h"
#include "tessera/widgets/BoxImageView.h"
#include "tessera/widgets/CompositeFigure.h"
#include "tessera/widgets/HeatmapView.h"
#include "tessera/widgets/ImageGridView.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tessera::detrlens {
namespace {

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

bool detects(const ModelCapabilities &can)
{
    return can.detection;
}

} // namespace

plugins::PanelDescriptor DetrPanel::descriptor()
{
    return {QStringLiteral("detr"),
            tr("DETR lens"),
            tr("DETR on real images: detections, object queries and their cross-attention, encoder "
               "attention, the sine position encoding and Hungarian matching"),
            Qt::ALT | Qt::Key_7,
            90,
            {}};
}

DetrPanel::DetrPanel(const plugins::PanelContext &context, QWidget *parent)
    : plugins::PanelBase(context, descriptor(), parent), m_modelJob(this, errorsToStatus()),
      m_imageJob(this, errorsToStatus())
{
    addOpener([](const QString &path) { return plugins::ModelSourceBox::folderFits(path, detects); },
              &DetrPanel::openModel);
    addOpener(&plugins::ImageSourceBox::isImageFile, &DetrPanel::openImage);
    // Ground truth for the image shown.
    addOpener(
        [this](const QString &path) {
            return path.endsWith(".json", Qt::CaseInsensitive) && m_model && !m_image.empty();
        },
        &DetrPanel::loadTargets);
    buildUi();
    declareOptions();
    updateControls();
    refresh();
    // A DETR opened in the Models panel comes here too, unless the lens already shows one.
    m_modelBox->followStudio(context.hub, detects, plugins::ModelSourceBox::Follow::WhenEmpty,
                             [this] { return m_modelJob.isRunning(); });
}

DetrPanel::~DetrPanel() = default;

void DetrPanel::buildUi()
{
    auto *controls = new QWidget;
    auto *form = new QVBoxLayout(controls);

    m_modelBox = modelSource(
        {tr("No model. Open a DetrForObjectDetection folder (config.json and model.safetensors)."),
         tr("A Hugging Face DETR checkpoint folder (for example facebook/detr-resnet-50 saved as "
            "safetensors); nothing is downloaded"),
         tr("Open a DETR checkpoint"),
         tr("Scrub the training run's snapshots: every view, the matching included, shows the model as "
            "it was at that step (Left / Right, Page Up / Page Down)")},
        [this](const QString &folder, QString *error) { return openModel(folder, error); },
        [this](int64_t step, QString *error) { return loadSnapshot(step, error); });
    form->addWidget(m_modelBox);

    m_imageBox = imageSource(
        [this](Image8 image, const QString &name, QString *error) { return setImage(std::move(image), name, error); });
    form->addWidget(m_imageBox);
    form->addWidget(buildDetectionBox());
    form->addWidget(buildQueryBox());
    form->addWidget(buildMatchBox());
    form->addWidget(statusLine());
    form->addStretch(1);

    QScrollArea *scroll = placeControls(controls);
    scroll->setMinimumWidth(300);
    scroll->setMaximumWidth(380);
    buildViews();

    connect(m_threshold, &QSlider::valueChanged, this, [this] { refreshBoxes(); });
    connect(m_classes, &QListWidget::itemChanged, this, [this] { refreshBoxes(); });
    connect(m_querySpin, &QSpinBox::valueChanged, this, [this](int q) {
        m_query = q;
        refreshQuery();
    });
    connect(m_encoderLayer, &QSpinBox::valueChanged, this, [this] { refreshEncoder(); });
    connect(m_head, &QComboBox::currentIndexChanged, this, [this] { refreshEncoder(); });
    connect(m_draw, &QPushButton::toggled, this, [this](bool on) {
        m_matchingView->setDrawingEnabled(on);
        if (on)
            figureTabs()->setCurrentWidget(m_matchingView);
    });
    connect(m_boxesView, &widgets::BoxImageView::boxClicked, this, [this](int index) {
        if (index < 0 || !m_analysis)
            return;
        if (index < m_boxQueries.size())
            m_querySpin->setValue(m_boxQueries[index]);
    });
    connect(m_matchingView, &widgets::BoxImageView::boxDrawn, this, [this](QRectF box) {
        if (m_drawClass->currentIndex() >= 0)
            addTarget(m_drawClass->currentIndex(), box.left(), box.top(), box.right(), box.bottom());
    });
    connect(m_encoderView, &widgets::ImageGridView::cellClicked, this, [this](int, int row, int column) {
        m_pointRow = row;
        m_pointColumn = column;
        refreshEncoder();
    });
}

QWidget *DetrPanel::buildDetectionBox()
{
    auto *detectionBox = new QGroupBox(tr("Detections"));
    auto *detectionLayout = new QFormLayout(detectionBox);
    m_threshold = new QSlider(Qt::Horizontal);
    m_threshold->setToolTip(tr("Show detections whose best class (no-object excluded) scores above this"));
    m_thresholdLabel = new QLabel;
    auto *thresholdRow = new QHBoxLayout;
    thresholdRow->addWidget(m_threshold, 1);
    thresholdRow->addWidget(m_thresholdLabel);
    detectionLayout->addRow(tr("Threshold"), thresholdRow);
    m_classes = new QListWidget;
    m_classes->setToolTip(tr("Untick a class to hide its boxes"));
    m_classes->setMaximumHeight(130);
    detectionLayout->addRow(m_classes);
    return detectionBox;
}

QWidget *DetrPanel::buildQueryBox()
{
    auto *queryBox = new QGroupBox(tr("Queries and attention"));
    auto *queryLayout = new QFormLayout(queryBox);
    m_querySpin = new QSpinBox;
    m_querySpin->setToolTip(tr("The object query shown in the queries view (a click on a box selects its query)"));
    queryLayout->addRow(tr("Query"), m_querySpin);
    m_encoderLayer = new QSpinBox;
    m_encoderLayer->setToolTip(
        tr("Encoder layer of the encoder view (0 = first); click the image there to pick the reference point"));
    queryLayout->addRow(tr("Encoder layer"), m_encoderLayer);
    m_head = new QComboBox;
    m_head->setToolTip(tr("Head of the encoder view, or all heads"));
    queryLayout->addRow(tr("Encoder heads"), m_head);
    return queryBox;
}

QWidget *DetrPanel::buildMatchBox()
{
    auto *matchBox = new QGroupBox(tr("Ground truth and matching"));
    auto *matchLayout = new QVBoxLayout(matchBox);
    m_targetLabel = new QLabel(tr("No ground truth. Draw boxes on the matching view or load a COCO JSON."));
    m_targetLabel->setWordWrap(true);
    m_drawClass = new QComboBox;
    m_drawClass->setToolTip(tr("The class of the boxes you draw"));
    m_draw = new QPushButton(tr("Draw boxes"));
    m_draw->setCheckable(true);
    m_draw->setToolTip(tr("Drag on the matching view to add a ground-truth box of the chosen class (D)"));
    m_draw->setShortcut(QKeySequence(Qt::Key_D));
    auto *loadButton = new QPushButton(tr("COCO JSON\u2026"));
    loadButton->setToolTip(
        tr("Ground truth from a COCO-style annotation file (the entry whose file_name is this image's)"));
    auto *clearButton = new QPushButton(tr("Clear"));
    clearButton->setToolTip(tr("Remove every ground-truth box"));
    connect(loadButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open COCO annotations"), QFileInfo(m_imageBox->filePath()).path(), tr("COCO JSON (*.json)"));
        QString error;
        if (!path.isEmpty() && !loadTargets(path, &error))
            setStatus(error, true);
    });
    connect(clearButton, &QPushButton::clicked, this, &DetrPanel::clearTargets);
    auto *drawRow = new QHBoxLayout;
    drawRow->addWidget(m_drawClass, 1);
    drawRow->addWidget(m_draw);
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(loadButton);
    fileRow->addWidget(clearButton);
    matchLayout->addWidget(m_targetLabel);
    matchLayout->addLayout(drawRow);
    matchLayout->addLayout(fileRow);
    return matchBox;
}

void DetrPanel::buildViews()
{
    m_boxesView = addFigure("boxes", tr("Boxes"), new widgets::BoxImageView);
    m_boxesView->setPlaceholder(tr("Open a DETR checkpoint and an image to see its detections."));
    m_queryView = addFigure("queries", tr("Queries"), new widgets::ImageGridView);
    m_queryView->setPlaceholder(tr("Each object query's cross-attention over the image appears here, for every decoder "
                                   "layer and head."));
    m_classesView = addFigure("classes", tr("Classes"), new widgets::HeatmapView);
    m_classesView->setAxisTitles(tr("class"), tr("object query"));
    m_classesView->setValueName(tr("probability"));
    m_encoderView = addFigure("encoder", tr("Encoder"), new widgets::ImageGridView);
    m_encoderView->setPlaceholder(
        tr("Encoder self-attention of a reference point appears here; click a cell to move it."));
    m_positionView = addFigure("position", tr("Position"), new widgets::ImageGridView);
    m_positionView->setPlaceholder(tr("Open a DETR checkpoint to see its 2-D sine position encoding."));
    m_matchingView = addFigure("matching", tr("Matching"), new widgets::BoxImageView);
    m_matchingView->setPlaceholder(tr("Ground truth and its Hungarian matching appear here."));
    m_costView = addFigure("cost", tr("Cost"), new widgets::CompositeFigure(tr("Matching cost")));
    m_costView->setColumns(2);
    for (auto *&part : m_costParts) {
        part = m_costView->addFigure(new widgets::HeatmapView);
        part->setAxisTitles(tr("target"), tr("query"));
    }
}

void DetrPanel::declareOptions()
{
    plugins::OptionSet &o = optionSet();
    o.addText("model", tr("a DETR checkpoint folder (DetrForObjectDetection)"));
    o.addText("image", tr("an image file (PNG, JPEG, BMP, TIFF, WebP)"));
    o.addText("snapshot", tr("a snapshot step of a detr-shapes training run, or last"), "last");
    o.addDouble("threshold", tr("detection score threshold"), 0.5, 0.0, 1.0).bind(m_threshold, 100.0);
    o.addText("hide", tr("classes to hide, comma-separated names"));
    o.addText("query", tr("the object query of the queries view"), "0");
    o.addText("encoder-layer", tr("encoder layer of the encoder view"), "0");
    o.addText("head", tr("encoder head, or all"), "all");
    o.addText("point", tr("reference point of the encoder view as ROW,COLUMN of the feature grid"), "0,0");
    o.addText("targets", tr("ground truth: a COCO JSON file, or boxes LABEL:X0,Y0,X1,Y1;... in pixels"));
    addViewOption(tr("the view"), "boxes");
}

// ---------------------------------------------------------------------------------------------
// Model, image, ground truth

bool DetrPanel::openModel(const QString &path, QString *error)
{
    const QString folder = QDir(path).absolutePath();
    detr::DetrPreprocessing preprocessing;
    try {
        detr::DetrConfig::fromFile((folder + "/config.json").toStdString());
        preprocessing = detr::DetrPreprocessing::forModel(folder.toStdString());
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    std::optional<SnapshotIndex> snapshots;
    if (QFileInfo::exists(folder + "/snapshots/index.json")) {
        try {
            SnapshotIndex index = readSnapshotIndex(folder.toStdString());
            if (index.capabilities().detection && snapshotHasWeights(index, index.steps.back()))
                snapshots = std::move(index);
        } catch (const std::exception &) {
            // A run whose snapshots cannot be read still opens: its final model.
        }
    }
    const std::string folderPath = folder.toStdString();
    setStatus(tr("Loading %1\u2026").arg(folder));
    return m_modelJob.start(
        jobs(), tr("Loading %1").arg(QFileInfo(folder).fileName()),
        [folderPath](JobContext &context) { return sharedModel(folderPath, &context); },
        [this, folder, preprocessing, snapshots](std::shared_ptr<const Model> model) {
            m_modelBox->setFolder(folder);
            m_model = std::move(model);
            m_preprocessing = preprocessing;
            m_modelBox->setSnapshots(snapshots);
            m_step = -1;
            updateSnapshotLabel();
            modelReady();
        },
        error);
}

void DetrPanel::modelReady()
{
    const ModelConfig &c = m_model->info().config;
    const detr::DetrConfig &d = detr::detrConfig(*m_model);
    m_modelBox->setDescription(
        tr("<b>%1</b> \u00b7 %2 backbone \u00b7 d %3 \u00b7 %4 + %5 layers \u00d7 %6 heads \u00b7 %7 queries "
           "\u00b7 %8 classes \u00b7 %9 M parameters")
            .arg(QFileInfo(m_modelBox->folder()).fileName().toHtmlEscaped(),
                 text(d.backbone.empty() ? "ResNet" : d.backbone))
            .arg(d.dModel)
            .arg(d.encoderLayers)
            .arg(d.decoderLayers)
            .arg(d.encoderHeads)
            .arg(d.queries)
            .arg(c.labels.size())
            .arg(double(m_model->info().parameters) / 1e6, 0, 'f', 1));
    {
        const QSignalBlocker a(m_classes), b(m_drawClass), e(m_querySpin), f(m_encoderLayer), g(m_head);
        m_classes->clear();
        m_drawClass->clear();
        for (size_t i = 0; i < c.labels.size(); ++i) {
            auto *item = new QListWidgetItem(text(c.labels[i]), m_classes);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Checked);
            m_drawClass->addItem(text(c.labels[i]));
        }
        m_querySpin->setRange(0, int(d.queries) - 1);
        m_query = std::min<int>(m_query, int(d.queries) - 1);
        m_querySpin->setValue(m_query);
        m_encoderLayer->setRange(0, std::max<int>(0, int(d.encoderLayers) - 1));
        m_head->clear();
        m_head->addItem(tr("all heads"), QStringLiteral("all"));
        for (int64_t h = 0; h < d.encoderHeads; ++h)
            m_head->addItem(tr("head %1").arg(h), QString::number(h));
    }
    setStatus(tr("Loaded %1.").arg(m_modelBox->folder()));
    m_analysis.reset();
    clearTargets();
    QString error;
    if (!m_image.empty() && !analyse(&error))
        setStatus(error, true);
    releaseHeldOptions();
    updateControls();
    refresh();
}

bool DetrPanel::loadSnapshot(int64_t step, QString *error)
{
    if (!m_modelBox->snapshots()) {
        if (error)
            *error = tr("the open model is not a detr-shapes training run with snapshots");
        return false;
    }
    const SnapshotIndex index = *m_modelBox->snapshots();
    return m_modelJob.start(
        jobs(), tr("Snapshot at step %1").arg(step), [index, step](JobContext &) { return snapshotModel(index, step); },
        [this, step](std::shared_ptr<const Model> model) {
            // The same architecture at another step: the image, ground truth, query and point stay.
            m_model = std::move(model);
            m_step = step;
            updateSnapshotLabel();
            m_analysis.reset();
            QString failure;
            if (!m_image.empty() && !analyse(&failure))
                setStatus(failure, true);
            refresh();
        },
        error);
}

void DetrPanel::updateSnapshotLabel()
{
    const auto &snapshots = m_modelBox->snapshots();
    if (!snapshots)
        return;
    const int index = std::clamp(m_modelBox->snapshotIndex(), 0, int(snapshots->steps.size()) - 1);
    const double ap = snapshots->accuracies[size_t(index)];
    m_modelBox->setSnapshotDetail(std::isfinite(ap) ? tr(" \u00b7 held-out AP50 %1").arg(ap, 0, 'f', 3) : QString());
}

bool DetrPanel::openImage(const QString &path, QString *error)
{
    return m_imageBox->openFile(path, error);
}

bool DetrPanel::setImage(Image8 image, const QString &name, QString *error)
{
    m_image = std::move(image);
    m_imageBox->setDescription(
        tr("%1 \u00b7 %2 \u00d7 %3").arg(name.toHtmlEscaped()).arg(m_image.width).arg(m_image.height));
    m_analysis.reset();
    m_targets = {};
    m_targetSource.clear();
    refresh();
    return m_model ? analyse(error) : true;
}

bool DetrPanel::analyse(QString *error)
{
    if (!m_model || m_image.empty())
        return true;
    const std::shared_ptr<const Model> model = m_model;
    const Image8 image = m_image;
    const detr::DetrPreprocessing preprocessing = m_preprocessing;
    setStatus(tr("Running DETR\u2026"));
    return m_imageJob.start(
        jobs(), tr("DETR on the image"),
        [model, image, preprocessing](JobContext &context) {
            return analyseDetr(*model, image, preprocessing, context);
        },
        [this](std::shared_ptr<const DetrAnalysis> analysis) {
            m_analysis = std::move(analysis);
            m_pointRow = std::min<int>(m_pointRow, int(m_analysis->gridHeight) - 1);
            m_pointColumn = std::min<int>(m_pointColumn, int(m_analysis->gridWidth) - 1);
            int above = 0;
            for (const detr::Detection &d : m_analysis->detections)
                above += d.score > m_threshold->value() / 100.0;
            setStatus(tr("%1 of %2 queries above the threshold; feature grid %3 \u00d7 %4.")
                          .arg(above)
                          .arg(m_analysis->detections.size())
                          .arg(m_analysis->gridHeight)
                          .arg(m_analysis->gridWidth));
            updateControls();
            refresh();
        },
        error);
}

void DetrPanel::addTarget(int64_t label, double x0, double y0, double x1, double y1)
{
    if (m_image.empty())
        return;
    const double w = double(m_image.width), h = double(m_image.height);
    x0 = std::clamp(x0, 0.0, w);
    x1 = std::clamp(x1, 0.0, w);
    y0 = std::clamp(y0, 0.0, h);
    y1 = std::clamp(y1, 0.0, h);
    m_targets.labels.push_back(label);
    m_targets.boxes.push_back(
        {float((x0 + x1) / 2 / w), float((y0 + y1) / 2 / h), float((x1 - x0) / w), float((y1 - y0) / h)});
    if (m_targetSource.isEmpty())
        m_targetSource = tr("drawn");
    refreshMatching();
}

bool DetrPanel::loadTargets(const QString &path, QString *error)
{
    if (!m_model || m_image.empty()) {
        if (error)
            *error = tr("ground truth needs a model and an image first");
        return false;
    }
    try {
        const detr::GroundTruth truth =
            detr::readCocoAnnotations(path.toStdString(), QFileInfo(m_imageBox->filePath()).fileName().toStdString(),
                                      m_image.width, m_image.height, m_model->info().config.labels);
        m_targets.labels = truth.labels;
        m_targets.boxes.clear();
        for (int64_t i = 0; i < truth.boxes.rows; ++i)
            m_targets.boxes.push_back(
                {truth.boxes.at(i, 0), truth.boxes.at(i, 1), truth.boxes.at(i, 2), truth.boxes.at(i, 3)});
        m_targetSource = QFileInfo(path).fileName() + QStringLiteral(": ") + text(truth.image);
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    refreshMatching();
    figureTabs()->setCurrentWidget(m_matchingView);
    return true;
}

void DetrPanel::clearTargets()
{
    m_targets = {};
    m_targetSource.clear();
    refreshMatching();
}

void DetrPanel::updateControls()
{
    m_thresholdLabel->setText(QString::number(m_threshold->value() / 100.0, 'f', 2));
    m_draw->setEnabled(m_model && !m_image.empty());
}

// ---------------------------------------------------------------------------------------------
// Views

void DetrPanel::refresh()
{
    refreshBoxes();
    refreshQuery();
    refreshEncoder();
    refreshPosition();
    refreshMatching();
}

QStringList DetrPanel::hiddenClasses() const
{
    QStringList hidden;
    for (int i = 0; i < m_classes->count(); ++i)
        if (m_classes->item(i)->checkState() != Qt::Checked)
            hidden << m_classes->item(i)->text();
    return hidden;
}

void DetrPanel::refreshBoxes()
{
    updateControls();
    const QImage image = m_image.empty() ? QImage() : widgets::imageFromPixels(m_image);
    m_boxesView->setImage(image);
    m_matchingView->setImage(image);
    if (!m_analysis) {
        m_boxesView->setBoxes({});
        m_boxQueries.clear();
        m_boxesView->setFigureTitle(m_model ? tr("Detections") : QString());
        m_boxesView->setFootnote(QString());
        m_boxesView->setPlaceholder(m_model ? tr("Open an image (or paste one) to run DETR on it.")
                                            : tr("Open a DETR checkpoint and an image to see its detections."));
        return;
    }
    m_boxQueries = showBoxes(*m_boxesView, *m_analysis, m_threshold->value() / 100.0, hiddenClasses(), m_query);
}

void DetrPanel::refreshQuery()
{
    if (!m_analysis || !m_model) {
        m_queryView->setTiles({});
        m_classesView->setMatrix(nullptr);
        return;
    }
    showQuery(*m_queryView, *m_classesView, *m_model, *m_analysis, m_query);
    refreshBoxes();
}

void DetrPanel::refreshEncoder()
{
    if (!m_analysis || !m_model || detr::detrConfig(*m_model).encoderLayers == 0) {
        m_encoderView->setTiles({});
        return;
    }
    showEncoder(*m_encoderView, *m_model, *m_analysis, m_encoderLayer->value(), m_head->currentData().toString(),
                m_pointRow, m_pointColumn);
}

void DetrPanel::refreshPosition()
{
    if (!m_model) {
        m_positionView->setTiles({});
        return;
    }
    // The image's feature grid, or that of a 800 x 1066 image (the processor's default size).
    showPosition(*m_positionView, detr::detrConfig(*m_model).dModel, m_analysis ? m_analysis->gridHeight : 25,
                 m_analysis ? m_analysis->gridWidth : 34);
}

void DetrPanel::refreshMatching()
{
    const int64_t targets = int64_t(m_targets.boxes.size());
    m_targetLabel->setText(targets == 0 ? tr("No ground truth. Draw boxes on the matching view or load a COCO JSON.")
                                        : tr("%1 ground-truth boxes (%2).").arg(targets).arg(m_targetSource));
    const QImage image = m_image.empty() ? QImage() : widgets::imageFromPixels(m_image);
    m_matchingView->setImage(image);
    for (auto *part : m_costParts)
        part->setMatrix(nullptr);
    if (!m_analysis || !m_model) {
        m_matchingView->setBoxes({});
        m_matchingView->setFootnote(QString());
        m_matchingView->setFigureTitle(QString());
        return;
    }
    const QString problem = showMatching(*m_matchingView, *m_costView, m_costParts, *m_model, *m_analysis, m_targets,
                                         double(m_image.width), double(m_image.height));
    if (!problem.isEmpty())
        setStatus(problem, true);
}

// ---------------------------------------------------------------------------------------------
// Options, sessions, files

QVariantMap DetrPanel::options() const
{
    QVariantMap o;
    if (!m_model && m_image.empty())
        return o;
    if (!m_modelBox->folder().isEmpty())
        o["model"] = m_modelBox->folder();
    if (m_modelBox->snapshots() && m_step >= 0)
        o["snapshot"] = QString::number(m_step);
    if (!m_imageBox->filePath().isEmpty())
        o["image"] = m_imageBox->filePath();
    optionSet().write(o, {"threshold"});
    if (!hiddenClasses().isEmpty())
        o["hide"] = hiddenClasses().join(',');
    o["query"] = QString::number(m_query);
    o["encoder-layer"] = QString::number(m_encoderLayer->value());
    o["head"] = m_head->currentData().toString().isEmpty() ? QStringLiteral("all") : m_head->currentData().toString();
    o["point"] = QStringLiteral("%1,%2").arg(m_pointRow).arg(m_pointColumn);
    if (!m_targets.boxes.empty()) {
        QStringList boxes;
        for (size_t t = 0; t < m_targets.boxes.size(); ++t) {
            const auto &b = m_targets.boxes[t];
            const double w = double(m_image.width), h = double(m_image.height);
            boxes << QStringLiteral("%1:%2,%3,%4,%5")
                         .arg(m_targets.labels[t])
                         .arg((b[0] - b[2] / 2) * w, 0, 'f', 1)
                         .arg((b[1] - b[3] / 2) * h, 0, 'f', 1)
                         .arg((b[0] + b[2] / 2) * w, 0, 'f', 1)
                         .arg((b[1] + b[3] / 2) * h, 0, 'f', 1);
        }
        o["targets"] = boxes.join(';');
    }
    o["view"] = currentFigureName();
    return o;
}

bool DetrPanel::checkOptions(const QVariantMap &options, QString *error)
{
    const QString head = options.value("head", "all").toString();
    bool headNumber = false;
    head.toInt(&headNumber);
    if (head != "all" && !headNumber)
        return fail(error, tr("--head: \"%1\" is not all or a head number").arg(head));
    if (options.contains("point")) {
        const QStringList parts = options["point"].toString().split(',');
        bool okRow = false, okColumn = false;
        const int row = parts.size() == 2 ? parts[0].trimmed().toInt(&okRow) : -1;
        const int column = parts.size() == 2 ? parts[1].trimmed().toInt(&okColumn) : -1;
        if (!okRow || !okColumn || row < 0 || column < 0)
            return fail(error, tr("--point: \"%1\" is not ROW,COLUMN").arg(options["point"].toString()));
    }
    return true;
}

bool DetrPanel::openSource(const QVariantMap &options, bool *loading, QString *error)
{
    *loading = false;
    if (!options.contains("model") || QDir(options["model"].toString()).absolutePath() == m_modelBox->folder())
        return true;
    if (!openModel(options["model"].toString(), error))
        return false;
    *loading = m_modelJob.isRunning();
    return true;
}

bool DetrPanel::applySnapshot(const QString &step, QString *error)
{
    const auto &snapshots = m_modelBox->snapshots();
    if (!snapshots)
        return fail(error, tr("--snapshot needs a detr-shapes training run (its snapshots keep the weights)"));
    const int index = m_modelBox->findSnapshot(step);
    if (index < 0)
        return fail(error, tr("--snapshot: no snapshot at step \"%1\" (steps %2 to %3)")
                               .arg(step)
                               .arg(snapshots->steps.front())
                               .arg(snapshots->steps.back()));
    m_modelBox->selectSnapshot(index);
    return loadSnapshot(snapshots->steps[size_t(index)], error);
}

// Ground truth as LABEL:X0,Y0,X1,Y1;... in pixels: label and corners of each box.
bool DetrPanel::parseTargets(const QString &targets, std::vector<std::array<double, 5>> *drawn, QString *error) const
{
    const int64_t classes = m_model ? int64_t(m_model->info().config.labels.size()) : 0;
    for (const QString &entry : targets.split(';', Qt::SkipEmptyParts)) {
        const QStringList labelBox = entry.split(':');
        const QStringList numbers = labelBox.value(1).split(',');
        std::array<double, 5> v{};
        bool good = labelBox.size() == 2 && numbers.size() == 4, number = false;
        v[0] = labelBox.value(0).toInt(&number);
        good = good && number;
        for (int k = 0; good && k < 4; ++k) {
            v[size_t(k + 1)] = numbers[k].toDouble(&number);
            good = number;
        }
        if (!good || v[0] < 0 || v[0] >= double(classes) || v[3] <= v[1] || v[4] <= v[2])
            return fail(error, tr("--targets: \"%1\" is not LABEL:X0,Y0,X1,Y1 with a class of this model (0 to %2) "
                                  "and a box of positive size")
                                   .arg(entry)
                                   .arg(classes - 1));
        drawn->push_back(v);
    }
    if (m_image.empty())
        return fail(error, tr("--targets needs an image (--image FILE)"));
    return true;
}

bool DetrPanel::applyOptions(const QVariantMap &options, const QString &view, QString *error)
{
    bool ok = true;
    if (options.contains("snapshot") && options["snapshot"].toString() != "last" &&
        !applySnapshot(options["snapshot"].toString(), error))
        return false;
    if (options.contains("image") &&
        QFileInfo(options["image"].toString()).absoluteFilePath() != m_imageBox->filePath() &&
        !openImage(options["image"].toString(), error))
        return false;
    // Everything below is checked before anything changes, so a bad value leaves the panel as it was.
    QStringList hide;
    for (const QString &name : options.value("hide").toString().split(',', Qt::SkipEmptyParts)) {
        hide << name.trimmed();
        if (m_model && m_classes->findItems(hide.back(), Qt::MatchExactly).isEmpty())
            return fail(error, tr("--hide: \"%1\" is not a class of this model").arg(hide.back()));
    }
    const QString head = options.value("head", "all").toString();
    int pointRow = m_pointRow, pointColumn = m_pointColumn;
    if (options.contains("point")) {
        const QStringList parts = options["point"].toString().split(',');
        pointRow = parts[0].trimmed().toInt();
        pointColumn = parts[1].trimmed().toInt();
    }
    int query = m_query, layer = m_encoderLayer->value();
    if (m_model) {
        const detr::DetrConfig &d = detr::detrConfig(*m_model);
        query = options.value("query", m_query).toString().toInt(&ok);
        if (!ok || query < 0 || query >= d.queries)
            return fail(error, tr("--query: \"%1\" is not a query of this model (0 to %2)")
                                   .arg(options.value("query").toString())
                                   .arg(d.queries - 1));
        layer = options.value("encoder-layer", m_encoderLayer->value()).toString().toInt(&ok);
        if (!ok || layer < 0 || layer >= std::max<int64_t>(1, d.encoderLayers))
            return fail(error, tr("--encoder-layer: \"%1\" is not a layer of this model (0 to %2)")
                                   .arg(options.value("encoder-layer").toString())
                                   .arg(d.encoderLayers - 1));
        if (options.contains("head") && m_head->findData(head) < 0)
            return fail(
                error,
                tr("--head: \"%1\" is not all or a head of this model (0 to %2)").arg(head).arg(d.encoderHeads - 1));
        if (m_analysis && (pointRow >= m_analysis->gridHeight || pointColumn >= m_analysis->gridWidth))
            return fail(error, tr("--point: %1,%2 is outside the %3 \u00d7 %4 feature grid")
                                   .arg(pointRow)
                                   .arg(pointColumn)
                                   .arg(m_analysis->gridHeight)
                                   .arg(m_analysis->gridWidth));
    } else if ((options.contains("query") || options.contains("encoder-layer") || options.contains("targets")) &&
               runsInline()) {
        return fail(error, tr("--query, --encoder-layer and --targets need a model (--model DIR)"));
    }
    // A COCO file is read last: loadTargets changes nothing when it fails.
    const QString targets = options.value("targets").toString();
    const bool coco = options.contains("targets") && targets.endsWith(".json", Qt::CaseInsensitive);
    std::vector<std::array<double, 5>> drawn;
    if (options.contains("targets") && !coco && !parseTargets(targets, &drawn, error))
        return false;
    if (coco && !loadTargets(targets, error))
        return false;

    {
        const QSignalBlocker a(m_threshold), b(m_classes), c(m_querySpin), e(m_encoderLayer), f(m_head);
        optionSet().apply(options);
        if (options.contains("hide"))
            for (int i = 0; i < m_classes->count(); ++i)
                m_classes->item(i)->setCheckState(hide.contains(m_classes->item(i)->text()) ? Qt::Unchecked
                                                                                            : Qt::Checked);
        if (m_model) {
            m_query = query;
            m_querySpin->setValue(query);
            m_encoderLayer->setValue(layer);
            if (options.contains("head"))
                m_head->setCurrentIndex(m_head->findData(head));
            m_pointRow = pointRow;
            m_pointColumn = pointColumn;
        }
    }
    if (options.contains("targets") && !coco) {
        m_targets = {};
        m_targetSource.clear();
        for (const auto &v : drawn)
            addTarget(int64_t(v[0]), v[1], v[2], v[3], v[4]);
    }
    // tessera-cli exports at once: say what is missing instead of exporting a placeholder.
    if (runsInline() && !options.isEmpty()) {
        if (!m_model)
            return fail(error, tr("the DETR lens needs a model: --model DIR (a DetrForObjectDetection checkpoint)"));
        if (view != "position" && m_image.empty())
            return fail(error, tr("the %1 view needs an image: --image FILE").arg(view));
        if ((view == "matching" || view == "cost") && m_targets.boxes.empty())
            return fail(error, tr("the %1 view needs ground truth: --targets COCO.json or --targets "
                                  "LABEL:X0,Y0,X1,Y1;...")
                                   .arg(view));
    }
    refresh();
    return true;
}

} // namespace tessera::detrlens
