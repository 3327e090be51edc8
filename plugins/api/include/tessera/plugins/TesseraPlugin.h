#pragma once
// The versioned plugin interface. A plugin is a Qt plugin library implementing this class
// with Q_PLUGIN_METADATA(IID TesseraPlugin_iid FILE "plugin.json"); its registerAll() reads
// like a table of contents: registerModels(); registerPanels(); registerRecipes();

#include "tessera/plugins/Registry.h"

#include <QtPlugin>

namespace tessera::plugins {

class TesseraPlugin {
public:
    virtual ~TesseraPlugin() = default;
    virtual void registerAll(Registry &registry) = 0;
};

} // namespace tessera::plugins

#define TesseraPlugin_iid "org.tessera.Plugin/1"
Q_DECLARE_INTERFACE(tessera::plugins::TesseraPlugin, TesseraPlugin_iid)
