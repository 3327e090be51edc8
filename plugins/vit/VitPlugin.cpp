// Registers the ViT lens panel ("vit").

#include "VitPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::vitlens {

TESSERA_PANEL_PLUGIN(VitPlugin, VitPanel)

} // namespace tessera::vitlens

#include "VitPlugin.moc"
