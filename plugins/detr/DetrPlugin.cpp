// Registers the DETR lens panel ("detr").

#include "DetrPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::detrlens {

TESSERA_PANEL_PLUGIN(DetrPlugin, DetrPanel, "detr", QObject::tr("DETR lens"),
                     QObject::tr("DETR on real images: detections, object queries and their cross-attention, encoder "
                                 "attention, the sine position encoding and Hungarian matching"),
                     Qt::ALT | Qt::Key_7, 90)

} // namespace tessera::detrlens

#include "DetrPlugin.moc"
