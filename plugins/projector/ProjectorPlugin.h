#pragma once
// Registers the embedding projector panel ("projector").

#include "tessera/plugins/TesseraPlugin.h"

#include <QObject>

namespace tessera::projector {

class ProjectorPlugin : public QObject, public plugins::TesseraPlugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TesseraPlugin_iid FILE "plugin.json")
    Q_INTERFACES(tessera::plugins::TesseraPlugin)
public:
    void registerAll(plugins::Registry &registry) override;
};

} // namespace tessera::projector
