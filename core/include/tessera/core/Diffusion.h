#pragma once
// Diffusion (the study notes 002:3027-3136): a diffusers UNet2DModel run natively, and the DDPM
// and DDIM schedulers of diffusers, numerically equal to them (fixtures/diffusers/ddpm-tiny).
//
// The UNet is a tessera::Model: loadModel() opens a diffusers folder (config.json with
// "_class_name": "UNet2DModel" and diffusion_pytorch_model.safetensors), and run() takes
//   floats   "sample"   [batch, channels, height, width]
//   integers "timestep" [1] or [batch]
// and returns "sample", the UNet's output (the predicted noise for epsilon models). The toy
// denoiser of the 2-D recipes is a Model the same way, on samples [points, features].
// Plain C++; any thread (a scheduler is a value: one per sampling run).

#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"
#include "tessera/core/Model.h"
#include "tessera/core/Pipelines.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tessera::diffusion {

// scheduler_config.json of DDPMScheduler / DDIMScheduler (the fields that change the numbers).
struct SchedulerConfig {
    std::string kind = "ddpm"; // "ddpm" or "ddim" (from _class_name)
    int64_t trainTimesteps = 1000;
    double betaStart = 0.0001;
    double betaEnd = 0.02;
    std::string betaSchedule = "linear";      // linear, scaled_linear, squaredcos_cap_v2
    std::string predictionType = "epsilon";   // epsilon, sample, v_prediction
    std::string varianceType = "fixed_small"; // DDPM: fixed_small, fixed_large
    bool clipSample = true;
    double clipSampleRange = 1.0;
    std::string timestepSpacing = "leading"; // leading, trailing, linspace
    int64_t stepsOffset = 0;
    bool setAlphaToOne = true; // DDIM: alpha-bar before the first step

    // Throws tessera::Error naming the file and key for values outside the supported set.
    static SchedulerConfig fromFile(const std::string &path);
};

// A DDPM or DDIM schedule with its step count, as diffusers' set_timesteps leaves it.
class Scheduler {
public:
    explicit Scheduler(SchedulerConfig config);
    const SchedulerConfig &config() const { return m_config; }

    const std::vector<float> &betas() const { return m_betas; }                 // [trainTimesteps]
    const std::vector<float> &alphasCumprod() const { return m_alphasCumprod; } // alpha-bar_t
    // Signal-to-noise ratio alpha-bar_t / (1 - alpha-bar_t), per training timestep.
    std::vector<double> signalToNoise() const;

    // Throws tessera::Error when steps is not in [1, trainTimesteps].
    void setTimesteps(int64_t steps);
    const std::vector<int64_t> &timesteps() const { return m_timesteps; } // descending

    struct StepResult {
        FloatTensor predictedOriginal; // pred_x0
        FloatTensor previous;          // x_{t-1} (x_prev)
    };
    // One reverse step from x_t (sample) with the model output at timestep t. noise is the
    // Gaussian draw this step needs (same shape as sample), or nullptr when it needs none;
    // needsNoise(t, eta) says whether it does. eta is DDIM's (ignored by DDPM).
    StepResult step(const FloatTensor &modelOutput, int64_t t, const FloatTensor &sample, const FloatTensor *noise,
                    double eta = 0.0) const;
    bool needsNoise(int64_t t, double eta = 0.0) const;

    // q(x_t | x_0): sqrt(alpha-bar_t) x0 + sqrt(1 - alpha-bar_t) noise.
    FloatTensor addNoise(const FloatTensor &original, const FloatTensor &noise, int64_t t) const;

private:
    int64_t previousTimestep(int64_t t) const;
    SchedulerConfig m_config;
    std::vector<float> m_betas;
    std::vector<float> m_alphasCumprod;
    std::vector<int64_t> m_timesteps;
    int64_t m_steps = 0;
};

// The scheduler config of a diffusers model folder: scheduler/ for DDPM, scheduler_ddim/ (or
// scheduler/ converted) for DDIM; kind "ddpm" or "ddim". Throws tessera::Error when none.
SchedulerConfig schedulerConfigFor(const std::string &modelFolder, const std::string &kind);

// Where the Gaussian draws come from: the i-th call asks for the i-th draw of shape.
using NoiseSource = std::function<FloatTensor(int64_t index, const std::vector<int64_t> &shape)>;
// Draws from a seeded generator (torch's CPU generator; deterministic for a seed).
NoiseSource seededNoise(uint64_t seed);

struct Trajectory {
    std::vector<int64_t> timesteps;
    FloatTensor start;                          // x_T
    std::vector<FloatTensor> modelOutputs;      // per step: eps
    std::vector<FloatTensor> predictedOriginal; // per step: pred_x0
    std::vector<FloatTensor> previous;          // per step: x_prev
    double seconds = 0.0;                       // wall time of the loop
    double modelSeconds = 0.0;                  // of which in the UNet
};

// Denoises start (x_T) with the model through the scheduler's timesteps. Progress per step,
// cancellable between steps. Throws tessera::Error for a model that is not a UNet or a start
// whose shape the model does not take.
Trajectory sample(const Model &unet, const Scheduler &scheduler, const FloatTensor &start, const NoiseSource &noise,
                  double eta = 0.0, JobContext *context = nullptr);

// A diffusion model folder? config.json's _class_name is "UNet2DModel" (diffusers) or
// "TesseraToyDenoiser" (Tessera's MLP for 2-D points, trained by the diffusion-* toy recipes;
// same folder layout). loadModel() calls loadDiffusionModel for these; it throws
// tessera::Error naming the file and key for what does not fit (every weight's shape is
// checked against the config at load).
bool isDiffusionModel(const std::string &folder);
std::unique_ptr<Model> loadDiffusionModel(const std::string &folder, JobContext *context = nullptr);

// A model of points (the toy denoiser: samples [points, features]) rather than images?
bool isPointModel(const Model &model);

// The shape a model samples: [1, in_channels, sample_size, sample_size] for a UNet, [1, features]
// for a point model (one point; sample any number as [points, features]).
std::vector<int64_t> sampleShape(const Model &model);

// A sample [1, C, H, W] (or [C, H, W]) in [-1, 1] as 8-bit pixels, (x + 1) / 2 clamped: grey for
// one channel, RGB for three. Throws tessera::Error for other shapes.
Image8 toImage(const FloatTensor &sample);

// The denoising as a video: one frame per sample (as toImage), enlarged by scale without
// smoothing, fps frames a second, MPEG-4 through OpenCV. Written aside, then renamed.
void writeVideo(const std::string &path, const std::vector<FloatTensor> &frames, double fps = 12.0, int scale = 8);

// Writes a trajectory in the fixture's names: timesteps, x_T, step{i}.eps, step{i}.pred_x0,
// step{i}.x_prev (float32; timesteps as int64), atomically.
void writeTrajectory(const std::string &path, const Trajectory &trajectory);

// The 2-D toy distributions of the diffusion-* training recipes: "swiss-roll" (scikit-learn's
// make_swiss_roll, x and z, divided by 7, noise 0.02), "moons" (make_moons with noise 0.05,
// centred, times 1.25), "8-gaussians" (radius 2, standard deviation 0.1). toyPoints draws count
// points [count, 2], the same for a seed; throws tessera::Error for an unknown name.
const std::vector<std::string> &toyDistributions();
FloatTensor toyPoints(const std::string &name, int64_t count, uint64_t seed);
// The distribution a toy denoiser folder was trained on (config.json's "training_data"), or "".
std::string toyDistributionOf(const std::string &modelFolder);

// How close a toy denoiser's samples come to its distribution: points sampled by DDIM (steps,
// eta 0, seed 1, the folder's scheduler), each one's distance to the nearest of 5000 points of
// the distribution, averaged; beside the same for as many other points of the distribution
// (what a perfect model scores). Throws tessera::Error for models that are not point models.
struct ToySampleQuality {
    double sampleToData = 0.0;
    double dataToData = 0.0;
};
ToySampleQuality toySampleQuality(const Model &model, const std::string &name, int64_t points = 2000,
                                  int64_t steps = 100, JobContext *context = nullptr);

} // namespace tessera::diffusion
