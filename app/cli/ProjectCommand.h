#pragma once
// tessera-cli project: PCA / t-SNE / UMAP coordinates of an N x D matrix, optionally a figure.

#include <QStringList>

namespace tessera::app {

// Returns the process exit status (0 done, 1 the work failed, 2 bad command line).
int projectCommand(const QStringList &arguments);
// Its lines of 'tessera-cli --help'.
extern const char projectHelp[];

} // namespace tessera::app
