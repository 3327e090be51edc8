#pragma once
// What the Diffusion lab runs, without Qt: one sampling run, several seeds, DDPM against DDIM,
// each from a seed's x_T and noise draws, and the scheduler a model folder configures. The job
// bodies of the panel; any thread (each call works on its own data).

#include "tessera/core/Diffusion.h"
#include "tessera/core/Job.h"

#include <string>
#include <vector>

namespace tessera::diffusionlab {

// What a sampling run asked for.
struct SamplingRequest {
    std::string scheduler = "ddim";
    int64_t steps = 50;
    double eta = 0.0;
    uint64_t seed = 1;
    int64_t points = 1000; // samples of a point model in one batch
};

struct Comparison {
    int64_t steps = 0;
    diffusion::Trajectory ddpm;
    diffusion::Trajectory ddim;
};

// The scheduler of kind ("ddpm", "ddim") with steps timesteps, configured by the model folder's
// scheduler/ (the defaults when folder is empty). Throws tessera::Error.
diffusion::Scheduler schedulerFor(const std::string &folder, const std::string &kind, int64_t steps);

// x_T from the seed's first draw, then the step noises from the same generator.
diffusion::Trajectory sampleWith(const Model &model, const diffusion::Scheduler &scheduler, const SamplingRequest &r,
                                 JobContext *context);
// The final samples of seeds r.seed .. r.seed + count - 1.
std::vector<FloatTensor> sampleSeeds(const Model &model, const diffusion::Scheduler &scheduler,
                                     const SamplingRequest &r, int count, JobContext &context);
// DDPM and DDIM (eta 0) from the same x_T, r.steps each.
Comparison compareSamplers(const Model &model, const diffusion::Scheduler &ddpm, const diffusion::Scheduler &ddim,
                           const SamplingRequest &r, JobContext &context);

// The image file as x0 of the forward view: resized to what model samples, in [-1, 1].
FloatTensor forwardImageFor(const Model &model, const std::string &imagePath);

// Writes the trajectory by path's suffix: .safetensors (the fixture's names), .npy (the x_t
// frames [steps + 1, C, H, W], or [steps + 1, points, features] for a point model) or .mp4 (the
// denoising as a video). Throws tessera::Error when writing fails.
void writeTrajectoryFile(const std::string &path, const diffusion::Trajectory &trajectory, bool pointModel);

} // namespace tessera::diffusionlab
