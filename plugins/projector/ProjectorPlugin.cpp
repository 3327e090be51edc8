#include "ProjectorPlugin.h"

#include "ProjectorPanel.h"

namespace tessera::projector {

void ProjectorPlugin::registerAll(plugins::Registry &registry)
{
    plugins::PanelDescriptor panel;
    panel.id = QStringLiteral("projector");
    panel.title = QObject::tr("Projector");
    panel.description =
        QObject::tr("PCA, t-SNE and UMAP of up to 100,000 embeddings, unsampled: token, position, contextual, "
                    "sentence and image embeddings or any matrix; neighbours by four similarities, vector "
                    "arithmetic, two layouts side by side");
    panel.shortcut = QKeySequence(Qt::ALT | Qt::Key_8);
    panel.order = 100;
    panel.create = [](const plugins::PanelContext &context, QWidget *parent) {
        return new ProjectorPanel(context, parent);
    };
    registry.registerPanel(std::move(panel));
}

} // namespace tessera::projector
