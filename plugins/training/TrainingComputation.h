#pragma once
// The training studio's own job bodies (training itself is core's train()). No Qt types;
// they run on a worker thread.

#include "tessera/core/Job.h"

#include <cstdint>
#include <string>

namespace tessera::training {

// Continues prompt with the GPT of a run folder: 200 tokens, temperature 0.8, top-k 40.
// Throws tessera::Error when the folder holds no generating model, CancelledError when cancelled.
std::string sampleText(const std::string &folder, const std::string &prompt, uint64_t seed, JobContext &context);

} // namespace tessera::training
