// Registers the alignment view ("alignment").

#include "AlignmentPanel.h"

#include "tessera/plugins/PanelPlugin.h"

TESSERA_PANEL_PLUGIN(AlignmentPlugin, tessera::alignment::AlignmentPanel)

#include "AlignmentPlugin.moc"
