#include "DiffusionPlugin.h"

#include "DiffusionPanel.h"

namespace tessera::diffusionlab {

void DiffusionPlugin::registerAll(plugins::Registry &registry)
{
    plugins::PanelDescriptor panel;
    panel.id = QStringLiteral("diffusion");
    panel.title = QObject::tr("Diffusion lab");
    panel.description = QObject::tr("DDPM and DDIM denoising step by step on a diffusers UNet: filmstrip, seeds, "
                                     "schedules, forward noising, the two samplers side by side");
    panel.shortcut = QKeySequence(Qt::ALT | Qt::Key_6);
    panel.order = 80;
    panel.create = [](const plugins::PanelContext &context, QWidget *parent) { return new DiffusionPanel(context, parent); };
    registry.registerPanel(std::move(panel));
}

} // namespace tessera::diffusionlab
