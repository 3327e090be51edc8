#include "DetrPlugin.h"

#include "DetrPanel.h"

namespace tessera::detrlens {

void DetrPlugin::registerAll(plugins::Registry &registry)
{
    plugins::PanelDescriptor panel;
    panel.id = QStringLiteral("detr");
    panel.title = QObject::tr("DETR lens");
    panel.description = QObject::tr("DETR on real images: detections, object queries and their cross-attention, encoder "
                                     "attention, the sine position encoding and Hungarian matching");
    panel.shortcut = QKeySequence(Qt::ALT | Qt::Key_7);
    panel.order = 90;
    panel.create = [](const plugins::PanelContext &context, QWidget *parent) { return new DetrPanel(context, parent); };
    registry.registerPanel(std::move(panel));
}

} // namespace tessera::detrlens
