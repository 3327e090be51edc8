#include "PeLabPlugin.h"

#include "PeLabPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::pelab {

void PeLabPlugin::registerAll(plugins::Registry &registry)
{
    registerPanels(registry);
}

void PeLabPlugin::registerPanels(plugins::Registry &registry)
{
    registry.registerPanel(plugins::panelDescriptor<PeLabPanel>(
        QStringLiteral("pe"), QObject::tr("Positional encodings"),
        QObject::tr("Sinusoidal curves and heatmap, position similarity, RoPE, ALiBi and learned tables"),
        Qt::ALT | Qt::Key_1, 30));
}

} // namespace tessera::pelab
