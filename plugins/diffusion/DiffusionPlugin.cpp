// Registers the Diffusion lab panel ("diffusion").

#include "DiffusionPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::diffusionlab {

TESSERA_PANEL_PLUGIN(DiffusionPlugin, DiffusionPanel, "diffusion", QObject::tr("Diffusion lab"),
                     QObject::tr("DDPM and DDIM denoising step by step on a diffusers UNet: filmstrip, seeds, "
                                 "schedules, forward noising, the two samplers side by side"),
                     Qt::ALT | Qt::Key_6, 80)

} // namespace tessera::diffusionlab

#include "DiffusionPlugin.moc"
