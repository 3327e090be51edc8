#include "TrainingPlugin.h"

#include "TrainingPanel.h"

namespace tessera::training {

void TrainingPlugin::registerAll(plugins::Registry &registry)
{
    plugins::PanelDescriptor panel;
    panel.id = QStringLiteral("training");
    panel.title = QObject::tr("Training");
    panel.description = QObject::tr("Train small transformers and watch their attention form, snapshot by snapshot");
    panel.shortcut = QKeySequence(Qt::ALT | Qt::Key_4);
    panel.order = 60;
    panel.create = [](const plugins::PanelContext &context, QWidget *parent) {
        return new TrainingPanel(context, parent);
    };
    registry.registerPanel(std::move(panel));
}

} // namespace tessera::training
