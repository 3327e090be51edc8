#pragma once
// tessera-cli run --with logit-lens,dla,...: the Lens methods (core/Lens.h) on a run's inputs,
// written under the names and shapes of the interpretability references
// (../shared/fixtures/README.md, "Interpretability references").

#include "tessera/core/Model.h"

#include <QString>
#include <QStringList>

#include <string>
#include <utility>
#include <vector>

namespace tessera::app {

struct LensRequest {
    QStringList methods; // in the order asked
    int64_t target = -1;
    int64_t contrast = -1;
    int igSteps = 64;
    const ModelInputs *corrupted = nullptr; // --corrupted, for patching
};

// "logit-lens, dla, ablation, patching, saliency, integrated-gradients, chefer, attention-flow".
const char *lensMethodList();
bool isLensMethod(const QString &name);

// Runs the methods in order on model, appending their outputs. Throws tessera::Error whose message
// starts with the flag it is about ("--with dla: ...", "--target: ...", "--corrupted: ...").
void runLensMethods(const Model &model, const ModelInputs &inputs, const LensRequest &request,
                    std::vector<std::pair<std::string, FloatTensor>> &outputs);

} // namespace tessera::app
