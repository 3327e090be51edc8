#include "PeLabPlugin.h"

#include "PeLabPanel.h"

namespace tessera::pelab {

void PeLabPlugin::registerAll(plugins::Registry &registry)
{
    registerPanels(registry);
}

void PeLabPlugin::registerPanels(plugins::Registry &registry)
{
    plugins::PanelDescriptor panel;
    panel.id = QStringLiteral("pe");
    panel.title = QObject::tr("Positional encodings");
    panel.description = QObject::tr("Sinusoidal curves and heatmap, position similarity, RoPE, ALiBi and learned tables");
    panel.shortcut = QKeySequence(Qt::ALT | Qt::Key_1);
    panel.order = 30;
    panel.create = [](const plugins::PanelContext &context, QWidget *parent) {
        return new PeLabPanel(context, parent);
    };
    registry.registerPanel(std::move(panel));
}

} // namespace tessera::pelab
