#include "tessera/core/PositionalEncoding.h"

#include "tessera/core/MemoryGuard.h"

#include "tessera/core/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tessera::pe {

Matrix sinusoidalTable(int maxLength, int dModel, double base)
{
    if (maxLength < 1 || dModel < 1)
        throw Error("max_len and d_model must be at least 1 (got max_len " + std::to_string(maxLength) + ", d_model " +
                    std::to_string(dModel) + ")");
    if (!(base > 1.0))
        throw Error("the base of the sinusoidal encoding must be greater than 1");
    Matrix table(maxLength, dModel);
    for (int i = 0; 2 * i < dModel; ++i) {
        // Computed in double: float loses the low dimensions' slow frequencies at long positions.
        const double inverseFrequency = std::pow(base, -2.0 * i / dModel);
        for (int pos = 0; pos < maxLength; ++pos) {
            const double angle = pos * inverseFrequency;
            table.at(pos, 2 * i) = static_cast<float>(std::sin(angle));
            if (2 * i + 1 < dModel)
                table.at(pos, 2 * i + 1) = static_cast<float>(std::cos(angle));
        }
    }
    return table;
}

Matrix positionSimilarity(const Matrix &table, Similarity similarity, JobContext *context)
{
    const int64_t n = table.rows;
    const int64_t d = table.cols;
    requireMemory(double(n) * double(n) * 4.0,
                  "The " + std::to_string(n) + " x " + std::to_string(n) + " similarity matrix of a position table",
                  "Tabulate fewer positions (max-len), or compare a window of the table.");
    std::vector<double> norms(static_cast<size_t>(n), 1.0);
    if (similarity == Similarity::Cosine) {
        for (int64_t p = 0; p < n; ++p) {
            double sum = 0.0;
            for (int64_t c = 0; c < d; ++c)
                sum += double(table.at(p, c)) * table.at(p, c);
            norms[size_t(p)] = std::sqrt(sum);
        }
    }
    Matrix result(n, n);
    for (int64_t p = 0; p < n; ++p) {
        if (context && p % 16 == 0) {
            context->throwIfCancelled();
            // Row p costs n - p dot products: progress by work done, not rows.
            const double done = double(p) * (2.0 * n - p) / (double(n) * n);
            context->setProgress(done, "similarity of position " + std::to_string(p) + " of " + std::to_string(n));
        }
        const float *rowP = &table.values[size_t(p * d)];
        for (int64_t q = p; q < n; ++q) {
            const float *rowQ = &table.values[size_t(q * d)];
            double dot = 0.0;
            for (int64_t c = 0; c < d; ++c)
                dot += double(rowP[c]) * rowQ[c];
            double value = dot;
            if (similarity == Similarity::Cosine) {
                const double denominator = norms[size_t(p)] * norms[size_t(q)];
                value = denominator > 0.0 ? dot / denominator : std::numeric_limits<double>::quiet_NaN();
            }
            result.at(p, q) = result.at(q, p) = static_cast<float>(value);
        }
    }
    return result;
}

std::vector<double> similarityProfile(const Matrix &s)
{
    const int64_t n = std::min(s.rows, s.cols);
    std::vector<double> profile(static_cast<size_t>(n), 0.0);
    for (int64_t k = 0; k < n; ++k) {
        double sum = 0.0;
        int64_t count = 0;
        for (int64_t p = 0; p + k < n; ++p) {
            const float v = s.at(p, p + k);
            if (std::isfinite(v)) {
                sum += v;
                ++count;
            }
        }
        profile[size_t(k)] = count ? sum / double(count) : std::numeric_limits<double>::quiet_NaN();
    }
    return profile;
}

double ropeTheta(int pairIndex, int dimension, double base)
{
    return std::pow(base, -2.0 * pairIndex / dimension);
}

std::vector<float> ropeRotate(const std::vector<float> &x, double position, double base)
{
    const int d = static_cast<int>(x.size());
    if (d == 0 || d % 2 != 0)
        throw Error("RoPE needs an even, non-zero vector size (got " + std::to_string(d) + ")");
    std::vector<float> rotated(x.size());
    for (int i = 0; i < d / 2; ++i) {
        const double angle = position * ropeTheta(i, d, base);
        const double c = std::cos(angle);
        const double s = std::sin(angle);
        const double a = x[size_t(2 * i)];
        const double b = x[size_t(2 * i + 1)];
        rotated[size_t(2 * i)] = static_cast<float>(a * c - b * s);
        rotated[size_t(2 * i + 1)] = static_cast<float>(a * s + b * c);
    }
    return rotated;
}

Matrix ropeScores(const std::vector<float> &query, const std::vector<float> &key, int length, double base)
{
    if (query.size() != key.size())
        throw Error("query and key must have the same size");
    if (length < 1)
        throw Error("the RoPE length must be at least 1");
    std::vector<std::vector<float>> rotatedQ(static_cast<size_t>(length));
    std::vector<std::vector<float>> rotatedK(static_cast<size_t>(length));
    for (int m = 0; m < length; ++m) {
        rotatedQ[size_t(m)] = ropeRotate(query, m, base);
        rotatedK[size_t(m)] = ropeRotate(key, m, base);
    }
    Matrix scores(length, length);
    for (int m = 0; m < length; ++m)
        for (int n = 0; n < length; ++n) {
            double dot = 0.0;
            for (size_t c = 0; c < query.size(); ++c)
                dot += double(rotatedQ[size_t(m)][c]) * rotatedK[size_t(n)][c];
            scores.at(m, n) = static_cast<float>(dot);
        }
    return scores;
}

double diagonalSpread(const Matrix &scores)
{
    double worst = 0.0;
    const int64_t n = std::min(scores.rows, scores.cols);
    for (int64_t offset = -(n - 1); offset <= n - 1; ++offset) {
        double low = std::numeric_limits<double>::infinity();
        double high = -low;
        for (int64_t m = std::max<int64_t>(0, offset); m < n && m - offset < n; ++m) {
            const double v = scores.at(m, m - offset);
            low = std::min(low, v);
            high = std::max(high, v);
        }
        if (high >= low)
            worst = std::max(worst, high - low);
    }
    return worst;
}

std::vector<double> alibiSlopes(int heads)
{
    if (heads < 1)
        throw Error("ALiBi needs at least one head");
    auto powerOfTwoSlopes = [](int n) {
        std::vector<double> slopes;
        const double start = std::pow(2.0, -8.0 / n);
        for (int i = 0; i < n; ++i)
            slopes.push_back(std::pow(start, i + 1));
        return slopes;
    };
    int closest = 1;
    while (closest * 2 <= heads)
        closest *= 2;
    std::vector<double> slopes = powerOfTwoSlopes(closest);
    if (closest != heads) {
        const std::vector<double> extra = powerOfTwoSlopes(2 * closest);
        for (int i = 0; i < heads - closest; ++i)
            slopes.push_back(extra[size_t(2 * i)]);
    }
    return slopes;
}

Matrix alibiBias(double slope, int length, bool causal)
{
    if (length < 1)
        throw Error("the ALiBi length must be at least 1");
    Matrix bias(length, length);
    for (int i = 0; i < length; ++i)
        for (int j = 0; j < length; ++j)
            bias.at(i, j) = (causal && j > i) ? std::numeric_limits<float>::quiet_NaN()
                                              : static_cast<float>(-slope * std::abs(i - j));
    return bias;
}

RotaryFrequencies rotaryFrequencies(const RotaryEmbedding &rope, int64_t headSize, int64_t maxPositions,
                                    int64_t sequenceLength)
{
    if (headSize < 2 || headSize % 2 != 0)
        throw Error("RoPE needs an even head size, not " + std::to_string(headSize));
    if (!(rope.theta > 1.0))
        throw Error("rope_theta must be greater than 1, not " + std::to_string(rope.theta));
    const int64_t pairs = headSize / 2;
    const double dim = double(headSize);
    double base = rope.theta;
    RotaryFrequencies out;
    const std::string &type = rope.type;
    if (type != "default" && !(rope.factor > 0.0))
        throw Error("RoPE " + type + " scaling needs a positive factor, not " + std::to_string(rope.factor));
    if (type == "dynamic" && maxPositions > 0 && sequenceLength > maxPositions) {
        // Dynamic NTK: the base grows with the context beyond what the model was trained on.
        const double ratio = rope.factor * double(sequenceLength) / double(maxPositions) - (rope.factor - 1.0);
        base *= std::pow(ratio, dim / (dim - 2.0));
    }
    out.inverseFrequencies.resize(size_t(pairs));
    for (int64_t i = 0; i < pairs; ++i)
        out.inverseFrequencies[size_t(i)] = 1.0 / std::pow(base, double(2 * i) / dim);
    if (type == "default" || type == "dynamic")
        return out;
    if (type == "linear") {
        for (double &f : out.inverseFrequencies)
            f /= rope.factor;
        return out;
    }
    if (type == "llama3") {
        // Llama 3.1: wavelengths longer than original / low_freq_factor are stretched by factor,
        // shorter than original / high_freq_factor kept, the band between blended smoothly.
        const double original = double(rope.originalMaxPositions > 0 ? rope.originalMaxPositions : 8192);
        const double low = rope.lowFrequencyFactor, high = rope.highFrequencyFactor;
        if (!(high > low))
            throw Error("llama3 RoPE needs high_freq_factor above low_freq_factor");
        const double lowWavelength = original / low, highWavelength = original / high;
        for (double &f : out.inverseFrequencies) {
            const double wavelength = 2.0 * M_PI / f;
            if (wavelength > lowWavelength) {
                f /= rope.factor;
            } else if (!(wavelength < highWavelength)) {
                const double smooth = (original / wavelength - low) / (high - low);
                f = (1.0 - smooth) * f / rope.factor + smooth * f;
            }
        }
        return out;
    }
    if (type == "yarn") {
        // YaRN (Peng et al. 2023): dimensions that turn fewer than beta_slow times over the
        // original context are interpolated (divided by factor), those turning more than
        // beta_fast times kept, a linear ramp between; cos and sin scaled by the attention factor.
        const double original = double(rope.originalMaxPositions > 0 ? rope.originalMaxPositions : maxPositions);
        if (!(original > 0.0))
            throw Error("yarn RoPE needs original_max_position_embeddings or max_position_embeddings");
        auto mscaleOf = [](double scale, double m) { return scale <= 1.0 ? 1.0 : 0.1 * m * std::log(scale) + 1.0; };
        if (rope.attentionFactor > 0.0)
            out.attentionScaling = rope.attentionFactor;
        else if (rope.mscale > 0.0 && rope.mscaleAllDim > 0.0)
            out.attentionScaling = mscaleOf(rope.factor, rope.mscale) / mscaleOf(rope.factor, rope.mscaleAllDim);
        else
            out.attentionScaling = mscaleOf(rope.factor, 1.0);
        auto correctionDimension = [&](double rotations) {
            return dim * std::log(original / (rotations * 2.0 * M_PI)) / (2.0 * std::log(base));
        };
        double low = correctionDimension(rope.betaFast), high = correctionDimension(rope.betaSlow);
        if (rope.truncate) {
            low = std::floor(low);
            high = std::ceil(high);
        }
        low = std::max(low, 0.0);
        high = std::min(high, dim - 1.0);
        if (low == high)
            high += 0.001; // no zero-width ramp
        for (int64_t i = 0; i < pairs; ++i) {
            const double ramp = std::clamp((double(i) - low) / (high - low), 0.0, 1.0);
            const double extrapolation = 1.0 - ramp; // the share of the unscaled frequency
            double &f = out.inverseFrequencies[size_t(i)];
            f = f / rope.factor * (1.0 - extrapolation) + f * extrapolation;
        }
        return out;
    }
    throw Error("RoPE type \"" + type + "\" is not supported (default, linear, dynamic, llama3 and yarn are)");
}

} // namespace tessera::pe
