// Registers the embedding projector panel ("projector").

#include "ProjectorPanel.h"

#include "tessera/plugins/PanelPlugin.h"

namespace tessera::projector {

TESSERA_PANEL_PLUGIN(
    ProjectorPlugin, ProjectorPanel, "projector", QObject::tr("Projector"),
    QObject::tr("PCA, t-SNE and UMAP of up to 100,000 embeddings, unsampled: token, position, contextual, "
                "sentence and image embeddings or any matrix; neighbours by four similarities, vector "
                "arithmetic, two layouts side by side"),
    Qt::ALT | Qt::Key_8, 100)

} // namespace tessera::projector

#include "ProjectorPlugin.moc"
