#pragma once
// Internal to core (LibTorch visible): reading a Hugging Face checkpoint's weights, shared by
// the transformer loader (models/TransformerModel.cpp) and DETR (models/detr/Detr.cpp).

#include "tessera/core/Job.h"
#include "tessera/core/Model.h"

#include "nn/Layers.h" // activation

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace tessera::detail {

// Every tensor of model.safetensors, or of the shards model.safetensors.index.json names, as
// float32 torch tensors (integer buffers such as position_ids or num_batches_tracked are kept as
// undefined tensors: not weights). Pickle files are refused with the safe alternative; errors name
// the file and key. Cancellable per tensor.
struct Checkpoint {
    std::map<std::string, torch::Tensor> tensors;
    std::map<std::string, ModelTensorInfo> infos;
    std::vector<std::string> files;
};
Checkpoint readCheckpoint(const std::string &folder, JobContext *context);

} // namespace tessera::detail
