#pragma once
// A panel plugin in one statement. In plugins/<name>/<Name>Plugin.cpp:
//   TESSERA_PANEL_PLUGIN(VitPlugin, VitPanel, "vit", QObject::tr("ViT lens"), QObject::tr("..."),
//                        Qt::ALT | Qt::Key_5, 70)
//   #include "VitPlugin.moc"
// declares the Qt plugin class (its metadata from the plugin.json beside it) whose registerAll()
// registers panelDescriptor<VitPanel>(...). tessera_add_plugin() tells AUTOMOC about the macro.
// A plugin that also registers models writes its class out, deriving PanelPlugin.
// GUI thread only.

#include "tessera/plugins/Registry.h"
#include "tessera/plugins/TesseraPlugin.h"

#include <QObject>

namespace tessera::plugins {

// A descriptor whose create() makes a Panel(context, parent).
template <class Panel>
PanelDescriptor panelDescriptor(const QString &id, const QString &title, const QString &description,
                                const QKeySequence &shortcut, int order)
{
    PanelDescriptor panel{id, title, description, shortcut, order, {}};
    panel.create = [](const PanelContext &context, QWidget *parent) -> widgets::PanelWidget * {
        return new Panel(context, parent);
    };
    return panel;
}

// The plugin object of a plugin that registers one panel: registerAll() is
// registerModels(); registerPanels();
class PanelPlugin : public QObject, public TesseraPlugin {
public:
    void registerAll(Registry &registry) override
    {
        registerModels(registry);
        registry.registerPanel(panel());
    }

protected:
    virtual void registerModels(Registry &registry) { Q_UNUSED(registry); }
    // Called in registerAll(), after the translators are installed.
    virtual PanelDescriptor panel() const = 0;
};

} // namespace tessera::plugins

// Name: the plugin class; Panel: the panel class (Panel(context, parent)); the rest as
// panelDescriptor() takes them, the id a string literal.
#define TESSERA_PANEL_PLUGIN(Name, Panel, id, ...)                                                                     \
    class Name : public ::tessera::plugins::PanelPlugin {                                                              \
        Q_OBJECT                                                                                                       \
        Q_PLUGIN_METADATA(IID TesseraPlugin_iid FILE "plugin.json")                                                    \
        Q_INTERFACES(tessera::plugins::TesseraPlugin)                                                                  \
    protected:                                                                                                         \
        ::tessera::plugins::PanelDescriptor panel() const override                                                     \
        {                                                                                                              \
            return ::tessera::plugins::panelDescriptor<Panel>(QStringLiteral(id), __VA_ARGS__);                        \
        }                                                                                                              \
    };
