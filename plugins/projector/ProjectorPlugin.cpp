// Registers the embedding projector panel ("projector").

#include "ProjectorPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::projector {

TESSERA_PANEL_PLUGIN(ProjectorPlugin, ProjectorPanel)

} // namespace tessera::projector

#include "ProjectorPlugin.moc"
