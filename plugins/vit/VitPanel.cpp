#include "VitPanel.h"

#include "tessera/core/Error.h"
#include "tessera/core/Log.h"
#include "tessera/plugins/PanelJobs.h"
#include "tessera/widgets/DataHub.h"
#include "tessera/widgets/ImageGridView.h"
#include "tessera/widgets/JobRunner.h"
#include "tessera/widgets/LinePlotView.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSlider>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <utility>

namespace tessera::vitlens {
namespace {

const QStringList kFigures{"patches", "attention", "heads", "rollout", "distance", "positions", "filters"};
constexpr int kFilterComponents = 28; // as many as the paper shows
const QString kFashionSet = QStringLiteral("fashion-mnist-test");

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

QImage toQImage(const Image8 &image)
{
    return widgets::imageFromPixels(image);
}

// pixel_values [1, C, H, W] shown as an image: min..max of all channels to 0..255.
QImage normalisedImage(const FloatTensor &pixels)
{
    const int64_t c = pixels.shape[1], h = pixels.shape[2], w = pixels.shape[3];
    const auto [low, high] = std::minmax_element(pixels.values.begin(), pixels.values.end());
    const double lower = *low, span = std::max(1e-12, double(*high - *low));
    QImage image(static_cast<int>(w), static_cast<int>(h), QImage::Format_RGB32);
    for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
            int v[3];
            for (int64_t k = 0; k < 3; ++k)
                v[k] = int(
                    std::lround(255.0 * (pixels.values[size_t(((c == 1 ? 0 : k) * h + y) * w + x)] - lower) / span));
            image.setPixel(int(x), int(y), qRgb(v[0], v[1], v[2]));
        }
    return image;
}

// The image cut into patches with gaps between them (the grid pulled apart).
QImage explodedPatches(const QImage &resized, int64_t grid, int64_t patch)
{
    const int gap = int(std::max<int64_t>(1, patch / 6));
    const int side = int(grid * patch + (grid - 1) * gap);
    QImage out(side, side, QImage::Format_RGB32);
    out.fill(Qt::white);
    const QImage source = resized.convertToFormat(QImage::Format_RGB32);
    for (int64_t r = 0; r < grid; ++r)
        for (int64_t c = 0; c < grid; ++c)
            for (int64_t y = 0; y < patch; ++y)
                for (int64_t x = 0; x < patch; ++x)
                    out.setPixel(int(c * (patch + gap) + x), int(r * (patch + gap) + y),
                                 source.pixel(int(c * patch + x), int(r * patch + y)));
    return out;
}

// A filter component [C, P, P] as an image: v / max|v| around mid-grey.
QImage filterImage(const FloatTensor &component)
{
    const int64_t c = component.shape[0], p = component.shape[1];
    float peak = 1e-12f;
    for (float v : component.values)
        peak = std::max(peak, std::abs(v));
    QImage image(static_cast<int>(p), static_cast<int>(p), QImage::Format_RGB32);
    for (int64_t y = 0; y < p; ++y)
        for (int64_t x = 0; x < p; ++x) {
            int v[3];
            for (int64_t k = 0; k < 3; ++k)
                v[k] = std::clamp(
                    int(std::lround(127.5 +
                                    127.5 * component.values[size_t(((c == 1 ? 0 : k) * p + y) * p + x)] / peak)),
                    0, 255);
            image.setPixel(int(x), int(y), qRgb(v[0], v[1], v[2]));
        }
    return image;
}

MatrixPtr share(Matrix m)
{
    return std::make_shared<const Matrix>(std::move(m));
}

QString percent(double fraction)
{
    return QString::number(100.0 * fraction, 'f', 1) + QStringLiteral("%");
}

// What the lens derives from a model's weights.
std::shared_ptr<const LoadedVit> derive(std::shared_ptr<const Model> model, const ImagePreprocessing &preprocessing,
                                        int64_t step)
{
    auto loaded = std::make_shared<LoadedVit>();
    loaded->model = std::move(model);
    loaded->preprocessing = preprocessing;
    loaded->geometry = vision::patchGeometry(loaded->model->info().config);
    loaded->similarity = share(vision::positionSimilarity(loaded->model->positionTable(), loaded->geometry));
    loaded->filters = vision::filterPrincipalComponents(
        loaded->model->weight("embeddings.patch_embeddings.projection.weight"), loaded->geometry, kFilterComponents);
    loaded->step = step;
    return loaded;
}

ImagePreprocessing preprocessingOf(const std::string &folder, const ModelConfig &config)
{
    const std::string path = folder + "/preprocessor_config.json";
    if (QFileInfo::exists(text(path)))
        return ImagePreprocessing::fromFile(path);
    ImagePreprocessing p;
    p.height = p.width = config.imageSize;
    if (config.channels == 1) {
        p.mean = {0.5};
        p.std = {0.5};
    }
    return p;
}

} // namespace

VitPanel::VitPanel(const plugins::PanelContext &context, QWidget *parent)
    : widgets::PanelWidget(parent), m_context(context)
{
    buildUi();
    updateControls();
    refresh();
    // A ViT opened in the Models panel or offered by the Training panel comes here too, unless
    // the lens already shows one.
    if (m_context.hub)
        connect(m_context.hub, &widgets::DataHub::textsChanged, this,
                [this](const QString &topic, const QString &name) {
                    if (topic != widgets::DataHub::ModelFolders || !m_folder.isEmpty() || m_modelJob)
                        return;
                    const QString folder = m_context.hub->text(topic, name);
                    if (!canOpen(folder))
                        return;
                    QString error;
                    if (!openModel(folder, &error))
                        setStatus(error, true);
                });
}

VitPanel::~VitPanel()
{
    for (const QPointer<widgets::JobHandle> &job : {m_modelJob, m_imageJob, m_distanceJob})
        if (job)
            job->cancel();
}

void VitPanel::buildUi()
{
    auto *controls = new QWidget;
    auto *form = new QVBoxLayout(controls);

    auto *modelBox = new QGroupBox(tr("Model"));
    auto *modelLayout = new QVBoxLayout(modelBox);
    m_modelLabel = new QLabel(tr("No model. Open a ViT checkpoint folder or a run trained in the Training panel."));
    m_modelLabel->setWordWrap(true);
    auto *openModelButton = new QPushButton(tr("Open model\u2026"));
    openModelButton->setToolTip(
        tr("A folder with config.json and model.safetensors (ViTForImageClassification or ViTModel), "
           "or a training run folder (its snapshots can then be scrubbed)"));
    connect(openModelButton, &QPushButton::clicked, this, [this] {
        const QString folder =
            QFileDialog::getExistingDirectory(this, tr("Open a ViT checkpoint or training run"), m_folder);
        QString error;
        if (!folder.isEmpty() && !openModel(folder, &error))
            setStatus(error, true);
    });
    m_snapshot = new QSlider(Qt::Horizontal);
    m_snapshot->setToolTip(tr("Scrub the training run's snapshots: every view shows the model as it was at that step "
                              "(Left / Right, Page Up / Page Down)"));
    m_snapshotLabel = new QLabel;
    m_snapshotLabel->setWordWrap(true);
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
    auto *imageLayout = new QFormLayout(imageBox);
    m_imageLabel = new QLabel(tr("none"));
    m_imageLabel->setWordWrap(true);
    imageLayout->addRow(m_imageLabel);
    auto *buttons = new QHBoxLayout;
    auto *openImageButton = new QPushButton(tr("Open image\u2026"));
    openImageButton->setToolTip(
        tr("PNG, JPEG, BMP, TIFF or WebP; you can also drop a file on the window or paste (Ctrl+V)"));
    connect(openImageButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open an image"), QString(),
                                                          tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"));
        QString error;
        if (!path.isEmpty() && !openImage(path, &error))
            setStatus(error, true);
    });
    auto *pasteButton = new QPushButton(tr("Paste"));
    pasteButton->setToolTip(tr("Use the image on the clipboard (Ctrl+V)"));
    connect(pasteButton, &QPushButton::clicked, this, [this] {
        QString error;
        if (!pasteImage(&error))
            setStatus(error, true);
    });
    auto *paste = new QShortcut(QKeySequence::Paste, this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(paste, &QShortcut::activated, pasteButton, &QPushButton::click);
    buttons->addWidget(openImageButton);
    buttons->addWidget(pasteButton);
    imageLayout->addRow(buttons);
    m_sample = new QSpinBox;
    m_sample->setRange(0, 9999);
    m_sample->setToolTip(tr("A Fashion-MNIST test image (Debian's dataset-fashion-mnist), by index"));
    auto *sampleButton = new QPushButton(tr("Use"));
    sampleButton->setToolTip(m_sample->toolTip());
    connect(sampleButton, &QPushButton::clicked, this, [this] {
        QString error;
        if (!useSample(m_sample->value(), &error))
            setStatus(error, true);
    });
    connect(m_sample, &QSpinBox::editingFinished, sampleButton, &QPushButton::click);
    auto *sampleRow = new QHBoxLayout;
    sampleRow->addWidget(m_sample, 1);
    sampleRow->addWidget(sampleButton);
    imageLayout->addRow(tr("Dataset sample"), sampleRow);
    m_prediction = new QLabel;
    m_prediction->setWordWrap(true);
    imageLayout->addRow(m_prediction);
    form->addWidget(imageBox);

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
    for (const QString &name : {QStringLiteral("viridis"), QStringLiteral("magma"), QStringLiteral("grey")})
        m_colorMap->addItem(name, name);
    m_colorMap->setToolTip(tr("Colour map of the overlays"));
    viewLayout->addRow(tr("Colour map"), m_colorMap);
    m_opacity = new QSlider(Qt::Horizontal);
    m_opacity->setRange(0, 100);
    m_opacity->setValue(60);
    m_opacity->setToolTip(tr("Opacity of the attention overlay over the image"));
    viewLayout->addRow(tr("Opacity"), m_opacity);
    m_fusion = new QComboBox;
    for (const QString &name : {QStringLiteral("mean"), QStringLiteral("min"), QStringLiteral("max")})
        m_fusion->addItem(name, name);
    m_fusion->setToolTip(
        tr("How a layer's heads are fused before rolling out (mean: Abnar & Zuidema; min and max as vit-explain)"));
    viewLayout->addRow(tr("Head fusion"), m_fusion);
    m_discard = new QDoubleSpinBox;
    m_discard->setRange(0.0, 0.99);
    m_discard->setSingleStep(0.05);
    m_discard->setDecimals(2);
    m_discard->setToolTip(tr("Fraction of each fused layer's smallest weights set to zero before rolling out "
                             "(vit-explain suggests 0.9 with max fusion)"));
    viewLayout->addRow(tr("Discard ratio"), m_discard);
    m_rolloutControls << m_fusion << m_discard;
    form->addWidget(viewBox);

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
    m_count->setRange(1, 100000);
    m_count->setValue(100);
    m_count->setToolTip(tr("How many images of the set (the first ones)"));
    distanceLayout->addRow(tr("Count"), m_count);
    m_measure = new QPushButton(tr("Measure"));
    m_measure->setToolTip(tr("Run the model on the image set and average each head's mean attention distance (a job; "
                             "progress in the status bar)"));
    m_cancelMeasure = new QPushButton(tr("Cancel"));
    connect(m_measure, &QPushButton::clicked, this, [this] { measureDistance(nullptr); });
    connect(m_cancelMeasure, &QPushButton::clicked, this, [this] {
        if (m_distanceJob)
            m_distanceJob->cancel();
    });
    auto *measureRow = new QHBoxLayout;
    measureRow->addWidget(m_measure);
    measureRow->addWidget(m_cancelMeasure);
    distanceLayout->addRow(measureRow);
    m_distanceControls << m_convention << m_imageSet << m_count << m_measure << m_cancelMeasure;
    form->addWidget(distanceBox);

    m_status = new QLabel;
    m_status->setWordWrap(true);
    form->addWidget(m_status);
    form->addStretch(1);

    auto *scroll = new QScrollArea;
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedWidth(320);

    m_views = new QTabWidget;
    auto makeGrid = [this](const QString &placeholder) {
        auto *view = new widgets::ImageGridView;
        view->setPlaceholder(placeholder);
        connect(view, &widgets::ImageGridView::readoutChanged, this, &VitPanel::statusMessage);
        return view;
    };
    const QString noImage =
        tr("Open a ViT model and an image (Open image\u2026, drop a file, Ctrl+V or a dataset sample)");
    m_patchesView = makeGrid(noImage);
    m_attentionView = makeGrid(noImage);
    m_headsView = makeGrid(noImage);
    m_rolloutView = makeGrid(noImage);
    m_positionsView = makeGrid(tr("Open a ViT model to see its position embeddings"));
    m_filtersView = makeGrid(tr("Open a ViT model to see its patch-embedding filters"));
    m_distanceView = new widgets::LinePlotView;
    m_distanceView->setAxisTitles(tr("layer (network depth)"), tr("mean attention distance (pixels)"));
    connect(m_distanceView, &widgets::LinePlotView::readoutChanged, this, &VitPanel::statusMessage);
    m_attentionView->setToolTip(tr("Click a patch to see where it attends"));
    m_headsView->setToolTip(m_attentionView->toolTip());
    auto select = [this](int, int row, int column) {
        if (!m_loaded)
            return;
        m_query = 1 + row * m_loaded->geometry.grid + column;
        refreshAttention();
    };
    connect(m_attentionView, &widgets::ImageGridView::cellClicked, this, select);
    connect(m_headsView, &widgets::ImageGridView::cellClicked, this, select);
    m_views->addTab(m_patchesView, tr("Patches"));
    m_views->addTab(m_attentionView, tr("Attention"));
    m_views->addTab(m_headsView, tr("All heads"));
    m_views->addTab(m_rolloutView, tr("Rollout"));
    m_views->addTab(m_distanceView, tr("Distance"));
    m_views->addTab(m_positionsView, tr("Positions"));
    m_views->addTab(m_filtersView, tr("Filters"));
    connect(m_views, &QTabWidget::currentChanged, this, [this] {
        updateControls();
        emit currentFigureChanged(currentFigureName());
    });

    auto *layout = new QHBoxLayout(this);
    layout->addWidget(scroll);
    layout->addWidget(m_views, 1);

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

QStringList VitPanel::figureNames() const
{
    return kFigures;
}

QString VitPanel::currentFigureName() const
{
    return kFigures.value(m_views->currentIndex());
}

void VitPanel::setCurrentFigure(const QString &name)
{
    const int index = int(kFigures.indexOf(name));
    if (index >= 0)
        m_views->setCurrentIndex(index);
}

widgets::Figure *VitPanel::figure(const QString &name)
{
    switch (kFigures.indexOf(name)) {
    case 0:
        return m_patchesView;
    case 1:
        return m_attentionView;
    case 2:
        return m_headsView;
    case 3:
        return m_rolloutView;
    case 4:
        return m_distanceView;
    case 5:
        return m_positionsView;
    case 6:
        return m_filtersView;
    default:
        return nullptr;
    }
}

void VitPanel::setStatus(const QString &message, bool error)
{
    m_status->setText(message);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
    if (!message.isEmpty())
        emit statusMessage(message);
}

bool VitPanel::runJob(const QString &title, std::function<void(JobContext &)> work, std::function<void()> done,
                      QPointer<widgets::JobHandle> &slot, QString *error)
{
    return plugins::startPanelJob(
        m_context.jobs, this, title, std::move(work), std::move(done),
        [this](const QString &message) { setStatus(message, true); }, slot, error);
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
    auto result = std::make_shared<std::shared_ptr<const LoadedVit>>();
    setStatus(tr("Loading %1\u2026").arg(folder));
    const bool started = runJob(
        tr("Loading %1").arg(QFileInfo(folder).fileName()),
        [folderPath, config, result](JobContext &context) {
            *result = derive(sharedModel(folderPath, &context), preprocessingOf(folderPath, config), -1);
        },
        [this, folder, snapshots, result] {
            m_folder = folder;
            m_snapshots = snapshots;
            {
                const QSignalBlocker block(m_snapshot);
                const int count = m_snapshots ? int(m_snapshots->steps.size()) : 0;
                m_snapshot->setRange(0, std::max(0, count - 1));
                m_snapshot->setValue(std::max(0, count - 1));
            }
            modelReady(*result);
        },
        m_modelJob, error);
    return started;
}

bool VitPanel::loadSnapshot(int64_t step, QString *error)
{
    if (!m_snapshots || !m_loaded) {
        if (error)
            *error = tr("the open model is not a training run with weight snapshots");
        return false;
    }
    const SnapshotIndex index = *m_snapshots;
    const ImagePreprocessing preprocessing = m_loaded->preprocessing;
    auto result = std::make_shared<std::shared_ptr<const LoadedVit>>();
    return runJob(
        tr("Snapshot at step %1").arg(step),
        [index, step, preprocessing, result](JobContext &) {
            *result = derive(snapshotModel(index, step), preprocessing, step);
        },
        [this, result] { modelReady(*result); }, m_modelJob, error);
}

void VitPanel::modelReady(std::shared_ptr<const LoadedVit> loaded)
{
    const bool sameShape = m_loaded && m_loaded->geometry.patches == loaded->geometry.patches &&
                           m_loaded->model->info().config.layers == loaded->model->info().config.layers;
    m_loaded = std::move(loaded);
    m_setDistance.reset();
    const ModelConfig &c = m_loaded->model->info().config;
    QString name = QFileInfo(m_folder).fileName();
    m_modelLabel->setText(tr("<b>%1</b> \u00b7 %2 layers \u00d7 %3 heads \u00b7 hidden %4<br>%5")
                              .arg(name.toHtmlEscaped())
                              .arg(c.layers)
                              .arg(c.heads)
                              .arg(c.hiddenSize)
                              .arg(text(m_loaded->geometry.describe()).toHtmlEscaped()));
    m_snapshot->setVisible(m_snapshots.has_value());
    m_snapshotLabel->setVisible(m_snapshots.has_value());
    if (m_snapshots) {
        const int index = m_snapshot->value();
        const double accuracy = m_snapshots->accuracies[size_t(index)];
        m_snapshotLabel->setText(
            tr("Snapshot: step %1 of %2%3")
                .arg(m_snapshots->steps[size_t(index)])
                .arg(m_snapshots->steps.back())
                .arg(std::isfinite(accuracy) ? tr(" \u00b7 held-out accuracy %1").arg(percent(accuracy)) : QString()));
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
        m_query = std::min<int64_t>(m_query, m_loaded->geometry.patches);
    setStatus(m_loaded->step >= 0 ? tr("Snapshot at step %1 loaded").arg(m_loaded->step)
                                  : tr("Loaded %1").arg(m_folder));
    // A first image: a Fashion-MNIST sample for a grey 28 x 28 model, else an image in the folder.
    if (m_image.empty()) {
        QString ignored;
        if (preprocessingChannels(m_loaded->preprocessing) == 1 && QFileInfo::exists(text(defaultFashionMnistFolder())))
            useSample(m_sample->value(), &ignored, false);
        else {
            try {
                const auto files = vision::imageFilesIn(m_folder.toStdString(), 1);
                if (!files.empty())
                    openImage(text(files.front()), &ignored, false);
            } catch (const Error &) {
            }
        }
    }
    refreshStatic();
    analyse();
    if (!m_pendingOptions.isEmpty()) {
        const QVariantMap pending = std::exchange(m_pendingOptions, {});
        QString error;
        if (!setOptions(pending, &error))
            setStatus(error, true);
    }
}

bool VitPanel::setImage(Image8 image, const QString &name, QString *error, bool analyseNow)
{
    if (image.empty()) {
        if (error)
            *error = tr("the image is empty");
        return false;
    }
    m_image = std::move(image);
    m_imageName = name;
    m_imageLabel->setText(tr("%1 \u00b7 %2\u00d7%3 %4")
                              .arg(name.toHtmlEscaped())
                              .arg(m_image.width)
                              .arg(m_image.height)
                              .arg(m_image.channels == 1 ? tr("grey") : tr("RGB")));
    if (analyseNow)
        analyse();
    return true;
}

bool VitPanel::openImage(const QString &path, QString *error, bool analyseNow)
{
    try {
        // Decoded as RGB; a grey model converts it (Rec. 601 luminance) when it is preprocessed.
        return setImage(readImage(path.toStdString(), 3), QFileInfo(path).fileName(), error, analyseNow);
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
}

bool VitPanel::pasteImage(QString *error)
{
    const QImage image = QApplication::clipboard()->image();
    if (image.isNull()) {
        if (error)
            *error = tr("the clipboard holds no image");
        return false;
    }
    return setImage(widgets::pixelsFromImage(image), tr("pasted image"), error);
}

std::shared_ptr<const ImageDataset> VitPanel::fashionTest(QString *error)
{
    if (m_fashion)
        return m_fashion;
    try {
        m_fashion = std::make_shared<const ImageDataset>(loadFashionMnist("test"));
    } catch (const std::exception &e) {
        if (error)
            *error = tr("%1 (install dataset-fashion-mnist)").arg(QString::fromUtf8(e.what()));
    }
    return m_fashion;
}

bool VitPanel::useSample(int index, QString *error, bool analyseNow)
{
    const auto dataset = fashionTest(error);
    if (!dataset)
        return false;
    try {
        Image8 image = vision::datasetImage(*dataset, index);
        const int64_t label = dataset->labels[size_t(index)];
        const QString name =
            tr("Fashion-MNIST test %1 (%2)")
                .arg(index)
                .arg(size_t(label) < dataset->labelNames.size() ? text(dataset->labelNames[size_t(label)])
                                                                : QString::number(label));
        const QSignalBlocker block(m_sample);
        m_sample->setValue(index);
        return setImage(std::move(image), name, error, analyseNow);
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
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
    auto result = std::make_shared<std::shared_ptr<const ImageAnalysis>>();
    QString error;
    runJob(
        tr("ViT lens: %1").arg(m_imageName),
        [loaded, image, result](JobContext &context) {
            auto analysis = std::make_shared<ImageAnalysis>();
            analysis->resized = resizeForModel(image, loaded->preprocessing);
            analysis->pixelValues = normalizePixels(analysis->resized, loaded->preprocessing);
            ModelInputs inputs;
            inputs.floats["pixel_values"] = analysis->pixelValues;
            CaptureOptions capture;
            capture.hiddenStates = false;
            capture.meanAttentionDistance = true;
            ModelOutputs outputs = loaded->model->run(inputs, capture, &context);
            const ModelConfig &c = loaded->model->info().config;
            for (int64_t l = 0; l < c.layers; ++l) {
                FloatTensor a = std::move(outputs.at("attentions." + std::to_string(l)));
                a.shape.erase(a.shape.begin()); // batch of one
                analysis->attentions.push_back(std::move(a));
            }
            analysis->distanceRaw = outputs.at("mean_attention_distance.raw");
            analysis->distanceRenormalized = outputs.at("mean_attention_distance.renormalized");
            const auto logits = outputs.find("logits");
            if (logits != outputs.end()) {
                const int64_t classes = logits->second.shape.back();
                for (const auto &[id, probability] : topKSoftmax(logits->second.values.data(), classes, 3))
                    analysis->predictions.push_back(
                        {id, size_t(id) < c.labels.size() ? c.labels[size_t(id)] : "class " + std::to_string(id),
                         probability});
            }
            *result = analysis;
        },
        [this, result] {
            m_analysis = *result;
            QStringList lines;
            for (const Prediction &p : m_analysis->predictions)
                lines << QStringLiteral("%1 %2").arg(text(p.label).toHtmlEscaped(), percent(p.probability));
            m_prediction->setText(
                lines.isEmpty() ? QString() : tr("Predicted: <b>%1</b>").arg(lines.join(QStringLiteral(" \u00b7 "))));
            refresh();
        },
        m_imageJob, &error);
    if (!error.isEmpty())
        setStatus(error, true);
}

bool VitPanel::measureDistance(QString *error)
{
    auto fail = [this, error](const QString &message) {
        setStatus(message, true);
        if (error)
            *error = message;
        return false;
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
        const auto dataset = fashionTest(&problem);
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
    auto result = std::make_shared<vision::DistanceStatistics>();
    m_measure->setEnabled(false);
    setStatus(tr("Measuring over %1\u2026").arg(name));
    QPointer<VitPanel> self(this);
    QString problem;
    const bool started = runJob(
        tr("Mean attention distance over %1").arg(name),
        [loaded, count, source, result](JobContext &context) {
            *result =
                vision::meanAttentionDistanceOverImages(*loaded->model, loaded->preprocessing, count, source, &context);
        },
        [this, loaded, result, name] {
            if (loaded != m_loaded)
                return; // the model changed meanwhile
            m_setDistance = *result;
            m_setName = name;
            setStatus(tr("Mean attention distance measured over %1").arg(name));
            refreshDistance();
        },
        m_distanceJob, &problem);
    if (m_distanceJob && !m_distanceJob->isFinished())
        connect(m_distanceJob, &widgets::JobHandle::finished, this, [self](bool, bool cancelled, const QString &) {
            if (!self)
                return;
            self->m_measure->setEnabled(true);
            self->updateControls();
            if (cancelled)
                self->setStatus(tr("Measurement cancelled"));
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
    m_cancelMeasure->setEnabled(view == "distance" && m_distanceJob && !m_distanceJob->isFinished());
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
    const widgets::ColorMap map = widgets::colorMapFromName(m_colorMap->currentData().toString());
    if (!m_loaded) {
        for (widgets::ImageGridView *view : {m_positionsView, m_filtersView, m_patchesView})
            view->setTiles({});
        return;
    }
    const vision::PatchGeometry &g = m_loaded->geometry;
    const QString model =
        QFileInfo(m_folder).fileName() + (m_loaded->step >= 0 ? tr(" at step %1").arg(m_loaded->step) : QString());

    // Positions: tile (r, c) is row r * grid + c of the similarity, on the grid.
    QVector<widgets::ImageTile> tiles;
    const Matrix &similarity = *m_loaded->similarity;
    for (int64_t p = 0; p < g.patches; ++p) {
        Matrix map(g.grid, g.grid);
        std::copy_n(similarity.values.begin() + long(p * g.patches), size_t(g.patches), map.values.begin());
        widgets::ImageTile tile;
        tile.overlay = share(std::move(map));
        tiles.push_back(std::move(tile));
    }
    m_positionsView->setTiles(tiles, int(g.grid));
    m_positionsView->setOverlayStyle(map, 1.0, -1.0, 1.0);
    m_positionsView->setColorBarTitle(tr("cosine similarity"));
    m_positionsView->setFigureTitle(
        tr("Position embedding similarity of %1: tile (row, column) compares that patch with every patch").arg(model));
    m_positionsView->setTable({m_loaded->similarity, {}, {}, {}});

    // Filters: the first principal components of the patch projection.
    tiles.clear();
    const vision::FilterComponents &f = m_loaded->filters;
    auto table = std::make_shared<Matrix>(int64_t(f.components.size()), 1 + g.patchValues);
    QStringList header{QStringLiteral("explained_variance")};
    for (int64_t k = 0; k < g.patchValues; ++k)
        header << QStringLiteral("v%1").arg(k);
    for (size_t i = 0; i < f.components.size(); ++i) {
        widgets::ImageTile tile;
        tile.image = filterImage(f.components[i]);
        tile.caption = tr("PC %1 \u00b7 %2").arg(i + 1).arg(percent(f.explainedVariance[i]));
        tiles.push_back(std::move(tile));
        table->at(int64_t(i), 0) = float(f.explainedVariance[i]);
        std::copy_n(f.components[i].values.begin(), size_t(g.patchValues),
                    table->values.begin() + long(i * size_t(1 + g.patchValues) + 1));
    }
    m_filtersView->setTiles(tiles, std::min<int>(7, int(tiles.size())));
    m_filtersView->setFigureTitle(
        tr("Patch-embedding filters of %1: the first %2 principal components of %3 filters (%4\u00d7%4\u00d7%5)")
            .arg(model)
            .arg(f.components.size())
            .arg(g.hidden)
            .arg(g.patchSize)
            .arg(g.channels));
    widgets::FigureTable filterTable;
    filterTable.matrix = table;
    filterTable.matrixHeader = header;
    m_filtersView->setTable(filterTable);

    // Patches: the preprocessing, step by step.
    tiles.clear();
    if (!m_image.empty()) {
        widgets::ImageTile original;
        original.image = toQImage(m_image);
        original.caption = tr("as read: %1\u00d7%2").arg(m_image.width).arg(m_image.height);
        tiles.push_back(original);
    }
    widgets::FigureTable patchTable;
    if (m_analysis) {
        const ImagePreprocessing &p = m_loaded->preprocessing;
        const QImage resized = toQImage(m_analysis->resized);
        widgets::ImageTile step;
        step.image = resized;
        step.gridRows = step.gridColumns = int(g.grid);
        const bool resizedIt = p.resize && (m_image.width != p.width || m_image.height != p.height);
        step.caption =
            resizedIt ? tr("resized to %1\u00d7%2 (bilinear), grid %3\u00d7%3").arg(p.width).arg(p.height).arg(g.grid)
                      : tr("%1\u00d7%2 as the model expects, grid %3\u00d7%3").arg(p.width).arg(p.height).arg(g.grid);
        tiles.push_back(step);
        const auto [low, high] =
            std::minmax_element(m_analysis->pixelValues.values.begin(), m_analysis->pixelValues.values.end());
        widgets::ImageTile normalised;
        normalised.image = normalisedImage(m_analysis->pixelValues);
        normalised.caption =
            tr("\u00d7%1, (x \u2212 %2) / %3: values in [%4, %5]")
                .arg(p.rescale ? QStringLiteral("1/%1").arg(std::lround(1.0 / p.rescaleFactor)) : QStringLiteral("1"))
                .arg(p.normalize ? p.mean.front() : 0.0)
                .arg(p.normalize ? p.std.front() : 1.0)
                .arg(double(*low), 0, 'f', 2)
                .arg(double(*high), 0, 'f', 2);
        tiles.push_back(normalised);
        widgets::ImageTile exploded;
        exploded.image = explodedPatches(resized, g.grid, g.patchSize);
        exploded.caption = tr("%1 patches of %2\u00d7%2\u00d7%3 = %4 values, read row by row")
                               .arg(g.patches)
                               .arg(g.patchSize)
                               .arg(g.channels)
                               .arg(g.patchValues);
        tiles.push_back(exploded);
        patchTable.matrix = share(vision::patchVectors(m_analysis->pixelValues, g));
    }
    m_patchesView->setTiles(tiles, tiles.size() == 4 ? 2 : 0);
    m_patchesView->setFigureTitle(text(g.describe()));
    m_patchesView->setTable(patchTable);
}

void VitPanel::refreshAttention()
{
    const widgets::ColorMap map = widgets::colorMapFromName(m_colorMap->currentData().toString());
    const double opacity = m_opacity->value() / 100.0;
    if (!m_loaded || !m_analysis || m_analysis->attentions.empty()) {
        m_attentionView->setTiles({});
        m_headsView->setTiles({});
        m_queryLabel->setText(tr("[CLS]"));
        return;
    }
    const vision::PatchGeometry &g = m_loaded->geometry;
    m_query = std::clamp<int64_t>(m_query, 0, g.patches);
    const int layer = std::clamp(m_layer->value(), 0, int(m_analysis->attentions.size()) - 1);
    const QString headData = m_head->currentData().toString();
    const int64_t head = headData == "mean" || headData.isEmpty() ? -1 : headData.toLongLong();
    const FloatTensor &attention = m_analysis->attentions[size_t(layer)];
    const QString query =
        m_query == 0 ? tr("[CLS]") : tr("patch (%1, %2)").arg((m_query - 1) / g.grid).arg((m_query - 1) % g.grid);
    m_queryLabel->setText(query);
    const QPoint marked =
        m_query == 0 ? QPoint(-1, -1) : QPoint(int((m_query - 1) % g.grid), int((m_query - 1) / g.grid));
    const QImage image = toQImage(m_analysis->resized);

    double cls = 0.0;
    widgets::ImageTile tile;
    tile.image = image;
    tile.overlay = share(vision::attentionOnPatches(attention, head, m_query, g, &cls));
    tile.gridRows = tile.gridColumns = int(g.grid);
    tile.marked = marked;
    m_attentionView->setTiles({tile}, 1);
    m_attentionView->setOverlayStyle(map, opacity);
    m_attentionView->setColorBarTitle(tr("attention weight"));
    m_attentionView->setFigureTitle(
        tr("Layer %1, %2: where %3 attends \u00b7 [CLS] receives %4")
            .arg(layer)
            .arg(head < 0 ? tr("mean of %1 heads").arg(attention.shape[0]) : tr("head %1").arg(head))
            .arg(query, percent(cls)));
    m_attentionView->setTable({tile.overlay, {}, {}, {}});

    QVector<widgets::ImageTile> heads;
    for (int64_t h = 0; h < attention.shape[0]; ++h) {
        widgets::ImageTile t;
        t.image = image;
        double headCls = 0.0;
        t.overlay = share(vision::attentionOnPatches(attention, h, m_query, g, &headCls));
        t.marked = marked;
        t.caption = tr("head %1 \u00b7 [CLS] %2").arg(h).arg(percent(headCls));
        heads.push_back(std::move(t));
    }
    m_headsView->setTiles(heads);
    m_headsView->setOverlayStyle(map, opacity);
    m_headsView->setColorBarTitle(tr("attention weight"));
    m_headsView->setFigureTitle(tr("Layer %1, every head: where %2 attends").arg(layer).arg(query));
    m_headsView->setTable({share(vision::attentionOfAllHeads(attention, m_query, g)), {}, {}, {}});
}

void VitPanel::refreshRollout()
{
    if (!m_loaded || !m_analysis || m_analysis->attentions.empty()) {
        m_rolloutView->setTiles({});
        return;
    }
    const vision::PatchGeometry &g = m_loaded->geometry;
    const vision::HeadFusion fusion = vision::headFusionFromName(m_fusion->currentData().toString().toStdString());
    const Matrix rollout = vision::rollout(m_analysis->attentions, fusion, m_discard->value());
    widgets::ImageTile tile;
    tile.image = toQImage(m_analysis->resized);
    tile.overlay = share(vision::rolloutMask(rollout, g));
    tile.gridRows = tile.gridColumns = int(g.grid);
    m_rolloutView->setTiles({tile}, 1);
    m_rolloutView->setOverlayStyle(widgets::colorMapFromName(m_colorMap->currentData().toString()),
                                   m_opacity->value() / 100.0);
    m_rolloutView->setColorBarTitle(tr("share of the maximum"));
    m_rolloutView->setFigureTitle(tr("Attention rollout of [CLS] through %1 layers (head fusion %2, discard %3)")
                                      .arg(m_analysis->attentions.size())
                                      .arg(text(vision::headFusionName(fusion)))
                                      .arg(m_discard->value(), 0, 'f', 2));
    m_rolloutView->setTable({tile.overlay, {}, {}, {}});
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
    vision::DistanceStatistics single;
    const vision::DistanceStatistics *stats = m_setDistance ? &*m_setDistance : nullptr;
    if (!stats) {
        vision::DistanceAccumulator one;
        one.add(m_analysis->distanceRaw, m_analysis->distanceRenormalized);
        single = one.result();
        stats = &single;
    }
    const Matrix &mean = stats->mean(renormalized);
    const Matrix &deviation = stats->deviation(renormalized);
    const int64_t layers = mean.rows, heads = mean.cols;
    QVector<widgets::Series> series;
    const double spread = std::min(0.5 / double(heads), 0.08);
    for (int64_t h = 0; h < heads; ++h) {
        widgets::Series s;
        s.name = tr("head %1").arg(h);
        s.line = false;
        for (int64_t l = 0; l < layers; ++l) {
            s.x << double(l) + (double(h) - double(heads - 1) / 2.0) * spread;
            s.y << mean.at(l, h);
            if (stats->images > 1)
                s.errors << deviation.at(l, h);
        }
        series << s;
    }
    m_distanceView->setLegendVisible(heads <= 16);
    m_distanceView->setSeries(series);
    // Whole layers on x; distances from 0 (the paper's axes).
    QCustomPlot *plot = m_distanceView->plot();
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setRange(-0.6, double(layers) - 0.4);
    double top = 1.0;
    for (int64_t i = 0; i < layers * heads; ++i)
        top = std::max(top, double(mean.values[size_t(i)]) +
                                (stats->images > 1 ? double(deviation.values[size_t(i)]) : 0.0));
    plot->yAxis->setRange(0.0, top * 1.08);
    plot->replot();
    const QString over = m_setDistance ? m_setName : tr("this image");
    m_distanceView->setFigureTitle(tr("Mean attention distance (%1) per head, %2%3")
                                       .arg(renormalized ? tr("renormalized") : tr("raw"), over,
                                            stats->images > 1 ? tr(", bars \u00b1 1 s.d. over images") : QString()));
    widgets::FigureTable table;
    table.columnNames = {"layer", "head", "raw_mean", "raw_sd", "renormalized_mean", "renormalized_sd", "images"};
    table.columns.assign(7, {});
    for (int64_t l = 0; l < layers; ++l)
        for (int64_t h = 0; h < heads; ++h) {
            const double row[7] = {double(l),
                                   double(h),
                                   stats->rawMean.at(l, h),
                                   stats->rawDeviation.at(l, h),
                                   stats->renormalizedMean.at(l, h),
                                   stats->renormalizedDeviation.at(l, h),
                                   double(stats->images)};
            for (int k = 0; k < 7; ++k)
                table.columns[size_t(k)].push_back(row[k]);
        }
    m_distanceView->setTable(table);
}

// ---------------------------------------------------------------------------------------------
// Options, sessions, files

QList<widgets::OptionSpec> VitPanel::optionSpecs() const
{
    return {
        {"model", tr("a ViT checkpoint folder or a training run folder"), {}, {}},
        {"snapshot", tr("a snapshot step of a training run, or last"), "last", {}},
        {"image", tr("an image file (PNG, JPEG, BMP, TIFF, WebP)"), {}, {}},
        {"sample", tr("a Fashion-MNIST test image by index, instead of --image"), {}, {}},
        {"layer", tr("encoder layer"), "0", {}},
        {"head", tr("head, or mean"), "mean", {}},
        {"query", tr("cls, or a patch as ROW,COLUMN"), "cls", {}},
        {"fusion", tr("rollout head fusion"), "mean", {"mean", "min", "max"}},
        {"discard", tr("rollout discard ratio in [0, 0.99]"), "0", {}},
        {"colormap", tr("overlay colour map"), "viridis", {"viridis", "magma", "grey"}},
        {"opacity", tr("overlay opacity in [0, 1]"), "0.6", {}},
        {"images", tr("image set for the distance: fashion-mnist-test or a folder (measured when given)"), {}, {}},
        {"count", tr("how many images of the set"), "100", {}},
        {"convention", tr("mean attention distance convention"), "raw", {"raw", "renormalized"}},
        {"view", tr("the view"), "attention", kFigures},
    };
}

QVariantMap VitPanel::options() const
{
    QVariantMap o;
    if (!m_loaded && m_image.empty())
        return o; // nothing to restore
    if (!m_folder.isEmpty())
        o["model"] = m_folder;
    if (m_snapshots && m_loaded && m_loaded->step >= 0)
        o["snapshot"] = QString::number(m_loaded->step);
    if (m_imageName.startsWith(QStringLiteral("Fashion-MNIST")))
        o["sample"] = QString::number(m_sample->value());
    if (m_loaded) { // layer, head and query mean something only for a model
        o["layer"] = QString::number(m_layer->value());
        o["head"] =
            m_head->currentData().toString().isEmpty() ? QStringLiteral("mean") : m_head->currentData().toString();
        o["query"] = m_query == 0 ? QStringLiteral("cls")
                                  : QStringLiteral("%1,%2")
                                        .arg((m_query - 1) / m_loaded->geometry.grid)
                                        .arg((m_query - 1) % m_loaded->geometry.grid);
    }
    o["fusion"] = m_fusion->currentData().toString();
    o["discard"] = QString::number(m_discard->value());
    o["colormap"] = m_colorMap->currentData().toString();
    o["opacity"] = QString::number(m_opacity->value() / 100.0);
    o["count"] = QString::number(m_count->value());
    o["convention"] = m_convention->currentData().toString();
    o["view"] = currentFigureName();
    return o;
}

bool VitPanel::setOptions(const QVariantMap &options, QString *error)
{
    QStringList known;
    for (const widgets::OptionSpec &spec : optionSpecs())
        known << spec.name;
    for (auto it = options.begin(); it != options.end(); ++it)
        if (!known.contains(it.key())) {
            if (error)
                *error = tr("unknown option --%1 for the ViT lens (options: %2)").arg(it.key(), known.join(", "));
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
    for (const char *name : {"fusion", "colormap", "convention"}) {
        if (!options.contains(name))
            continue;
        const QString value = options[name].toString();
        QComboBox *box = QString(name) == "fusion" ? m_fusion : QString(name) == "colormap" ? m_colorMap : m_convention;
        if (box->findData(value) < 0) {
            QStringList allowed;
            for (int i = 0; i < box->count(); ++i)
                allowed << box->itemData(i).toString();
            return fail(tr("--%1: \"%2\" is not one of %3").arg(name, value, allowed.join(", ")));
        }
    }
    bool ok = true;
    const double discard = options.value("discard", m_discard->value()).toString().toDouble(&ok);
    if (!ok || discard < 0.0 || discard > 0.99)
        return fail(tr("--discard: \"%1\" is not a ratio in [0, 0.99]").arg(options.value("discard").toString()));
    const double opacity = options.value("opacity", m_opacity->value() / 100.0).toString().toDouble(&ok);
    if (!ok || opacity < 0.0 || opacity > 1.0)
        return fail(tr("--opacity: \"%1\" is not in [0, 1]").arg(options.value("opacity").toString()));
    const int count = options.value("count", m_count->value()).toString().toInt(&ok);
    if (!ok || count < 1 || count > 100000)
        return fail(
            tr("--count: \"%1\" is not a number of images from 1 to 100000").arg(options.value("count").toString()));
    if (options.contains("image") && options.contains("sample"))
        return fail(tr("give --image or --sample, not both"));

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
            return fail(tr("--snapshot needs a training run whose snapshots keep their weights (a ViT trained in the "
                           "Training panel)"));
        const qlonglong step = options["snapshot"].toString().toLongLong(&ok);
        const auto found = std::find(m_snapshots->steps.begin(), m_snapshots->steps.end(), int64_t(step));
        if (!ok || found == m_snapshots->steps.end()) {
            QStringList steps;
            for (int64_t s : m_snapshots->steps)
                steps << QString::number(s);
            return fail(tr("--snapshot: no snapshot at step \"%1\" (steps: %2)")
                            .arg(options["snapshot"].toString(), steps.join(", ")));
        }
        const QSignalBlocker block(m_snapshot);
        m_snapshot->setValue(int(found - m_snapshots->steps.begin()));
        if (!loadSnapshot(step, error))
            return false;
    }
    if (options.contains("image") && !openImage(options["image"].toString(), error))
        return false;
    if (options.contains("sample")) {
        const int index = options["sample"].toString().toInt(&ok);
        if (!ok)
            return fail(tr("--sample: \"%1\" is not an index").arg(options["sample"].toString()));
        if (!useSample(index, error))
            return false;
    }
    if (m_loaded) {
        const ModelConfig &c = m_loaded->model->info().config;
        const int layer = options.value("layer", m_layer->value()).toString().toInt(&ok);
        if (!ok || layer < 0 || layer >= c.layers)
            return fail(tr("--layer: \"%1\" is not a layer of this model (0 to %2)")
                            .arg(options.value("layer").toString())
                            .arg(c.layers - 1));
        const QString head = options.value("head", m_head->currentData()).toString();
        if (m_head->findData(head) < 0)
            return fail(tr("--head: \"%1\" is not mean or a head of this model (0 to %2)").arg(head).arg(c.heads - 1));
        int64_t query = m_query;
        if (options.contains("query")) {
            const QString q = options["query"].toString().trimmed().toLower();
            const QStringList parts = q.split(',');
            const int64_t grid = m_loaded->geometry.grid;
            bool okRow = false, okColumn = false;
            const int row = parts.size() == 2 ? parts[0].trimmed().toInt(&okRow) : -1;
            const int column = parts.size() == 2 ? parts[1].trimmed().toInt(&okColumn) : -1;
            if (q == "cls")
                query = 0;
            else if (okRow && okColumn && row >= 0 && row < grid && column >= 0 && column < grid)
                query = 1 + row * grid + column;
            else
                return fail(tr("--query: \"%1\" is not cls or ROW,COLUMN of the %2\u00d7%2 patch grid")
                                .arg(options["query"].toString())
                                .arg(grid));
        }
        const QSignalBlocker a(m_layer), b(m_head);
        m_layer->setValue(layer);
        m_head->setCurrentIndex(m_head->findData(head));
        m_query = query;
    } else if ((options.contains("layer") || options.contains("head") || options.contains("query")) &&
               m_context.jobs->isInline()) {
        return fail(tr("--layer, --head and --query need a model (--model DIR)"));
    }
    {
        const QSignalBlocker a(m_fusion), b(m_colorMap), c(m_convention), d(m_discard), e(m_opacity), f(m_count);
        if (options.contains("fusion"))
            m_fusion->setCurrentIndex(m_fusion->findData(options["fusion"].toString()));
        if (options.contains("colormap"))
            m_colorMap->setCurrentIndex(m_colorMap->findData(options["colormap"].toString()));
        if (options.contains("convention"))
            m_convention->setCurrentIndex(m_convention->findData(options["convention"].toString()));
        m_discard->setValue(discard);
        m_opacity->setValue(int(std::lround(opacity * 100.0)));
        m_count->setValue(count);
    }
    if (options.contains("images")) {
        const QString set = options["images"].toString();
        if (set != kFashionSet) {
            if (!QFileInfo(set).isDir())
                return fail(tr("--images: \"%1\" is not %2 or a folder of images").arg(set, kFashionSet));
            const QString folder = QDir(set).absolutePath();
            int index = m_imageSet->findData(folder);
            if (index < 0) {
                m_imageSet->insertItem(1, QFileInfo(folder).fileName(), folder);
                index = 1;
            }
            m_imageSet->setCurrentIndex(index);
        } else {
            m_imageSet->setCurrentIndex(0);
        }
        if (!m_loaded)
            return fail(tr("--images needs a model (--model DIR)"));
        if (!measureDistance(error))
            return false;
    }
    // tessera-cli exports at once: say what is missing instead of exporting a placeholder.
    if (m_context.jobs->isInline() && !options.isEmpty()) {
        if (!m_loaded)
            return fail(tr("the ViT lens needs a model: --model DIR (a ViT checkpoint or a training run)"));
        if (view != "positions" && view != "filters" && m_image.empty() && !m_setDistance)
            return fail(tr("the %1 view needs an image: --image FILE or --sample N").arg(view));
    }
    refresh();
    setCurrentFigure(view);
    return true;
}

bool VitPanel::canOpen(const QString &path) const
{
    const QFileInfo info(path);
    if (info.isDir()) {
        try {
            return folderCapabilities(path.toStdString()).patchGrid;
        } catch (const std::exception &) {
            return false;
        }
    }
    static const QStringList images{"png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp"};
    return images.contains(info.suffix().toLower());
}

bool VitPanel::open(const QString &path, QString *error)
{
    return QFileInfo(path).isDir() ? openModel(path, error) : openImage(path, error);
}

} // namespace tessera::vitlens
