// Registers the DETR lens panel ("detr").

#include "DetrPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::detrlens {

TESSERA_PANEL_PLUGIN(DetrPlugin, DetrPanel)

} // namespace tessera::detrlens

#include "DetrPlugin.moc"
