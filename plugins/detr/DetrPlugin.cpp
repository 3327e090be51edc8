#include "DetrPlugin.h"

#include "DetrPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::detrlens {

void DetrPlugin::registerAll(plugins::Registry &registry)
{
    registry.registerPanel(plugins::panelDescriptor<DetrPanel>(
        QStringLiteral("detr"), QObject::tr("DETR lens"),
        QObject::tr("DETR on real images: detections, object queries and their cross-attention, encoder "
                    "attention, the sine position encoding and Hungarian matching"),
        Qt::ALT | Qt::Key_7, 90));
}

} // namespace tessera::detrlens
