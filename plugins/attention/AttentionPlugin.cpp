#include "AttentionPlugin.h"

#include "AttentionPanel.h"

namespace tessera::attentionlens {

void AttentionPlugin::registerAll(plugins::Registry &registry)
{
    registerPanels(registry);
}

void AttentionPlugin::registerPanels(plugins::Registry &registry)
{
    plugins::PanelDescriptor panel;
    panel.id = QStringLiteral("attention");
    panel.title = QObject::tr("Attention");
    panel.description = QObject::tr("One head, every layer and head, active and lazy queries, two inputs compared");
    panel.shortcut = QKeySequence(Qt::ALT | Qt::Key_3);
    panel.order = 50;
    panel.create = [](const plugins::PanelContext &context, QWidget *parent) {
        return new AttentionPanel(context, parent);
    };
    registry.registerPanel(std::move(panel));
}

} // namespace tessera::attentionlens
