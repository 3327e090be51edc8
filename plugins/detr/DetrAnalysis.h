#pragma once
// What the DETR lens computes, without Qt: one image through a DETR, every capture kept, with
// the detections of every query and the class distributions. The job body of the panel; any
// thread.

#include "tessera/core/Detr.h"
#include "tessera/core/Job.h"

#include <memory>
#include <vector>

namespace tessera::detrlens {

struct DetrAnalysis {
    detr::DetrInput input;                   // what the model sees
    ModelOutputs outputs;                    // every capture
    std::vector<detr::Detection> detections; // every query, in pixels of the original image
    Matrix probabilities;                    // [queries, classes + 1]
    int64_t gridHeight = 0, gridWidth = 0;   // the backbone's feature grid
};

std::shared_ptr<const DetrAnalysis> analyseDetr(const Model &model, const Image8 &image,
                                                const detr::DetrPreprocessing &preprocessing, JobContext &context);

} // namespace tessera::detrlens
