#include "ProjectorPanel.h"

#include "ProjectorComputation.h"

#include "tessera/core/FileIO.h"
#include "tessera/plugins/LatestValue.h"
#include "tessera/widgets/BarChartView.h"
#include "tessera/widgets/CompositeFigure.h"
#include "tessera/widgets/JobRunner.h"
#include "tessera/widgets/ScatterView.h"

#include <QComboBox>
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
#include <QScrollArea>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace tessera::projector {
namespace {

const QStringList kSourceKinds = {"pixels",     "matrix",    "tokens", "positions",
                                  "contextual", "sentences", "images", "snapshot"};
const QStringList kMethods = {"pca", "tsne", "umap"};
const QStringList kMetrics = {"cosine", "euclidean", "manhattan", "pearson"};

} // namespace

plugins::PanelDescriptor ProjectorPanel::descriptor()
{
    return {QStringLiteral("projector"),
            tr("Projector"),
            tr("PCA, t-SNE and UMAP of up to 100,000 embeddings, unsampled: token, position, contextual, "
               "sentence and image embeddings or any matrix; neighbours by four similarities, vector "
               "arithmetic, two layouts side by side"),
            Qt::ALT | Qt::Key_8,
            100,
            {}};
}

ProjectorPanel::ProjectorPanel(const plugins::PanelContext &context, QWidget *parent)
    : plugins::PanelBase(context, descriptor(), parent),
      m_loadJob(this, [this](const QString &message) { jobFailed(message); }),
      m_layoutJob(this, [this](const QString &message) { jobFailed(message); })
{
    addOpener(&ProjectorPanel::isMatrixFile, &ProjectorPanel::openMatrix);
    buildUi();
    declareOptions();
    updateControls();
}

void ProjectorPanel::declareOptions()
{
    // The help texts state no ranges; the messages name them (between MIN and MAX).
    const QString between = tr("between %1 and %2");
    plugins::OptionSet &o = optionSet();
    o.addChoice("source-kind", tr("what to project"), kSourceKinds, "pixels").bind(m_sourceKind);
    o.addText("source", tr("a matrix file (.npy, .safetensors, CSV), checkpoint folder or training-run folder"));
    o.addText("tensor", tr("the tensor of a safetensors file or snapshot"));
    o.addText("labels", tr("a labels file, one label per line (matrix sources)"));
    o.addText("corpus", tr("a text file, one sentence per line (contextual / sentence sources)"));
    o.addInt("layer", tr("hidden-state layer, -1 = last"), -1, -1, 256)
        .rangeNotInHelp()
        .expecting(tr("a layer (-1 to 256)"))
        .bind(m_layer);
    o.addText("token", tr("contextual: keep only this word's occurrences"));
    o.addChoice("pooling", tr("sentence embeddings: [CLS] or mean"), {"cls", "mean"}, "cls").bind(m_pooling);
    o.addInt("count", tr("Fashion-MNIST images (pixels / images sources)"), 10000, 10, 10000)
        .rangeNotInHelp()
        .expecting(between)
        .bind(m_count);
    o.addInt("snapshot", tr("snapshot index of a training run, -1 = last"), -1, -1, 100000)
        .rangeNotInHelp()
        .expecting(tr("a snapshot index"))
        .bind(m_snapshot);
    o.addChoice("method", tr("layout method"), kMethods, "umap").bind(m_method);
    o.addDouble("perplexity", tr("t-SNE perplexity"), 30.0, 1.0, 500.0)
        .rangeNotInHelp()
        .expecting(between)
        .bind(m_perplexity);
    o.addInt("n-neighbors", tr("UMAP n_neighbors"), 15, 2, 200)
        .rangeNotInHelp()
        .expecting(between)
        .bind(m_neighbourCount);
    // At most the spread (1), as umap-learn.
    o.addDouble("min-dist", tr("UMAP min_dist"), 0.1, 0.0, 1.0)
        .rangeNotInHelp()
        .expecting(tr("between %1 and %2 (the spread)"))
        .bind(m_minDist);
    o.addChoice("metric", tr("distance the layouts use"), {"euclidean", "cosine", "pearson", "manhattan"}, "euclidean")
        .bind(m_metric);
    o.addInt("iterations", tr("t-SNE iterations / UMAP epochs, 0 = default"), 0, 0, 100000)
        .rangeNotInHelp()
        .expecting(between)
        .bind(m_iterations);
    o.addInt("seed", tr("random seed"), 0, 0, 1000000).rangeNotInHelp().expecting(between).bind(m_seed);
    o.addText("search", tr("highlight labels containing this text"));
    o.addChoice("similarity", tr("neighbour similarity"), kMetrics, "cosine").bind(m_similarity);
    o.addInt("k", tr("neighbours listed"), 10, 1, 1000).rangeNotInHelp().expecting(between).bind(m_k);
    o.addText("neighbours-of", tr("a label or row number whose neighbours to list"));
    o.addText("arithmetic", tr("vector arithmetic a - b + c over labels"));
    o.addChoice("colour", tr("colour the points by"), {"label", "norm", "row"}, "label").bind(m_colour);
    o.addText("save", tr("write the coordinates to this .npy or .csv file"));
    addViewOption(tr("which figure"), "layout");
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
    m_corpus = new QPlainTextEdit(defaultCorpus());
    m_corpus->setToolTip(tr("One sentence per line"));
    m_corpus->setMaximumHeight(110);
    sourceForm->addRow(tr("Corpus"), m_corpus);
    m_layer = new QSpinBox;
    m_layer->setSpecialValueText(tr("last"));
    m_layer->setToolTip(tr("Hidden state: 0 = the embeddings' output, -1 = the last layer"));
    sourceForm->addRow(tr("Layer"), m_layer);
    m_token = new QLineEdit;
    m_token->setPlaceholderText(tr("every token, or only this word (e.g. bank)"));
    sourceForm->addRow(tr("Token"), m_token);
    m_pooling = new QComboBox;
    sourceForm->addRow(tr("Pooling"), m_pooling);
    m_count = new QSpinBox;
    m_count->setToolTip(tr("How many Fashion-MNIST test images"));
    sourceForm->addRow(tr("Images"), m_count);
    m_snapshot = new QSpinBox;
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
    methodForm->addRow(tr("Method"), m_method);
    m_perplexity = new QDoubleSpinBox;
    m_perplexity->setToolTip(tr("t-SNE: the effective number of neighbours (scikit-learn's perplexity)"));
    methodForm->addRow(tr("Perplexity"), m_perplexity);
    m_neighbourCount = new QSpinBox;
    m_neighbourCount->setToolTip(tr("UMAP: n_neighbors, the point itself included (umap-learn)"));
    methodForm->addRow(tr("Neighbours"), m_neighbourCount);
    m_minDist = new QDoubleSpinBox;
    m_minDist->setSingleStep(0.05);
    m_minDist->setToolTip(tr("UMAP: how tightly points may pack (min_dist)"));
    methodForm->addRow(tr("Min dist"), m_minDist);
    m_metric = new QComboBox;
    m_metric->setToolTip(tr("The distance t-SNE and UMAP find neighbours by"));
    methodForm->addRow(tr("Metric"), m_metric);
    m_iterations = new QSpinBox;
    m_iterations->setSpecialValueText(tr("default"));
    m_iterations->setToolTip(
        tr("t-SNE iterations (default 1000) or UMAP epochs (default 500 up to 10,000 points, else 200)"));
    methodForm->addRow(tr("Iterations"), m_iterations);
    m_seed = new QSpinBox;
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
    m_similarity->setToolTip(tr("Similarity for neighbours in the original space: cosine (direction, -1..1), Euclidean "
                                "(straight-line distance), Manhattan (block distance), Pearson (correlation, -1..1)"));
    exploreForm->addRow(tr("Similarity"), m_similarity);
    m_k = new QSpinBox;
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
    column->addWidget(statusLine());
    column->addStretch(1);

    auto *scroll = new QScrollArea;
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(400);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    // ---- views ----
    m_scatter = addFigure("layout", tr("Layout"), new widgets::ScatterView);
    m_scatter->setPlaceholder(tr("Load data and press Run: PCA, t-SNE or UMAP of every row, unsampled."));
    m_compare = addFigure("compare", tr("Compare"), new widgets::CompositeFigure(tr("Compare")));
    m_compareLeft = m_compare->addFigure(new widgets::ScatterView);
    m_compareRight = m_compare->addFigure(new widgets::ScatterView);
    m_compareLeft->setPlaceholder(tr("Pin a layout (Pin for compare) to see it here"));
    m_compareRight->setPlaceholder(tr("then run another layer, checkpoint or method"));
    m_variance = addFigure("variance", tr("Variance"), new widgets::BarChartView);
    m_variance->setValueTitle(tr("explained variance (%)"));
    m_neighbourChart = addFigure("neighbours", tr("Neighbours"), new widgets::BarChartView);

    auto *splitter = new QSplitter;
    splitter->addWidget(scroll);
    splitter->addWidget(figureTabs());
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
        m_loadJob.cancel();
        m_layoutJob.cancel();
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
    connect(m_similarity, &QComboBox::currentIndexChanged, this, [this] { similarityChanged(); });
    connect(m_k, &QSpinBox::valueChanged, this, [this] { neighboursOfSelection(); });
    connect(m_analogyEdit, &QLineEdit::returnPressed, this, [this] {
        QString error;
        if (!runAnalogy(m_analogyEdit->text(), &error))
            setStatus(error, true);
    });
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
    showFormRow(m_path, kind != "pixels");
    m_browse->setVisible(kind != "pixels");
    showFormRow(m_tensor, kind == "matrix" || kind == "snapshot");
    showFormRow(m_labels, kind == "matrix");
    showFormRow(m_corpus, kind == "contextual" || kind == "sentences");
    showFormRow(m_layer, kind == "contextual" || kind == "sentences");
    showFormRow(m_token, kind == "contextual");
    showFormRow(m_pooling, kind == "sentences");
    showFormRow(m_count, kind == "pixels" || kind == "images");
    showFormRow(m_snapshot, kind == "snapshot");
    const QString method = m_method->currentData().toString();
    showFormRow(m_perplexity, method == "tsne");
    showFormRow(m_neighbourCount, method == "umap");
    showFormRow(m_minDist, method == "umap");
    showFormRow(m_metric, method != "pca");
    showFormRow(m_iterations, method != "pca");
    const bool busy = m_loadJob.isRunning() || m_layoutJob.isRunning();
    m_cancel->setEnabled(busy);
    m_pin->setEnabled(m_layout != nullptr);
    m_save->setEnabled(m_layout != nullptr);
}

void ProjectorPanel::jobFailed(const QString &message)
{
    setStatus(message, true);
    updateControls();
}

bool ProjectorPanel::watch(widgets::JobHandle *job, bool started)
{
    // A cancelled job delivers nothing: put the controls and the last finished layout back.
    if (job && !job->isFinished())
        connect(job, &widgets::JobHandle::finished, this, [this](bool, bool cancelled, const QString &) {
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
    setStatus(tr("Loading…"));
    m_layoutPending = layoutAfter;
    const bool started = m_loadJob.start(
        jobs(), tr("Projector: loading"),
        [settings](JobContext &context) {
            return std::make_shared<const projection::EmbeddingSet>(loadEmbeddings(settings, context));
        },
        [this](std::shared_ptr<const projection::EmbeddingSet> set) {
            m_set = std::move(set);
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
            updateControls();
        },
        error);
    return watch(m_loadJob.handle(), started);
}

void ProjectorPanel::showData()
{
    m_dataLabel->setText(QString::fromStdString(m_set->description.empty() ? "" : m_set->description));
    setStatus(tr("%1 rows of %2 values loaded.").arg(m_set->vectors.rows).arg(m_set->vectors.cols));
    m_table->setRowCount(0);
}

projection::ProjectionRequest ProjectorPanel::request() const
{
    return layoutRequest(m_method->currentData().toString(), m_metric->currentText(), m_perplexity->value(),
                         m_neighbourCount->value(), m_minDist->value(), m_iterations->value(), m_seed->value());
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
    // Intermediate layouts travel to the GUI thread; only the newest waiting one is drawn, at
    // most five a second: the optimiser's threads keep both cores busy, and drawing more often
    // slows the layout down more than it shows.
    auto frames = std::make_shared<plugins::LatestValue<LiveFrame>>(
        this, 200, [this](LiveFrame frame) { showLiveLayout(m_scatter, m_set.get(), frame); });
    r.tsne.onLayout = r.umap.onLayout = [frames](const Matrix &layout, int step, int steps) {
        frames->put({layout, step, steps});
    };
    const QString title = methodTitle(r.method);
    setStatus(tr("%1 of %2 points…").arg(title).arg(set->vectors.rows));
    if (m_scatter->pointCount() != set->vectors.rows) {
        // A new data set: colours and labels now, points as they arrive.
        m_scatter->setPoints({});
        m_scatter->clearSelection();
    }
    const bool started = m_layoutJob.start(
        jobs(), tr("Projector: %1").arg(title),
        [set, r](JobContext &context) {
            projection::ProjectionRequest request = r;
            return projection::project(set->vectors, request, &context);
        },
        [this, set, title, frames](projection::Projection projection) {
            frames->flush(); // the last live frame before the result, never after it
            m_layout = std::make_unique<Layout>();
            m_layout->set = set;
            m_layout->projection = std::move(projection);
            m_layout->title = tr("%1 of %2").arg(title, QString::fromStdString(set->description));
            showResult();
            updateControls();
        },
        error);
    return watch(m_layoutJob.handle(), started);
}

void ProjectorPanel::showResult()
{
    const projection::Projection &p = m_layout->projection;
    showLayoutResult(m_scatter, *m_layout, request().qualityNeighbours);
    applyColouring();
    const QString quality = qualityText(p, request().qualityNeighbours);
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
    setCurrentFigure("compare");
    setStatus(tr("Pinned %1; run another layer, checkpoint or method to compare.").arg(m_pinned->title));
}

void ProjectorPanel::showCompare()
{
    if (!m_pinned)
        return;
    showComparison(m_compare, m_compareLeft, m_compareRight, *m_pinned, m_layout.get(), request().qualityNeighbours);
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

void ProjectorPanel::similarityChanged()
{
    if (!m_analogy.isEmpty()) {
        QString error;
        runAnalogy(m_analogy, &error);
    } else
        neighboursOfSelection();
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
    int64_t rows[3];
    QString terms[3];
    if (!parseAnalogy(text, *m_set, rows, terms, error))
        return false;
    m_analogy = text;
    const std::vector<float> query = projection::analogyVector(m_set->vectors, rows[0], rows[1], rows[2]);
    showNeighbours(query, tr("%1 - %2 + %3 (%4)").arg(terms[0], terms[1], terms[2], m_similarity->currentText()),
                   {rows[0], rows[1], rows[2]});
    setCurrentFigure("neighbours");
    setStatus(tr("Nearest to %1: %2").arg(text, m_neighbours.isEmpty() ? QString() : m_table->item(0, 1)->text()));
    return true;
}

// ---------------------------------------------------------------------------------------------
// Panel interface

QVariantMap ProjectorPanel::options() const
{
    QVariantMap o;
    // A projector nobody used saves nothing that would start a job when the session returns.
    if (!m_set && !m_loadJob.handle() && !m_layoutJob.handle())
        return o;
    optionSet().write(o, {"source-kind", "layer", "pooling", "count", "snapshot", "method", "perplexity", "n-neighbors",
                          "min-dist", "metric", "iterations", "seed", "similarity", "k", "colour"});
    for (const auto &[name, edit] :
         {std::pair{"source", m_path}, std::pair{"tensor", m_tensor}, std::pair{"labels", m_labels},
          std::pair{"token", m_token}, std::pair{"search", m_search}})
        if (!edit->text().isEmpty())
            o[name] = edit->text();
    if (!m_analogy.isEmpty())
        o["arithmetic"] = m_analogy;
    o["view"] = currentFigureName();
    return o;
}

bool ProjectorPanel::checkOptions(const QVariantMap &options, QString *error)
{
    const auto text = [&](const QString &name) { return options.value(name).toString().trimmed(); };
    const QString kind = options.contains("source-kind") ? text("source-kind") : m_sourceKind->currentData().toString();
    const QString source = options.contains("source") ? text("source") : m_path->text().trimmed();
    if ((options.contains("source-kind") || options.contains("source")) && kind != "pixels" && source.isEmpty())
        return fail(error, tr("--source: the %1 source needs a file or folder").arg(kind));
    if (options.contains("save")) {
        const QString suffix = QFileInfo(text("save")).suffix().toLower();
        if (suffix != "npy" && suffix != "csv")
            return fail(error, tr("--save: \"%1\" should end in .npy or .csv").arg(text("save")));
    }
    if (options.contains("corpus")) {
        try {
            const std::string content = readFile(text("corpus").toStdString(), size_t(64) << 20);
            m_checkedCorpus = QString::fromUtf8(content.data(), qsizetype(content.size()));
        } catch (const std::exception &e) {
            return fail(error, QString::fromUtf8(e.what()));
        }
    }
    return true;
}

bool ProjectorPanel::applyOptions(const QVariantMap &options, const QString &, QString *error)
{
    const auto text = [&](const QString &name) { return options.value(name).toString().trimmed(); };
    const auto any = [&](const QStringList &names) {
        return std::any_of(names.begin(), names.end(), [&](const QString &name) { return options.contains(name); });
    };
    const bool sourceChanged =
        any({"source-kind", "source", "tensor", "labels", "corpus", "layer", "token", "pooling", "count", "snapshot"});
    const QString similarity = m_similarity->currentText(), colour = m_colour->currentData().toString();
    const int k = m_k->value();
    optionSet().apply(options); // with the widgets' signals blocked: what they start follows
    for (const auto &[name, edit] : {std::pair{"source", m_path}, std::pair{"tensor", m_tensor},
                                     std::pair{"labels", m_labels}, std::pair{"token", m_token}})
        if (options.contains(name))
            edit->setText(text(name));
    if (options.contains("corpus"))
        m_corpus->setPlainText(m_checkedCorpus);
    if (m_similarity->currentText() != similarity)
        similarityChanged();
    if (m_colour->currentData().toString() != colour)
        applyColouring();
    if (m_k->value() != k)
        neighboursOfSelection();
    updateControls();
    if (options.contains("view"))
        setCurrentFigure(text("view"));

    const bool methodChanged = any({"method", "perplexity", "n-neighbors", "min-dist", "metric", "iterations", "seed"});
    if (sourceChanged || (methodChanged && m_set) || (options.contains("source-kind") && !m_set)) {
        QString jobError;
        if (!(m_set && !sourceChanged ? runLayout(&jobError) : loadSource(true, &jobError)))
            return fail(error, jobError);
    }
    if (options.contains("search"))
        m_search->setText(text("search"));
    if (m_loadJob.isRunning() || m_layoutJob.isRunning()) {
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
                error,
                tr("--neighbours-of: \"%1\" is not a label of the data (nor a row number)").arg(text("neighbours-of")));
        m_scatter->setSelection({int(row)});
        neighboursOfSelection();
    }
    if (options.contains("arithmetic")) {
        QString arithmeticError;
        if (!runAnalogy(text("arithmetic"), &arithmeticError))
            return fail(error, tr("--arithmetic: %1").arg(arithmeticError));
    }
    if (options.contains("view"))
        setCurrentFigure(text("view"));
    if (options.contains("save")) {
        const QString saveError = saveCoordinates(text("save"));
        if (!saveError.isEmpty())
            return fail(error, tr("--save: %1").arg(saveError));
    }
    return true;
}

bool ProjectorPanel::isMatrixFile(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == "npy" || (suffix == "csv" && QFileInfo(path).size() > 0);
}

bool ProjectorPanel::openMatrix(const QString &path, QString *error)
{
    QVariantMap o;
    o["source-kind"] = "matrix";
    o["source"] = path;
    return setOptions(o, error);
}

} // namespace tessera::projector
