// tessera-cli info: the runtime (LibTorch, BLAS, threads, plugins).

#include "Commands.h"
#include "Studio.h"

#include <cstdio>

namespace tessera::app {

extern const char infoHelp[] = "  info           Show the runtime: LibTorch, BLAS, threads, plugins.\n";

int infoCommand(Studio &studio, const QStringList &)
{
    std::printf("%s\n", studio.describe().toUtf8().constData());
    return 0;
}

} // namespace tessera::app
