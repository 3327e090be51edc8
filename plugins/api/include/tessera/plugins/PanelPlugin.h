#pragma once
// A panel plugin in one statement. In plugins/<name>/<Name>Plugin.cpp:
//   TESSERA_PANEL_PLUGIN(VitPlugin, tessera::vitlens::VitPanel)
//   #include "VitPlugin.moc"
// declares the Qt plugin class (its metadata from the plugin.json beside it) whose registerAll()
// registers panelDescriptor<VitPanel>(): the panel's static descriptor() (id, title, menu
// entry, written once in the panel's .cpp) with a create() that makes the panel.
// tessera_add_plugin() tells AUTOMOC about the macro.
// A plugin that also registers models writes its class out, deriving PanelPlugin.
// GUI thread only.

#include "tessera/plugins/Registry.h"
#include "tessera/plugins/TesseraPlugin.h"

#include <QObject>

namespace tessera::plugins {

// Panel::descriptor() with a create() that makes a Panel(context, parent).
template <class Panel> PanelDescriptor panelDescriptor()
{
    PanelDescriptor panel = Panel::descriptor();
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

// Name: the plugin class; Panel: the panel class (Panel(context, parent), Panel::descriptor()).
#define TESSERA_PANEL_PLUGIN(Name, Panel)                                                                              \
    class Name : public ::tessera::plugins::PanelPlugin {                                                              \
        Q_OBJECT                                                                                                       \
        Q_PLUGIN_METADATA(IID TesseraPlugin_iid FILE "plugin.json")                                                    \
        Q_INTERFACES(tessera::plugins::TesseraPlugin)                                                                  \
    protected:                                                                                                         \
        ::tessera::plugins::PanelDescriptor panel() const override                                                     \
        {                                                                                                              \
            return ::tessera::plugins::panelDescriptor<Panel>();                                                       \
        }                                                                                                              \
    };
