#include "TokenizerLabPanel.h"

#include "tessera/widgets/BarChartView.h"
#include "tessera/widgets/TokenRowsView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace tessera::tokenizerlab {
namespace {

// The study notes' examples of tokenisation units (003:38-57) and of one word that flips a
// label ("안", 003:10, 37), then the glossary's (001:184-242).
const QStringList kPresets = {"나는 학교에 간다",
                              "나는",
                              "I love apples",
                              "unbelievable",
                              "tokenization!",
                              "이 영화는 안 재미있다",
                              "A Titan RTX has 24GB of VRAM",
                              "HuggingFace is based in NYC"};

bool isTokenizerPath(const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir())
        for (const char *name : {"tokenizer.json", "vocab.txt", "vocab.json"})
            if (QFileInfo::exists(path + "/" + name))
                return true;
    const QString name = info.fileName();
    return info.isFile() && (name == "tokenizer.json" || name == "vocab.txt" || name == "vocab.json");
}

QString fromStd(const std::string &text)
{
    return QString::fromStdString(text);
}

} // namespace

plugins::PanelDescriptor TokenizerLabPanel::descriptor()
{
    return {QStringLiteral("tokenizers"),
            tr("Tokenizer lab"),
            tr("One text through several tokenizers: tokens, ids and the characters each covers (BERT, GPT-2, "
               "Llama 2 and 3, Unigram, your checkpoints)"),
            Qt::ALT | Qt::Key_9,
            110,
            {}};
}

QString TokenizerLabPanel::bundledFolder()
{
    const QString environment = qEnvironmentVariable("TESSERA_TOKENIZER_PATH");
    if (!environment.isEmpty())
        return environment;
    return QDir::cleanPath(QCoreApplication::applicationDirPath() + "/../share/tessera/tokenizers");
}

TokenizerLabPanel::TokenizerLabPanel(const plugins::PanelContext &context, QWidget *parent)
    : PanelBase(context, descriptor(), parent), m_job(this, errorsToStatus())
{
    addOpener(&isTokenizerPath, &TokenizerLabPanel::addTokenizerPath);
    buildUi();
    declareOptions();
    try {
        for (const TokenizerSource &source : bundledTokenizers(bundledFolder().toStdString()))
            addSource(source, true);
    } catch (const std::exception &e) {
        setStatus(tr("The bundled tokenizers are missing (%1); add tokenizer files with Add\u2026")
                      .arg(QString::fromUtf8(e.what())),
                  true);
    }
    addStudioModels();
    if (context.hub)
        connect(context.hub, &widgets::DataHub::textsChanged, this, [this](const QString &topic) {
            if (topic == widgets::DataHub::ModelFolders)
                addStudioModels();
        });
    retokenize();
}

void TokenizerLabPanel::buildUi()
{
    auto *controls = new QWidget;
    auto *column = new QVBoxLayout(controls);
    column->addWidget(new QLabel(tr("Text")));
    m_text = new QComboBox;
    m_text->setEditable(true);
    m_text->setInsertPolicy(QComboBox::NoInsert);
    m_text->addItems(kPresets);
    m_text->setToolTip(tr("Any text, or one of the notes' examples: uncased BERT splits Hangul syllables into "
                          "jamo, cased BERT gives [UNK], byte-level BPE falls back to bytes, Unigram keeps "
                          "syllables."));
    column->addWidget(m_text);
    column->addWidget(new QLabel(tr("Tokenizers")));
    m_list = new QListWidget;
    m_list->setToolTip(tr("Checked tokenizers are compared. Loaded checkpoints appear here unchecked."));
    m_list->setMinimumHeight(160);
    column->addWidget(m_list, 1);
    auto *buttons = new QHBoxLayout;
    auto *addFolder = new QPushButton(tr("Add folder\u2026"));
    addFolder->setToolTip(tr("A checkpoint folder with tokenizer.json, vocab.txt or vocab.json + merges.txt"));
    auto *addFile = new QPushButton(tr("Add file\u2026"));
    addFile->setToolTip(tr("A tokenizer.json, vocab.txt or vocab.json (merges.txt beside it)"));
    buttons->addWidget(addFolder);
    buttons->addWidget(addFile);
    column->addLayout(buttons);
    m_special = new QCheckBox(tr("Special tokens"));
    m_special->setToolTip(tr("Add what each tokenizer's post-processor adds: [CLS] ... [SEP], <s>, </s>"));
    column->addWidget(m_special);
    column->addWidget(statusLine());
    QScrollArea *scroll = placeControls(controls);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFixedWidth(300);

    m_tokensView = new widgets::TokenRowsView;
    m_tokensView->setFigureTitle(tr("Tokens"));
    m_tokensView->setMinimumWidth(520);
    auto *tokensPage = new QScrollArea;
    tokensPage->setWidgetResizable(true);
    tokensPage->setWidget(m_tokensView);
    addFigure("tokens", tr("Tokens"), tokensPage, m_tokensView);
    connect(m_tokensView, &widgets::TokenRowsView::readoutChanged, this, &TokenizerLabPanel::statusMessage);
    m_countsView = new widgets::BarChartView;
    m_countsView->setFigureTitle(tr("Tokens per tokenizer"));
    m_countsView->setValueTitle(tr("tokens"));
    addFigure("counts", tr("Counts"), m_countsView);

    connect(m_text, &QComboBox::currentTextChanged, this, [this] {
        if (!m_applying)
            retokenize();
    });
    connect(m_list, &QListWidget::itemChanged, this, [this] {
        if (!m_applying)
            retokenize();
    });
    connect(m_special, &QCheckBox::toggled, this, [this] {
        if (!m_applying)
            retokenize();
    });
    connect(addFolder, &QPushButton::clicked, this, statusOnFailure([this](QString *error) {
                const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a tokenizer folder"));
                return folder.isEmpty() || addTokenizerPath(folder, error);
            }));
    connect(addFile, &QPushButton::clicked, this, statusOnFailure([this](QString *error) {
                const QString file =
                    QFileDialog::getOpenFileName(this, tr("Add a tokenizer file"), QString(),
                                                 tr("Tokenizers (tokenizer.json vocab.txt vocab.json);;All files (*)"));
                return file.isEmpty() || addTokenizerPath(file, error);
            }));
}

void TokenizerLabPanel::declareOptions()
{
    plugins::OptionSet &o = optionSet();
    o.addText("text", tr("the text to tokenize"), kPresets.front());
    o.addText("tokenizer",
              tr("a tokenizer to compare: a bundled name (BERT uncased, GPT-2, Llama 3, ...) or a folder or file; "
                 "repeat it for several (default: every bundled one)"))
        .checkedByPanel()
        .repeatable();
    o.addYesNo("special-tokens", tr("add each tokenizer's special tokens ([CLS], <s>, ...)"), false).bind(m_special);
    addViewOption(tr("the view"), "tokens");
}

QListWidgetItem *TokenizerLabPanel::addSource(const TokenizerSource &source, bool checked)
{
    for (size_t i = 0; i < m_sources.size(); ++i)
        if (QDir::cleanPath(fromStd(m_sources[i].path)) == QDir::cleanPath(fromStd(source.path)))
            return m_list->item(int(i));
    m_sources.push_back(source);
    auto *item = new QListWidgetItem(fromStd(source.name));
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    item->setToolTip(source.note.empty() ? fromStd(source.path) : fromStd(source.note) + "\n" + fromStd(source.path));
    const bool wasApplying = m_applying;
    m_applying = true; // adding is no edit of the comparison
    m_list->addItem(item);
    m_applying = wasApplying;
    return item;
}

bool TokenizerLabPanel::addTokenizerPath(const QString &path, QString *error)
{
    // Loaded at once so that a file that is no tokenizer is refused with its reason.
    try {
        m_cache->get(path.toStdString());
    } catch (const std::exception &e) {
        return fail(error, QString::fromUtf8(e.what()));
    }
    const QFileInfo info(path);
    const QString name = info.isDir() ? info.fileName() : info.dir().dirName() + "/" + info.fileName();
    QListWidgetItem *item = addSource({name.toStdString(), path.toStdString(), {}}, true);
    item->setCheckState(Qt::Checked); // also when it was listed unchecked
    return true;
}

void TokenizerLabPanel::addStudioModels()
{
    if (!context().hub)
        return;
    for (const QString &name : context().hub->textNames(widgets::DataHub::ModelFolders)) {
        const QString folder = context().hub->text(widgets::DataHub::ModelFolders, name);
        if (isTokenizerPath(folder))
            addSource({name.toStdString(), folder.toStdString(), tr("loaded in the studio").toStdString()}, false);
    }
}

std::vector<TokenizerSource> TokenizerLabPanel::checkedSources() const
{
    std::vector<TokenizerSource> sources;
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->checkState() == Qt::Checked)
            sources.push_back(m_sources[size_t(i)]);
    return sources;
}

void TokenizerLabPanel::retokenize()
{
    const std::string text = m_text->currentText().toStdString();
    const std::vector<TokenizerSource> sources = checkedSources();
    const bool special = m_special->isChecked();
    std::shared_ptr<TokenizerCache> cache = m_cache;
    m_job.start(
        jobs(), tr("Tokenizing"),
        [text, sources, special, cache](JobContext &context) {
            return tokenizeWithEach(text, sources, special, *cache, context);
        },
        [this](TokenizerLabResult result) { showResult(result); });
}

void TokenizerLabPanel::showResult(const TokenizerLabResult &result)
{
    QList<widgets::TokenRow> rows;
    QStringList labels;
    QVector<double> counts;
    QStringList failures;
    for (const TokenizerRun &run : result.runs) {
        widgets::TokenRow row;
        row.name = fromStd(run.source.name);
        row.description = fromStd(run.description);
        row.error = fromStd(run.error);
        const Encoding &e = run.encoding;
        for (size_t t = 0; t < e.ids.size(); ++t) {
            row.tokens << fromStd(e.tokens[t]);
            row.labels << fromStd(run.labels.size() > t ? run.labels[t] : e.tokens[t]);
            row.ids << e.ids[t];
            row.spans << qMakePair(int(e.offsets[t].first), int(e.offsets[t].second));
            row.special << bool(e.specialTokens.size() > t && e.specialTokens[t]);
            row.unknown << bool(run.unknown.size() > t && run.unknown[t]);
        }
        rows << row;
        if (run.error.empty()) {
            labels << QStringLiteral("%1 (%2)").arg(row.name).arg(e.ids.size());
            counts << double(e.ids.size());
        } else {
            failures << QStringLiteral("%1: %2").arg(row.name, row.error);
        }
    }
    const QString text = fromStd(result.text);
    m_tokensView->setRows(text, rows);
    m_tokensView->setFigureTitle(tr("\u201c%1\u201d").arg(text.size() > 60 ? text.left(57) + "\u2026" : text));
    m_countsView->setFigureTitle(tr("Tokens per tokenizer: \u201c%1\u201d").arg(text.left(40)));
    m_countsView->setBars(labels, counts);
    if (!failures.isEmpty())
        setStatus(failures.join("\n"), true);
    else if (rows.isEmpty())
        setStatus(tr("Check a tokenizer in the list to see the text cut into tokens."));
    else
        setStatus(tr("%n characters; hover a token to see what it covers.", nullptr, int(text.toUcs4().size())));
}

bool TokenizerLabPanel::resolveTokenizer(const QString &value, TokenizerSource *source, QString *error) const
{
    for (const TokenizerSource &listed : m_sources)
        if (fromStd(listed.name).compare(value, Qt::CaseInsensitive) == 0 ||
            QFileInfo(fromStd(listed.path)).fileName() == value) {
            *source = listed;
            return true;
        }
    if (isTokenizerPath(value)) {
        const QFileInfo info(value);
        *source = {(info.isDir() ? info.fileName() : info.dir().dirName() + "/" + info.fileName()).toStdString(),
                   value.toStdString(),
                   {}};
        return true;
    }
    QStringList names;
    for (const TokenizerSource &listed : m_sources)
        names << fromStd(listed.name);
    return fail(error, tr("--tokenizer: \"%1\" is neither a listed tokenizer (%2) nor a folder or file with "
                          "tokenizer.json, vocab.txt or vocab.json")
                           .arg(value, names.join(", ")));
}

bool TokenizerLabPanel::checkOptions(const QVariantMap &options, QString *error)
{
    if (options.contains("text") && options["text"].toString().isEmpty())
        return fail(error, tr("--text: give a text to tokenize"));
    TokenizerSource source;
    for (const QString &value : options.value("tokenizer").toStringList())
        if (!resolveTokenizer(value, &source, error))
            return false;
    return true;
}

bool TokenizerLabPanel::openSource(const QVariantMap &options, bool *loading, QString *error)
{
    Q_UNUSED(options);
    Q_UNUSED(error);
    *loading = false;
    return true;
}

bool TokenizerLabPanel::applyOptions(const QVariantMap &options, const QString &view, QString *error)
{
    Q_UNUSED(view);
    m_applying = true;
    optionSet().apply(options);
    if (options.contains("text"))
        m_text->setEditText(options["text"].toString());
    if (options.contains("tokenizer")) {
        for (int i = 0; i < m_list->count(); ++i)
            m_list->item(i)->setCheckState(Qt::Unchecked);
        for (const QString &value : options["tokenizer"].toStringList()) {
            TokenizerSource source;
            resolveTokenizer(value, &source, nullptr); // checked in checkOptions
            addSource(source, true)->setCheckState(Qt::Checked);
        }
    }
    m_applying = false;
    retokenize();
    Q_UNUSED(error);
    return true;
}

QVariantMap TokenizerLabPanel::options() const
{
    QVariantMap o;
    o["text"] = m_text->currentText();
    QStringList tokenizers;
    for (const TokenizerSource &source : checkedSources())
        tokenizers << (source.note.empty() ? fromStd(source.path) : fromStd(source.name));
    o["tokenizer"] = tokenizers;
    optionSet().write(o, {"special-tokens"});
    o["view"] = currentFigureName();
    return o;
}

} // namespace tessera::tokenizerlab
