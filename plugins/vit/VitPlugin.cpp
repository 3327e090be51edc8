// Registers the ViT lens panel ("vit").

#include "VitPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::vitlens {

TESSERA_PANEL_PLUGIN(VitPlugin, VitPanel, "vit", QObject::tr("ViT lens"),
                     QObject::tr("A vision transformer on real images: patches, attention on the image, rollout, "
                                 "mean attention distance, position embeddings and filters"),
                     Qt::ALT | Qt::Key_5, 70)

} // namespace tessera::vitlens

#include "VitPlugin.moc"
