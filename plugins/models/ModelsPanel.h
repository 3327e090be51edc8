#pragma once
// The Models panel: open a checkpoint folder (a job with progress and cancel), see its
// architecture, parameter counts, tensors and files, how a text is tokenised, and what the
// model predicts (fill-mask, next token, image class). A loaded model's learned position
// table is published to the DataHub for the positional-encoding lab. GUI thread only.

#include "tessera/core/Model.h"
#include "tessera/core/Pipelines.h"
#include "tessera/core/Tokenizer.h"
#include "tessera/plugins/PanelBase.h"

#include <QPointer>

#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTreeWidget;

namespace tessera::widgets {
class BarChartView;
class HeatmapView;
class JobHandle;
} // namespace tessera::widgets

namespace tessera::models {

// What a loading job hands to the GUI thread.
struct LoadedModel {
    std::shared_ptr<const Model> model;
    std::shared_ptr<const Tokenizer> tokenizer;              // null for image models
    std::shared_ptr<const ImagePreprocessing> preprocessing; // null for text models
    std::string tokenizerProblem;                            // why no tokenizer, when one was expected
};

class ModelsPanel : public plugins::PanelBase {
    Q_OBJECT
public:
    // Its id ("models"), title and menu entry.
    static plugins::PanelDescriptor descriptor();

    ModelsPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);

    QVariantMap options() const override;

    // The model shown, or null.
    const Model *model() const { return m_loaded.model.get(); }

protected:
    bool applyOptions(const QVariantMap &options, const QString &view, QString *error) override;

private:
    // A checkpoint folder (or its config.json) that is no detector or denoiser.
    static bool isModelFolder(const QString &path);
    // Reads the config at once (a wrong folder is reported right away); weights load in a job.
    bool openModel(const QString &path, QString *error);
    void buildUi();
    void declareOptions();
    void showModel(LoadedModel loaded, const QString &folder);
    void runPipeline();
    void showTokens(const Encoding &encoding);
    void chooseImage();
    void showStatus(const QString &text, bool error = false);

    LoadedModel m_loaded;
    QString m_folder;
    QString m_imagePath;
    QPointer<widgets::JobHandle> m_job;
    QString m_pendingInput;

    QLabel *m_summary = nullptr;
    QTreeWidget *m_tree = nullptr;
    QComboBox *m_input = nullptr;
    QPushButton *m_imageButton = nullptr;
    QSpinBox *m_topK = nullptr;
    QDoubleSpinBox *m_temperature = nullptr;
    QPushButton *m_run = nullptr;
    QLabel *m_task = nullptr;
    QTableWidget *m_tokens = nullptr;
    widgets::BarChartView *m_predictions = nullptr;
    widgets::HeatmapView *m_positions = nullptr;
};

} // namespace tessera::models
