#include "VitPanel.h"

#include "VitFigures.h"

#include "tessera/core/Error.h"
#include "tessera/plugins/ImageSourceBox.h"
#include "tessera/plugins/ModelSourceBox.h"
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
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <utility>

namespace tessera::vitlens {
namespace {

const QString kFashionSet = QStringLiteral("fashion-mnist-test");

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

plugins::PanelDescriptor VitPanel::descriptor()
{
    return {QStringLiteral("vit"),
            tr("ViT lens"),
            tr("A vision transformer on real images: patches, attention on the image, rollout, "
               "mean attention distance, position embeddings and filters"),
            Qt::ALT | Qt::Key_5,
            70,
            {}};
}

VitPanel::VitPanel(const plugins::PanelContext &context, QWidget *parent)
    : plugins::PanelBase(context, descriptor(), parent), m_modelJob(this, errorsToStatus()),
      m_imageJob(this, errorsToStatus()), m_distanceJob(this, errorsToStatus())
{
    addOpener(
        [](const QString &path) {
            return plugins::ModelSourceBox::folderFits(path,
                                                       [](const ModelCapabilities &can) { return can.patchGrid; });
        },
        &VitPanel::openModel);
    addOpener(&plugins::ImageSourceBox::isImageFile,
              [this](const QString &path, QString *error) { return openImage(path, error); });
    buildUi();
    declareOptions();
    updateControls();
    refresh();
    // A ViT opened in the Models panel or offered by the Training panel comes here too, unless
    // the lens already shows one.
    m_modelBox->followStudio(
        context.hub, [](const ModelCapabilities &can) { return can.patchGrid; },
        plugins::ModelSourceBox::Follow::WhenEmpty, [this] { return m_modelJob.isRunning(); });
}

VitPanel::~VitPanel() = default;

void VitPanel::buildUi()
{
    auto *controls = new QWidget;
    auto *form = new QVBoxLayout(controls);

    m_modelBox = modelSource(
        {tr("No model. Open a ViT checkpoint folder or a run trained in the Training panel."),
         tr("A folder with config.json and model.safetensors (ViTForImageClassification or ViTModel), "
            "or a training run folder (its snapshots can then be scrubbed)"),
         tr("Open a ViT checkpoint or training run"),
         tr("Scrub the training run's snapshots: every view shows the model as it was at that step "
            "(Left / Right, Page Up / Page Down)")},
        [this](const QString &folder, QString *error) { return openModel(folder, error); },
        [this](int64_t step, QString *error) { return loadSnapshot(step, error); });
    form->addWidget(m_modelBox);

    m_imageBox = imageSource(
        [this](Image8 image, const QString &name, QString *error) { return setImage(std::move(image), name, error); });
    m_imageBox->addFashionMnistSamples();
    m_prediction = new QLabel;
    m_prediction->setWordWrap(true);
    m_imageBox->formLayout()->addRow(m_prediction);
    form->addWidget(m_imageBox);
    form->addWidget(buildAttentionBox());
    form->addWidget(buildDistanceBox());
    form->addWidget(statusLine());
    form->addStretch(1);

    QScrollArea *scroll = placeControls(controls);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedWidth(320);
    buildViews();

    connect(m_layer, &QSpinBox::valueChanged, this, &VitPanel::refreshAttention);
    connect(m_head, &QComboBox::currentIndexChanged, this, &VitPanel::refreshAttention);
    connect(m_colorMap, &QComboBox::currentIndexChanged, this, &VitPanel::refresh);
    connect(m_opacity, &QSlider::valueChanged, this, [this] {
        refreshAttention();
        refreshRollout();
    });
    connect(m_fusion, &QComboBox::currentIndexChanged, this, &VitPanel::refreshRollout);
    connect(m_discard, &QDoubleSpinBox::valueChanged, this, &VitPanel::refreshRollout);
    connect(m_convention, &QComboBox::currentIndexChanged, this, &VitPanel::refreshDistance);
}

QWidget *VitPanel::buildAttentionBox()
{
    auto *viewBox = new QGroupBox(tr("Attention"));
    auto *viewLayout = new QFormLayout(viewBox);
    m_layer = new QSpinBox;
    m_layer->setToolTip(tr("Encoder layer (0 = first)"));
    viewLayout->addRow(tr("&Layer"), m_layer);
    m_head = new QComboBox;
    m_head->setToolTip(tr("One head, or the mean over the layer's heads"));
    viewLayout->addRow(tr("&Head"), m_head);
    m_queryLabel = new QLabel;
    auto *clsButton = new QPushButton(tr("[CLS]"));
    clsButton->setToolTip(tr("Show where [CLS] attends; click a patch on the image to use that patch as the query"));
    connect(clsButton, &QPushButton::clicked, this, [this] {
        m_query = 0;
        refreshAttention();
    });
    auto *queryRow = new QHBoxLayout;
    queryRow->addWidget(m_queryLabel, 1);
    queryRow->addWidget(clsButton);
    viewLayout->addRow(tr("Query"), queryRow);
    m_attentionControls << m_head << m_queryLabel << clsButton;
    m_colorMap = new QComboBox;
    m_colorMap->setToolTip(tr("Colour map of the overlays"));
    viewLayout->addRow(tr("Colour map"), m_colorMap);
    m_opacity = new QSlider(Qt::Horizontal);
    m_opacity->setToolTip(tr("Opacity of the attention overlay over the image"));
    viewLayout->addRow(tr("Opacity"), m_opacity);
    m_fusion = new QComboBox;
    m_fusion->setToolTip(
        tr("How a layer's heads are fused before rolling out (mean: Abnar & Zuidema; min and max as vit-explain)"));
    viewLayout->addRow(tr("Head fusion"), m_fusion);
    m_discard = new QDoubleSpinBox;
    m_discard->setSingleStep(0.05);
    m_discard->setDecimals(2);
    m_discard->setToolTip(tr("Fraction of each fused layer's smallest weights set to zero before rolling out "
                             "(vit-explain suggests 0.9 with max fusion)"));
    viewLayout->addRow(tr("Discard ratio"), m_discard);
    m_rolloutControls << m_fusion << m_discard;
    return viewBox;
}

QWidget *VitPanel::buildDistanceBox()
{
    auto *distanceBox = new QGroupBox(tr("Mean attention distance"));
    auto *distanceLayout = new QFormLayout(distanceBox);
    m_convention = new QComboBox;
    m_convention->addItem(tr("raw"), QStringLiteral("raw"));
    m_convention->addItem(tr("renormalized"), QStringLiteral("renormalized"));
    m_convention->setToolTip(tr("raw (default): patch-to-patch weights as they are, the mass on [CLS] counting as no "
                                "distance travelled; renormalized: each query's patch weights rescaled to sum to 1"));
    distanceLayout->addRow(tr("Convention"), m_convention);
    m_imageSet = new QComboBox;
    m_imageSet->addItem(tr("Fashion-MNIST test split"), kFashionSet);
    m_imageSet->addItem(tr("A folder\u2026"), QString());
    m_imageSet->setToolTip(tr("The images to average over (the first N)"));
    connect(m_imageSet, &QComboBox::activated, this, [this](int index) {
        if (!m_imageSet->itemData(index).toString().isEmpty() || index == 0)
            return;
        const QString folder = QFileDialog::getExistingDirectory(this, tr("A folder of images"));
        if (folder.isEmpty()) {
            m_imageSet->setCurrentIndex(0);
            return;
        }
        m_imageSet->insertItem(index, QFileInfo(folder).fileName(), folder);
        m_imageSet->setCurrentIndex(index);
    });
    distanceLayout->addRow(tr("Images"), m_imageSet);
    m_count = new QSpinBox;
    m_count->setToolTip(tr("How many images of the set (the first ones)"));
    distanceLayout->addRow(tr("Count"), m_count);
    m_measure = new QPushButton(tr("Measure"));
    m_measure->setToolTip(tr("Run the model on the image set and average each head's mean attention distance (a job; "
                             "progress in the status bar)"));
    m_cancelMeasure = new QPushButton(tr("Cancel"));
    connect(m_measure, &QPushButton::clicked, this, [this] { measureDistance(nullptr); });
    connect(m_cancelMeasure, &QPushButton::clicked, this, [this] { m_distanceJob.cancel(); });
    auto *measureRow = new QHBoxLayout;
    measureRow->addWidget(m_measure);
    measureRow->addWidget(m_cancelMeasure);
    distanceLayout->addRow(measureRow);
    m_distanceControls << m_convention << m_imageSet << m_count << m_measure << m_cancelMeasure;
    return distanceBox;
}

void VitPanel::buildViews()
{
    auto makeGrid = [](const QString &placeholder) {
        auto *view = new widgets::ImageGridView;
        view->setPlaceholder(placeholder);
        return view;
    };
    const QString noImage =
        tr("Open a ViT model and an image (Open image\u2026, drop a file, Ctrl+V or a dataset sample)");
    m_patchesView = addFigure("patches", tr("Patches"), makeGrid(noImage));
    m_attentionView = addFigure("attention", tr("Attention"), makeGrid(noImage));
    m_headsView = addFigure("heads", tr("All heads"), makeGrid(noImage));
    m_rolloutView = addFigure("rollout", tr("Rollout"), makeGrid(noImage));
    m_distanceView = addFigure("distance", tr("Distance"), new widgets::LinePlotView);
    m_positionsView =
        addFigure("positions", tr("Positions"), makeGrid(tr("Open a ViT model to see its position embeddings")));
    m_filtersView =
        addFigure("filters", tr("Filters"), makeGrid(tr("Open a ViT model to see its patch-embedding filters")));
    m_distanceView->setAxisTitles(tr("layer (network depth)"), tr("mean attention distance (pixels)"));
    m_attentionView->setToolTip(tr("Click a patch to see where it attends"));
    m_headsView->setToolTip(m_attentionView->toolTip());
    auto select = [this](int, int row, int column) {
        if (!m_loaded)
            return;
        m_query = m_loaded->geometry.leadingTokens + row * m_loaded->geometry.grid + column;
        refreshAttention();
    };
    connect(m_attentionView, &widgets::ImageGridView::cellClicked, this, select);
    connect(m_headsView, &widgets::ImageGridView::cellClicked, this, select);
}

void VitPanel::declareOptions()
{
    plugins::OptionSet &o = optionSet();
    o.addText("model", tr("a ViT checkpoint folder or a training run folder"));
    o.addText("snapshot", tr("a snapshot step of a training run, or last"), "last");
    o.addText("image", tr("an image file (PNG, JPEG, BMP, TIFF, WebP)"));
    o.addText("sample", tr("a Fashion-MNIST test image by index, instead of --image"));
    o.addText("layer", tr("encoder layer"), "0");
    o.addText("head", tr("head, or mean"), "mean");
    o.addText("query", tr("cls, distillation (DeiT), or a patch as ROW,COLUMN"), "cls");
    o.addChoice("fusion", tr("rollout head fusion"), {"mean", "min", "max"}, "mean").bind(m_fusion);
    o.addDouble("discard", tr("rollout discard ratio"), 0.0, 0.0, 0.99)
        .expecting(tr("a ratio in [0, 0.99]"))
        .bind(m_discard);
    o.addChoice("colormap", tr("overlay colour map"), {"viridis", "magma", "grey"}, "viridis").bind(m_colorMap);
    o.addDouble("opacity", tr("overlay opacity"), 0.6, 0.0, 1.0).bind(m_opacity, 100.0);
    o.addText("images", tr("image set for the distance: fashion-mnist-test or a folder (measured when given)"));
    o.addInt("count", tr("how many images of the set"), 100, 1, 100000)
        .expecting(tr("a number of images from 1 to 100000"))
        .bind(m_count);
    o.addChoice("convention", tr("mean attention distance convention"), {"raw", "renormalized"}, "raw")
        .bind(m_convention);
    addViewOption(tr("the view"), "attention");
}

QString VitPanel::modelName() const
{
    return QFileInfo(m_modelBox->folder()).fileName() +
           (m_loaded->step >= 0 ? tr(" at step %1").arg(m_loaded->step) : QString());
}

// ---------------------------------------------------------------------------------------------
// Model, snapshots, images

bool VitPanel::openModel(const QString &path, QString *error)
{
    const QString folder = QDir(path).absolutePath();
    ModelConfig config;
    std::optional<SnapshotIndex> snapshots;
    try {
        config = ModelConfig::fromFile((folder + "/config.json").toStdString());
        vision::patchGeometry(config);
        if (QFileInfo::exists(folder + "/snapshots/index.json")) {
            SnapshotIndex index = readSnapshotIndex(folder.toStdString());
            if (snapshotHasWeights(index, index.steps.back()))
                snapshots = std::move(index);
        }
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    const std::string folderPath = folder.toStdString();
    setStatus(tr("Loading %1\u2026").arg(folder));
    return m_modelJob.start(
        jobs(), tr("Loading %1").arg(QFileInfo(folder).fileName()),
        [folderPath, config](JobContext &context) {
            return deriveVit(sharedModel(folderPath, &context), preprocessingOf(folderPath, config), -1);
        },
        [this, folder, snapshots](std::shared_ptr<const LoadedVit> loaded) {
            m_modelBox->setFolder(folder);
            m_modelBox->setSnapshots(snapshots);
            modelReady(std::move(loaded));
        },
        error);
}

bool VitPanel::loadSnapshot(int64_t step, QString *error)
{
    if (!m_modelBox->snapshots() || !m_loaded) {
        if (error)
            *error = tr("the open model is not a training run with weight snapshots");
        return false;
    }
    const SnapshotIndex index = *m_modelBox->snapshots();
    const ImagePreprocessing preprocessing = m_loaded->preprocessing;
    return m_modelJob.start(
        jobs(), tr("Snapshot at step %1").arg(step),
        [index, step, preprocessing](JobContext &) {
            return deriveVit(snapshotModel(index, step), preprocessing, step);
        },
        [this](std::shared_ptr<const LoadedVit> loaded) { modelReady(std::move(loaded)); }, error);
}

void VitPanel::modelReady(std::shared_ptr<const LoadedVit> loaded)
{
    const bool sameShape = m_loaded && m_loaded->geometry.patches == loaded->geometry.patches &&
                           m_loaded->model->info().config.layers == loaded->model->info().config.layers;
    m_loaded = std::move(loaded);
    m_setDistance.reset();
    const ModelConfig &c = m_loaded->model->info().config;
    m_modelBox->setDescription(tr("<b>%1</b> \u00b7 %2 layers \u00d7 %3 heads \u00b7 hidden %4<br>%5")
                                   .arg(QFileInfo(m_modelBox->folder()).fileName().toHtmlEscaped())
                                   .arg(c.layers)
                                   .arg(c.heads)
                                   .arg(c.hiddenSize)
                                   .arg(text(m_loaded->geometry.describe()).toHtmlEscaped()));
    if (const auto &snapshots = m_modelBox->snapshots()) {
        const double accuracy = snapshots->accuracies[size_t(m_modelBox->snapshotIndex())];
        m_modelBox->setSnapshotDetail(
            std::isfinite(accuracy) ? tr(" \u00b7 held-out accuracy %1").arg(percent(accuracy)) : QString());
    }
    {
        const QSignalBlocker a(m_layer), b(m_head);
        m_layer->setRange(0, int(c.layers) - 1);
        const QString head = m_head->currentData().toString();
        m_head->clear();
        m_head->addItem(tr("mean of heads"), QStringLiteral("mean"));
        for (int64_t h = 0; h < c.heads; ++h)
            m_head->addItem(tr("head %1").arg(h), QString::number(h));
        const int found = m_head->findData(head);
        m_head->setCurrentIndex(found >= 0 ? found : 0);
    }
    if (!sameShape)
        m_query = std::min<int64_t>(m_query, m_loaded->geometry.tokens() - 1);
    setStatus(m_loaded->step >= 0 ? tr("Snapshot at step %1 loaded").arg(m_loaded->step)
                                  : tr("Loaded %1").arg(m_modelBox->folder()));
    // A first image: a Fashion-MNIST sample for a grey 28 x 28 model, else an image in the folder.
    if (m_image.empty()) {
        QString ignored;
        if (preprocessingChannels(m_loaded->preprocessing) == 1 && QFileInfo::exists(text(defaultFashionMnistFolder())))
            useSample(m_imageBox->sampleIndex(), &ignored, false);
        else {
            try {
                const auto files = vision::imageFilesIn(m_modelBox->folder().toStdString(), 1);
                if (!files.empty())
                    openImage(text(files.front()), &ignored, false);
            } catch (const Error &) {
            }
        }
    }
    refreshStatic();
    analyse();
    releaseHeldOptions();
}

bool VitPanel::setImage(Image8 image, const QString &name, QString *error)
{
    if (image.empty()) {
        if (error)
            *error = tr("the image is empty");
        return false;
    }
    m_image = std::move(image);
    m_imageName = name;
    m_imageBox->setDescription(tr("%1 \u00b7 %2\u00d7%3 %4")
                                   .arg(name.toHtmlEscaped())
                                   .arg(m_image.width)
                                   .arg(m_image.height)
                                   .arg(m_image.channels == 1 ? tr("grey") : tr("RGB")));
    if (m_analyseOnImage)
        analyse();
    return true;
}

bool VitPanel::openImage(const QString &path, QString *error, bool analyseNow)
{
    m_analyseOnImage = analyseNow;
    const bool opened = m_imageBox->openFile(path, error);
    m_analyseOnImage = true;
    return opened;
}

bool VitPanel::pasteImage(QString *error)
{
    return m_imageBox->paste(error);
}

bool VitPanel::useSample(int index, QString *error, bool analyseNow)
{
    m_analyseOnImage = analyseNow;
    const bool used = m_imageBox->useSample(index, error);
    m_analyseOnImage = true;
    return used;
}

void VitPanel::analyse()
{
    if (!m_loaded || m_image.empty()) {
        m_analysis.reset();
        refresh();
        return;
    }
    const auto loaded = m_loaded;
    const Image8 image = m_image;
    QString error;
    m_imageJob.start(
        jobs(), tr("ViT lens: %1").arg(m_imageName),
        [loaded, image](JobContext &context) { return analyseImage(*loaded, image, context); },
        [this](std::shared_ptr<const ImageAnalysis> analysis) {
            m_analysis = std::move(analysis);
            m_prediction->setText(predictionText(*m_analysis));
            refresh();
        },
        &error);
    if (!error.isEmpty())
        setStatus(error, true);
}

bool VitPanel::measureDistance(QString *error)
{
    auto fail = [this, error](const QString &message) {
        setStatus(message, true);
        return PanelBase::fail(error, message);
    };
    if (!m_loaded)
        return fail(tr("open a ViT model first"));
    const QString set = m_imageSet->currentData().toString();
    const int64_t wanted = m_count->value();
    std::function<Image8(int64_t)> source;
    int64_t count = 0;
    QString name;
    if (set == kFashionSet) {
        QString problem;
        const auto dataset = m_imageBox->fashionTest(&problem);
        if (!dataset)
            return fail(problem);
        count = std::min(wanted, dataset->count);
        source = [dataset](int64_t i) { return vision::datasetImage(*dataset, i); };
        name = tr("%1 Fashion-MNIST test images").arg(count);
    } else {
        std::vector<std::string> files;
        try {
            files = vision::imageFilesIn(set.toStdString(), wanted);
        } catch (const std::exception &e) {
            return fail(QString::fromUtf8(e.what()));
        }
        if (files.empty())
            return fail(tr("%1 holds no images (png, jpg, jpeg, bmp, tif, tiff, webp)").arg(set));
        count = int64_t(files.size());
        source = [files](int64_t i) { return readImage(files[size_t(i)], 3); };
        name = tr("%1 images of %2").arg(count).arg(QFileInfo(set).fileName());
    }
    const auto loaded = m_loaded;
    m_measure->setEnabled(false);
    setStatus(tr("Measuring over %1\u2026").arg(name));
    QString problem;
    const bool started = m_distanceJob.start(
        jobs(), tr("Mean attention distance over %1").arg(name),
        [loaded, count, source](JobContext &context) {
            return vision::meanAttentionDistanceOverImages(*loaded->model, loaded->preprocessing, count, source,
                                                           &context);
        },
        [this, loaded, name](vision::DistanceStatistics statistics) {
            if (loaded != m_loaded)
                return; // the model changed meanwhile
            m_setDistance = std::move(statistics);
            m_setName = name;
            setStatus(tr("Mean attention distance measured over %1").arg(name));
            refreshDistance();
        },
        &problem);
    if (m_distanceJob.isRunning())
        connect(m_distanceJob.handle(), &widgets::JobHandle::finished, this,
                [this](bool, bool cancelled, const QString &) {
                    m_measure->setEnabled(true);
                    updateControls();
                    if (cancelled)
                        setStatus(tr("Measurement cancelled"));
                });
    else
        m_measure->setEnabled(true);
    updateControls();
    if (!started)
        return fail(problem);
    return true;
}

// ---------------------------------------------------------------------------------------------
// Views

void VitPanel::updateControls()
{
    const QString view = currentFigureName();
    const bool attention = view == "attention" || view == "heads";
    for (QWidget *w : m_attentionControls)
        w->setEnabled(attention);
    m_head->setEnabled(view == "attention");
    m_layer->setEnabled(attention);
    for (QWidget *w : m_rolloutControls)
        w->setEnabled(view == "rollout");
    for (QWidget *w : m_distanceControls)
        w->setEnabled(view == "distance");
    m_cancelMeasure->setEnabled(view == "distance" && m_distanceJob.isRunning());
}

void VitPanel::refresh()
{
    refreshStatic();
    refreshAttention();
    refreshRollout();
    refreshDistance();
}

void VitPanel::refreshStatic()
{
    if (!m_loaded) {
        for (widgets::ImageGridView *view : {m_positionsView, m_filtersView, m_patchesView})
            view->setTiles({});
        return;
    }
    showPositions(*m_positionsView, *m_loaded, modelName(),
                  widgets::colorMapFromName(m_colorMap->currentData().toString()));
    showFilters(*m_filtersView, *m_loaded, modelName());
    showPatches(*m_patchesView, *m_loaded, m_image, m_analysis.get());
}

void VitPanel::refreshAttention()
{
    if (!m_loaded || !m_analysis || m_analysis->attentions.empty()) {
        m_attentionView->setTiles({});
        m_headsView->setTiles({});
        m_queryLabel->setText(tr("[CLS]"));
        return;
    }
    m_query = std::clamp<int64_t>(m_query, 0, m_loaded->geometry.tokens() - 1);
    AttentionChoice choice;
    choice.layer = std::clamp(m_layer->value(), 0, int(m_analysis->attentions.size()) - 1);
    const QString head = m_head->currentData().toString();
    choice.head = head == "mean" || head.isEmpty() ? -1 : head.toLongLong();
    choice.query = m_query;
    choice.map = widgets::colorMapFromName(m_colorMap->currentData().toString());
    choice.opacity = m_opacity->value() / 100.0;
    m_queryLabel->setText(queryName(m_query, m_loaded->geometry));
    showAttention(*m_attentionView, *m_headsView, *m_loaded, *m_analysis, choice);
}

void VitPanel::refreshRollout()
{
    if (!m_loaded || !m_analysis || m_analysis->attentions.empty()) {
        m_rolloutView->setTiles({});
        return;
    }
    showRollout(*m_rolloutView, *m_loaded, *m_analysis,
                vision::headFusionFromName(m_fusion->currentData().toString().toStdString()), m_discard->value(),
                widgets::colorMapFromName(m_colorMap->currentData().toString()), m_opacity->value() / 100.0);
}

void VitPanel::refreshDistance()
{
    if (!m_loaded || (!m_analysis && !m_setDistance)) {
        m_distanceView->setSeries({});
        m_distanceView->setFigureTitle(tr("Mean attention distance"));
        m_distanceView->setTable({});
        return;
    }
    const bool renormalized = m_convention->currentData().toString() == "renormalized";
    if (m_setDistance) {
        showDistance(*m_distanceView, *m_setDistance, renormalized, m_setName);
        return;
    }
    vision::DistanceAccumulator one;
    one.add(m_analysis->distanceRaw, m_analysis->distanceRenormalized);
    showDistance(*m_distanceView, one.result(), renormalized, tr("this image"));
}

// ---------------------------------------------------------------------------------------------
// Options, sessions, files

QVariantMap VitPanel::options() const
{
    QVariantMap o;
    if (!m_loaded && m_image.empty())
        return o; // nothing to restore
    if (!m_modelBox->folder().isEmpty())
        o["model"] = m_modelBox->folder();
    if (m_modelBox->snapshots() && m_loaded && m_loaded->step >= 0)
        o["snapshot"] = QString::number(m_loaded->step);
    if (m_imageName.startsWith(QStringLiteral("Fashion-MNIST")))
        o["sample"] = QString::number(m_imageBox->sampleIndex());
    if (m_loaded) { // layer, head and query mean something only for a model
        o["layer"] = QString::number(m_layer->value());
        o["head"] =
            m_head->currentData().toString().isEmpty() ? QStringLiteral("mean") : m_head->currentData().toString();
        const int64_t leading = m_loaded->geometry.leadingTokens, patch = m_query - leading;
        o["query"] =
            m_query == 0 ? QStringLiteral("cls")
            : m_query < leading
                ? QStringLiteral("distillation")
                : QStringLiteral("%1,%2").arg(patch / m_loaded->geometry.grid).arg(patch % m_loaded->geometry.grid);
    }
    optionSet().write(o, {"fusion", "discard", "colormap", "opacity", "count", "convention"});
    o["view"] = currentFigureName();
    return o;
}

bool VitPanel::checkOptions(const QVariantMap &options, QString *error)
{
    if (options.contains("image") && options.contains("sample"))
        return fail(error, tr("give --image or --sample, not both"));
    return true;
}

bool VitPanel::openSource(const QVariantMap &options, bool *loading, QString *error)
{
    *loading = false;
    if (!options.contains("model") || QDir(options["model"].toString()).absolutePath() == m_modelBox->folder())
        return true;
    if (!openModel(options["model"].toString(), error))
        return false;
    *loading = m_modelJob.isRunning();
    return true;
}

bool VitPanel::applyOptions(const QVariantMap &options, const QString &view, QString *error)
{
    const auto &snapshots = m_modelBox->snapshots();
    if (options.contains("snapshot") && options["snapshot"].toString() != "last") {
        if (!snapshots)
            return fail(error, tr("--snapshot needs a training run whose snapshots keep their weights (a ViT trained "
                                  "in the Training panel)"));
        const int index = m_modelBox->findSnapshot(options["snapshot"].toString());
        if (index < 0) {
            QStringList steps;
            for (int64_t s : snapshots->steps)
                steps << QString::number(s);
            return fail(error, tr("--snapshot: no snapshot at step \"%1\" (steps: %2)")
                                   .arg(options["snapshot"].toString(), steps.join(", ")));
        }
        m_modelBox->selectSnapshot(index);
        if (!loadSnapshot(snapshots->steps[size_t(index)], error))
            return false;
    }
    if (options.contains("image") && !openImage(options["image"].toString(), error))
        return false;
    if (options.contains("sample")) {
        bool ok = false;
        const int index = options["sample"].toString().toInt(&ok);
        if (!ok)
            return fail(error, tr("--sample: \"%1\" is not an index").arg(options["sample"].toString()));
        if (!useSample(index, error))
            return false;
    }
    if (m_loaded) {
        if (!applyQuery(options, error))
            return false;
    } else if ((options.contains("layer") || options.contains("head") || options.contains("query")) && runsInline()) {
        return fail(error, tr("--layer, --head and --query need a model (--model DIR)"));
    }
    optionSet().apply(options);
    if (options.contains("images")) {
        if (!applyImageSet(options["images"].toString(), error))
            return false;
        if (!m_loaded)
            return fail(error, tr("--images needs a model (--model DIR)"));
        if (!measureDistance(error))
            return false;
    }
    // tessera-cli exports at once: say what is missing instead of exporting a placeholder.
    if (runsInline() && !options.isEmpty()) {
        if (!m_loaded)
            return fail(error, tr("the ViT lens needs a model: --model DIR (a ViT checkpoint or a training run)"));
        if (view != "positions" && view != "filters" && m_image.empty() && !m_setDistance)
            return fail(error, tr("the %1 view needs an image: --image FILE or --sample N").arg(view));
    }
    refresh();
    return true;
}

// --layer, --head and --query against the loaded model's shape.
bool VitPanel::applyQuery(const QVariantMap &options, QString *error)
{
    const ModelConfig &c = m_loaded->model->info().config;
    bool ok = false;
    const int layer = options.value("layer", m_layer->value()).toString().toInt(&ok);
    if (!ok || layer < 0 || layer >= c.layers)
        return fail(error, tr("--layer: \"%1\" is not a layer of this model (0 to %2)")
                               .arg(options.value("layer").toString())
                               .arg(c.layers - 1));
    const QString head = options.value("head", m_head->currentData()).toString();
    if (m_head->findData(head) < 0)
        return fail(error,
                    tr("--head: \"%1\" is not mean or a head of this model (0 to %2)").arg(head).arg(c.heads - 1));
    int64_t query = m_query;
    if (options.contains("query")) {
        const QString q = options["query"].toString().trimmed().toLower();
        const QStringList parts = q.split(',');
        const int64_t grid = m_loaded->geometry.grid;
        bool okRow = false, okColumn = false;
        const int row = parts.size() == 2 ? parts[0].trimmed().toInt(&okRow) : -1;
        const int column = parts.size() == 2 ? parts[1].trimmed().toInt(&okColumn) : -1;
        const int64_t leading = m_loaded->geometry.leadingTokens; // DeiT: [CLS] and the distillation token
        if (q == "cls")
            query = 0;
        else if (q == "distillation" && leading > 1)
            query = 1;
        else if (okRow && okColumn && row >= 0 && row < grid && column >= 0 && column < grid)
            query = leading + row * grid + column;
        else
            return fail(error, tr("--query: \"%1\" is not cls or ROW,COLUMN of the %2\u00d7%2 patch grid")
                                   .arg(options["query"].toString())
                                   .arg(grid));
    }
    const QSignalBlocker a(m_layer), b(m_head);
    m_layer->setValue(layer);
    m_head->setCurrentIndex(m_head->findData(head));
    m_query = query;
    return true;
}

// Chooses --images: fashion-mnist-test or a folder (added to the choices).
bool VitPanel::applyImageSet(const QString &set, QString *error)
{
    if (set == kFashionSet) {
        m_imageSet->setCurrentIndex(0);
        return true;
    }
    if (!QFileInfo(set).isDir())
        return fail(error, tr("--images: \"%1\" is not %2 or a folder of images").arg(set, kFashionSet));
    const QString folder = QDir(set).absolutePath();
    int index = m_imageSet->findData(folder);
    if (index < 0) {
        m_imageSet->insertItem(1, QFileInfo(folder).fileName(), folder);
        index = 1;
    }
    m_imageSet->setCurrentIndex(index);
    return true;
}

} // namespace tessera::vitlens
