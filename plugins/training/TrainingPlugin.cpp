// Registers the Training studio panel ("training").

#include "TrainingPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::training {

TESSERA_PANEL_PLUGIN(TrainingPlugin, TrainingPanel, "training", QObject::tr("Training"),
                     QObject::tr("Train small transformers and watch their attention form, snapshot by snapshot"),
                     Qt::ALT | Qt::Key_4, 60)

} // namespace tessera::training

#include "TrainingPlugin.moc"
