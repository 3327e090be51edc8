#include "PeLabComputation.h"

#include "tessera/core/Error.h"

#include <algorithm>
#include <random>

namespace tessera::pelab {

PeResult computePe(const PeSettings &settings, JobContext &context)
{
    PeResult result;
    context.setProgress(0.0, "sinusoidal table");
    auto table = std::make_shared<Matrix>(pe::sinusoidalTable(settings.maxLength, settings.dModel, settings.base));
    result.table = table;

    context.throwIfCancelled();
    auto similarity = std::make_shared<Matrix>(pe::positionSimilarity(*table, settings.similarity, &context));
    result.profile = pe::similarityProfile(*similarity);
    result.similarity = similarity;

    context.throwIfCancelled();
    context.setProgress(0.8, "RoPE");
    if (settings.ropeDimension < 2 || settings.ropeDimension % 2 != 0)
        throw Error("rope-dim must be even and at least 2 (got " + std::to_string(settings.ropeDimension) + ")");
    const int pairs = settings.ropeDimension / 2;
    const int pair = std::clamp(settings.ropePair, 0, pairs - 1);
    // A fixed pseudo-random query and key, so the picture is the same every time.
    std::mt19937 generator(20211013);
    std::normal_distribution<float> normal;
    std::vector<float> query(size_t(settings.ropeDimension));
    std::vector<float> key(size_t(settings.ropeDimension));
    for (float &v : query)
        v = normal(generator);
    for (float &v : key)
        v = normal(generator);
    for (int m = 0; m < settings.ropeLength; ++m) {
        const std::vector<float> rotated = pe::ropeRotate(query, m, settings.base);
        result.ropeFast.x.push_back(rotated[0]);
        result.ropeFast.y.push_back(rotated[1]);
        result.ropeSlow.x.push_back(rotated[size_t(2 * pair)]);
        result.ropeSlow.y.push_back(rotated[size_t(2 * pair + 1)]);
    }
    auto scores = std::make_shared<Matrix>(pe::ropeScores(query, key, settings.ropeLength, settings.base));
    result.ropeSpread = pe::diagonalSpread(*scores);
    for (int offset : {0, 1, 4, 16}) {
        if (offset >= settings.ropeLength)
            break;
        result.ropeOffsets.push_back(offset);
        std::vector<double> diagonal;
        for (int m = offset; m < settings.ropeLength; ++m)
            diagonal.push_back(scores->at(m, m - offset));
        result.ropeDiagonals.push_back(std::move(diagonal));
    }
    result.ropeScores = scores;

    context.throwIfCancelled();
    context.setProgress(0.9, "ALiBi");
    result.alibiSlopes = pe::alibiSlopes(settings.alibiHeads);
    const int head = std::clamp(settings.alibiHead, 0, settings.alibiHeads - 1);
    result.alibiBias = std::make_shared<Matrix>(
        pe::alibiBias(result.alibiSlopes[size_t(head)], settings.alibiLength, settings.causal));

    if (settings.learned) {
        context.throwIfCancelled();
        context.setProgress(0.95, "learned table");
        result.learnedSimilarity =
            std::make_shared<Matrix>(pe::positionSimilarity(*settings.learned, pe::Similarity::Cosine, &context));
    }
    context.setProgress(1.0, "done");
    return result;
}

} // namespace tessera::pelab
