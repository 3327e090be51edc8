#include "VitPlugin.h"

#include "VitPanel.h"

namespace tessera::vitlens {

void VitPlugin::registerAll(plugins::Registry &registry)
{
    plugins::PanelDescriptor panel;
    panel.id = QStringLiteral("vit");
    panel.title = QObject::tr("ViT lens");
    panel.description = QObject::tr("A vision transformer on real images: patches, attention on the image, rollout, "
                                     "mean attention distance, position embeddings and filters");
    panel.shortcut = QKeySequence(Qt::ALT | Qt::Key_5);
    panel.order = 70;
    panel.create = [](const plugins::PanelContext &context, QWidget *parent) { return new VitPanel(context, parent); };
    registry.registerPanel(std::move(panel));
}

} // namespace tessera::vitlens
