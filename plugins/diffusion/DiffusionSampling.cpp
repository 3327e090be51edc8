#include "DiffusionSampling.h"

#include "tessera/core/Pipelines.h"
#include "tessera/core/TableIO.h"

#include <algorithm>
#include <cctype>

namespace tessera::diffusionlab {

diffusion::Scheduler schedulerFor(const std::string &folder, const std::string &kind, int64_t steps)
{
    diffusion::SchedulerConfig config;
    if (!folder.empty())
        config = diffusion::schedulerConfigFor(folder, kind);
    config.kind = kind;
    diffusion::Scheduler s(config);
    s.setTimesteps(steps);
    return s;
}

diffusion::Trajectory sampleWith(const Model &model, const diffusion::Scheduler &s, const SamplingRequest &r,
                                 JobContext *context)
{
    const diffusion::NoiseSource noise = diffusion::seededNoise(r.seed);
    std::vector<int64_t> shape = diffusion::sampleShape(model);
    if (diffusion::isPointModel(model))
        shape[0] = r.points;
    const FloatTensor start = noise(-1, shape);
    return diffusion::sample(model, s, start, noise, r.eta, context);
}

std::vector<FloatTensor> sampleSeeds(const Model &model, const diffusion::Scheduler &s, const SamplingRequest &r,
                                     int count, JobContext &context)
{
    std::vector<FloatTensor> samples;
    for (int i = 0; i < count; ++i) {
        context.throwIfCancelled();
        context.setProgress(double(i) / count, "seed " + std::to_string(r.seed + uint64_t(i)));
        SamplingRequest one = r;
        one.seed = r.seed + uint64_t(i);
        samples.push_back(sampleWith(model, s, one, nullptr).previous.back());
    }
    return samples;
}

Comparison compareSamplers(const Model &model, const diffusion::Scheduler &ddpm, const diffusion::Scheduler &ddim,
                           const SamplingRequest &r, JobContext &context)
{
    Comparison c;
    c.steps = r.steps;
    SamplingRequest p = r;
    p.eta = 0.0;
    c.ddpm = sampleWith(model, ddpm, p, &context);
    SamplingRequest q = r;
    q.scheduler = "ddim";
    c.ddim = sampleWith(model, ddim, q, &context);
    return c;
}

FloatTensor forwardImageFor(const Model &model, const std::string &imagePath)
{
    const std::vector<int64_t> shape = diffusion::sampleShape(model);
    ImagePreprocessing p;
    p.height = p.width = shape[2];
    p.mean.assign(size_t(shape[1]), 0.5); // [0, 1] -> [-1, 1], as the UNet was trained
    p.std.assign(size_t(shape[1]), 0.5);
    return normalizePixels(resizeForModel(readImage(imagePath, 3), p), p);
}

void writeTrajectoryFile(const std::string &path, const diffusion::Trajectory &trajectory, bool pointModel)
{
    std::string suffix = path.substr(path.find_last_of('.') + 1);
    std::transform(suffix.begin(), suffix.end(), suffix.begin(), [](unsigned char c) { return std::tolower(c); });
    std::vector<FloatTensor> frames{trajectory.start};
    frames.insert(frames.end(), trajectory.previous.begin(), trajectory.previous.end());
    if (suffix == "safetensors") {
        diffusion::writeTrajectory(path, trajectory);
    } else if (suffix == "npy") {
        FloatTensor all;
        all.shape = frames.front().shape;
        if (pointModel) // [steps + 1, points, features]
            all.shape.insert(all.shape.begin(), int64_t(frames.size()));
        else
            all.shape[0] = int64_t(frames.size());
        for (const FloatTensor &f : frames)
            all.values.insert(all.values.end(), f.values.begin(), f.values.end());
        writeNpy(path, all);
    } else {
        const int64_t side = frames.front().shape.back();
        diffusion::writeVideo(path, frames, std::clamp(double(frames.size()) / 4.0, 4.0, 30.0),
                              int(std::clamp<int64_t>(256 / std::max<int64_t>(side, 1), 1, 16)));
    }
}

} // namespace tessera::diffusionlab
