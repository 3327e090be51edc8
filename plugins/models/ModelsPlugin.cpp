// Registers the model families Tessera runs natively and the Models panel ("models").

#include "ModelsPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::models {

class ModelsPlugin : public plugins::PanelPlugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TesseraPlugin_iid FILE "plugin.json")
    Q_INTERFACES(tessera::plugins::TesseraPlugin)

protected:
    void registerModels(plugins::Registry &registry) override
    {
        registry.registerModelFamily({"bert", "BERT", {"bert"}});
        registry.registerModelFamily({"gpt2", "GPT-2", {"gpt2"}});
        registry.registerModelFamily({"vit", "ViT", {"vit"}});
    }

    plugins::PanelDescriptor panel() const override { return plugins::panelDescriptor<ModelsPanel>(); }
};

} // namespace tessera::models

#include "ModelsPlugin.moc"
