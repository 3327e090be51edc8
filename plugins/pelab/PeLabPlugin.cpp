// Registers the positional-encoding lab panel ("pe").

#include "PeLabPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::pelab {

TESSERA_PANEL_PLUGIN(PeLabPlugin, PeLabPanel)

} // namespace tessera::pelab

#include "PeLabPlugin.moc"
