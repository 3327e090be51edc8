#include "ModelsPlugin.h"

#include "ModelsPanel.h"

#include "tessera/plugins/PanelPlugin.h"

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
    registry.registerPanel(plugins::panelDescriptor<ModelsPanel>(
        QStringLiteral("models"), QObject::tr("Models"),
        QObject::tr("Open a Hugging Face checkpoint: its architecture, tokens and predictions"), Qt::ALT | Qt::Key_2,
        40));
}

} // namespace tessera::models
