// Registers the Diffusion lab panel ("diffusion").

#include "DiffusionPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::diffusionlab {

TESSERA_PANEL_PLUGIN(DiffusionPlugin, DiffusionPanel)

} // namespace tessera::diffusionlab

#include "DiffusionPlugin.moc"
