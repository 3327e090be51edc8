// Registers the positional-encoding lab panel ("pe").

#include "PeLabPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::pelab {

TESSERA_PANEL_PLUGIN(PeLabPlugin, PeLabPanel, "pe", QObject::tr("Positional encodings"),
                     QObject::tr("Sinusoidal curves and heatmap, position similarity, RoPE, ALiBi and learned tables"),
                     Qt::ALT | Qt::Key_1, 30)

} // namespace tessera::pelab

#include "PeLabPlugin.moc"
