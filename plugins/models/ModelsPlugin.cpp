#include "ModelsPlugin.h"

#include "ModelsPanel.h"

namespace tessera::models {

void ModelsPlugin::registerAll(plugins::Registry &registry)
{
    registerModels(registry);
    registerPanels(registry);
}

void ModelsPlugin::registerModels(plugins::Registry &registry)
{
    registry.registerModelFamily({"bert", "BERT", {"bert"}});
    registry.registerModelFamily({"gpt2", "GPT-2", {"gpt2"}});
    registry.registerModelFamily({"vit", "ViT", {"vit"}});
}

void ModelsPlugin::registerPanels(plugins::Registry &registry)
{
    plugins::PanelDescriptor panel;
    panel.id = QStringLiteral("models");
    panel.title = QObject::tr("Models");
    panel.description = QObject::tr("Open a Hugging Face checkpoint: its architecture, tokens and predictions");
    panel.shortcut = QKeySequence(Qt::ALT | Qt::Key_2);
    panel.order = 40;
    panel.create = [](const plugins::PanelContext &context, QWidget *parent) { return new ModelsPanel(context, parent); };
    registry.registerPanel(std::move(panel));
}

} // namespace tessera::models
