// The diffusion recipes of the training studio (the study notes 002:3027-3136): a denoiser
// learns to predict the noise eps that q(x_t | x_0) added, with the DDPM objective
//   L = E_{x0, t ~ U{0..T-1}, eps ~ N(0, I)} || eps - eps_theta(sqrt(abar_t) x0 + sqrt(1 - abar_t) eps, t) ||^2
// (Ho et al. 2020, "simple" loss), on train()'s machinery (AdamW, schedules, clipping,
// checkpoints, resume). Saved in diffusers' folder layout: config.json,
// diffusion_pytorch_model.safetensors and scheduler/scheduler_config.json (a DDPMScheduler).

#include "tessera/core/Datasets.h"
#include "tessera/core/Diffusion.h"
#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Safetensors.h"

#include "models/unet/DiffusionNetwork.h"
#include "../TorchTensors.h"
#include "Recipe.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <random>

namespace tessera::detail {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kTrainTimesteps = 1000;
constexpr double kPi = 3.14159265358979323846;

// diffusers' DDPMScheduler defaults (linear betas 1e-4 .. 0.02 over 1000 steps, epsilon
// prediction, fixed_small variance), the predicted x0 clipped to the data's range: [-1, 1] for
// images, [-3, 3] for the toys (all their points lie within 2.5 of the origin; without the clip
// the 1 / sqrt(alpha-bar) ~ 156 of the first steps throws a few points far out).
nlohmann::json schedulerJson(double clipRange)
{
    return {{"_class_name", "DDPMScheduler"},
            {"_diffusers_version", "0.30.0"},
            {"num_train_timesteps", kTrainTimesteps},
            {"beta_start", 0.0001},
            {"beta_end", 0.02},
            {"beta_schedule", "linear"},
            {"prediction_type", "epsilon"},
            {"variance_type", "fixed_small"},
            {"clip_sample", true},
            {"clip_sample_range", clipRange},
            {"timestep_spacing", "leading"},
            {"steps_offset", 0},
            {"trained_betas", nullptr},
            {"thresholding", false}};
}

diffusion::SchedulerConfig schedulerConfigOf(const nlohmann::json &j)
{
    diffusion::SchedulerConfig c;
    c.trainTimesteps = j["num_train_timesteps"].get<int64_t>();
    c.betaStart = j["beta_start"].get<double>();
    c.betaEnd = j["beta_end"].get<double>();
    c.betaSchedule = j["beta_schedule"].get<std::string>();
    c.clipSample = j["clip_sample"].get<bool>();
    c.clipSampleRange = j["clip_sample_range"].get<double>();
    return c;
}

// The points of a toy distribution [size, 2], from random.
torch::Tensor toyPoints(const std::string &shape, int64_t size, std::mt19937_64 &random)
{
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::normal_distribution<double> normal(0.0, 1.0);
    torch::Tensor x = torch::empty({size, 2}, torch::kFloat32);
    float *p = x.data_ptr<float>();
    for (int64_t i = 0; i < size; ++i) {
        double a = 0.0, b = 0.0;
        if (shape == "swiss-roll") { // scikit-learn's make_swiss_roll (x and z), divided by 7
            const double t = 1.5 * kPi * (1.0 + 2.0 * uniform(random));
            a = t * std::cos(t) / 7.0 + 0.02 * normal(random);
            b = t * std::sin(t) / 7.0 + 0.02 * normal(random);
        } else if (shape == "moons") { // make_moons, noise 0.05, centred, times 1.25
            const double angle = kPi * uniform(random);
            const bool upper = uniform(random) < 0.5;
            a = upper ? std::cos(angle) : 1.0 - std::cos(angle);
            b = upper ? std::sin(angle) : 0.5 - std::sin(angle);
            a = (a - 0.5 + 0.05 * normal(random)) * 1.25;
            b = (b - 0.25 + 0.05 * normal(random)) * 1.25;
        } else { // eight gaussians on a circle of radius 2, standard deviation 0.1
            const int k = int(uniform(random) * 8.0) % 8;
            a = 2.0 * std::cos(k * kPi / 4.0) + 0.1 * normal(random);
            b = 2.0 * std::sin(k * kPi / 4.0) + 0.1 * normal(random);
        }
        p[2 * i] = float(a);
        p[2 * i + 1] = float(b);
    }
    return x;
}

class DiffusionRecipe : public Recipe {
public:
    DiffusionRecipe(const TrainingOptions &o, nlohmann::json modelConfig, double clipRange)
        : m_options(o), m_json(std::move(modelConfig)), m_schedulerJson(schedulerJson(clipRange)),
          m_scheduler(schedulerConfigOf(m_schedulerJson))
    {
        m_shapes = diffusion::detail::weightShapes(m_json); // refuses impossible sizes now, not at step 1
    }

    // x0 for a batch: the data, [size, ...].
    virtual torch::Tensor data(int64_t step, bool heldOut, int64_t size) const = 0;

    Batch batch(int64_t step, bool heldOut, int64_t size) const override
    {
        const torch::Tensor x0 = data(step, heldOut, size);
        std::mt19937_64 random = streamFor(m_options.seed, heldOut ? 7 : 6, uint64_t(step));
        std::uniform_int_distribution<int64_t> anyTimestep(0, kTrainTimesteps - 1);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<int64_t> t(static_cast<size_t>(size));
        for (int64_t &v : t)
            v = anyTimestep(random);
        std::vector<float> draws(static_cast<size_t>(x0.numel()));
        for (float &v : draws)
            v = normal(random);
        const torch::Tensor noise = torch::from_blob(draws.data(), x0.sizes(), torch::kFloat32).clone();
        std::vector<float> abar(static_cast<size_t>(size));
        for (int64_t b = 0; b < size; ++b)
            abar[size_t(b)] = m_scheduler.alphasCumprod()[size_t(t[size_t(b)])];
        std::vector<int64_t> broadcast(size_t(x0.dim()), 1);
        broadcast[0] = size;
        const torch::Tensor a = torch::from_blob(abar.data(), {size}, torch::kFloat32).clone().reshape(broadcast);
        const torch::Tensor noisy = torch::sqrt(a) * x0 + torch::sqrt(1.0 - a) * noise;
        Batch result;
        result.inputs.floats["sample"] = fromTorch(noisy);
        result.inputs.integers["timestep"] = {{size}, t};
        result.targets = noise;
        return result;
    }

    WeightShapes weightShapes(const ModelConfig &) const override { return m_shapes; }

    // PyTorch's default initialisation of nn.Linear and nn.Conv2d (kaiming_uniform with a = sqrt 5:
    // weights and biases uniform in +-1/sqrt(fan_in)), group norms at weight 1, bias 0, as a
    // freshly built diffusers model. Drawn from a std::mt19937_64 so that a seed gives the same
    // model with any LibTorch.
    Weights initialWeights(const ModelConfig &, uint64_t seed) const override
    {
        std::mt19937_64 random = streamFor(seed, 0, 0);
        std::map<std::string, int64_t> fanIn;
        for (const auto &[name, shape] : m_shapes)
            if (shape.size() >= 2)
                fanIn[name.substr(0, name.rfind('.'))] =
                    std::accumulate(shape.begin() + 1, shape.end(), int64_t(1), std::multiplies<int64_t>());
        Weights weights;
        for (const auto &[name, shape] : m_shapes) {
            const std::string layer = name.substr(0, name.rfind('.'));
            const bool isBias = name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
            const int64_t count = std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<int64_t>());
            std::vector<float> values(static_cast<size_t>(count), 0.0f);
            const auto fan = fanIn.find(layer);
            if (fan == fanIn.end()) { // a group norm
                if (!isBias)
                    std::fill(values.begin(), values.end(), 1.0f);
            } else {
                const float bound = float(1.0 / std::sqrt(double(fan->second)));
                std::uniform_real_distribution<float> uniform(-bound, bound);
                for (float &v : values)
                    v = uniform(random);
            }
            weights[name] = torch::from_blob(values.data(), shape, torch::kFloat32).clone().requires_grad_(true);
        }
        return weights;
    }

    std::unique_ptr<Model> model(const ModelConfig &, const Weights &weights, const std::string &folder) const override
    {
        return diffusion::detail::modelFromWeights(m_json, weights, folder);
    }

    StepOutcome loss(const Model &model, const Batch &batch) const override
    {
        const torch::Tensor predicted =
            diffusion::detail::differentiableForward(model, toTorch(batch.inputs.floats.at("sample")),
                                                     torch::tensor(batch.inputs.integers.at("timestep").values));
        StepOutcome outcome;
        outcome.loss = torch::mse_loss(predicted, batch.targets.to(predicted.dtype()));
        outcome.accuracy = std::nan("");
        return outcome;
    }

    Evaluation evaluate(const Model &model, int64_t batchSize, JobContext &context) const override
    {
        torch::NoGradGuard noGrad;
        double sum = 0.0;
        const int64_t batches = evaluationBatches(batchSize);
        for (int64_t b = 0; b < batches; ++b) {
            context.throwIfCancelled();
            sum += loss(model, batch(b, true, batchSize)).loss.item<double>();
        }
        return {sum / double(batches), std::nan("")};
    }

    void saveModel(const std::string &folder, const ModelConfig &, const Weights &weights) const override
    {
        std::vector<std::pair<std::string, FloatTensor>> tensors;
        for (const auto &[name, shape] : m_shapes)
            tensors.emplace_back(name, fromTorch(weights.at(name)));
        writeJson(folder + "/config.json", m_json);
        writeSafetensors(folder + "/diffusion_pytorch_model.safetensors", tensors, {{"format", "pt"}});
        fs::create_directories(folder + "/scheduler");
        writeJson(folder + "/scheduler/scheduler_config.json", m_schedulerJson);
    }

    std::string weightsFile() const override { return "diffusion_pytorch_model.safetensors"; }
    std::string weightKey(const ModelConfig &, const std::string &name) const override { return name; }
    std::string accuracyName() const override { return {}; }
    bool writesSnapshots() const override { return false; }

protected:
    TrainingOptions m_options;
    nlohmann::json m_json;
    nlohmann::json m_schedulerJson;
    diffusion::Scheduler m_scheduler;
    WeightShapes m_shapes;
};

// ---------------------------------------------------------------------------------------------
// A small UNet2DModel on Fashion-MNIST, padded to 32 x 32, pixels in [-1, 1].

class FashionDiffusion : public DiffusionRecipe {
public:
    explicit FashionDiffusion(const TrainingOptions &o) : DiffusionRecipe(o, unetJson(o), 1.0)
    {
        const std::string folder = o.datasetFolder.empty() ? defaultFashionMnistFolder() : o.datasetFolder;
        m_train = loadFashionMnist("train", folder);
        m_test = loadFashionMnist("test", folder);
        if (m_train.rows != 28 || m_train.cols != 28 || m_test.rows != 28 || m_test.cols != 28)
            throw Error("Fashion-MNIST images must be 28 x 28", folder);
    }

    // Three resolutions (32, 16, 8) of hidden, 2 x hidden, 2 x hidden channels, attention at 16 x 16
    // and in the middle, as google/ddpm-cifar10-32 but smaller.
    static nlohmann::json unetJson(const TrainingOptions &o)
    {
        const int64_t c = o.hidden;
        return {{"_class_name", "UNet2DModel"},
                {"_diffusers_version", "0.30.0"},
                {"sample_size", 32},
                {"in_channels", 1},
                {"out_channels", 1},
                {"block_out_channels", {c, 2 * c, 2 * c}},
                {"down_block_types", {"DownBlock2D", "AttnDownBlock2D", "DownBlock2D"}},
                {"up_block_types", {"UpBlock2D", "AttnUpBlock2D", "UpBlock2D"}},
                {"layers_per_block", o.layers},
                {"norm_num_groups", std::min<int64_t>(8, c)},
                {"norm_eps", 1e-5},
                {"attention_head_dim", nullptr},
                {"attn_norm_num_groups", nullptr},
                {"act_fn", "silu"},
                {"add_attention", true},
                {"center_input_sample", false},
                {"downsample_padding", 1},
                {"flip_sin_to_cos", true},
                {"freq_shift", 0},
                {"mid_block_scale_factor", 1},
                {"time_embedding_type", "positional"},
                {"resnet_time_scale_shift", "default"},
                {"class_embed_type", nullptr},
                {"num_class_embeds", nullptr},
                {"dropout", 0.0}};
    }

    ModelConfig config(const TrainingOptions &o) const override
    {
        ModelConfig c;
        c.modelType = "unet2d";
        c.architecture = "UNet2DModel";
        c.channels = 1;
        c.imageSize = 32;
        c.layers = o.layers;
        c.hiddenSize = o.hidden;
        c.heads = 1;
        return c;
    }

    torch::Tensor images(const ImageDataset &set, const std::vector<int64_t> &indices) const
    {
        const int64_t size = int64_t(indices.size());
        torch::Tensor x = torch::full({size, 1, 32, 32}, -1.0f);
        float *target = x.data_ptr<float>();
        for (int64_t b = 0; b < size; ++b) {
            const uint8_t *source = set.pixels.data() + indices[size_t(b)] * 784;
            for (int r = 0; r < 28; ++r)
                for (int c = 0; c < 28; ++c)
                    target[b * 1024 + (r + 2) * 32 + (c + 2)] = float(source[r * 28 + c]) / 127.5f - 1.0f;
        }
        return x;
    }

    torch::Tensor data(int64_t step, bool heldOut, int64_t size) const override
    {
        std::vector<int64_t> indices(static_cast<size_t>(size));
        if (heldOut) {
            for (int64_t b = 0; b < size; ++b)
                indices[size_t(b)] = (step * size + b) % m_test.count;
            return images(m_test, indices);
        }
        // Epochs: a fresh permutation per epoch, from the seed and the epoch number.
        const int64_t perEpoch = std::max<int64_t>(1, m_train.count / size);
        const int64_t epoch = step / perEpoch, offset = step % perEpoch;
        std::mt19937_64 order = streamFor(m_options.seed, 5, uint64_t(epoch));
        std::vector<int64_t> permutation(static_cast<size_t>(m_train.count));
        std::iota(permutation.begin(), permutation.end(), 0);
        std::shuffle(permutation.begin(), permutation.end(), order);
        for (int64_t b = 0; b < size; ++b)
            indices[size_t(b)] = permutation[size_t((offset * size + b) % m_train.count)];
        return images(m_train, indices);
    }

    std::string groupOf(const std::string &name) const override
    {
        for (const char *prefix : {"down_blocks.", "up_blocks."})
            if (name.rfind(prefix, 0) == 0) {
                const size_t start = std::string(prefix).size();
                return std::string(prefix[0] == 'd' ? "down " : "up ") +
                       name.substr(start, name.find('.', start) - start);
            }
        if (name.rfind("mid_block.", 0) == 0)
            return "middle";
        if (name.rfind("time_embedding.", 0) == 0)
            return "time embedding";
        return "in and out";
    }

private:
    ImageDataset m_train;
    ImageDataset m_test;
};

// ---------------------------------------------------------------------------------------------
// 2-D toy distributions with Tessera's MLP denoiser.

class ToyDiffusion : public DiffusionRecipe {
public:
    ToyDiffusion(const TrainingOptions &o, std::string shape)
        : DiffusionRecipe(o, toyJson(o), 3.0), m_shape(std::move(shape))
    {
    }

    static nlohmann::json toyJson(const TrainingOptions &o)
    {
        return {{"_class_name", "TesseraToyDenoiser"},
                {"_note", "Tessera's MLP denoiser for 2-D points (diffusers has no model class for points); see "
                          "tessera/core/Diffusion.h"},
                {"in_features", 2},
                {"hidden_size", o.hidden},
                {"num_blocks", o.layers},
                {"time_embedding_dim", 64},
                {"input_embedding_dim", 64},
                {"input_scale", 25.0},
                {"training_data", o.recipe.substr(std::string("diffusion-").size())}};
    }

    ModelConfig config(const TrainingOptions &o) const override
    {
        ModelConfig c;
        c.modelType = "toy-denoiser";
        c.architecture = "TesseraToyDenoiser";
        c.channels = 2;
        c.layers = o.layers;
        c.hiddenSize = o.hidden;
        c.heads = 1;
        return c;
    }

    torch::Tensor data(int64_t step, bool heldOut, int64_t size) const override
    {
        std::mt19937_64 random = streamFor(m_options.seed, heldOut ? 9 : 8, uint64_t(step));
        return toyPoints(m_shape, size, random);
    }

    std::string groupOf(const std::string &name) const override
    {
        if (name.rfind("blocks.", 0) == 0)
            return "block " + name.substr(7, name.find('.', 7) - 7);
        return name.rfind("input_proj", 0) == 0 ? "input" : "output";
    }

    // How close the trained model's samples come to the distribution (Diffusion.h).
    void finalMetrics(const Model &model, std::map<std::string, double> &metrics, JobContext &context) const override
    {
        const diffusion::ToySampleQuality quality = diffusion::toySampleQuality(model, m_shape, 2000, 100, &context);
        metrics["sample_to_data_distance"] = quality.sampleToData;
        metrics["data_to_data_distance"] = quality.dataToData;
    }

private:
    std::string m_shape;
};

} // namespace

std::vector<RecipeRow> diffusionRecipeRows()
{
    // Denoisers have no heads and no sequence: 1 and 0.
    auto info = [](std::string name, std::string title, std::string description, std::string architecture,
                   int64_t steps, int64_t batch, double rate, int64_t layers, int64_t hidden) {
        return recipeInfo(std::move(name), std::move(title), std::move(description), std::move(architecture), false,
                          steps, batch, rate, layers, hidden, 1, 0);
    };
    // The toy recipes are named diffusion-<distribution>.
    auto toyRecipe = [](const TrainingOptions &o) {
        return std::make_unique<ToyDiffusion>(o, o.recipe.substr(std::string("diffusion-").size()));
    };
    const char *toy = " A small MLP learns to predict the noise added to the points (the DDPM objective); the "
                      "Diffusion lab then shows particles flowing from noise to the shape.";
    return {
        {info("diffusion-fashion", "Diffusion UNet on Fashion-MNIST",
              "A small diffusers UNet2DModel (3 resolutions, attention at 16 x 16) learns to denoise Fashion-MNIST "
              "padded to 32 x 32 with the DDPM objective; open the result in the Diffusion lab to sample it.",
              "unet2d", 2000, 32, 1e-3, 1, 16),
         [](const TrainingOptions &o) { return std::make_unique<FashionDiffusion>(o); }},
        {info("diffusion-swiss-roll", "Diffusion on a swiss roll", std::string("Points on a 2-D swiss roll.") + toy,
              "toy-denoiser", 3000, 256, 2e-3, 3, 128),
         toyRecipe},
        {info("diffusion-moons", "Diffusion on two moons", std::string("Points on two interleaved half circles.") + toy,
              "toy-denoiser", 3000, 256, 2e-3, 3, 128),
         toyRecipe},
        {info("diffusion-8-gaussians", "Diffusion on eight Gaussians",
              std::string("Points from eight Gaussians on a circle, a distribution with separate modes.") + toy,
              "toy-denoiser", 3000, 256, 2e-3, 3, 128),
         toyRecipe},
    };
}

} // namespace tessera::detail

namespace tessera::diffusion {

const std::vector<std::string> &toyDistributions()
{
    static const std::vector<std::string> names{"swiss-roll", "moons", "8-gaussians"};
    return names;
}

FloatTensor toyPoints(const std::string &name, int64_t count, uint64_t seed)
{
    const auto &names = toyDistributions();
    if (std::find(names.begin(), names.end(), name) == names.end())
        throw Error("unknown toy distribution \"" + name + "\" (swiss-roll, moons, 8-gaussians)");
    if (count < 1 || count > 10'000'000)
        throw Error("between 1 and 10,000,000 points, not " + std::to_string(count));
    std::mt19937_64 random = ::tessera::detail::streamFor(seed, 10, 0);
    return ::tessera::detail::fromTorch(::tessera::detail::toyPoints(name, count, random));
}

std::string toyDistributionOf(const std::string &modelFolder)
{
    try {
        const nlohmann::json j = nlohmann::json::parse(readFile(modelFolder + "/config.json", 4u << 20));
        const std::string name = j.is_object() ? j.value("training_data", std::string()) : std::string();
        const auto &names = toyDistributions();
        return std::find(names.begin(), names.end(), name) == names.end() ? std::string() : name;
    } catch (const std::exception &) {
        return {};
    }
}

ToySampleQuality toySampleQuality(const Model &model, const std::string &name, int64_t points, int64_t steps,
                                  JobContext *context)
{
    if (!isPointModel(model))
        throw Error("a toy denoiser is needed to sample points");
    Scheduler scheduler(schedulerConfigFor(model.info().folder, "ddim"));
    scheduler.setTimesteps(steps);
    const NoiseSource noise = seededNoise(1);
    const Trajectory trajectory = sample(model, scheduler, noise(-1, {points, 2}), noise, 0.0, context);
    const torch::Tensor reference = ::tessera::detail::toTorch(toyPoints(name, 5000, 12345));
    const torch::Tensor others = ::tessera::detail::toTorch(toyPoints(name, points, 54321));
    const torch::Tensor samples = ::tessera::detail::toTorch(trajectory.previous.back());
    auto nearest = [&](const torch::Tensor &x) { return torch::cdist(x, reference).amin(1).mean().item<double>(); };
    return {nearest(samples), nearest(others)};
}

} // namespace tessera::diffusion
