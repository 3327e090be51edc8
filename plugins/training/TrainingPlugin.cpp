// Registers the Training studio panel ("training").

#include "TrainingPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::training {

TESSERA_PANEL_PLUGIN(TrainingPlugin, TrainingPanel)

} // namespace tessera::training

#include "TrainingPlugin.moc"
