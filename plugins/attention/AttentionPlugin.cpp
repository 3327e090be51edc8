// Registers the attention explorer panel ("attention").

#include "AttentionPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::attentionlens {

TESSERA_PANEL_PLUGIN(AttentionPlugin, AttentionPanel)

} // namespace tessera::attentionlens

#include "AttentionPlugin.moc"
