// Registers the Lens panel ("lens").

#include "LensPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::lenspanel {

TESSERA_PANEL_PLUGIN(LensPlugin, LensPanel)

} // namespace tessera::lenspanel

#include "LensPlugin.moc"
