// Registers the Lens panel ("lens").

#include "LensPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::lenspanel {

TESSERA_PANEL_PLUGIN(LensPlugin, LensPanel, "lens", QObject::tr("Lens"),
                     QObject::tr("Why a model said what it said: logit lens, direct logit attribution, head ablation, "
                                 "activation patching, gradient x input, integrated gradients, and for ViT Chefer "
                                 "relevance and attention flow"),
                     Qt::ALT | Qt::Key_0, 105)

} // namespace tessera::lenspanel

#include "LensPlugin.moc"
