#include "tessera/plugins/PanelBase.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMetaMethod>
#include <QScrollArea>
#include <QTabWidget>

#include <algorithm>
#include <utility>

namespace tessera::plugins {

PanelBase::PanelBase(const PanelContext &context, const PanelDescriptor &self, QWidget *parent)
    : widgets::PanelWidget(parent), m_context(context), m_id(self.id), m_title(self.title), m_tabs(new QTabWidget),
      m_status(new QLabel)
{
    m_status->setWordWrap(true);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        figureShown();
        emit currentFigureChanged(currentFigureName());
    });
}

bool PanelBase::canOpen(const QString &path) const
{
    return std::any_of(m_openers.begin(), m_openers.end(), [&](const Opener &opener) { return opener.accepts(path); });
}

bool PanelBase::open(const QString &path, QString *error)
{
    for (const Opener &opener : m_openers)
        if (opener.accepts(path))
            return opener.open(path, error);
    return fail(error, tr("%1 cannot be opened in the %2 panel").arg(path, m_title));
}

void PanelBase::addOpener(std::function<bool(const QString &)> accepts,
                          std::function<bool(const QString &, QString *)> open)
{
    m_openers.push_back({std::move(accepts), std::move(open)});
}

QString PanelBase::currentFigureName() const
{
    const int index = m_tabFigures.value(m_tabs->currentIndex(), -1);
    return m_figureNames.value(index >= 0 ? index : 0);
}

void PanelBase::setCurrentFigure(const QString &name)
{
    const int index = int(m_figureNames.indexOf(name));
    if (index >= 0)
        m_tabs->setCurrentIndex(int(m_tabFigures.indexOf(index)));
}

widgets::Figure *PanelBase::figure(const QString &name)
{
    const int index = int(m_figureNames.indexOf(name));
    return index >= 0 ? m_figures[index] : nullptr;
}

void PanelBase::addFigureTab(const QString &name, const QString &title, QWidget *widget, widgets::Figure *figure,
                             bool connectReadout)
{
    m_tabFigures << int(m_figures.size());
    m_figureNames << name;
    m_figures << figure;
    m_tabs->addTab(widget, title);
    if (connectReadout && widget->metaObject()->indexOfSignal("readoutChanged(QString)") >= 0)
        connect(widget, SIGNAL(readoutChanged(QString)), this, SIGNAL(statusMessage(QString)));
}

void PanelBase::addPage(const QString &title, QWidget *page)
{
    m_tabFigures << -1;
    m_tabs->addTab(page, title);
}

QScrollArea *PanelBase::placeControls(QWidget *controls)
{
    auto *scroll = new QScrollArea;
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    auto *layout = new QHBoxLayout(this);
    layout->addWidget(scroll);
    layout->addWidget(m_tabs, 1);
    return scroll;
}

ModelSourceBox *PanelBase::modelSource(const ModelSourceBox::Texts &texts,
                                       std::function<bool(const QString &, QString *)> openFolder,
                                       std::function<bool(int64_t, QString *)> openSnapshot)
{
    auto *box = new ModelSourceBox(texts);
    connect(box, &ModelSourceBox::folderChosen, this,
            [this, openFolder = std::move(openFolder)](const QString &folder) {
                QString error;
                if (!openFolder(folder, &error))
                    setStatus(error, true);
            });
    if (openSnapshot)
        connect(box, &ModelSourceBox::snapshotChosen, this,
                [this, openSnapshot = std::move(openSnapshot)](int64_t step) {
                    QString error;
                    if (!openSnapshot(step, &error))
                        setStatus(error, true);
                });
    return box;
}

ImageSourceBox *PanelBase::imageSource(ImageSourceBox::Handler handler)
{
    auto *box = new ImageSourceBox(std::move(handler));
    box->pasteOnShortcutIn(this);
    connect(box, &ImageSourceBox::failed, this, [this](const QString &error) { setStatus(error, true); });
    return box;
}

void PanelBase::addViewOption(const QString &help, const QString &defaultView)
{
    m_options.addChoice(QStringLiteral("view"), help, {}, defaultView).choices([this] { return m_figureNames; });
}

void PanelBase::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
    if (!text.isEmpty())
        emit statusMessage(text);
}

bool PanelBase::checkOptions(const QVariantMap &, QString *)
{
    return true;
}

bool PanelBase::openSource(const QVariantMap &, bool *loading, QString *)
{
    *loading = false;
    return true;
}

bool PanelBase::fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool PanelBase::setOptions(const QVariantMap &given, QString *error)
{
    const QVariantMap options = resolveAliases(given);
    const QStringList known = m_options.names();
    for (auto it = options.begin(); it != options.end(); ++it)
        if (!known.contains(it.key()))
            return fail(error, tr("unknown option --%1 for the %2 panel (options: %3)")
                                   .arg(it.key(), m_title, known.join(QStringLiteral(", "))));
    const QString view = options.value(QStringLiteral("view"), currentFigureName()).toString();
    if (!m_figureNames.contains(view))
        return fail(error, tr("--view: \"%1\" is not one of %2").arg(view, m_figureNames.join(QStringLiteral(", "))));
    if (!m_options.check(options, error) || !checkOptions(options, error))
        return false;
    bool loading = false;
    if (!openSource(options, &loading, error))
        return false;
    if (loading) {
        // Loading in the background: the rest applies when it has arrived.
        m_held = options;
        for (const QString &name : sourceOptionNames())
            m_held.remove(name);
        setCurrentFigure(view);
        return true;
    }
    if (!applyOptions(options, view, error))
        return false;
    showView(view);
    return true;
}

void PanelBase::releaseHeldOptions()
{
    const QVariantMap held = std::exchange(m_held, {});
    QString error;
    if (!held.isEmpty() && !setOptions(held, &error))
        setStatus(error, true);
}

} // namespace tessera::plugins
