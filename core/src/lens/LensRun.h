#pragma once
// Internal to core (LibTorch visible): what every Lens method shares: batch item 0 cut at the
// analysed position, runs of the family's network with nn::Hooks (logits at that position only),
// the metric, the target check and progress. Plain functions; the thread of the calling job.

#include "models/Architecture.h"
#include "nn/Capture.h"

#include "tessera/core/Job.h"
#include "tessera/core/Lens.h"

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::detail::lens {

// Batch item 0 of a method's inputs, ready to run.
struct Item {
    ModelNetwork network;
    const ModelInfo *info = nullptr;
    ModelInputs inputs;   // batch 1; text cut after the analysed position
    bool text = false;    // input_ids (else pixel_values)
    int64_t position = 0; // the analysed position in the cut inputs (images: 0, [CLS])
    int64_t tokens = 0;   // positions the network runs over
    std::vector<int64_t> ids;
};

// method names the method in errors ("dla"). Throws Error for a model without a Tessera network,
// inputs without input_ids / pixel_values, or a position outside the text.
Item prepare(const Model &model, const ModelInputs &inputs, const tessera::lens::Metric &metric, const char *method);

// inputs with every tensor's batch repeated `batch` times.
ModelInputs repeated(const ModelInputs &inputs, int64_t batch);

// Runs the network on inputs with hooks (their residualFinal narrowed to the analysed position
// first, so the head runs there only) and returns the logits there: [batch, vocabulary or labels].
// Autograd follows the caller's grad mode.
torch::Tensor logitsAt(const Item &item, const ModelInputs &inputs, nn::Hooks hooks);

// Hooks that do nothing but narrow to the position.
nn::Hooks readOnly();

// The metric of logits rows [batch, vocabulary]: [batch].
torch::Tensor metricOf(const torch::Tensor &rows, const tessera::lens::Metric &metric);
// metric with target resolved (the top prediction of rows [1, vocabulary] when < 0) and both
// ids checked against the vocabulary (Error naming "target" / "contrast").
tessera::lens::Metric resolved(const tessera::lens::Metric &metric, const torch::Tensor &rows, const Item &item);
tessera::lens::Subject subjectOf(const Item &item, const tessera::lens::Metric &metric);

// Progress and cancellation between units of work.
void step(JobContext *context, double fraction, const std::string &message);

FloatTensor toFloat(const torch::Tensor &t);
torch::Tensor toTensor(const FloatTensor &t);

} // namespace tessera::detail::lens
