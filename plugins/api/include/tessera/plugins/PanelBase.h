#pragma once
// What every panel shares, written once: the figure tabs behind figureNames() / figure() /
// setCurrentFigure(), a status line, the option declarations (OptionSet) behind optionSpecs(),
// and setOptions() in its fixed order:
//   0. resolveAliases() turns the other names a panel accepts into the declared ones,
//   1. an unknown option is refused (the message lists the known ones),
//   2. --view is checked against the figures,
//   3. every declared option's value is checked (OptionSet::check), then checkOptions(),
//   4. openSource() opens what the options name (a model folder); when that loads in the
//      background, the rest is held and applied by releaseHeldOptions() once it has arrived,
//   5. applyOptions(), the panel's own part; then the view is shown (showView()).
// A panel's id, title and menu entry are written once, in its static descriptor() (the plugin
// registers that), and the files it opens are declared with addOpener().
// GUI thread only.

#include "tessera/plugins/ImageSourceBox.h"
#include "tessera/plugins/ModelSourceBox.h"
#include "tessera/plugins/OptionSet.h"
#include "tessera/plugins/PanelJobSlot.h"
#include "tessera/plugins/Registry.h"
#include "tessera/widgets/PanelWidget.h"

#include <QStringList>
#include <QVariantMap>

#include <functional>
#include <vector>

class QLabel;
class QScrollArea;
class QTabWidget;

namespace tessera::plugins {

class PanelBase : public widgets::PanelWidget {
    Q_OBJECT
public:
    // self: the panel's own descriptor (its id and title; create is not used here).
    PanelBase(const PanelContext &context, const PanelDescriptor &self, QWidget *parent = nullptr);

    QString panelId() const final { return m_id; }
    QString panelTitle() const final { return m_title; }
    // The openers declared with addOpener(): the first that accepts a path opens it.
    bool canOpen(const QString &path) const final;
    bool open(const QString &path, QString *error) final;

    QStringList figureNames() const override { return m_figureNames; }
    QString currentFigureName() const override;
    void setCurrentFigure(const QString &name) override;
    widgets::Figure *figure(const QString &name) override;

    QList<widgets::OptionSpec> optionSpecs() const override { return m_options.specs(); }
    bool setOptions(const QVariantMap &options, QString *error) final;

protected:
    const PanelContext &context() const { return m_context; }
    widgets::JobRunner *jobs() const { return m_context.jobs; }
    bool runsInline() const { return m_context.jobs && m_context.jobs->isInline(); }

    // Adds view as the tab title, exported as name; view is a widgets::Figure. Its read-outs go
    // to the status bar when it has a readoutChanged(QString) signal.
    template <class View> View *addFigure(const QString &name, const QString &title, View *view)
    {
        addFigureTab(name, title, view, view, true);
        return view;
    }
    // Adds page (a figure with its description, say) as the tab; figure is what is exported.
    // The panel connects the read-outs it wants shown.
    void addFigure(const QString &name, const QString &title, QWidget *page, widgets::Figure *figure)
    {
        addFigureTab(name, title, page, figure, false);
    }
    // A tab that is no figure (a table); while it is shown, the current figure is the first.
    void addPage(const QString &title, QWidget *page);
    QTabWidget *figureTabs() const { return m_tabs; }
    // Lays the panel out: controls in a scroll area (resizable, sized by the panel) on the
    // left, the figure tabs on the right.
    QScrollArea *placeControls(QWidget *controls);
    // A Model box whose choices go to openFolder(folder, &error) and, with a snapshot slider,
    // to openSnapshot(step, &error); a failure is shown in the status line.
    ModelSourceBox *modelSource(const ModelSourceBox::Texts &texts,
                                std::function<bool(const QString &folder, QString *error)> openFolder,
                                std::function<bool(int64_t step, QString *error)> openSnapshot = {});
    // An Image box handing its images to handler, pasting with Ctrl+V anywhere in the panel; a
    // failure is shown in the status line.
    ImageSourceBox *imageSource(ImageSourceBox::Handler handler);
    // Files and folders this panel opens (dropped on the window, File > Open): accepts(path)
    // is cheap (no weights read); open(path, &error) opens one it accepted.
    void addOpener(std::function<bool(const QString &path)> accepts,
                   std::function<bool(const QString &path, QString *error)> open);
    // The same with a member of the panel as the opener: addOpener(isImageFile, &VitPanel::openImage).
    template <class Panel>
    void addOpener(std::function<bool(const QString &path)> accepts, bool (Panel::*open)(const QString &, QString *))
    {
        addOpener(std::move(accepts), [this, open](const QString &path, QString *error) {
            return (static_cast<Panel *>(this)->*open)(path, error);
        });
    }
    // Called after the current figure changed (before currentFigureChanged is emitted).
    virtual void figureShown() {}

    OptionSet &optionSet() { return m_options; }
    const OptionSet &optionSet() const { return m_options; }
    // Declares --view (choices: the figures), with help text and the default view.
    void addViewOption(const QString &help, const QString &defaultView);

    // The status line below the controls (created here, placed by the panel).
    QLabel *statusLine() const { return m_status; }
    void setStatus(const QString &text, bool error = false);
    // For a PanelJobSlot: its failures shown in the status line (m_job{this, errorsToStatus()}).
    std::function<void(const QString &)> errorsToStatus()
    {
        return [this](const QString &message) { setStatus(message, true); };
    }

    // A slot running action(&error) whose failure is shown in the status line.
    template <class Action> auto statusOnFailure(Action action)
    {
        return [this, action] {
            QString error;
            if (!action(&error))
                setStatus(error, true);
        };
    }

    // Step 0: options under other names (a command-line alias) renamed to the declared ones.
    virtual QVariantMap resolveAliases(const QVariantMap &options) const { return options; }
    // Step 3: checks that need several options at once; nothing may change yet.
    virtual bool checkOptions(const QVariantMap &options, QString *error);
    // Step 4: opens what the options name; sets *loading when that goes on in the background.
    virtual bool openSource(const QVariantMap &options, bool *loading, QString *error);
    // The options openSource() consumed (not held for later).
    virtual QStringList sourceOptionNames() const { return {QStringLiteral("model")}; }
    // Step 5: the panel's own part. view is the checked --view (or the current figure).
    virtual bool applyOptions(const QVariantMap &options, const QString &view, QString *error) = 0;
    // Step 5, last: shows the view.
    virtual void showView(const QString &view) { setCurrentFigure(view); }
    // Applies the options held while a source loaded; a failure goes to the status line.
    void releaseHeldOptions();

    // Sets *error (when given) and returns false: return fail(error, tr("..."));
    static bool fail(QString *error, const QString &message);

private:
    void addFigureTab(const QString &name, const QString &title, QWidget *widget, widgets::Figure *figure,
                      bool connectReadout);

    struct Opener {
        std::function<bool(const QString &)> accepts;
        std::function<bool(const QString &, QString *)> open;
    };

    PanelContext m_context;
    QString m_id, m_title;
    std::vector<Opener> m_openers;
    OptionSet m_options;
    QStringList m_figureNames;
    QList<widgets::Figure *> m_figures;
    QList<int> m_tabFigures; // per tab: its index in m_figures, -1 for a page
    QVariantMap m_held;
    QTabWidget *m_tabs = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace tessera::plugins
