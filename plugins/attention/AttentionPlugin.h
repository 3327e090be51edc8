#pragma once
// Registers the attention explorer panel ("attention").

#include "tessera/plugins/TesseraPlugin.h"

#include <QObject>

namespace tessera::attentionlens {

class AttentionPlugin : public QObject, public plugins::TesseraPlugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TesseraPlugin_iid FILE "plugin.json")
    Q_INTERFACES(tessera::plugins::TesseraPlugin)
public:
    void registerAll(plugins::Registry &registry) override;

private:
    static void registerPanels(plugins::Registry &registry);
};

} // namespace tessera::attentionlens
