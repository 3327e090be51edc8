#include "Inputs.h"

#include "tessera/core/Error.h"

#include <string>

namespace tessera::detail::nn {

const IntTensor *findInteger(const ModelInputs &inputs, const char *name)
{
    const auto it = inputs.integers.find(name);
    return it == inputs.integers.end() ? nullptr : &it->second;
}

std::pair<int64_t, int64_t> textRunSize(const ModelInputs &inputs)
{
    const IntTensor *ids = findInteger(inputs, "input_ids");
    return ids && ids->shape.size() == 2 ? std::pair{ids->shape[0], ids->shape[1]} : std::pair<int64_t, int64_t>{};
}

torch::Tensor intTensor(const IntTensor &tensor)
{
    return torch::from_blob(const_cast<int64_t *>(tensor.values.data()), tensor.shape, torch::kInt64).clone();
}

torch::Tensor tokenIds(const ModelInputs &inputs, int64_t vocabulary, int64_t maxPositions, const char *name)
{
    const IntTensor *ids = findInteger(inputs, name);
    if (!ids)
        throw Error(std::string("this model needs ") + name);
    if (ids->shape.size() != 2 || ids->shape[0] < 1 || ids->shape[1] < 1)
        throw Error(std::string(name) + " must be [batch, sequence], found " + shapeToString(ids->shape), {}, name);
    if (int64_t(ids->values.size()) != ids->shape[0] * ids->shape[1])
        throw Error("holds " + std::to_string(ids->values.size()) + " values for shape " + shapeToString(ids->shape),
                    {}, name);
    for (int64_t id : ids->values)
        if (id < 0 || id >= vocabulary)
            throw Error("token id " + std::to_string(id) + " is outside the vocabulary of " +
                            std::to_string(vocabulary),
                        {}, name);
    if (maxPositions > 0 && ids->shape[1] > maxPositions)
        throw Error("sequence of " + std::to_string(ids->shape[1]) + " tokens is longer than the " +
                        std::to_string(maxPositions) + " positions this model has learned; truncate the text",
                    {}, name);
    return intTensor(*ids);
}

torch::Tensor optionalInteger(const ModelInputs &inputs, const char *name, const torch::Tensor &like, int64_t limit)
{
    const IntTensor *tensor = findInteger(inputs, name);
    if (!tensor)
        return torch::Tensor();
    if (tensor->shape != like.sizes().vec())
        throw Error("shape " + shapeToString(tensor->shape) + " differs from input_ids " +
                        shapeToString(like.sizes().vec()),
                    {}, name);
    for (int64_t v : tensor->values)
        if (v < 0 || (limit > 0 && v >= limit))
            throw Error("value " + std::to_string(v) + " is outside [0, " + std::to_string(limit) + ")", {}, name);
    return intTensor(*tensor);
}

torch::Tensor positionIds(const ModelInputs &inputs, const torch::Tensor &ids, int64_t maxPositions)
{
    torch::Tensor positions = optionalInteger(inputs, "position_ids", ids, maxPositions);
    if (!positions.defined())
        positions = torch::arange(ids.size(1), torch::kInt64).unsqueeze(0).expand({ids.size(0), ids.size(1)});
    return positions;
}

const FloatTensor &pixelValues(const ModelInputs &inputs, int64_t channels, int64_t size)
{
    const auto found = inputs.floats.find("pixel_values");
    if (found == inputs.floats.end())
        throw Error("this model needs pixel_values");
    const FloatTensor &pixels = found->second;
    if (pixels.shape.size() != 4 || pixels.shape[1] != channels || pixels.shape[2] != size || pixels.shape[3] != size)
        throw Error("expected [batch, " + std::to_string(channels) + ", " + std::to_string(size) + ", " +
                        std::to_string(size) + "], found " + shapeToString(pixels.shape),
                    {}, "pixel_values");
    return pixels;
}

} // namespace tessera::detail::nn
