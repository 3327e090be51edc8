#pragma once
// Random weights for the benchmarks' checkpoints (the timings do not depend on the values),
// written as safetensors under the names a loader expects.

#include "tessera/core/Matrix.h"
#include "tessera/core/Safetensors.h"

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tessera::bench {

class RandomWeights {
public:
    // deviation > 0: every draw from N(0, deviation); 0: N(0, 1 / sqrt(fan-in)) with fan-in the
    // elements per output (a convolution's in x k x k), as initialisers do.
    explicit RandomWeights(float deviation, unsigned seed = 0) : m_deviation(deviation), m_generator(seed) {}

    // fill NaN: random; else every value is fill (norm weights 1, biases 0).
    void add(const std::string &name, std::vector<int64_t> shape, float fill = NAN)
    {
        FloatTensor t;
        t.shape = std::move(shape);
        t.values.resize(size_t(t.elementCount()));
        const int64_t fanIn = t.shape.size() > 1 ? t.elementCount() / t.shape[0] : 1;
        std::normal_distribution<float> normal(0.0f, m_deviation > 0.0f ? m_deviation
                                                                        : float(1.0 / std::sqrt(double(fanIn))));
        for (float &v : t.values)
            v = std::isnan(fill) ? normal(m_generator) : fill;
        m_tensors.emplace_back(name, std::move(t));
    }

    void write(const std::string &path) const { writeSafetensors(path, m_tensors); }

private:
    float m_deviation;
    std::mt19937 m_generator;
    std::vector<std::pair<std::string, FloatTensor>> m_tensors;
};

} // namespace tessera::bench
