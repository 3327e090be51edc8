#include "ProjectorPanel.h"

#include "ProjectorComputation.h"
#include "ProjectorFigures.h"

#include "tessera/core/Datasets.h"
#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/TableIO.h"
#include "tessera/plugins/PanelJobs.h"
#include "tessera/widgets/BarChartView.h"
#include "tessera/widgets/CompositeFigure.h"
#include "tessera/widgets/JobRunner.h"
#include "tessera/widgets/ScatterView.h"

#include <QApplication>
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
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <numeric>

namespace tessera::projector {
namespace {

const QStringList kSourceKinds = {"pixels",     "matrix",    "tokens", "positions",
                                  "contextual", "sentences", "images", "snapshot"};
const QStringList kMethods = {"pca", "tsne", "umap"};
const QStringList kMetrics = {"cosine", "euclidean", "manhattan", "pearson"};
const QStringList kViews = {"layout", "compare", "variance", "neighbours"};

// The notes' contextual-embedding lesson: one word, several senses.
const char *kDefaultCorpus = "I deposited my salary at the bank this morning.\n"
                             "The bank raised its interest rates again.\n"
                             "She opened a savings account at the bank.\n"
                             "We had a picnic on the bank of the river.\n"
                             "The fisherman sat on the muddy bank all day.\n"
                             "Grass grew thick along the river bank.\n"
                             "The king spoke to the queen in the palace.\n"
                             "A man and a woman walked into the room.\n";

} // namespace

ProjectorPanel::ProjectorPanel(const plugins::PanelContext &context, QWidget *parent)
    : widgets::PanelWidget(parent), m_context(context)
{
    buildUi();
    updateControls();
}

ProjectorPanel::~ProjectorPanel()
{
    for (const QPointer<widgets::JobHandle> &job : {m_loadJob, m_layoutJob})
        if (job)
            job->cancel();
}

void ProjectorPanel::buildUi()
{
    // ---- controls ----
    auto *controls = new QWidget;
    auto *column = new QVBoxLayout(controls);

    auto *sourceBox = new QGroupBox(tr("Data"));
    auto *sourceForm = new QFormLayout(sourceBox);
    m_sourceKind = new QComboBox;
    m_sourceKind->addItem(tr("Fashion-MNIST pixels"), "pixels");
    m_sourceKind->addItem(tr("Matrix file (.npy, .safetensors, CSV)"), "matrix");
    m_sourceKind->addItem(tr("Token embeddings of a checkpoint"), "tokens");
    m_sourceKind->addItem(tr("Position embeddings of a checkpoint"), "positions");
    m_sourceKind->addItem(tr("Contextual embeddings (hidden states of a corpus)"), "contextual");
    m_sourceKind->addItem(tr("Sentence embeddings ([CLS] or mean)"), "sentences");
    m_sourceKind->addItem(tr("ViT image embeddings of Fashion-MNIST"), "images");
    m_sourceKind->addItem(tr("A weight of a training-run snapshot"), "snapshot");
    m_sourceKind->setToolTip(tr("What to project: every row of the matrix becomes one point"));
    sourceForm->addRow(tr("Source"), m_sourceKind);
    m_path = new QLineEdit;
    m_path->setPlaceholderText(tr("file or checkpoint / run folder"));
    m_browse = new QPushButton(tr("Browse…"));
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(m_browse);
    sourceForm->addRow(tr("Path"), pathRow);
    m_tensor = new QLineEdit;
    m_tensor->setPlaceholderText(tr("tensor name (safetensors / snapshot)"));
    sourceForm->addRow(tr("Tensor"), m_tensor);
    m_labels = new QLineEdit;
    m_labels->setPlaceholderText(tr("labels file: one per line (optional)"));
    sourceForm->addRow(tr("Labels"), m_labels);
    m_corpus = new QPlainTextEdit(QString::fromUtf8(kDefaultCorpus));
    m_corpus->setToolTip(tr("One sentence per line"));
    m_corpus->setMaximumHeight(110);
    sourceForm->addRow(tr("Corpus"), m_corpus);
    m_layer = new QSpinBox;
    m_layer->setRange(-1, 256);
    m_layer->setValue(-1);
    m_layer->setSpecialValueText(tr("last"));
    m_layer->setToolTip(tr("Hidden state: 0 = the embeddings' output, -1 = the last layer"));
    sourceForm->addRow(tr("Layer"), m_layer);
    m_token = new QLineEdit;
    m_token->setPlaceholderText(tr("every token, or only this word (e.g. bank)"));
    sourceForm->addRow(tr("Token"), m_token);
    m_pooling = new QComboBox;
    m_pooling->addItems({"cls", "mean"});
    sourceForm->addRow(tr("Pooling"), m_pooling);
    m_count = new QSpinBox;
    m_count->setRange(10, 10000);
    m_count->setValue(10000);
    m_count->setToolTip(tr("How many Fashion-MNIST test images"));
    sourceForm->addRow(tr("Images"), m_count);
    m_snapshot = new QSpinBox;
    m_snapshot->setRange(-1, 100000);
    m_snapshot->setValue(-1);
    m_snapshot->setSpecialValueText(tr("last"));
    sourceForm->addRow(tr("Snapshot"), m_snapshot);
    m_load = new QPushButton(tr("Load"));
    m_load->setToolTip(tr("Read the source (Ctrl+L)"));
    m_dataLabel = new QLabel(tr("No data yet."));
    m_dataLabel->setWordWrap(true);
    sourceForm->addRow(m_load, m_dataLabel);
    column->addWidget(sourceBox);

    auto *methodBox = new QGroupBox(tr("Layout"));
    auto *methodForm = new QFormLayout(methodBox);
    m_method = new QComboBox;
    m_method->addItem("PCA", "pca");
    m_method->addItem("t-SNE", "tsne");
    m_method->addItem("UMAP", "umap");
    m_method->setCurrentIndex(2);
    methodForm->addRow(tr("Method"), m_method);
    m_perplexity = new QDoubleSpinBox;
    m_perplexity->setRange(1.0, 500.0);
    m_perplexity->setValue(30.0);
    m_perplexity->setToolTip(tr("t-SNE: the effective number of neighbours (scikit-learn's perplexity)"));
    methodForm->addRow(tr("Perplexity"), m_perplexity);
    m_neighbourCount = new QSpinBox;
    m_neighbourCount->setRange(2, 200);
    m_neighbourCount->setValue(15);
    m_neighbourCount->setToolTip(tr("UMAP: n_neighbors, the point itself included (umap-learn)"));
    methodForm->addRow(tr("Neighbours"), m_neighbourCount);
    m_minDist = new QDoubleSpinBox;
    m_minDist->setRange(0.0, 1.0); // at most the spread (1), as umap-learn
    m_minDist->setSingleStep(0.05);
    m_minDist->setValue(0.1);
    m_minDist->setToolTip(tr("UMAP: how tightly points may pack (min_dist)"));
    methodForm->addRow(tr("Min dist"), m_minDist);
    m_metric = new QComboBox;
    m_metric->addItems({"euclidean", "cosine", "pearson", "manhattan"});
    m_metric->setToolTip(tr("The distance t-SNE and UMAP find neighbours by"));
    methodForm->addRow(tr("Metric"), m_metric);
    m_iterations = new QSpinBox;
    m_iterations->setRange(0, 100000);
    m_iterations->setSpecialValueText(tr("default"));
    m_iterations->setToolTip(
        tr("t-SNE iterations (default 1000) or UMAP epochs (default 500 up to 10,000 points, else 200)"));
    methodForm->addRow(tr("Iterations"), m_iterations);
    m_seed = new QSpinBox;
    m_seed->setRange(0, 1000000);
    methodForm->addRow(tr("Seed"), m_seed);
    m_run = new QPushButton(tr("Run"));
    m_run->setToolTip(tr("Lay the data out (Ctrl+Return); the layout updates while it optimises"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the running job (Esc in the status bar cancels too)"));
    m_pin = new QPushButton(tr("Pin"));
    m_pin->setToolTip(tr("Keep this layout as the left side of the compare view; the next layout goes on the right"));
    m_save = new QPushButton(tr("Save…"));
    m_save->setToolTip(tr("Save the coordinates (N x 2, the input's row order) as .npy (float32) or .csv"));
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_run);
    runRow->addWidget(m_cancel);
    runRow->addWidget(m_pin);
    runRow->addWidget(m_save);
    methodForm->addRow(runRow);
    m_quality = new QLabel;
    m_quality->setWordWrap(true);
    m_quality->setToolTip(
        tr("Trustworthiness (Venna & Kaski, scikit-learn's definition) and the share of each point's 10 "
           "nearest neighbours kept in the layout"));
    methodForm->addRow(m_quality);
    column->addWidget(methodBox);

    auto *exploreBox = new QGroupBox(tr("Explore"));
    auto *exploreForm = new QFormLayout(exploreBox);
    m_colour = new QComboBox;
    m_colour->addItem(tr("label"), "label");
    m_colour->addItem(tr("vector norm"), "norm");
    m_colour->addItem(tr("row order"), "row");
    m_colour->setToolTip(
        tr("Colour the points by their label (category), the length of their vector, or their row number "
           "(position in the file, a token id, a position)"));
    exploreForm->addRow(tr("Colour"), m_colour);
    m_search = new QLineEdit;
    m_search->setPlaceholderText(tr("find labels containing… (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    exploreForm->addRow(tr("Search"), m_search);
    m_similarity = new QComboBox;
    m_similarity->addItems(kMetrics);
    m_similarity->setToolTip(tr("Similarity for neighbours in the original space: cosine (direction, -1..1), Euclidean "
                                "(straight-line distance), Manhattan (block distance), Pearson (correlation, -1..1)"));
    exploreForm->addRow(tr("Similarity"), m_similarity);
    m_k = new QSpinBox;
    m_k->setRange(1, 1000);
    m_k->setValue(10);
    exploreForm->addRow(tr("Neighbours"), m_k);
    m_analogyEdit = new QLineEdit;
    m_analogyEdit->setPlaceholderText(tr("king - man + woman"));
    m_analogyEdit->setToolTip(
        tr("Vector arithmetic on labelled rows: a - b + c (unit vectors), nearest rows by the similarity"));
    exploreForm->addRow(tr("Arithmetic"), m_analogyEdit);
    m_table = new QTableWidget(0, 3);
    m_table->setHorizontalHeaderLabels({tr("row"), tr("label"), tr("similarity")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setMinimumHeight(150);
    exploreForm->addRow(m_table);
    column->addWidget(exploreBox);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    column->addWidget(m_status);
    column->addStretch(1);

    auto *scroll = new QScrollArea;
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(400);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    // ---- views ----
    m_views = new QTabWidget;
    m_scatter = new widgets::ScatterView;
    m_scatter->setPlaceholder(tr("Load data and press Run: PCA, t-SNE or UMAP of every row, unsampled."));
    m_views->addTab(m_scatter, tr("Layout"));
    m_compare = new widgets::CompositeFigure(tr("Compare"));
    m_compareLeft = m_compare->addFigure(new widgets::ScatterView);
    m_compareRight = m_compare->addFigure(new widgets::ScatterView);
    m_compareLeft->setPlaceholder(tr("Pin a layout (Pin for compare) to see it here"));
    m_compareRight->setPlaceholder(tr("then run another layer, checkpoint or method"));
    m_views->addTab(m_compare, tr("Compare"));
    m_variance = new widgets::BarChartView;
    m_variance->setValueTitle(tr("explained variance (%)"));
    m_views->addTab(m_variance, tr("Variance"));
    m_neighbourChart = new widgets::BarChartView;
    m_views->addTab(m_neighbourChart, tr("Neighbours"));

    auto *splitter = new QSplitter;
    splitter->addWidget(scroll);
    splitter->addWidget(m_views);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({410, 900});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    // ---- wiring ----
    connect(m_sourceKind, &QComboBox::currentIndexChanged, this, [this] { updateControls(); });
    connect(m_method, &QComboBox::currentIndexChanged, this, [this] { updateControls(); });
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString kind = m_sourceKind->currentData().toString();
        const bool folder = kind == "tokens" || kind == "positions" || kind == "contextual" || kind == "sentences" ||
                            kind == "images" || kind == "snapshot";
        const QString path =
            folder ? QFileDialog::getExistingDirectory(this, tr("Checkpoint or run folder"))
                   : QFileDialog::getOpenFileName(
                         this, tr("Matrix"), {}, tr("Matrices (*.npy *.safetensors *.csv *.tsv *.txt);;All files (*)"));
        if (!path.isEmpty())
            m_path->setText(path);
    });
    connect(m_load, &QPushButton::clicked, this, [this] {
        QString error;
        if (!loadSource(false, &error) && !error.isEmpty())
            setStatus(error, true);
    });
    connect(m_run, &QPushButton::clicked, this, [this] {
        QString error;
        if (!runLayout(&error) && !error.isEmpty())
            setStatus(error, true);
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        for (const QPointer<widgets::JobHandle> &job : {m_loadJob, m_layoutJob})
            if (job)
                job->cancel();
        setStatus(tr("Cancelled."));
    });
    connect(m_pin, &QPushButton::clicked, this, [this] { pinLayout(); });
    connect(m_colour, &QComboBox::currentIndexChanged, this, [this] { applyColouring(); });
    connect(m_save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save coordinates"), QStringLiteral("coordinates.npy"), tr("NumPy (*.npy);;CSV (*.csv)"));
        if (path.isEmpty())
            return;
        const QString error = saveCoordinates(path);
        setStatus(error.isEmpty() ? tr("Saved %1.").arg(path) : error, !error.isEmpty());
    });
    connect(m_search, &QLineEdit::textChanged, this, [this] { applySearch(); });
    connect(m_similarity, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_analogy.isEmpty()) {
            QString error;
            runAnalogy(m_analogy, &error);
        } else
            neighboursOfSelection();
    });
    connect(m_k, &QSpinBox::valueChanged, this, [this] { neighboursOfSelection(); });
    connect(m_analogyEdit, &QLineEdit::returnPressed, this, [this] {
        QString error;
        if (!runAnalogy(m_analogyEdit->text(), &error))
            setStatus(error, true);
    });
    connect(m_scatter, &widgets::ScatterView::readoutChanged, this, &ProjectorPanel::statusMessage);
    connect(m_scatter, &widgets::ScatterView::selectionChanged, this, [this](const QVector<int> &rows) {
        m_analogy.clear();
        neighboursOfSelection();
        if (m_pinned && m_layout && m_pinned->set == m_layout->set)
            m_compareLeft->setHighlighted(rows, QColor(255, 200, 0));
    });
    connect(m_scatter, &widgets::ScatterView::pointClicked, this, [this](int row) { m_scatter->setSelection({row}); });
    for (widgets::ScatterView *side : {m_compareLeft, m_compareRight}) {
        widgets::ScatterView *other = side == m_compareLeft ? m_compareRight : m_compareLeft;
        connect(side, &widgets::ScatterView::readoutChanged, this, &ProjectorPanel::statusMessage);
        connect(side, &widgets::ScatterView::selectionChanged, this, [this, other](const QVector<int> &rows) {
            // The same rows exist on both sides when both layouts are of one data set.
            if (m_pinned && m_layout && m_pinned->set->vectors.rows == m_layout->set->vectors.rows)
                other->setHighlighted(rows, QColor(255, 200, 0));
        });
    }
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (row >= 0 && row < m_neighbours.size())
            m_scatter->setSelection({int(m_neighbours[row].row)});
    });
    connect(m_views, &QTabWidget::currentChanged, this, [this] { emit currentFigureChanged(currentFigureName()); });
    auto *runShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    connect(runShortcut, &QShortcut::activated, m_run, &QPushButton::click);
    auto *loadShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_L), this);
    connect(loadShortcut, &QShortcut::activated, m_load, &QPushButton::click);
    auto *findShortcut = new QShortcut(QKeySequence::Find, this);
    connect(findShortcut, &QShortcut::activated, m_search, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
}

void ProjectorPanel::updateControls()
{
    const QString kind = m_sourceKind->currentData().toString();
    const auto show = [](QWidget *field, bool visible) {
        field->setVisible(visible);
        if (auto *form = qobject_cast<QFormLayout *>(field->parentWidget() ? field->parentWidget()->layout() : nullptr))
            if (QWidget *label = form->labelForField(field))
                label->setVisible(visible);
    };
    show(m_path, kind != "pixels");
    m_browse->setVisible(kind != "pixels");
    if (auto *form = qobject_cast<QFormLayout *>(m_path->parentWidget()->layout()))
        for (int row = 0; row < form->rowCount(); ++row)
            if (QLayoutItem *item = form->itemAt(row, QFormLayout::FieldRole);
                item && item->layout() && item->layout()->indexOf(m_path) >= 0)
                if (QLayoutItem *label = form->itemAt(row, QFormLayout::LabelRole); label && label->widget())
                    label->widget()->setVisible(kind != "pixels");
    show(m_tensor, kind == "matrix" || kind == "snapshot");
    show(m_labels, kind == "matrix");
    show(m_corpus, kind == "contextual" || kind == "sentences");
    show(m_layer, kind == "contextual" || kind == "sentences");
    show(m_token, kind == "contextual");
    show(m_pooling, kind == "sentences");
    show(m_count, kind == "pixels" || kind == "images");
    show(m_snapshot, kind == "snapshot");
    const QString method = m_method->currentData().toString();
    show(m_perplexity, method == "tsne");
    show(m_neighbourCount, method == "umap");
    show(m_minDist, method == "umap");
    show(m_metric, method != "pca");
    show(m_iterations, method != "pca");
    const bool busy = (m_loadJob && !m_loadJob->isFinished()) || (m_layoutJob && !m_layoutJob->isFinished());
    m_cancel->setEnabled(busy);
    m_pin->setEnabled(m_layout != nullptr);
    m_save->setEnabled(m_layout != nullptr);
}

void ProjectorPanel::setStatus(const QString &message, bool error)
{
    m_status->setText(message);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
    if (!message.isEmpty())
        emit statusMessage(message);
}

bool ProjectorPanel::runJob(const QString &title, std::function<void(JobContext &)> work, std::function<void()> done,
                            QPointer<widgets::JobHandle> &slot, QString *error)
{
    const bool started = plugins::startPanelJob(
        m_context.jobs, this, title, std::move(work),
        [this, done = std::move(done)] {
            done();
            updateControls();
        },
        [this](const QString &message) {
            setStatus(message, true);
            updateControls();
        },
        slot, error);
    // A cancelled job calls neither: put the controls and the last finished layout back.
    if (slot && !slot->isFinished())
        connect(slot.data(), &widgets::JobHandle::finished, this, [this](bool, bool cancelled, const QString &) {
            updateControls();
            if (cancelled && m_layout && m_layout->set == m_set)
                showResult();
        });
    updateControls();
    return started;
}

// ---------------------------------------------------------------------------------------------
// Loading and layouts

bool ProjectorPanel::loadSource(bool layoutAfter, QString *error)
{
    const QString kind = m_sourceKind->currentData().toString();
    const std::string path = m_path->text().trimmed().toStdString();
    if (kind != "pixels" && path.empty()) {
        if (error)
            *error = tr("Choose a file or folder for the source first.");
        return false;
    }
    SourceSettings settings;
    settings.kind = kind.toStdString();
    settings.path = path;
    settings.tensor = m_tensor->text().trimmed().toStdString();
    settings.labels = m_labels->text().trimmed().toStdString();
    for (const QString &line : m_corpus->toPlainText().split('\n'))
        if (!line.trimmed().isEmpty())
            settings.sentences.push_back(line.trimmed().toStdString());
    settings.layer = m_layer->value();
    settings.count = m_count->value();
    settings.snapshot = m_snapshot->value();
    settings.token = m_token->text().trimmed().toStdString();
    settings.mean = m_pooling->currentText() == "mean";
    auto result = std::make_shared<projection::EmbeddingSet>();
    setStatus(tr("Loading…"));
    m_layoutPending = layoutAfter;
    return runJob(
        tr("Projector: loading"),
        [settings, result](JobContext &context) { *result = loadEmbeddings(settings, context); },
        [this, result] {
            m_set = result;
            m_neighbours.clear();
            // The old layout's points belong to the old rows.
            if (!m_layout || m_layout->set != m_set) {
                m_scatter->clearSelection();
                m_scatter->setHighlighted({});
                m_scatter->setPoints({});
            }
            showData();
            if (m_layoutPending) {
                QString error;
                if (!runLayout(&error) && !error.isEmpty())
                    setStatus(error, true);
            }
        },
        m_loadJob, error);
}

void ProjectorPanel::showData()
{
    m_dataLabel->setText(QString::fromStdString(m_set->description.empty() ? "" : m_set->description));
    setStatus(tr("%1 rows of %2 values loaded.").arg(m_set->vectors.rows).arg(m_set->vectors.cols));
    m_table->setRowCount(0);
}

projection::ProjectionRequest ProjectorPanel::request() const
{
    projection::ProjectionRequest r;
    projection::parseMethod(m_method->currentData().toString().toStdString(), r.method);
    r.tsne.perplexity = m_perplexity->value();
    r.umap.neighbours = m_neighbourCount->value();
    r.umap.minDist = m_minDist->value();
    projection::parseMetric(m_metric->currentText().toStdString(), r.tsne.metric);
    r.umap.metric = r.tsne.metric;
    if (m_iterations->value() > 0) {
        r.tsne.iterations = m_iterations->value();
        r.umap.epochs = m_iterations->value();
    }
    r.tsne.seed = r.umap.seed = uint64_t(m_seed->value());
    r.qualityExactUpTo = 10000;
    return r;
}

bool ProjectorPanel::runLayout(QString *error)
{
    if (!m_set) {
        // Load first, then lay out.
        return loadSource(true, error);
    }
    m_layoutPending = false;
    projection::ProjectionRequest r = request();
    const std::shared_ptr<const projection::EmbeddingSet> set = m_set;
    // Intermediate layouts travel to the GUI thread; only the newest waiting one is drawn.
    QPointer<ProjectorPanel> self(this);
    auto latest = std::make_shared<std::atomic<int>>(0);
    // At most five frames a second: the optimiser's threads keep both cores busy, and drawing
    // more often slows the layout down more than it shows.
    auto clock = std::make_shared<std::chrono::steady_clock::time_point>();
    const projection::LayoutCallback live = [self, latest, clock](const Matrix &layout, int step, int steps) {
        const auto now = std::chrono::steady_clock::now();
        if (step < steps && now - *clock < std::chrono::milliseconds(200))
            return;
        *clock = now;
        const int ticket = ++*latest;
        // Posted to the application object, which outlives the panel; the panel is checked there.
        QMetaObject::invokeMethod(
            qApp,
            [self, latest, ticket, layout, step, steps] {
                if (self && ticket == latest->load())
                    self->showLayout(layout, step, steps);
            },
            Qt::QueuedConnection);
    };
    r.tsne.onLayout = r.umap.onLayout = live;
    auto result = std::make_shared<projection::Projection>();
    const QString title = methodTitle(r.method);
    setStatus(tr("%1 of %2 points…").arg(title).arg(set->vectors.rows));
    if (m_scatter->pointCount() != set->vectors.rows) {
        // A new data set: colours and labels now, points as they arrive.
        m_scatter->setPoints({});
        m_scatter->clearSelection();
    }
    return runJob(
        tr("Projector: %1").arg(title),
        [set, r, result](JobContext &context) {
            projection::ProjectionRequest request = r;
            *result = projection::project(set->vectors, request, &context);
        },
        [this, set, result, title] {
            m_layout = std::make_unique<Layout>();
            m_layout->set = set;
            m_layout->projection = *result;
            m_layout->title = tr("%1 of %2").arg(title, QString::fromStdString(set->description));
            showResult();
        },
        m_layoutJob, error);
}

void ProjectorPanel::showLayout(const Matrix &coordinates, int step, int steps)
{
    if (!m_set || coordinates.rows != m_set->vectors.rows)
        return;
    if (m_scatter->pointCount() != coordinates.rows) {
        fillScatter(m_scatter, *m_set, coordinates);
        m_scatter->setFigureTitle(QString::fromStdString(m_set->description));
    } else {
        m_scatter->setPoints(interleaved(coordinates));
    }
    m_scatter->setFootnote(tr("optimising: step %1 of %2").arg(step).arg(steps));
}

void ProjectorPanel::showResult()
{
    const projection::Projection &p = m_layout->projection;
    const QString method = methodTitle(p.method);
    fillScatter(m_scatter, *m_layout->set, p.coordinates);
    applyColouring();
    m_scatter->setFigureTitle(m_layout->title);
    if (p.method == projection::Method::Pca && p.explainedRatio.size() >= 2)
        m_scatter->setAxisLabels(tr("PC 1 (%1%)").arg(100.0 * p.explainedRatio[0], 0, 'f', 1),
                                 tr("PC 2 (%1%)").arg(100.0 * p.explainedRatio[1], 0, 'f', 1));
    else
        m_scatter->setAxisLabels(method + " 1", method + " 2");
    const QString quality = qualityText(p, request().qualityNeighbours);
    m_scatter->setFootnote(quality);
    m_quality->setText(layoutDetail(p) + "\n" + quality);
    setStatus(tr("%1 points laid out.").arg(p.coordinates.rows));
    showVariance(m_variance, p, QString::fromStdString(m_layout->set->description));
    applySearch();
    showCompare();
    if (!m_pendingNeighboursOf.isEmpty()) {
        const int64_t row = rowOf(m_pendingNeighboursOf);
        m_pendingNeighboursOf.clear();
        if (row >= 0) {
            m_scatter->setSelection({int(row)});
            neighboursOfSelection();
        }
    }
    if (!m_pendingSave.isEmpty()) {
        const QString error = saveCoordinates(m_pendingSave);
        setStatus(error.isEmpty() ? tr("Saved %1.").arg(m_pendingSave) : error, !error.isEmpty());
        m_pendingSave.clear();
    }
    if (!m_pendingArithmetic.isEmpty()) {
        QString error;
        const QString arithmetic = m_pendingArithmetic;
        m_pendingArithmetic.clear();
        if (!runAnalogy(arithmetic, &error))
            setStatus(error, true);
    }
}

void ProjectorPanel::applyColouring()
{
    if (!m_set || m_scatter->pointCount() != m_set->vectors.rows)
        return;
    const QString mode = m_colour->currentData().toString();
    if (mode == "label") {
        colourByCategory(m_scatter, *m_set);
        return;
    }
    m_scatter->setValues(colouringValues(*m_set, mode), mode == "norm" ? tr("vector norm") : tr("row"));
}

QString ProjectorPanel::saveCoordinates(const QString &path) const
{
    if (!m_layout)
        return tr("Nothing to save yet: run a layout first.");
    return writeCoordinates(path, m_layout->projection.coordinates);
}

void ProjectorPanel::pinLayout()
{
    if (!m_layout)
        return;
    m_pinned = std::make_unique<Layout>(*m_layout);
    showCompare();
    m_views->setCurrentWidget(m_compare);
    setStatus(tr("Pinned %1; run another layer, checkpoint or method to compare.").arg(m_pinned->title));
}

void ProjectorPanel::showCompare()
{
    if (!m_pinned)
        return;
    fillScatter(m_compareLeft, *m_pinned->set, m_pinned->projection.coordinates);
    m_compareLeft->setFigureTitle(m_pinned->title);
    m_compareLeft->setFootnote(qualityText(m_pinned->projection, request().qualityNeighbours));
    if (m_layout) {
        fillScatter(m_compareRight, *m_layout->set, m_layout->projection.coordinates);
        m_compareRight->setFigureTitle(m_layout->title);
        m_compareRight->setFootnote(qualityText(m_layout->projection, request().qualityNeighbours));
    }
    m_compare->setFigureTitle(tr("%1  |  %2").arg(m_pinned->title, m_layout ? m_layout->title : QString()));
}

// ---------------------------------------------------------------------------------------------
// Search, neighbours, arithmetic

void ProjectorPanel::applySearch()
{
    const QString text = m_search->text().trimmed();
    if (text.isEmpty() || !m_set) {
        m_scatter->setHighlighted({});
        return;
    }
    QVector<int> found;
    for (size_t i = 0; i < m_set->labels.size(); ++i)
        if (QString::fromStdString(m_set->labels[i]).contains(text, Qt::CaseInsensitive))
            found << int(i);
    m_scatter->setHighlighted(found);
    setStatus(tr("%n point(s) match \"%1\".", nullptr, int(found.size())).arg(text));
}

int64_t ProjectorPanel::rowOf(const QString &label) const
{
    if (!m_set)
        return -1;
    return rowOfLabel(*m_set, label);
}

void ProjectorPanel::showNeighbours(const std::vector<float> &query, const QString &title,
                                    const std::vector<int64_t> &exclude)
{
    projection::Metric metric = projection::Metric::Cosine;
    projection::parseMetric(m_similarity->currentText().toStdString(), metric);
    const std::vector<projection::Neighbour> found =
        projection::nearestTo(m_set->vectors, query, m_k->value(), metric, exclude);
    m_neighbours = QVector<projection::Neighbour>(found.begin(), found.end());
    const bool similarity = metric == projection::Metric::Cosine || metric == projection::Metric::Pearson;
    const QVector<int> rows =
        showNeighbourRows(m_table, m_neighbourChart, *m_set, found, m_similarity->currentText(), similarity, title);
    if (m_scatter->pointCount() == m_set->vectors.rows)
        m_scatter->setHighlighted(rows, QColor(230, 60, 60));
}

void ProjectorPanel::neighboursOfSelection()
{
    if (!m_set)
        return;
    // The selection indexes the scatter's points: only while they are this data set's rows.
    if (m_scatter->pointCount() != m_set->vectors.rows)
        return;
    const QVector<int> selection = m_scatter->selection();
    if (selection.isEmpty())
        return;
    // One point: its own vector; several: their mean (a cluster's centre).
    const std::vector<float> query = meanOfRows(m_set->vectors, selection);
    const QString label = selection.size() == 1 && size_t(selection[0]) < m_set->labels.size()
                              ? QString::fromStdString(m_set->labels[size_t(selection[0])])
                              : tr("the mean of %1 selected points").arg(selection.size());
    std::vector<int64_t> exclude;
    if (selection.size() == 1)
        exclude.push_back(selection[0]);
    showNeighbours(query, tr("Nearest to %1 (%2)").arg(label, m_similarity->currentText()), exclude);
}

bool ProjectorPanel::runAnalogy(const QString &text, QString *error)
{
    if (!m_set) {
        if (error)
            *error = tr("Load data first.");
        return false;
    }
    // "a - b + c": three labels or row numbers.
    static const QRegularExpression pattern(QStringLiteral("^\\s*(.+?)\\s+-\\s+(.+?)\\s+\\+\\s+(.+?)\\s*$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch()) {
        if (error)
            *error = tr("Write the arithmetic as a - b + c, e.g. king - man + woman.");
        return false;
    }
    int64_t rows[3];
    for (int i = 0; i < 3; ++i) {
        rows[i] = rowOf(match.captured(i + 1));
        if (rows[i] < 0) {
            if (error)
                *error = tr("\"%1\" is not a label of the data (nor a row number).").arg(match.captured(i + 1));
            return false;
        }
    }
    m_analogy = text;
    const std::vector<float> query = projection::analogyVector(m_set->vectors, rows[0], rows[1], rows[2]);
    showNeighbours(query,
                   tr("%1 - %2 + %3 (%4)")
                       .arg(match.captured(1), match.captured(2), match.captured(3), m_similarity->currentText()),
                   {rows[0], rows[1], rows[2]});
    m_views->setCurrentWidget(m_neighbourChart);
    setStatus(tr("Nearest to %1: %2").arg(text, m_neighbours.isEmpty() ? QString() : m_table->item(0, 1)->text()));
    return true;
}

// ---------------------------------------------------------------------------------------------
// Panel interface

QStringList ProjectorPanel::figureNames() const
{
    return kViews;
}

QString ProjectorPanel::currentFigureName() const
{
    return kViews.value(m_views->currentIndex());
}

void ProjectorPanel::setCurrentFigure(const QString &name)
{
    const int index = int(kViews.indexOf(name));
    if (index >= 0)
        m_views->setCurrentIndex(index);
}

widgets::Figure *ProjectorPanel::figure(const QString &name)
{
    if (name == "layout")
        return m_scatter;
    if (name == "compare")
        return m_compare;
    if (name == "variance")
        return m_variance;
    if (name == "neighbours")
        return m_neighbourChart;
    return nullptr;
}

QList<widgets::OptionSpec> ProjectorPanel::optionSpecs() const
{
    return {
        {"source-kind", tr("what to project"), "pixels", kSourceKinds},
        {"source", tr("a matrix file (.npy, .safetensors, CSV), checkpoint folder or training-run folder"), {}, {}},
        {"tensor", tr("the tensor of a safetensors file or snapshot"), {}, {}},
        {"labels", tr("a labels file, one label per line (matrix sources)"), {}, {}},
        {"corpus", tr("a text file, one sentence per line (contextual / sentence sources)"), {}, {}},
        {"layer", tr("hidden-state layer, -1 = last"), "-1", {}},
        {"token", tr("contextual: keep only this word's occurrences"), {}, {}},
        {"pooling", tr("sentence embeddings: [CLS] or mean"), "cls", {"cls", "mean"}},
        {"count", tr("Fashion-MNIST images (pixels / images sources)"), "10000", {}},
        {"snapshot", tr("snapshot index of a training run, -1 = last"), "-1", {}},
        {"method", tr("layout method"), "umap", kMethods},
        {"perplexity", tr("t-SNE perplexity"), "30", {}},
        {"n-neighbors", tr("UMAP n_neighbors"), "15", {}},
        {"min-dist", tr("UMAP min_dist"), "0.1", {}},
        {"metric", tr("distance the layouts use"), "euclidean", {"euclidean", "cosine", "pearson", "manhattan"}},
        {"iterations", tr("t-SNE iterations / UMAP epochs, 0 = default"), "0", {}},
        {"seed", tr("random seed"), "0", {}},
        {"search", tr("highlight labels containing this text"), {}, {}},
        {"similarity", tr("neighbour similarity"), "cosine", kMetrics},
        {"k", tr("neighbours listed"), "10", {}},
        {"neighbours-of", tr("a label or row number whose neighbours to list"), {}, {}},
        {"arithmetic", tr("vector arithmetic a - b + c over labels"), {}, {}},
        {"colour", tr("colour the points by"), "label", {"label", "norm", "row"}},
        {"save", tr("write the coordinates to this .npy or .csv file"), {}, {}},
        {"view", tr("which figure"), "layout", kViews},
    };
}

QVariantMap ProjectorPanel::options() const
{
    QVariantMap o;
    // A projector nobody used saves nothing that would start a job when the session returns.
    if (!m_set && !m_loadJob && !m_layoutJob)
        return o;
    o["source-kind"] = m_sourceKind->currentData().toString();
    if (!m_path->text().isEmpty())
        o["source"] = m_path->text();
    if (!m_tensor->text().isEmpty())
        o["tensor"] = m_tensor->text();
    if (!m_labels->text().isEmpty())
        o["labels"] = m_labels->text();
    o["layer"] = QString::number(m_layer->value());
    if (!m_token->text().isEmpty())
        o["token"] = m_token->text();
    o["pooling"] = m_pooling->currentText();
    o["count"] = QString::number(m_count->value());
    o["snapshot"] = QString::number(m_snapshot->value());
    o["method"] = m_method->currentData().toString();
    o["perplexity"] = QString::number(m_perplexity->value());
    o["n-neighbors"] = QString::number(m_neighbourCount->value());
    o["min-dist"] = QString::number(m_minDist->value());
    o["metric"] = m_metric->currentText();
    o["iterations"] = QString::number(m_iterations->value());
    o["seed"] = QString::number(m_seed->value());
    if (!m_search->text().isEmpty())
        o["search"] = m_search->text();
    o["similarity"] = m_similarity->currentText();
    o["k"] = QString::number(m_k->value());
    if (!m_analogy.isEmpty())
        o["arithmetic"] = m_analogy;
    o["colour"] = m_colour->currentData().toString();
    o["view"] = currentFigureName();
    return o;
}

bool ProjectorPanel::setOptions(const QVariantMap &options, QString *error)
{
    QStringList known;
    for (const widgets::OptionSpec &spec : optionSpecs())
        known << spec.name;
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    for (auto it = options.begin(); it != options.end(); ++it)
        if (!known.contains(it.key()))
            return fail(tr("unknown option --%1 for the projector (options: %2)").arg(it.key(), known.join(", ")));
    // Check every value before anything changes.
    const auto text = [&](const QString &name) { return options.value(name).toString().trimmed(); };
    const auto integer = [&](const QString &name, int low, int high, int &out) {
        if (!options.contains(name))
            return true;
        bool ok = false;
        out = text(name).toInt(&ok);
        return ok && out >= low && out <= high;
    };
    const auto real = [&](const QString &name, double low, double high, double &out) {
        if (!options.contains(name))
            return true;
        bool ok = false;
        out = text(name).toDouble(&ok);
        return ok && out >= low && out <= high;
    };
    for (const QString &name :
         {QStringLiteral("source-kind"), QStringLiteral("method"), QStringLiteral("metric"),
          QStringLiteral("similarity"), QStringLiteral("view"), QStringLiteral("pooling"), QStringLiteral("colour")}) {
        if (!options.contains(name))
            continue;
        for (const widgets::OptionSpec &spec : optionSpecs())
            if (spec.name == name && !spec.choices.contains(text(name)))
                return fail(tr("--%1: \"%2\" is not one of %3").arg(name, text(name), spec.choices.join(", ")));
    }
    int layer = m_layer->value(), count = m_count->value(), snapshot = m_snapshot->value(),
        neighbours = m_neighbourCount->value(), iterations = m_iterations->value(), seed = m_seed->value(),
        k = m_k->value();
    double perplexity = m_perplexity->value(), minDist = m_minDist->value();
    if (!integer("layer", -1, 256, layer))
        return fail(tr("--layer: \"%1\" is not a layer (-1 to 256)").arg(text("layer")));
    if (!integer("count", 10, 10000, count))
        return fail(tr("--count: \"%1\" is not between 10 and 10000").arg(text("count")));
    if (!integer("snapshot", -1, 100000, snapshot))
        return fail(tr("--snapshot: \"%1\" is not a snapshot index").arg(text("snapshot")));
    if (!integer("n-neighbors", 2, 200, neighbours))
        return fail(tr("--n-neighbors: \"%1\" is not between 2 and 200").arg(text("n-neighbors")));
    if (!integer("iterations", 0, 100000, iterations))
        return fail(tr("--iterations: \"%1\" is not between 0 and 100000").arg(text("iterations")));
    if (!integer("seed", 0, 1000000, seed))
        return fail(tr("--seed: \"%1\" is not between 0 and 1000000").arg(text("seed")));
    if (!integer("k", 1, 1000, k))
        return fail(tr("--k: \"%1\" is not between 1 and 1000").arg(text("k")));
    if (!real("perplexity", 1.0, 500.0, perplexity))
        return fail(tr("--perplexity: \"%1\" is not between 1 and 500").arg(text("perplexity")));
    if (!real("min-dist", 0.0, 1.0, minDist))
        return fail(tr("--min-dist: \"%1\" is not between 0 and 1 (the spread)").arg(text("min-dist")));
    const QString kind = options.contains("source-kind") ? text("source-kind") : m_sourceKind->currentData().toString();
    const QString source = options.contains("source") ? text("source") : m_path->text().trimmed();
    if ((options.contains("source-kind") || options.contains("source")) && kind != "pixels" && source.isEmpty())
        return fail(tr("--source: the %1 source needs a file or folder").arg(kind));
    if (options.contains("save")) {
        const QString suffix = QFileInfo(text("save")).suffix().toLower();
        if (suffix != "npy" && suffix != "csv")
            return fail(tr("--save: \"%1\" should end in .npy or .csv").arg(text("save")));
    }
    QString corpus;
    if (options.contains("corpus")) {
        try {
            const std::string content = readFile(text("corpus").toStdString(), size_t(64) << 20);
            corpus = QString::fromUtf8(content.data(), qsizetype(content.size()));
        } catch (const std::exception &e) {
            return fail(QString::fromUtf8(e.what()));
        }
    }

    // Apply.
    const bool sourceChanged = options.contains("source-kind") || options.contains("source") ||
                               options.contains("tensor") || options.contains("labels") || options.contains("corpus") ||
                               options.contains("layer") || options.contains("token") || options.contains("pooling") ||
                               options.contains("count") || options.contains("snapshot");
    if (options.contains("source-kind"))
        m_sourceKind->setCurrentIndex(m_sourceKind->findData(text("source-kind")));
    if (options.contains("source"))
        m_path->setText(text("source"));
    if (options.contains("tensor"))
        m_tensor->setText(text("tensor"));
    if (options.contains("labels"))
        m_labels->setText(text("labels"));
    if (options.contains("corpus"))
        m_corpus->setPlainText(corpus);
    if (options.contains("token"))
        m_token->setText(text("token"));
    if (options.contains("pooling"))
        m_pooling->setCurrentText(text("pooling"));
    if (options.contains("method"))
        m_method->setCurrentIndex(m_method->findData(text("method")));
    if (options.contains("metric"))
        m_metric->setCurrentText(text("metric"));
    if (options.contains("similarity"))
        m_similarity->setCurrentText(text("similarity"));
    if (options.contains("colour"))
        m_colour->setCurrentIndex(m_colour->findData(text("colour")));
    m_layer->setValue(layer);
    m_count->setValue(count);
    m_snapshot->setValue(snapshot);
    m_neighbourCount->setValue(neighbours);
    m_iterations->setValue(iterations);
    m_seed->setValue(seed);
    m_k->setValue(k);
    m_perplexity->setValue(perplexity);
    m_minDist->setValue(minDist);
    updateControls();
    if (options.contains("view"))
        setCurrentFigure(text("view"));

    const bool methodChanged = options.contains("method") || options.contains("perplexity") ||
                               options.contains("n-neighbors") || options.contains("min-dist") ||
                               options.contains("metric") || options.contains("iterations") || options.contains("seed");
    if (sourceChanged || (methodChanged && m_set) || (options.contains("source-kind") && !m_set)) {
        QString jobError;
        if (!(m_set && !sourceChanged ? runLayout(&jobError) : loadSource(true, &jobError)))
            return fail(jobError);
    }
    if (options.contains("search"))
        m_search->setText(text("search"));
    const auto running = [](const QPointer<widgets::JobHandle> &job) { return job && !job->isFinished(); };
    if (running(m_loadJob) || running(m_layoutJob)) {
        // The data is still on its way (a job): these apply when the layout is shown.
        if (options.contains("neighbours-of"))
            m_pendingNeighboursOf = text("neighbours-of");
        if (options.contains("arithmetic"))
            m_pendingArithmetic = text("arithmetic");
        if (options.contains("save"))
            m_pendingSave = text("save");
        return true;
    }
    if (options.contains("neighbours-of")) {
        const int64_t row = rowOf(text("neighbours-of"));
        if (row < 0)
            return fail(
                tr("--neighbours-of: \"%1\" is not a label of the data (nor a row number)").arg(text("neighbours-of")));
        m_scatter->setSelection({int(row)});
        neighboursOfSelection();
    }
    if (options.contains("arithmetic")) {
        QString arithmeticError;
        if (!runAnalogy(text("arithmetic"), &arithmeticError))
            return fail(tr("--arithmetic: %1").arg(arithmeticError));
    }
    if (options.contains("view"))
        setCurrentFigure(text("view"));
    if (options.contains("save")) {
        const QString saveError = saveCoordinates(text("save"));
        if (!saveError.isEmpty())
            return fail(tr("--save: %1").arg(saveError));
    }
    return true;
}

bool ProjectorPanel::canOpen(const QString &path) const
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == "npy" || (suffix == "csv" && QFileInfo(path).size() > 0);
}

bool ProjectorPanel::open(const QString &path, QString *error)
{
    QVariantMap o;
    o["source-kind"] = "matrix";
    o["source"] = path;
    return setOptions(o, error);
}

} // namespace tessera::projector
