#pragma once
// Internal to core: a model fed token by token (generation). Families with incremental
// decoding (Architecture::decodeStep) keep a key/value cache; the others rerun the whole
// sequence (at most the model's positions long, the oldest tokens dropped). One Decoder per
// generation, on one thread.

#include "tessera/core/Model.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace tessera::detail {

class Decoder {
public:
    virtual ~Decoder() = default;
    // Feeds ids after those fed before; the next-token logits [vocabulary] after the last.
    virtual std::vector<float> next(const std::vector<int64_t> &ids) = 0;
};

std::unique_ptr<Decoder> makeDecoder(const Model &model);

} // namespace tessera::detail
