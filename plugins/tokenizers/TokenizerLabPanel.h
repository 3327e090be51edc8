#pragma once
// The tokenizer lab (the notes' chapter on tokenisation units, 003:38-57): one text through
// every tokenizer the user has — the bundled real vocabularies (BERT cased and uncased, GPT-2,
// Llama 2, Llama 3, a Unigram model), the checkpoints loaded in the studio and any folder or
// tokenizer file added — side by side with ids, the characters each token covers and counts.
// Tokenizers load in a job (once each); encoding follows every edit. GUI thread only.

#include "TokenizerLabComputation.h"

#include "tessera/plugins/PanelBase.h"

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QListWidget;
class QListWidgetItem;

namespace tessera::widgets {
class BarChartView;
class TokenRowsView;
} // namespace tessera::widgets

namespace tessera::tokenizerlab {

class TokenizerLabPanel : public plugins::PanelBase {
    Q_OBJECT
public:
    // Its id ("tokenizers"), title and menu entry.
    static plugins::PanelDescriptor descriptor();
    // Where the bundled tokenizers are: $TESSERA_TOKENIZER_PATH, else share/tessera/tokenizers
    // beside the executable's folder.
    static QString bundledFolder();

    TokenizerLabPanel(const plugins::PanelContext &context, QWidget *parent = nullptr);

    QVariantMap options() const override;
    // The sources checked now, in list order.
    std::vector<TokenizerSource> checkedSources() const;

protected:
    bool checkOptions(const QVariantMap &options, QString *error) override;
    bool openSource(const QVariantMap &options, bool *loading, QString *error) override;
    QStringList sourceOptionNames() const override { return {}; }
    bool applyOptions(const QVariantMap &options, const QString &view, QString *error) override;

private:
    void buildUi();
    void declareOptions();
    // Adds a source (checked) unless its path is listed; returns its item.
    QListWidgetItem *addSource(const TokenizerSource &source, bool checked);
    bool addTokenizerPath(const QString &path, QString *error);
    void addStudioModels();
    void retokenize();
    void showResult(const TokenizerLabResult &result);
    // A --tokenizer value: a bundled or listed name, else a path.
    bool resolveTokenizer(const QString &value, TokenizerSource *source, QString *error) const;

    std::shared_ptr<TokenizerCache> m_cache = std::make_shared<TokenizerCache>();
    std::vector<TokenizerSource> m_sources; // the list's items, by row
    plugins::PanelJobSlot<TokenizerLabResult> m_job;
    bool m_applying = false; // setOptions is filling the controls: no job per change

    QComboBox *m_text = nullptr;
    QListWidget *m_list = nullptr;
    QCheckBox *m_special = nullptr;
    widgets::TokenRowsView *m_tokensView = nullptr;
    widgets::BarChartView *m_countsView = nullptr;
};

} // namespace tessera::tokenizerlab
