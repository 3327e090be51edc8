#pragma once
// The embedding projector: PCA, t-SNE and UMAP layouts of up to ~100,000 vectors, unsampled.
//   layout      the scatter (hover, box / lasso selection, colour by label, search, zoom), the
//               layout updating live while t-SNE / UMAP optimise, quality under it
//   compare     a pinned layout beside the current one (two layers, two checkpoints, two
//               methods); selecting in either highlights the same rows in the other
//   variance    PCA's explained variance per component
//   neighbours  the nearest rows in the original space of a clicked point, a selection's mean
//               or a vector-arithmetic query (king - man + woman), by cosine, Euclidean,
//               Manhattan or Pearson (the study notes 002:2338-2378)
// Sources: any N x D matrix (.npy, .safetensors, CSV) with a labels file; a checkpoint's token
// or position embeddings; contextual hidden states of a corpus at a layer, filtered to one
// word; [CLS] / mean-pooled sentence embeddings; ViT image embeddings of Fashion-MNIST; a
// weight of a training run's snapshot. GUI thread only; loading and layouts are jobs.

#include "ProjectorFigures.h"
#include "tessera/core/EmbeddingSources.h"
#include "tessera/core/Projection.h"
#include "tessera/plugins/PanelBase.h"
#include "tessera/plugins/PanelJobSlot.h"

#include <QVector>

#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTableWidget;

namespace tessera::widgets {
class BarChartView;
class CompositeFigure;
class JobHandle;
class ScatterView;
} // namespace tessera::widgets

namespace tessera::projector {

class ProjectorPanel : public plugins::PanelBase {
    Q_OBJECT
public:
    // Its id ("projector"), title and menu entry.
    static plugins::PanelDescriptor descriptor();

    ProjectorPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);

    QVariantMap options() const override;

    // For tests and the CLI.
    const projection::EmbeddingSet *data() const { return m_set.get(); }
    const Layout *layout() const { return m_layout.get(); }
    widgets::ScatterView *scatter() const { return m_scatter; }
    QVector<projection::Neighbour> neighbours() const { return m_neighbours; }

protected:
    bool checkOptions(const QVariantMap &options, QString *error) override;
    bool applyOptions(const QVariantMap &options, const QString &view, QString *error) override;
    void showView(const QString &) override {} // applyOptions shows a --view given

private:
    static bool isMatrixFile(const QString &path); // .npy or a non-empty .csv
    bool openMatrix(const QString &path, QString *error);
    void buildUi();
    void declareOptions();
    void updateControls();
    // Watches a started job: the controls follow it, a cancelled layout puts the last one back.
    bool watch(widgets::JobHandle *job, bool started);
    void jobFailed(const QString &message);

    // Loads the source the controls describe (a job), then lays it out when layoutAfter.
    bool loadSource(bool layoutAfter, QString *error);
    bool runLayout(QString *error);
    projection::ProjectionRequest request() const;
    void showData();
    void showResult();
    void showCompare();
    void applySearch();
    void similarityChanged();
    void showNeighbours(const std::vector<float> &query, const QString &title, const std::vector<int64_t> &exclude);
    void neighboursOfSelection();
    bool runAnalogy(const QString &text, QString *error);
    void pinLayout();
    void applyColouring();
    // Writes the layout's coordinates [N, 2] as .npy (float32) or .csv (x, y); empty: done.
    QString saveCoordinates(const QString &path) const;
    int64_t rowOf(const QString &label) const;

    std::shared_ptr<const projection::EmbeddingSet> m_set;
    std::unique_ptr<Layout> m_layout;
    std::unique_ptr<Layout> m_pinned;
    QVector<projection::Neighbour> m_neighbours;
    QString m_analogy;
    QString m_pendingNeighboursOf; // options that wait for a layout still being made
    QString m_pendingArithmetic;
    QString m_pendingSave;
    QString m_checkedCorpus; // --corpus, read by checkOptions()
    plugins::PanelJobSlot<std::shared_ptr<const projection::EmbeddingSet>> m_loadJob;
    plugins::PanelJobSlot<projection::Projection> m_layoutJob;
    bool m_layoutPending = false;

    // Source
    QComboBox *m_sourceKind = nullptr;
    QLineEdit *m_path = nullptr;
    QPushButton *m_browse = nullptr;
    QLineEdit *m_tensor = nullptr;
    QLineEdit *m_labels = nullptr;
    QPlainTextEdit *m_corpus = nullptr;
    QSpinBox *m_layer = nullptr;
    QLineEdit *m_token = nullptr;
    QComboBox *m_pooling = nullptr;
    QSpinBox *m_count = nullptr;
    QSpinBox *m_snapshot = nullptr;
    QPushButton *m_load = nullptr;
    QLabel *m_dataLabel = nullptr;
    // Method
    QComboBox *m_method = nullptr;
    QDoubleSpinBox *m_perplexity = nullptr;
    QSpinBox *m_neighbourCount = nullptr;
    QDoubleSpinBox *m_minDist = nullptr;
    QComboBox *m_metric = nullptr;
    QSpinBox *m_iterations = nullptr;
    QSpinBox *m_seed = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_pin = nullptr;
    QPushButton *m_save = nullptr;
    QComboBox *m_colour = nullptr;
    QLabel *m_quality = nullptr;
    // Explore
    QLineEdit *m_search = nullptr;
    QComboBox *m_similarity = nullptr;
    QSpinBox *m_k = nullptr;
    QLineEdit *m_analogyEdit = nullptr;
    QTableWidget *m_table = nullptr;
    // Views
    widgets::ScatterView *m_scatter = nullptr;
    widgets::CompositeFigure *m_compare = nullptr;
    widgets::ScatterView *m_compareLeft = nullptr;
    widgets::ScatterView *m_compareRight = nullptr;
    widgets::BarChartView *m_variance = nullptr;
    widgets::BarChartView *m_neighbourChart = nullptr;
};

} // namespace tessera::projector
