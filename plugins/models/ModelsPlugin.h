#pragma once
// Registers the model families Tessera runs natively and the Models panel ("models").

#include "tessera/plugins/TesseraPlugin.h"

#include <QObject>

namespace tessera::models {

class ModelsPlugin : public QObject, public plugins::TesseraPlugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TesseraPlugin_iid FILE "plugin.json")
    Q_INTERFACES(tessera::plugins::TesseraPlugin)
public:
    void registerAll(plugins::Registry &registry) override;

private:
    static void registerModels(plugins::Registry &registry);
    static void registerPanels(plugins::Registry &registry);
};

} // namespace tessera::models
