#include "Rotary.h"

#include <vector>

namespace tessera::detail::nn {

std::pair<torch::Tensor, torch::Tensor> rotaryTables(const RotaryEmbedding &rope, int64_t headSize,
                                                     int64_t maxPositions, const torch::Tensor &positions)
{
    const int64_t longest = positions.numel() ? positions.max().item<int64_t>() + 1 : 0;
    const pe::RotaryFrequencies frequencies = pe::rotaryFrequencies(rope, headSize, maxPositions, longest);
    std::vector<float> inverse(frequencies.inverseFrequencies.begin(), frequencies.inverseFrequencies.end());
    const torch::Tensor inv = torch::from_blob(inverse.data(), {int64_t(inverse.size())}, torch::kFloat32).clone();
    // The angles in float32, as transformers multiplies them.
    const torch::Tensor angles = positions.to(torch::kFloat32).unsqueeze(-1) * inv.view({1, 1, -1});
    const torch::Tensor both = torch::cat({angles, angles}, -1);
    torch::Tensor cos = both.cos(), sin = both.sin();
    if (frequencies.attentionScaling != 1.0) {
        cos = cos * frequencies.attentionScaling;
        sin = sin * frequencies.attentionScaling;
    }
    return {cos, sin};
}

torch::Tensor applyRotary(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin)
{
    const int64_t half = x.size(-1) / 2;
    const torch::Tensor rotated = torch::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
    return x * cos.unsqueeze(2) + rotated * sin.unsqueeze(2);
}

} // namespace tessera::detail::nn
