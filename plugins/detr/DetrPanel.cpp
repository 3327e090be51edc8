#include "DetrPanel.h"

#include "tessera/core/Error.h"
#include "tessera/plugins/PanelJobs.h"
#include "tessera/widgets/BoxImageView.h"
#include "tessera/widgets/CompositeFigure.h"
#include "tessera/widgets/DataHub.h"
#include "tessera/widgets/HeatmapView.h"
#include "tessera/widgets/ImageGridView.h"
#include "tessera/widgets/JobRunner.h"

#include <QApplication>
#include <QClipboard>
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

const QStringList kFigures{"boxes", "queries", "classes", "encoder", "position", "matching", "cost"};
constexpr int kPositionChannels = 16; // of y and of x each, spread over the frequencies

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

QString percent(double p)
{
    return QString::number(100.0 * p, 'f', 1) + QStringLiteral("%");
}

// A [rows, cols] matrix from a row of a captured attention [1, heads, queries, keys].
MatrixPtr attentionMap(const FloatTensor &attention, int64_t head, int64_t query, int64_t rows, int64_t cols)
{
    auto map = std::make_shared<Matrix>(rows, cols);
    const int64_t heads = attention.shape[1], queries = attention.shape[2], keys = attention.shape[3];
    for (int64_t k = 0; k < keys && k < rows * cols; ++k) {
        double v = 0.0;
        if (head < 0) { // mean of the heads
            for (int64_t h = 0; h < heads; ++h)
                v += attention.values[size_t((h * queries + query) * keys + k)];
            v /= double(heads);
        } else {
            v = attention.values[size_t((head * queries + query) * keys + k)];
        }
        map->values[size_t(k)] = float(v);
    }
    return map;
}

// CSV of the cost parts: one row per (query, target) pair.
widgets::FigureTable costTable(const matching::Matching &m)
{
    widgets::FigureTable table;
    table.columnNames = {"query", "target", "total", "class", "l1", "giou", "matched"};
    table.columns.assign(7, {});
    for (int64_t q = 0; q < m.total.rows; ++q)
        for (int64_t t = 0; t < m.total.cols; ++t) {
            bool matched = false;
            for (size_t i = 0; i < m.predictions.size(); ++i)
                matched = matched || (m.predictions[i] == q && m.targets[i] == t);
            const double row[7] = {double(q),          double(t),           m.total.at(q, t),   m.classCost.at(q, t),
                                   m.boxCost.at(q, t), m.giouCost.at(q, t), matched ? 1.0 : 0.0};
            for (int c = 0; c < 7; ++c)
                table.columns[size_t(c)].push_back(row[c]);
        }
    return table;
}

MatrixPtr costMatrix(const matching::CostMatrix &c)
{
    auto m = std::make_shared<Matrix>(c.rows, c.cols);
    for (size_t i = 0; i < c.values.size(); ++i)
        m->values[i] = float(c.values[i]);
    return m;
}

} // namespace

DetrPanel::DetrPanel(const plugins::PanelContext &context, QWidget *parent)
    : widgets::PanelWidget(parent), m_context(context)
{
    buildUi();
    updateControls();
    refresh();
    // A DETR opened in the Models panel comes here too, unless the lens already shows one.
    if (m_context.hub)
        connect(m_context.hub, &widgets::DataHub::textsChanged, this,
                [this](const QString &topic, const QString &name) {
                    if (topic != widgets::DataHub::ModelFolders || !m_folder.isEmpty() || m_modelJob)
                        return;
                    const QString folder = m_context.hub->text(topic, name);
                    QString error;
                    if (detr::isDetrModel(folder.toStdString()) && !openModel(folder, &error))
                        setStatus(error, true);
                });
}

DetrPanel::~DetrPanel()
{
    for (const QPointer<widgets::JobHandle> &job : {m_modelJob, m_imageJob})
        if (job)
            job->cancel();
}

void DetrPanel::buildUi()
{
    auto *controls = new QWidget;
    auto *form = new QVBoxLayout(controls);

    auto *modelBox = new QGroupBox(tr("Model"));
    auto *modelLayout = new QVBoxLayout(modelBox);
    m_modelLabel =
        new QLabel(tr("No model. Open a DetrForObjectDetection folder (config.json and model.safetensors)."));
    m_modelLabel->setWordWrap(true);
    auto *openModelButton = new QPushButton(tr("Open model\u2026"));
    openModelButton->setToolTip(
        tr("A Hugging Face DETR checkpoint folder (for example facebook/detr-resnet-50 saved as "
           "safetensors); nothing is downloaded"));
    connect(openModelButton, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open a DETR checkpoint"), m_folder);
        QString error;
        if (!folder.isEmpty() && !openModel(folder, &error))
            setStatus(error, true);
    });
    m_snapshot = new QSlider(Qt::Horizontal);
    m_snapshot->setToolTip(
        tr("Scrub the training run's snapshots: every view, the matching included, shows the model as "
           "it was at that step (Left / Right, Page Up / Page Down)"));
    m_snapshotLabel = new QLabel;
    m_snapshotLabel->setWordWrap(true);
    m_snapshot->setVisible(false);
    m_snapshotLabel->setVisible(false);
    connect(m_snapshot, &QSlider::valueChanged, this, [this](int index) {
        if (!m_snapshots || index < 0 || index >= int(m_snapshots->steps.size()))
            return;
        QString error;
        if (!loadSnapshot(m_snapshots->steps[size_t(index)], &error))
            setStatus(error, true);
    });
    modelLayout->addWidget(m_modelLabel);
    modelLayout->addWidget(openModelButton);
    modelLayout->addWidget(m_snapshot);
    modelLayout->addWidget(m_snapshotLabel);
    form->addWidget(modelBox);

    auto *imageBox = new QGroupBox(tr("Image"));
    auto *imageLayout = new QVBoxLayout(imageBox);
    m_imageLabel = new QLabel(tr("none"));
    m_imageLabel->setWordWrap(true);
    auto *imageButtons = new QHBoxLayout;
    auto *openImageButton = new QPushButton(tr("Open image\u2026"));
    openImageButton->setToolTip(
        tr("PNG, JPEG, BMP, TIFF or WebP; you can also drop a file on the window or paste (Ctrl+V)"));
    connect(openImageButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open an image"), QFileInfo(m_imagePath).path(),
                                                          tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"));
        QString error;
        if (!path.isEmpty() && !openImage(path, &error))
            setStatus(error, true);
    });
    auto *pasteButton = new QPushButton(tr("Paste"));
    pasteButton->setToolTip(tr("Use the image on the clipboard"));
    pasteButton->setShortcut(QKeySequence::Paste);
    connect(pasteButton, &QPushButton::clicked, this, [this] {
        Image8 image = widgets::pixelsFromImage(QApplication::clipboard()->image());
        if (image.empty()) {
            setStatus(tr("The clipboard holds no image."), true);
            return;
        }
        QString error;
        if (!setImage(std::move(image), tr("pasted image"), &error))
            setStatus(error, true);
    });
    imageButtons->addWidget(openImageButton);
    imageButtons->addWidget(pasteButton);
    imageLayout->addWidget(m_imageLabel);
    imageLayout->addLayout(imageButtons);
    form->addWidget(imageBox);

    auto *detectionBox = new QGroupBox(tr("Detections"));
    auto *detectionLayout = new QFormLayout(detectionBox);
    m_threshold = new QSlider(Qt::Horizontal);
    m_threshold->setRange(0, 100);
    m_threshold->setValue(50);
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
    form->addWidget(detectionBox);

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
    form->addWidget(queryBox);

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
        const QString path = QFileDialog::getOpenFileName(this, tr("Open COCO annotations"),
                                                          QFileInfo(m_imagePath).path(), tr("COCO JSON (*.json)"));
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
    form->addWidget(matchBox);

    m_status = new QLabel;
    m_status->setWordWrap(true);
    form->addWidget(m_status);
    form->addStretch(1);

    auto *scroll = new QScrollArea;
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(300);
    scroll->setMaximumWidth(380);

    m_views = new QTabWidget;
    m_boxesView = new widgets::BoxImageView;
    m_boxesView->setPlaceholder(tr("Open a DETR checkpoint and an image to see its detections."));
    m_queryView = new widgets::ImageGridView;
    m_queryView->setPlaceholder(tr("Each object query's cross-attention over the image appears here, for every decoder "
                                   "layer and head."));
    m_classesView = new widgets::HeatmapView;
    m_classesView->setAxisTitles(tr("class"), tr("object query"));
    m_classesView->setValueName(tr("probability"));
    m_encoderView = new widgets::ImageGridView;
    m_encoderView->setPlaceholder(
        tr("Encoder self-attention of a reference point appears here; click a cell to move it."));
    m_positionView = new widgets::ImageGridView;
    m_positionView->setPlaceholder(tr("Open a DETR checkpoint to see its 2-D sine position encoding."));
    m_matchingView = new widgets::BoxImageView;
    m_matchingView->setPlaceholder(tr("Ground truth and its Hungarian matching appear here."));
    m_costView = new widgets::CompositeFigure(tr("Matching cost"));
    m_costView->setColumns(2);
    for (auto *&part : m_costParts) {
        part = m_costView->addFigure(new widgets::HeatmapView);
        part->setAxisTitles(tr("target"), tr("query"));
    }
    const QStringList tabs{tr("Boxes"),    tr("Queries"),  tr("Classes"), tr("Encoder"),
                           tr("Position"), tr("Matching"), tr("Cost")};
    const QList<QWidget *> views{m_boxesView,    m_queryView,    m_classesView, m_encoderView,
                                 m_positionView, m_matchingView, m_costView};
    for (int i = 0; i < views.size(); ++i)
        m_views->addTab(views[i], tabs[i]);
    connect(m_views, &QTabWidget::currentChanged, this, [this] { emit currentFigureChanged(currentFigureName()); });

    auto *layout = new QHBoxLayout(this);
    layout->addWidget(scroll);
    layout->addWidget(m_views, 1);

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
            m_views->setCurrentWidget(m_matchingView);
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
    for (auto *view : {m_boxesView, m_matchingView})
        connect(view, &widgets::BoxImageView::readoutChanged, this, &DetrPanel::statusMessage);
    for (auto *view : {m_queryView, m_encoderView, m_positionView})
        connect(view, &widgets::ImageGridView::readoutChanged, this, &DetrPanel::statusMessage);
}

QStringList DetrPanel::figureNames() const
{
    return kFigures;
}

QString DetrPanel::currentFigureName() const
{
    return kFigures.value(m_views->currentIndex());
}

void DetrPanel::setCurrentFigure(const QString &name)
{
    const int index = int(kFigures.indexOf(name));
    if (index >= 0)
        m_views->setCurrentIndex(index);
}

widgets::Figure *DetrPanel::figure(const QString &name)
{
    switch (kFigures.indexOf(name)) {
    case 0:
        return m_boxesView;
    case 1:
        return m_queryView;
    case 2:
        return m_classesView;
    case 3:
        return m_encoderView;
    case 4:
        return m_positionView;
    case 5:
        return m_matchingView;
    case 6:
        return m_costView;
    default:
        return nullptr;
    }
}

void DetrPanel::setStatus(const QString &message, bool error)
{
    m_status->setText(message);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
    if (!message.isEmpty())
        emit statusMessage(message);
}

bool DetrPanel::runJob(const QString &title, std::function<void(JobContext &)> work, std::function<void()> done,
                       QPointer<widgets::JobHandle> &slot, QString *error)
{
    return plugins::startPanelJob(
        m_context.jobs, this, title, std::move(work), std::move(done),
        [this](const QString &message) { setStatus(message, true); }, slot, error);
}

QString DetrPanel::className(int64_t label) const
{
    const std::vector<std::string> &labels = m_model ? m_model->info().config.labels : std::vector<std::string>{};
    return label >= 0 && size_t(label) < labels.size() ? text(labels[size_t(label)]) : tr("class %1").arg(label);
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
    auto result = std::make_shared<std::shared_ptr<const Model>>();
    setStatus(tr("Loading %1\u2026").arg(folder));
    return runJob(
        tr("Loading %1").arg(QFileInfo(folder).fileName()),
        [folderPath, result](JobContext &context) { *result = sharedModel(folderPath, &context); },
        [this, folder, preprocessing, result, snapshots] {
            m_folder = folder;
            m_model = *result;
            m_preprocessing = preprocessing;
            m_snapshots = snapshots;
            m_step = -1;
            {
                const QSignalBlocker block(m_snapshot);
                const int count = m_snapshots ? int(m_snapshots->steps.size()) : 0;
                m_snapshot->setRange(0, std::max(0, count - 1));
                m_snapshot->setValue(std::max(0, count - 1));
                m_snapshot->setVisible(count > 0);
                m_snapshotLabel->setVisible(count > 0);
            }
            updateSnapshotLabel();
            modelReady();
        },
        m_modelJob, error);
}

void DetrPanel::modelReady()
{
    const ModelConfig &c = m_model->info().config;
    const detr::DetrConfig &d = detr::detrConfig(*m_model);
    m_modelLabel->setText(
        tr("<b>%1</b> \u00b7 %2 backbone \u00b7 d %3 \u00b7 %4 + %5 layers \u00d7 %6 heads \u00b7 %7 queries "
           "\u00b7 %8 classes \u00b7 %9 M parameters")
            .arg(QFileInfo(m_folder).fileName().toHtmlEscaped(), text(d.backbone.empty() ? "ResNet" : d.backbone))
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
    setStatus(tr("Loaded %1.").arg(m_folder));
    m_analysis.reset();
    clearTargets();
    QString error;
    if (!m_image.empty() && !analyse(&error))
        setStatus(error, true);
    const QVariantMap pending = std::exchange(m_pendingOptions, {});
    if (!pending.isEmpty() && !setOptions(pending, &error))
        setStatus(error, true);
    updateControls();
    refresh();
}

bool DetrPanel::loadSnapshot(int64_t step, QString *error)
{
    if (!m_snapshots) {
        if (error)
            *error = tr("the open model is not a detr-shapes training run with snapshots");
        return false;
    }
    const SnapshotIndex index = *m_snapshots;
    auto result = std::make_shared<std::shared_ptr<const Model>>();
    return runJob(
        tr("Snapshot at step %1").arg(step),
        [index, step, result](JobContext &) { *result = snapshotModel(index, step); },
        [this, step, result] {
            // The same architecture at another step: the image, ground truth, query and point stay.
            m_model = *result;
            m_step = step;
            updateSnapshotLabel();
            m_analysis.reset();
            QString failure;
            if (!m_image.empty() && !analyse(&failure))
                setStatus(failure, true);
            refresh();
        },
        m_modelJob, error);
}

void DetrPanel::updateSnapshotLabel()
{
    if (!m_snapshots) {
        m_snapshotLabel->clear();
        return;
    }
    const int index = std::clamp(m_snapshot->value(), 0, int(m_snapshots->steps.size()) - 1);
    const double ap = m_snapshots->accuracies[size_t(index)];
    m_snapshotLabel->setText(
        tr("Snapshot: step %1 of %2%3")
            .arg(m_snapshots->steps[size_t(index)])
            .arg(m_snapshots->steps.back())
            .arg(std::isfinite(ap) ? tr(" \u00b7 held-out AP50 %1").arg(ap, 0, 'f', 3) : QString()));
}

bool DetrPanel::openImage(const QString &path, QString *error)
{
    try {
        Image8 image = readImage(path.toStdString(), 3);
        if (!setImage(std::move(image), QFileInfo(path).fileName(), error))
            return false;
        m_imagePath = QFileInfo(path).absoluteFilePath();
        return true;
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
}

bool DetrPanel::setImage(Image8 image, const QString &name, QString *error)
{
    m_image = std::move(image);
    m_imagePath.clear();
    m_imageLabel->setText(
        tr("%1 \u00b7 %2 \u00d7 %3").arg(name.toHtmlEscaped()).arg(m_image.width).arg(m_image.height));
    m_analysis.reset();
    m_targetLabels.clear();
    m_targetBoxes.clear();
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
    auto result = std::make_shared<std::shared_ptr<const DetrAnalysis>>();
    setStatus(tr("Running DETR\u2026"));
    return runJob(
        tr("DETR on the image"),
        [model, image, preprocessing, result](JobContext &context) {
            auto analysis = std::make_shared<DetrAnalysis>();
            analysis->input = detr::detrPreprocess(image, preprocessing);
            ModelInputs inputs;
            inputs.floats["pixel_values"] = analysis->input.pixelValues;
            inputs.integers["pixel_mask"] = analysis->input.pixelMask;
            analysis->outputs = model->run(inputs, {}, &context);
            const FloatTensor &logits = analysis->outputs.at("logits");
            analysis->detections = detr::postProcess(logits, analysis->outputs.at("pred_boxes"), image.width,
                                                     image.height, model->info().config.labels, -1.0);
            analysis->probabilities = detr::classProbabilities(logits);
            const FloatTensor &position = analysis->outputs.at("position_embedding");
            analysis->gridHeight = position.shape[2];
            analysis->gridWidth = position.shape[3];
            *result = analysis;
        },
        [this, result] {
            m_analysis = *result;
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
        m_imageJob, error);
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
    m_targetLabels.push_back(label);
    m_targetBoxes.push_back(
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
            detr::readCocoAnnotations(path.toStdString(), QFileInfo(m_imagePath).fileName().toStdString(),
                                      m_image.width, m_image.height, m_model->info().config.labels);
        m_targetLabels = truth.labels;
        m_targetBoxes.clear();
        for (int64_t i = 0; i < truth.boxes.rows; ++i)
            m_targetBoxes.push_back(
                {truth.boxes.at(i, 0), truth.boxes.at(i, 1), truth.boxes.at(i, 2), truth.boxes.at(i, 3)});
        m_targetSource = QFileInfo(path).fileName() + QStringLiteral(": ") + text(truth.image);
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    refreshMatching();
    m_views->setCurrentWidget(m_matchingView);
    return true;
}

void DetrPanel::clearTargets()
{
    m_targetLabels.clear();
    m_targetBoxes.clear();
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
    const double threshold = m_threshold->value() / 100.0;
    const QStringList hidden = hiddenClasses();
    QVector<widgets::DrawnBox> boxes;
    m_boxQueries.clear();
    widgets::FigureTable table;
    table.columnNames = {"query", "label", "score", "x0", "y0", "x1", "y1"};
    table.columns.assign(7, {});
    for (const detr::Detection &d : m_analysis->detections) {
        if (!(d.score > threshold) || hidden.contains(text(d.name)))
            continue;
        widgets::DrawnBox box;
        box.box = QRectF(QPointF(d.x0, d.y0), QPointF(d.x1, d.y1));
        box.color = widgets::categoryColor(int(d.label));
        box.label = QStringLiteral("%1 %2").arg(text(d.name)).arg(d.score, 0, 'f', 2);
        box.tooltip = tr("query %1 \u00b7 %2 %3").arg(d.query).arg(text(d.name), percent(d.score));
        box.highlighted = d.query == m_query;
        boxes << box;
        m_boxQueries << int(d.query);
        const double row[7] = {double(d.query), double(d.label), d.score, d.x0, d.y0, d.x1, d.y1};
        for (int c = 0; c < 7; ++c)
            table.columns[size_t(c)].push_back(row[c]);
    }
    m_boxesView->setBoxes(boxes);
    m_boxesView->setTable(table);
    m_boxesView->setFigureTitle(tr("DETR detections above %1").arg(threshold, 0, 'f', 2));
    m_boxesView->setFootnote(
        tr("%1 of %2 object queries above the threshold%3; no NMS: each query predicts one box or no-object")
            .arg(boxes.size())
            .arg(m_analysis->detections.size())
            .arg(hidden.isEmpty() ? QString() : tr(", %1 classes hidden").arg(hidden.size())));
}

void DetrPanel::refreshQuery()
{
    if (!m_analysis || !m_model) {
        m_queryView->setTiles({});
        m_classesView->setMatrix(nullptr);
        return;
    }
    const DetrAnalysis &a = *m_analysis;
    const detr::DetrConfig &d = detr::detrConfig(*m_model);
    const int64_t q = std::clamp<int64_t>(m_query, 0, d.queries - 1);
    const QImage image = widgets::imageFromPixels(a.input.resized);
    QVector<widgets::ImageTile> tiles;
    widgets::FigureTable table;
    table.columnNames = {"layer", "head", "row", "column", "attention"};
    table.columns.assign(5, {});
    for (int64_t l = 0; l < d.decoderLayers; ++l) {
        const FloatTensor &cross = a.outputs.at("cross_attentions." + std::to_string(l));
        for (int64_t h = -1; h < d.decoderHeads; ++h) {
            widgets::ImageTile tile;
            tile.image = image;
            tile.overlay = attentionMap(cross, h, q, a.gridHeight, a.gridWidth);
            tile.caption = h < 0 ? tr("layer %1 \u00b7 mean").arg(l) : tr("layer %1 \u00b7 head %2").arg(l).arg(h);
            for (int64_t i = 0; i < a.gridHeight * a.gridWidth; ++i) {
                const double row[5] = {double(l), double(h), double(i / a.gridWidth), double(i % a.gridWidth),
                                       double(tile.overlay->values[size_t(i)])};
                for (int c = 0; c < 5; ++c)
                    table.columns[size_t(c)].push_back(row[c]);
            }
            tiles << tile;
        }
    }
    const detr::Detection &det = a.detections[size_t(q)];
    const double noObject = a.probabilities.at(q, a.probabilities.cols - 1);
    m_queryView->setTiles(tiles, int(d.decoderHeads + 1));
    m_queryView->setOverlayStyle(widgets::ColorMap::Viridis, 0.6);
    m_queryView->setColorBarTitle(tr("cross-attention"));
    m_queryView->setTable(table);
    m_queryView->setFigureTitle(
        tr("Object query %1: %2 %3, no-object %4, box (%5, %6)\u2013(%7, %8) \u00b7 cross-attention per "
           "decoder layer and head")
            .arg(q)
            .arg(text(det.name), percent(det.score), percent(noObject))
            .arg(int(det.x0))
            .arg(int(det.y0))
            .arg(int(det.x1))
            .arg(int(det.y1)));

    QStringList rows, columns;
    for (int64_t i = 0; i < a.probabilities.rows; ++i)
        rows << QString::number(i);
    for (int64_t c = 0; c + 1 < a.probabilities.cols; ++c)
        columns << className(c);
    columns << tr("no object");
    m_classesView->setMatrix(std::make_shared<Matrix>(a.probabilities), rows, columns);
    m_classesView->setCsvHeader(columns);
    m_classesView->setValueRange(0.0, 1.0);
    m_classesView->setFigureTitle(tr("Class distribution of every object query (softmax, no-object last)"));
    m_classesView->selectCell(int(q), int(det.label));
    refreshBoxes();
}

void DetrPanel::refreshEncoder()
{
    if (!m_analysis || !m_model || detr::detrConfig(*m_model).encoderLayers == 0) {
        m_encoderView->setTiles({});
        return;
    }
    const DetrAnalysis &a = *m_analysis;
    const detr::DetrConfig &d = detr::detrConfig(*m_model);
    const int64_t layer = std::clamp<int64_t>(m_encoderLayer->value(), 0, d.encoderLayers - 1);
    const FloatTensor &attention = a.outputs.at("encoder_attentions." + std::to_string(layer));
    const int64_t point = int64_t(m_pointRow) * a.gridWidth + m_pointColumn;
    const QString head = m_head->currentData().toString();
    const QImage image = widgets::imageFromPixels(a.input.resized);
    QVector<widgets::ImageTile> tiles;
    widgets::FigureTable table;
    table.columnNames = {"head", "row", "column", "attention"};
    table.columns.assign(4, {});
    for (int64_t h = -1; h < d.encoderHeads; ++h) {
        if (head != "all" && head.toLongLong() != h)
            continue;
        widgets::ImageTile tile;
        tile.image = image;
        tile.overlay = attentionMap(attention, h, point, a.gridHeight, a.gridWidth);
        tile.gridRows = int(a.gridHeight);
        tile.gridColumns = int(a.gridWidth);
        tile.marked = QPoint(m_pointColumn, m_pointRow);
        tile.caption = h < 0 ? tr("mean of the heads") : tr("head %1").arg(h);
        for (int64_t i = 0; i < a.gridHeight * a.gridWidth; ++i) {
            const double row[4] = {double(h), double(i / a.gridWidth), double(i % a.gridWidth),
                                   double(tile.overlay->values[size_t(i)])};
            for (int c = 0; c < 4; ++c)
                table.columns[size_t(c)].push_back(row[c]);
        }
        tiles << tile;
    }
    m_encoderView->setTiles(tiles);
    m_encoderView->setOverlayStyle(widgets::ColorMap::Magma, 0.65);
    m_encoderView->setColorBarTitle(tr("self-attention"));
    m_encoderView->setTable(table);
    m_encoderView->setFigureTitle(
        tr("Encoder layer %1: where the feature at row %2, column %3 (outlined) attends \u00b7 "
           "grid %4 \u00d7 %5 (stride 32)")
            .arg(layer)
            .arg(m_pointRow)
            .arg(m_pointColumn)
            .arg(a.gridHeight)
            .arg(a.gridWidth));
}

void DetrPanel::refreshPosition()
{
    if (!m_model) {
        m_positionView->setTiles({});
        return;
    }
    const int64_t dModel = detr::detrConfig(*m_model).dModel, half = dModel / 2;
    // The image's feature grid, or that of a 800 x 1066 image (the processor's default size).
    const int64_t rows = m_analysis ? m_analysis->gridHeight : 25, cols = m_analysis ? m_analysis->gridWidth : 34;
    const FloatTensor pe =
        detr::sinePositionEmbedding(std::vector<uint8_t>(size_t(rows * cols), 1), rows, cols, dModel);
    const int64_t step = std::max<int64_t>(1, half / kPositionChannels);
    QVector<widgets::ImageTile> tiles;
    widgets::FigureTable table;
    table.columnNames = {"channel", "row", "column", "value"};
    table.columns.assign(4, {});
    for (int axis = 0; axis < 2; ++axis)
        for (int64_t k = 0; k < half; k += step) {
            // Pairs (sin, cos) share a frequency: show the sine of every step-th pair and its cosine.
            const int64_t channel = axis * half + k;
            widgets::ImageTile tile;
            auto map = std::make_shared<Matrix>(rows, cols);
            std::copy_n(pe.values.begin() + long(channel * rows * cols), rows * cols, map->values.begin());
            tile.overlay = map;
            tile.caption =
                tr("%1 \u00b7 ch %2 %3").arg(axis == 0 ? "y" : "x").arg(channel).arg(k % 2 == 0 ? "sin" : "cos");
            for (int64_t i = 0; i < rows * cols; ++i) {
                const double row[4] = {double(channel), double(i / cols), double(i % cols),
                                       double(map->values[size_t(i)])};
                for (int c = 0; c < 4; ++c)
                    table.columns[size_t(c)].push_back(row[c]);
            }
            tiles << tile;
        }
    m_positionView->setTiles(tiles, int(std::min<int64_t>(8, tiles.size())));
    m_positionView->setOverlayStyle(widgets::ColorMap::Diverging, 1.0, -1.0, 1.0);
    m_positionView->setColorBarTitle(tr("value"));
    m_positionView->setTable(table);
    m_positionView->setFigureTitle(tr("2-D sine position encoding on the %1 \u00d7 %2 feature grid: %3 of %4 channels "
                                      "(first half y, second half x; frequency falls with the channel)")
                                       .arg(rows)
                                       .arg(cols)
                                       .arg(tiles.size())
                                       .arg(dModel));
}

void DetrPanel::refreshMatching()
{
    const int64_t targets = int64_t(m_targetBoxes.size());
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
    const double w = double(m_image.width), h = double(m_image.height);
    QVector<widgets::DrawnBox> boxes;
    for (int64_t t = 0; t < targets; ++t) {
        const auto &b = m_targetBoxes[size_t(t)];
        widgets::DrawnBox box;
        box.box = QRectF(QPointF((b[0] - b[2] / 2) * w, (b[1] - b[3] / 2) * h),
                         QPointF((b[0] + b[2] / 2) * w, (b[1] + b[3] / 2) * h));
        box.color = widgets::categoryColor(int(m_targetLabels[size_t(t)]));
        box.dashed = true;
        box.label = tr("GT %1 %2").arg(t).arg(className(m_targetLabels[size_t(t)]));
        box.tooltip = tr("ground truth %1: %2").arg(t).arg(className(m_targetLabels[size_t(t)]));
        boxes << box;
    }
    if (targets == 0) {
        m_matchingView->setBoxes(boxes);
        m_matchingView->setFigureTitle(tr("Hungarian matching"));
        m_matchingView->setFootnote(
            tr("Draw ground-truth boxes (Draw boxes, then drag) or load a COCO JSON: each is matched "
               "to exactly one query; every other query should say no-object."));
        return;
    }
    const detr::DetrConfig &d = detr::detrConfig(*m_model);
    const matching::MatcherWeights weights{d.classCost, d.boxCost, d.giouCost};
    const FloatTensor &logits = m_analysis->outputs.at("logits"), &predBoxes = m_analysis->outputs.at("pred_boxes");
    const Matrix logitMatrix = logits.toMatrix(), boxMatrix = predBoxes.toMatrix();
    Matrix targetMatrix(targets, 4);
    for (int64_t t = 0; t < targets; ++t)
        for (int k = 0; k < 4; ++k)
            targetMatrix.at(t, k) = m_targetBoxes[size_t(t)][size_t(k)];
    matching::Matching m;
    matching::SetLoss loss;
    try {
        m = matching::hungarianMatch(logitMatrix, boxMatrix, m_targetLabels, targetMatrix, weights);
        loss = matching::setLoss(logitMatrix, boxMatrix, m_targetLabels, targetMatrix, m, 0.1, weights);
    } catch (const std::exception &e) {
        setStatus(QString::fromUtf8(e.what()), true);
        return;
    }
    QVector<widgets::BoxLink> links;
    for (size_t i = 0; i < m.predictions.size(); ++i) {
        const detr::Detection &det = m_analysis->detections[size_t(m.predictions[i])];
        widgets::DrawnBox box;
        box.box = QRectF(QPointF(det.x0, det.y0), QPointF(det.x1, det.y1));
        box.color = widgets::categoryColor(int(m_targetLabels[size_t(m.targets[i])]));
        const double p = m_analysis->probabilities.at(m.predictions[i], m_targetLabels[size_t(m.targets[i])]);
        box.label = tr("q%1 %2").arg(m.predictions[i]).arg(p, 0, 'f', 2);
        box.tooltip = tr("query %1 matched to ground truth %2 (cost %3)")
                          .arg(m.predictions[i])
                          .arg(m.targets[i])
                          .arg(m.total.at(m.predictions[i], m.targets[i]), 0, 'f', 3);
        boxes << box;
        links << widgets::BoxLink{int(boxes.size() - 1), int(m.targets[i]), QString()};
    }
    m_matchingView->setBoxes(boxes, links);
    m_matchingView->setTable(costTable(m));
    m_matchingView->setFigureTitle(
        tr("Hungarian matching: %1 ground-truth boxes, %2 queries").arg(targets).arg(d.queries));
    m_matchingView->setFootnote(
        tr("Matched losses: classification %1 (no-object weight 0.1) \u00b7 L1 %2 \u00b7 GIoU %3 \u00b7 "
           "total %4 = %5 \u00d7 class + %6 \u00d7 L1 + %7 \u00d7 GIoU")
            .arg(loss.classification, 0, 'f', 4)
            .arg(loss.l1, 0, 'f', 4)
            .arg(loss.giou, 0, 'f', 4)
            .arg(loss.total, 0, 'f', 4)
            .arg(weights.classWeight)
            .arg(weights.boxWeight)
            .arg(weights.giouWeight));

    QStringList rows, columns;
    for (int64_t q = 0; q < m.total.rows; ++q)
        rows << QString::number(q);
    for (int64_t t = 0; t < targets; ++t)
        columns << tr("%1 %2").arg(t).arg(className(m_targetLabels[size_t(t)]));
    const matching::CostMatrix *parts[4] = {&m.total, &m.classCost, &m.boxCost, &m.giouCost};
    const QString titles[4] = {tr("Total cost (the assignment has the least sum)"),
                               tr("Class part \u2212p(class), weight %1").arg(weights.classWeight),
                               tr("L1 part of (cx, cy, w, h), weight %1").arg(weights.boxWeight),
                               tr("GIoU part \u2212GIoU, weight %1").arg(weights.giouWeight)};
    for (int i = 0; i < 4; ++i) {
        m_costParts[i]->setMatrix(costMatrix(*parts[i]), rows, columns);
        m_costParts[i]->setFigureTitle(titles[i]);
        m_costParts[i]->setValueName(i == 0 ? tr("cost") : tr("unweighted"));
    }
    m_costView->setFigureTitle(tr("Matching cost: %1 queries \u00d7 %2 targets; the assignment minimises the total")
                                   .arg(m.total.rows)
                                   .arg(targets));
}

// ---------------------------------------------------------------------------------------------
// Options, sessions, files

QList<widgets::OptionSpec> DetrPanel::optionSpecs() const
{
    return {
        {"model", tr("a DETR checkpoint folder (DetrForObjectDetection)"), {}, {}},
        {"image", tr("an image file (PNG, JPEG, BMP, TIFF, WebP)"), {}, {}},
        {"snapshot", tr("a snapshot step of a detr-shapes training run, or last"), "last", {}},
        {"threshold", tr("detection score threshold in [0, 1]"), "0.5", {}},
        {"hide", tr("classes to hide, comma-separated names"), {}, {}},
        {"query", tr("the object query of the queries view"), "0", {}},
        {"encoder-layer", tr("encoder layer of the encoder view"), "0", {}},
        {"head", tr("encoder head, or all"), "all", {}},
        {"point", tr("reference point of the encoder view as ROW,COLUMN of the feature grid"), "0,0", {}},
        {"targets", tr("ground truth: a COCO JSON file, or boxes LABEL:X0,Y0,X1,Y1;... in pixels"), {}, {}},
        {"view", tr("the view"), "boxes", kFigures},
    };
}

QVariantMap DetrPanel::options() const
{
    QVariantMap o;
    if (!m_model && m_image.empty())
        return o;
    if (!m_folder.isEmpty())
        o["model"] = m_folder;
    if (m_snapshots && m_step >= 0)
        o["snapshot"] = QString::number(m_step);
    if (!m_imagePath.isEmpty())
        o["image"] = m_imagePath;
    o["threshold"] = QString::number(m_threshold->value() / 100.0);
    if (!hiddenClasses().isEmpty())
        o["hide"] = hiddenClasses().join(',');
    o["query"] = QString::number(m_query);
    o["encoder-layer"] = QString::number(m_encoderLayer->value());
    o["head"] = m_head->currentData().toString().isEmpty() ? QStringLiteral("all") : m_head->currentData().toString();
    o["point"] = QStringLiteral("%1,%2").arg(m_pointRow).arg(m_pointColumn);
    if (!m_targetBoxes.empty()) {
        QStringList boxes;
        for (size_t t = 0; t < m_targetBoxes.size(); ++t) {
            const auto &b = m_targetBoxes[t];
            const double w = double(m_image.width), h = double(m_image.height);
            boxes << QStringLiteral("%1:%2,%3,%4,%5")
                         .arg(m_targetLabels[t])
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

bool DetrPanel::setOptions(const QVariantMap &options, QString *error)
{
    QStringList known;
    for (const widgets::OptionSpec &spec : optionSpecs())
        known << spec.name;
    for (auto it = options.begin(); it != options.end(); ++it)
        if (!known.contains(it.key())) {
            if (error)
                *error = tr("unknown option --%1 for the DETR lens (options: %2)").arg(it.key(), known.join(", "));
            return false;
        }
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    const QString view = options.value("view", currentFigureName()).toString();
    if (!kFigures.contains(view))
        return fail(tr("--view: \"%1\" is not one of %2").arg(view, kFigures.join(", ")));
    bool ok = true;
    const double threshold = options.value("threshold", m_threshold->value() / 100.0).toString().toDouble(&ok);
    if (!ok || threshold < 0.0 || threshold > 1.0)
        return fail(tr("--threshold: \"%1\" is not in [0, 1]").arg(options.value("threshold").toString()));
    const QString head = options.value("head", "all").toString();
    bool headNumber = false;
    head.toInt(&headNumber);
    if (head != "all" && !headNumber)
        return fail(tr("--head: \"%1\" is not all or a head number").arg(head));
    int pointRow = m_pointRow, pointColumn = m_pointColumn;
    if (options.contains("point")) {
        const QStringList parts = options["point"].toString().split(',');
        bool okRow = false, okColumn = false;
        pointRow = parts.size() == 2 ? parts[0].trimmed().toInt(&okRow) : -1;
        pointColumn = parts.size() == 2 ? parts[1].trimmed().toInt(&okColumn) : -1;
        if (!okRow || !okColumn || pointRow < 0 || pointColumn < 0)
            return fail(tr("--point: \"%1\" is not ROW,COLUMN").arg(options["point"].toString()));
    }

    if (options.contains("model") && QDir(options["model"].toString()).absolutePath() != m_folder) {
        if (!openModel(options["model"].toString(), error))
            return false;
        if (m_modelJob && !m_modelJob->isFinished()) {
            // Loading in the background: the rest applies when the model arrives.
            m_pendingOptions = options;
            m_pendingOptions.remove("model");
            setCurrentFigure(view);
            return true;
        }
    }
    if (options.contains("snapshot") && options["snapshot"].toString() != "last") {
        if (!m_snapshots)
            return fail(tr("--snapshot needs a detr-shapes training run (its snapshots keep the weights)"));
        const qlonglong step = options["snapshot"].toString().toLongLong(&ok);
        const auto found = std::find(m_snapshots->steps.begin(), m_snapshots->steps.end(), int64_t(step));
        if (!ok || found == m_snapshots->steps.end())
            return fail(tr("--snapshot: no snapshot at step \"%1\" (steps %2 to %3)")
                            .arg(options["snapshot"].toString())
                            .arg(m_snapshots->steps.front())
                            .arg(m_snapshots->steps.back()));
        const QSignalBlocker block(m_snapshot);
        m_snapshot->setValue(int(found - m_snapshots->steps.begin()));
        if (!loadSnapshot(step, error))
            return false;
    }
    if (options.contains("image") && QFileInfo(options["image"].toString()).absoluteFilePath() != m_imagePath &&
        !openImage(options["image"].toString(), error))
        return false;
    // Everything below is checked before anything changes, so a bad value leaves the panel as it was.
    QStringList hide;
    for (const QString &name : options.value("hide").toString().split(',', Qt::SkipEmptyParts)) {
        hide << name.trimmed();
        if (m_model && m_classes->findItems(hide.back(), Qt::MatchExactly).isEmpty())
            return fail(tr("--hide: \"%1\" is not a class of this model").arg(hide.back()));
    }
    int query = m_query, layer = m_encoderLayer->value();
    if (m_model) {
        const detr::DetrConfig &d = detr::detrConfig(*m_model);
        query = options.value("query", m_query).toString().toInt(&ok);
        if (!ok || query < 0 || query >= d.queries)
            return fail(tr("--query: \"%1\" is not a query of this model (0 to %2)")
                            .arg(options.value("query").toString())
                            .arg(d.queries - 1));
        layer = options.value("encoder-layer", m_encoderLayer->value()).toString().toInt(&ok);
        if (!ok || layer < 0 || layer >= std::max<int64_t>(1, d.encoderLayers))
            return fail(tr("--encoder-layer: \"%1\" is not a layer of this model (0 to %2)")
                            .arg(options.value("encoder-layer").toString())
                            .arg(d.encoderLayers - 1));
        if (options.contains("head") && m_head->findData(head) < 0)
            return fail(
                tr("--head: \"%1\" is not all or a head of this model (0 to %2)").arg(head).arg(d.encoderHeads - 1));
        if (m_analysis && (pointRow >= m_analysis->gridHeight || pointColumn >= m_analysis->gridWidth))
            return fail(tr("--point: %1,%2 is outside the %3 \u00d7 %4 feature grid")
                            .arg(pointRow)
                            .arg(pointColumn)
                            .arg(m_analysis->gridHeight)
                            .arg(m_analysis->gridWidth));
    } else if ((options.contains("query") || options.contains("encoder-layer") || options.contains("targets")) &&
               m_context.jobs->isInline()) {
        return fail(tr("--query, --encoder-layer and --targets need a model (--model DIR)"));
    }
    // Ground truth as LABEL:X0,Y0,X1,Y1;... in pixels, or a COCO file (read last: loadTargets
    // changes nothing when it fails).
    const QString targets = options.value("targets").toString();
    const bool coco = options.contains("targets") && targets.endsWith(".json", Qt::CaseInsensitive);
    std::vector<std::array<double, 5>> drawn;
    if (options.contains("targets") && !coco) {
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
                return fail(tr("--targets: \"%1\" is not LABEL:X0,Y0,X1,Y1 with a class of this model (0 to %2) and a "
                               "box of positive size")
                                .arg(entry)
                                .arg(classes - 1));
            drawn.push_back(v);
        }
        if (m_image.empty())
            return fail(tr("--targets needs an image (--image FILE)"));
    }
    if (coco && !loadTargets(targets, error))
        return false;

    {
        const QSignalBlocker a(m_threshold), b(m_classes), c(m_querySpin), e(m_encoderLayer), f(m_head);
        m_threshold->setValue(int(std::lround(threshold * 100.0)));
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
        m_targetLabels.clear();
        m_targetBoxes.clear();
        m_targetSource.clear();
        for (const auto &v : drawn)
            addTarget(int64_t(v[0]), v[1], v[2], v[3], v[4]);
    }
    // tessera-cli exports at once: say what is missing instead of exporting a placeholder.
    if (m_context.jobs->isInline() && !options.isEmpty()) {
        if (!m_model)
            return fail(tr("the DETR lens needs a model: --model DIR (a DetrForObjectDetection checkpoint)"));
        if (view != "position" && m_image.empty())
            return fail(tr("the %1 view needs an image: --image FILE").arg(view));
        if ((view == "matching" || view == "cost") && m_targetBoxes.empty())
            return fail(
                tr("the %1 view needs ground truth: --targets COCO.json or --targets LABEL:X0,Y0,X1,Y1;...").arg(view));
    }
    refresh();
    setCurrentFigure(view);
    return true;
}

bool DetrPanel::canOpen(const QString &path) const
{
    const QFileInfo info(path);
    if (info.isDir())
        return detr::isDetrModel(path.toStdString());
    static const QStringList images{"png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp"};
    return images.contains(info.suffix().toLower()) ||
           (info.suffix().toLower() == "json" && m_model && !m_image.empty());
}

bool DetrPanel::open(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (info.isDir())
        return openModel(path, error);
    if (info.suffix().toLower() == "json")
        return loadTargets(path, error);
    return openImage(path, error);
}

} // namespace tessera::detrlens
