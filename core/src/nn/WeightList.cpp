#include "WeightList.h"

#include <algorithm>

namespace tessera::detail::nn {

std::string WeightList::tensor(const std::string &name, std::vector<int64_t> shape)
{
    m_entries.push_back({name, std::move(shape), m_part, {}, {}});
    return name;
}

std::string WeightList::tied(const std::string &name, std::vector<int64_t> shape, const std::string &tiedTo)
{
    m_entries.push_back({name, std::move(shape), m_part, tiedTo, {}});
    return name;
}

std::string WeightList::tensorAlsoStoredAs(const std::string &name, std::vector<int64_t> shape,
                                           const std::string &other)
{
    m_entries.push_back({name, std::move(shape), m_part, {}, other});
    return name;
}

Linear WeightList::linear(const std::string &name, int64_t out, int64_t in, bool bias)
{
    Linear layer{tensor(name + ".weight", {out, in}), {}};
    if (bias)
        layer.bias = tensor(name + ".bias", {out});
    return layer;
}

Conv1D WeightList::conv1d(const std::string &name, int64_t in, int64_t out)
{
    return {tensor(name + ".weight", {in, out}), tensor(name + ".bias", {out})};
}

LayerNorm WeightList::layerNorm(const std::string &name, int64_t size, double eps)
{
    return {tensor(name + ".weight", {size}), tensor(name + ".bias", {size}), eps};
}

bool WeightList::has(Part part) const
{
    return std::any_of(m_entries.begin(), m_entries.end(), [&](const WeightSpec &e) { return e.part == part; });
}

} // namespace tessera::detail::nn
