#include "VitPlugin.h"

#include "VitPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::vitlens {

void VitPlugin::registerAll(plugins::Registry &registry)
{
    registry.registerPanel(plugins::panelDescriptor<VitPanel>(
        QStringLiteral("vit"), QObject::tr("ViT lens"),
        QObject::tr("A vision transformer on real images: patches, attention on the image, rollout, "
                    "mean attention distance, position embeddings and filters"),
        Qt::ALT | Qt::Key_5, 70));
}

} // namespace tessera::vitlens
