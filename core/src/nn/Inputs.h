#pragma once
// Internal to core (LibTorch visible): reading a family's inputs from ModelInputs, with errors
// that name the input. Plain functions; any thread.

#include "tessera/core/Model.h"

#include <torch/torch.h>

#include <cstdint>
#include <utility>

namespace tessera::detail::nn {

const IntTensor *findInteger(const ModelInputs &inputs, const char *name);
// The batch and sequence length of input_ids [batch, sequence]; {0, 0} when absent or malformed.
std::pair<int64_t, int64_t> textRunSize(const ModelInputs &inputs);
// int64 torch copy of tensor.
torch::Tensor intTensor(const IntTensor &tensor);
// input_ids (or the ids input called name) [batch, sequence], every id in [0, vocabulary), at
// most maxPositions long (0: any length).
torch::Tensor tokenIds(const ModelInputs &inputs, int64_t vocabulary, int64_t maxPositions,
                       const char *name = "input_ids");
// An optional integer input shaped like `like` with values in [0, limit) (limit <= 0: any
// non-negative value); undefined when absent.
torch::Tensor optionalInteger(const ModelInputs &inputs, const char *name, const torch::Tensor &like, int64_t limit);
// position_ids if given, else 0 .. sequence - 1 for every batch row: [batch, sequence].
torch::Tensor positionIds(const ModelInputs &inputs, const torch::Tensor &ids, int64_t maxPositions);
// pixel_values [batch, channels, size, size] as float32.
const FloatTensor &pixelValues(const ModelInputs &inputs, int64_t channels, int64_t size);

} // namespace tessera::detail::nn
