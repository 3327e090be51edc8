// Registers the attention explorer panel ("attention").

#include "AttentionPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::attentionlens {

TESSERA_PANEL_PLUGIN(AttentionPlugin, AttentionPanel, "attention", QObject::tr("Attention"),
                     QObject::tr("One head, every layer and head, active and lazy queries, two inputs compared"),
                     Qt::ALT | Qt::Key_3, 50)

} // namespace tessera::attentionlens

#include "AttentionPlugin.moc"
