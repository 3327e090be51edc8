#include "tessera/core/Diffusion.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Log.h"
#include "tessera/core/MemoryGuard.h"
#include "tessera/core/Safetensors.h"

#include "DiffusionConfig.h"
#include "DiffusionNetwork.h"
#include "TorchTensors.h"
#include "models/Capabilities.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <map>
#include <sys/stat.h>

namespace tessera::diffusion {
namespace {

using Clock = std::chrono::steady_clock;

bool exists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

using ::tessera::detail::fromTorch;
using ::tessera::detail::toTorch;

// ---------------------------------------------------------------------------------------------
// Denoisers: diffusers' UNet2DModel and Tessera's toy MLP, over named weights

using WeightShapes = detail::WeightShapes;
using Weights = detail::Weights;

using detail::className;
using detail::kToyClass;
using detail::parseToyConfig;
using detail::parseUNetConfig;
using detail::readJson;
using detail::ToyConfig;
using detail::toyInputSize;
using detail::toyWeightShapes;
using detail::UNetConfig;
using detail::unetWeightShapes;

// diffusers' get_timestep_embedding (float32, as it computes it) of any values [n] -> [n, dim].
torch::Tensor sinusoidalEmbedding(const torch::Tensor &values, int64_t dim, bool flipSinToCos, double freqShift)
{
    const int64_t half = dim / 2;
    torch::Tensor exponent = -std::log(10000.0) * torch::arange(0, half, torch::kFloat32);
    exponent = exponent / (double(half) - freqShift);
    torch::Tensor emb = values.to(torch::kFloat32).unsqueeze(1) * torch::exp(exponent).unsqueeze(0);
    emb = torch::cat({torch::sin(emb), torch::cos(emb)}, -1);
    if (flipSinToCos)
        emb = torch::cat({emb.slice(1, half), emb.slice(1, 0, half)}, -1);
    if (dim % 2 == 1)
        emb = torch::constant_pad_nd(emb, {0, 1, 0, 0});
    return emb;
}

// What both denoisers share: named weights (loaded from a folder, or shared with a training
// job), their check against the config's shapes, and run()'s inputs.
class Denoiser : public Model {
public:
    const ModelInfo &info() const override { return m_info; }
    Matrix positionTable() const override { return {}; } // neither has one

    FloatTensor weight(const std::string &name) const override
    {
        const auto it = m_weights.find(name);
        if (it == m_weights.end())
            throw Error("this model has no weight named \"" + name + "\"");
        return fromTorch(it->second);
    }

    ModelOutputs run(const ModelInputs &inputs, const CaptureOptions &, JobContext *context) const override
    {
        torch::NoGradGuard noGrad;
        const auto sample = inputs.floats.find("sample");
        if (sample == inputs.floats.end())
            throw Error("a denoiser needs the input \"sample\" " + sampleDescription());
        const FloatTensor &x = sample->second;
        checkSample(x);
        const auto timestep = inputs.integers.find("timestep");
        if (timestep == inputs.integers.end() || timestep->second.values.empty())
            throw Error("a denoiser needs the input \"timestep\" ([1] or [batch] integers)");
        const std::vector<int64_t> &t = timestep->second.values;
        if (t.size() != 1 && int64_t(t.size()) != x.shape[0])
            throw Error("timestep must hold 1 or " + std::to_string(x.shape[0]) + " values", {}, "timestep");
        torch::Tensor steps = torch::tensor(t, torch::kInt64);
        if (t.size() == 1)
            steps = steps.expand({x.shape[0]});
        if (context)
            context->throwIfCancelled();
        ModelOutputs outputs;
        outputs["sample"] = fromTorch(forward(toTorch(x), steps));
        return outputs;
    }

    void setFolder(const std::string &folder) { m_info.folder = folder; }

    // x [batch, ...] at timesteps [batch] (int64) -> the output, x's shape; with autograd.
    virtual torch::Tensor forward(torch::Tensor x, const torch::Tensor &steps) const = 0;

protected:
    virtual std::string sampleDescription() const = 0;
    virtual void checkSample(const FloatTensor &x) const = 0;

    // Reads every tensor of the folder's diffusion_pytorch_model.safetensors.
    std::string readWeights(const std::string &folder, JobContext *context)
    {
        m_info.folder = folder;
        m_info.files = {folder + "/config.json"};
        const std::string file = folder + "/diffusion_pytorch_model.safetensors";
        if (!exists(file)) {
            if (exists(folder + "/diffusion_pytorch_model.bin"))
                throw Error(
                    "diffusion_pytorch_model.bin is a pickle file, which can run code when opened; Tessera never opens "
                    "it. Convert it to safetensors (in Python: unet.save_pretrained(folder, safe_serialization=True))",
                    folder);
            throw Error("no diffusion_pytorch_model.safetensors here", folder);
        }
        if (context)
            context->setProgress(0.0, "reading " + file);
        SafetensorsFile weights(file);
        m_info.files.push_back(file);
        for (const std::string &key : weights.keys()) {
            if (context)
                context->throwIfCancelled();
            m_weights[key] = toTorch(weights.readFloat(key));
            m_dtypes[key] = dtypeName(weights.info(key).dtype);
            // As the transformer loader: a diverged checkpoint still opens (to be looked at), with
            // a warning naming the tensor.
            if (!torch::isfinite(m_weights[key]).all().item<bool>())
                logWarning(file + ": " + key + " holds NaN or infinite weights; outputs will be too");
        }
        return file;
    }

    // Every weight the config needs, with its shape, checked once at load, so that run() meets no
    // missing tensor and no torch shape error; the file's other tensors are reported unused.
    void validate(const WeightShapes &expected, const std::string &file)
    {
        std::map<std::string, bool> used;
        for (const auto &[name, shape] : expected) {
            const auto it = m_weights.find(name);
            if (it == m_weights.end())
                throw Error("weight missing (the config asks for it)", file, name);
            if (it->second.sizes().vec() != shape)
                throw Error("expected shape " + shapeToString(shape) + " from the config, found " +
                                shapeToString(it->second.sizes().vec()),
                            file, name);
            used[name] = true;
            const auto dtype = m_dtypes.find(name);
            m_info.tensors.push_back({name, shape, dtype == m_dtypes.end() ? std::string("F32") : dtype->second});
            m_info.parameters += it->second.numel();
        }
        for (const auto &[name, tensor] : m_weights)
            if (!used.count(name))
                m_info.unexpectedKeys.push_back(name);
    }

    // Weights shared with a training job (not copied: run() sees them as they are now).
    void adoptWeights(const Weights &weights, const WeightShapes &expected)
    {
        m_weights = weights;
        validate(expected, "(weights in memory)");
    }

    const torch::Tensor &w(const std::string &name) const
    {
        const auto it = m_weights.find(name);
        if (it == m_weights.end())
            throw Error("weight missing: " + name);
        return it->second;
    }
    torch::Tensor linear(const torch::Tensor &x, const std::string &p) const
    {
        return torch::linear(x, w(p + ".weight"), w(p + ".bias"));
    }

    ModelInfo m_info;
    Weights m_weights;
    std::map<std::string, std::string> m_dtypes; // as stored in the file
};

class UNetModel : public Denoiser {
public:
    UNetModel(const nlohmann::json &config, const std::string &configPath)
        : m_config(parseUNetConfig(config, configPath))
    {
        ModelConfig &c = m_info.config;
        c.modelType = "unet2d";
        c.architecture = "UNet2DModel";
        c.channels = m_config.inChannels;
        c.imageSize = m_config.sampleSize;
        c.layers = int64_t(m_config.blockOutChannels.size());
        c.layerNormEps = m_config.eps;
        c.activation = "silu";
        m_info.capabilities = ::tessera::detail::capabilitiesOf(c.modelType, true);
    }
    void load(const std::string &folder, JobContext *context)
    {
        const std::string file = readWeights(folder, context);
        validate(unetWeightShapes(m_config), file);
    }
    void adopt(const Weights &weights) { adoptWeights(weights, unetWeightShapes(m_config)); }

    torch::Tensor forward(torch::Tensor x, const torch::Tensor &steps) const override
    {
        if (m_config.centerInput)
            x = 2.0 * x - 1.0;
        const torch::Tensor temb =
            linear(torch::silu(linear(sinusoidalEmbedding(steps, m_config.blockOutChannels.front(),
                                                          m_config.flipSinToCos, m_config.freqShift),
                                      "time_embedding.linear_1")),
                   "time_embedding.linear_2");
        x = conv(x, "conv_in");
        std::vector<torch::Tensor> skips{x};
        const size_t blocks = m_config.blockOutChannels.size();
        for (size_t b = 0; b < blocks; ++b) {
            const std::string p = "down_blocks." + std::to_string(b);
            for (int64_t j = 0; j < m_config.layersPerBlock; ++j) {
                x = resnet(x, temb, p + ".resnets." + std::to_string(j));
                if (m_config.downBlocks[b] == "AttnDownBlock2D")
                    x = attention(x, p + ".attentions." + std::to_string(j), m_config.groups);
                skips.push_back(x);
            }
            if (b + 1 < blocks) {
                // Downsample2D: padding 0 pads right and bottom by one, then a stride-2 conv.
                if (m_config.downsamplePadding == 0)
                    x = conv(torch::constant_pad_nd(x, {0, 1, 0, 1}), p + ".downsamplers.0.conv", 2, 0);
                else
                    x = conv(x, p + ".downsamplers.0.conv", 2, m_config.downsamplePadding);
                skips.push_back(x);
            }
        }
        if (m_config.midBlock) {
            x = resnet(x, temb, "mid_block.resnets.0", m_config.midScale);
            if (m_config.midAttention)
                x = attention(x, "mid_block.attentions.0", m_config.attentionGroups, m_config.midScale);
            x = resnet(x, temb, "mid_block.resnets.1", m_config.midScale);
        }
        for (size_t b = 0; b < blocks; ++b) {
            const std::string p = "up_blocks." + std::to_string(b);
            for (int64_t j = 0; j <= m_config.layersPerBlock; ++j) {
                x = torch::cat({x, skips.back()}, 1);
                skips.pop_back();
                x = resnet(x, temb, p + ".resnets." + std::to_string(j));
                if (m_config.upBlocks[b] == "AttnUpBlock2D")
                    x = attention(x, p + ".attentions." + std::to_string(j), m_config.groups);
            }
            if (b + 1 < blocks)
                x = conv(torch::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2}), p + ".upsamplers.0.conv");
        }
        x = torch::silu(norm(x, "conv_norm_out", m_config.groups));
        return conv(x, "conv_out");
    }

protected:
    std::string sampleDescription() const override { return "[batch, channels, height, width]"; }
    void checkSample(const FloatTensor &x) const override
    {
        if (x.shape.size() != 4 || x.shape[1] != m_config.inChannels || x.shape[0] < 1)
            throw Error("sample " + shapeToString(x.shape) + " must be [batch, " + std::to_string(m_config.inChannels) +
                            ", height, width]",
                        {}, "sample");
        const int64_t factor = int64_t(1) << (m_config.blockOutChannels.size() - 1);
        if (x.shape[2] % factor != 0 || x.shape[3] % factor != 0 || x.shape[2] < factor || x.shape[3] < factor)
            throw Error("height and width must be multiples of " + std::to_string(factor) + " for " +
                            std::to_string(m_config.blockOutChannels.size()) + " resolution levels, found " +
                            shapeToString(x.shape),
                        {}, "sample");
    }

private:
    torch::Tensor conv(const torch::Tensor &x, const std::string &p, int64_t stride = 1, int64_t padding = 1) const
    {
        return torch::conv2d(x, w(p + ".weight"), w(p + ".bias"), stride, padding);
    }
    torch::Tensor norm(const torch::Tensor &x, const std::string &p, int64_t groups) const
    {
        return torch::group_norm(x, groups, w(p + ".weight"), w(p + ".bias"), m_config.eps);
    }

    // ResnetBlock2D (time scale shift "default").
    torch::Tensor resnet(const torch::Tensor &x, const torch::Tensor &temb, const std::string &p,
                         double scale = 1.0) const
    {
        torch::Tensor h = conv(torch::silu(norm(x, p + ".norm1", m_config.groups)), p + ".conv1");
        h = h + linear(torch::silu(temb), p + ".time_emb_proj").unsqueeze(-1).unsqueeze(-1);
        h = conv(torch::silu(norm(h, p + ".norm2", m_config.groups)), p + ".conv2");
        const torch::Tensor shortcut =
            m_weights.count(p + ".conv_shortcut.weight") ? conv(x, p + ".conv_shortcut", 1, 0) : x;
        return scale == 1.0 ? shortcut + h : (shortcut + h) / scale;
    }

    // The attention block of AttnDownBlock2D / AttnUpBlock2D / UNetMidBlock2D: group norm, one
    // scaled dot-product attention over the H x W positions, output projection, residual.
    torch::Tensor attention(const torch::Tensor &x, const std::string &p, int64_t groups, double scale = 1.0) const
    {
        const int64_t b = x.size(0), c = x.size(1), hgt = x.size(2), wid = x.size(3);
        const int64_t headDim = m_config.attentionHeadDim > 0 ? m_config.attentionHeadDim : c;
        const int64_t heads = c / headDim;
        const torch::Tensor h =
            norm(x, p + ".group_norm", groups).view({b, c, hgt * wid}).transpose(1, 2); // [b, hw, c]
        auto split = [&](const torch::Tensor &t) { return t.view({b, hgt * wid, heads, headDim}).transpose(1, 2); };
        const torch::Tensor q = split(linear(h, p + ".to_q")), k = split(linear(h, p + ".to_k")),
                            v = split(linear(h, p + ".to_v"));
        const torch::Tensor weights =
            torch::softmax(torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(double(headDim)), -1);
        torch::Tensor out = torch::matmul(weights, v).transpose(1, 2).reshape({b, hgt * wid, c});
        out = linear(out, p + ".to_out.0").transpose(1, 2).reshape({b, c, hgt, wid});
        return scale == 1.0 ? out + x : (out + x) / scale;
    }

    UNetConfig m_config;
};

class ToyDenoiser : public Denoiser {
public:
    ToyDenoiser(const nlohmann::json &config, const std::string &configPath)
        : m_config(parseToyConfig(config, configPath))
    {
        ModelConfig &c = m_info.config;
        c.modelType = "toy-denoiser";
        c.architecture = kToyClass;
        c.channels = m_config.features;
        c.hiddenSize = m_config.hidden;
        c.layers = m_config.blocks;
        c.activation = "silu";
        m_info.capabilities = ::tessera::detail::capabilitiesOf(c.modelType, true);
    }
    void load(const std::string &folder, JobContext *context)
    {
        const std::string file = readWeights(folder, context);
        validate(toyWeightShapes(m_config), file);
    }
    void adopt(const Weights &weights) { adoptWeights(weights, toyWeightShapes(m_config)); }

    torch::Tensor forward(torch::Tensor x, const torch::Tensor &steps) const override
    {
        std::vector<torch::Tensor> features;
        if (m_config.inputEmbedding > 0)
            for (int64_t f = 0; f < m_config.features; ++f)
                features.push_back(
                    sinusoidalEmbedding(x.select(1, f) * m_config.inputScale, m_config.inputEmbedding, true, 0.0));
        else
            features.push_back(x);
        features.push_back(sinusoidalEmbedding(steps, m_config.timeEmbedding, true, 0.0));
        torch::Tensor h = torch::silu(linear(torch::cat(features, 1), "input_proj"));
        for (int64_t b = 0; b < m_config.blocks; ++b)
            h = h + torch::silu(linear(h, "blocks." + std::to_string(b)));
        return linear(h, "output");
    }

protected:
    std::string sampleDescription() const override { return "[points, " + std::to_string(m_config.features) + "]"; }
    void checkSample(const FloatTensor &x) const override
    {
        if (x.shape.size() != 2 || x.shape[1] != m_config.features || x.shape[0] < 1)
            throw Error("sample " + shapeToString(x.shape) + " must be " + sampleDescription(), {}, "sample");
    }

private:
    ToyConfig m_config;
};

} // namespace

std::unique_ptr<Model> loadDiffusionModel(const std::string &folder, JobContext *context)
{
    const std::string path = folder + "/config.json";
    const nlohmann::json config = readJson(path);
    if (className(config) == kToyClass) {
        auto model = std::make_unique<ToyDenoiser>(config, path);
        model->load(folder, context);
        return model;
    }
    auto model = std::make_unique<UNetModel>(config, path);
    model->load(folder, context);
    return model;
}

bool isDiffusionModel(const std::string &folder)
{
    const std::string path = folder + "/config.json";
    if (!exists(path))
        return false;
    try {
        const std::string name = className(nlohmann::json::parse(readFile(path, 4u << 20)));
        return name == "UNet2DModel" || name == kToyClass;
    } catch (const std::exception &) {
        return false;
    }
}

bool isPointModel(const Model &model)
{
    return model.info().config.modelType == "toy-denoiser";
}

std::vector<int64_t> sampleShape(const Model &model)
{
    const ModelConfig &c = model.info().config;
    if (c.modelType == "toy-denoiser")
        return {1, c.channels};
    if (c.modelType != "unet2d")
        throw Error("sampling needs a diffusion model (a diffusers UNet2DModel or a Tessera toy denoiser), not a " +
                    c.modelType + " model");
    return {1, c.channels, c.imageSize, c.imageSize};
}

namespace detail {

WeightShapes weightShapes(const nlohmann::json &config)
{
    if (className(config) == kToyClass)
        return toyWeightShapes(parseToyConfig(config, "config.json"));
    return unetWeightShapes(parseUNetConfig(config, "config.json"));
}

std::unique_ptr<Model> modelFromWeights(const nlohmann::json &config, const Weights &weights, const std::string &folder)
{
    auto finish = [&](auto model) -> std::unique_ptr<Model> {
        model->adopt(weights);
        model->setFolder(folder);
        return model;
    };
    if (className(config) == kToyClass)
        return finish(std::make_unique<ToyDenoiser>(config, "config.json"));
    return finish(std::make_unique<UNetModel>(config, "config.json"));
}

torch::Tensor differentiableForward(const Model &model, const torch::Tensor &x, const torch::Tensor &timesteps)
{
    const auto *denoiser = dynamic_cast<const Denoiser *>(&model);
    if (!denoiser)
        throw Error("not a diffusion model");
    return denoiser->forward(x, timesteps);
}

} // namespace detail

// ---------------------------------------------------------------------------------------------
// Schedulers

Scheduler::Scheduler(SchedulerConfig config) : m_config(std::move(config))
{
    torch::NoGradGuard noGrad;
    const int64_t n = m_config.trainTimesteps;
    torch::Tensor betas;
    if (m_config.betaSchedule == "linear") {
        betas = torch::linspace(m_config.betaStart, m_config.betaEnd, n, torch::kFloat32);
    } else if (m_config.betaSchedule == "scaled_linear") {
        betas = torch::linspace(std::sqrt(m_config.betaStart), std::sqrt(m_config.betaEnd), n, torch::kFloat32).pow(2);
    } else { // squaredcos_cap_v2 (Nichol & Dhariwal), in double as diffusers computes it
        auto alphaBar = [](double t) { return std::pow(std::cos((t + 0.008) / 1.008 * M_PI / 2.0), 2.0); };
        std::vector<double> values;
        for (int64_t i = 0; i < n; ++i)
            values.push_back(
                std::min(1.0 - alphaBar(double(i + 1) / double(n)) / alphaBar(double(i) / double(n)), 0.999));
        betas = torch::tensor(values, torch::kFloat64).to(torch::kFloat32);
    }
    const torch::Tensor cumprod = torch::cumprod(1.0 - betas, 0);
    m_betas.assign(betas.data_ptr<float>(), betas.data_ptr<float>() + n);
    m_alphasCumprod.assign(cumprod.data_ptr<float>(), cumprod.data_ptr<float>() + n);
}

std::vector<double> Scheduler::signalToNoise() const
{
    std::vector<double> snr;
    for (float a : m_alphasCumprod)
        snr.push_back(double(a) / (1.0 - double(a)));
    return snr;
}

void Scheduler::setTimesteps(int64_t steps)
{
    const int64_t n = m_config.trainTimesteps;
    if (steps < 1 || steps > n)
        throw Error("the number of steps must be between 1 and " + std::to_string(n) + ", not " +
                    std::to_string(steps));
    m_steps = steps;
    m_timesteps.clear();
    if (m_config.timestepSpacing == "leading") {
        const int64_t ratio = n / steps;
        for (int64_t i = steps - 1; i >= 0; --i)
            m_timesteps.push_back(i * ratio + m_config.stepsOffset);
    } else if (m_config.timestepSpacing == "trailing") {
        const double ratio = double(n) / double(steps);
        for (int64_t i = 0; i < steps; ++i)
            m_timesteps.push_back(int64_t(std::nearbyint(double(n) - double(i) * ratio)) - 1);
    } else { // linspace, numpy's rounding (half to even)
        for (int64_t i = steps - 1; i >= 0; --i)
            m_timesteps.push_back(
                int64_t(std::nearbyint(steps == 1 ? 0.0 : double(i) * double(n - 1) / double(steps - 1))));
    }
    for (int64_t &t : m_timesteps)
        t = std::clamp<int64_t>(t, 0, n - 1);
}

int64_t Scheduler::previousTimestep(int64_t t) const
{
    return t - m_config.trainTimesteps / std::max<int64_t>(m_steps, 1);
}

bool Scheduler::needsNoise(int64_t t, double eta) const
{
    return m_config.kind == "ddpm" ? t > 0 : eta > 0.0;
}

Scheduler::StepResult Scheduler::step(const FloatTensor &modelOutput, int64_t t, const FloatTensor &sample,
                                      const FloatTensor *noise, double eta) const
{
    if (m_steps == 0)
        throw Error("call setTimesteps before stepping");
    if (t < 0 || t >= m_config.trainTimesteps)
        throw Error("timestep " + std::to_string(t) + " is outside the schedule");
    if (modelOutput.shape != sample.shape)
        throw Error("the model output " + shapeToString(modelOutput.shape) + " does not match the sample " +
                    shapeToString(sample.shape));
    if (needsNoise(t, eta) && (!noise || noise->shape != sample.shape))
        throw Error("this step needs a Gaussian draw of shape " + shapeToString(sample.shape));
    torch::NoGradGuard noGrad;
    const torch::Tensor x = toTorch(sample), out = toTorch(modelOutput);
    const int64_t prev = previousTimestep(t);
    // Scalars as float32 tensors: the arithmetic (and its rounding) of diffusers.
    const torch::Tensor alphaT = torch::tensor(m_alphasCumprod[size_t(t)], torch::kFloat32);
    const torch::Tensor one = torch::tensor(1.0f, torch::kFloat32);
    const torch::Tensor alphaPrev = prev >= 0 ? torch::tensor(m_alphasCumprod[size_t(prev)], torch::kFloat32)
                                              : (m_config.kind == "ddpm" || m_config.setAlphaToOne
                                                     ? one
                                                     : torch::tensor(m_alphasCumprod[0], torch::kFloat32));
    const torch::Tensor betaT = 1 - alphaT, betaPrev = 1 - alphaPrev;
    torch::Tensor predicted, epsilon;
    if (m_config.predictionType == "epsilon") {
        predicted = (x - betaT.pow(0.5) * out) / alphaT.pow(0.5);
        epsilon = out;
    } else if (m_config.predictionType == "sample") {
        predicted = out;
        epsilon = (x - alphaT.pow(0.5) * predicted) / betaT.pow(0.5);
    } else { // v_prediction
        predicted = alphaT.pow(0.5) * x - betaT.pow(0.5) * out;
        epsilon = alphaT.pow(0.5) * out + betaT.pow(0.5) * x;
    }
    if (m_config.clipSample)
        predicted = predicted.clamp(-m_config.clipSampleRange, m_config.clipSampleRange);
    torch::Tensor previous;
    if (m_config.kind == "ddpm") {
        const torch::Tensor currentAlpha = alphaT / alphaPrev, currentBeta = 1 - currentAlpha;
        const torch::Tensor originalCoefficient = alphaPrev.pow(0.5) * currentBeta / betaT;
        const torch::Tensor sampleCoefficient = currentAlpha.pow(0.5) * betaPrev / betaT;
        previous = originalCoefficient * predicted + sampleCoefficient * x;
        if (t > 0) {
            torch::Tensor variance = m_config.varianceType == "fixed_large"
                                         ? currentBeta
                                         : (betaPrev / betaT * currentBeta).clamp_min(1e-20);
            previous = previous + variance.pow(0.5) * toTorch(*noise);
        }
    } else {
        const torch::Tensor variance = (betaPrev / betaT) * (1 - alphaT / alphaPrev);
        const torch::Tensor deviation = eta * variance.pow(0.5);
        const torch::Tensor direction = (1 - alphaPrev - deviation.pow(2)).pow(0.5) * epsilon;
        previous = alphaPrev.pow(0.5) * predicted + direction;
        if (eta > 0.0)
            previous = previous + deviation * toTorch(*noise);
    }
    return {fromTorch(predicted), fromTorch(previous)};
}

FloatTensor Scheduler::addNoise(const FloatTensor &original, const FloatTensor &noise, int64_t t) const
{
    if (t < 0 || t >= m_config.trainTimesteps)
        throw Error("timestep " + std::to_string(t) + " is outside the schedule");
    if (original.shape != noise.shape)
        throw Error("the noise " + shapeToString(noise.shape) + " does not match the sample " +
                    shapeToString(original.shape));
    torch::NoGradGuard noGrad;
    const torch::Tensor a = torch::tensor(m_alphasCumprod[size_t(t)], torch::kFloat32);
    return fromTorch(a.pow(0.5) * toTorch(original) + (1 - a).pow(0.5) * toTorch(noise));
}

SchedulerConfig schedulerConfigFor(const std::string &folder, const std::string &kind)
{
    if (kind != "ddpm" && kind != "ddim")
        throw Error("the scheduler must be ddpm or ddim, not \"" + kind + "\"");
    for (const std::string &sub : kind == "ddim" ? std::vector<std::string>{"scheduler_ddim", "scheduler"}
                                                 : std::vector<std::string>{"scheduler", "scheduler_ddim"}) {
        const std::string path = folder + "/" + sub + "/scheduler_config.json";
        if (!exists(path))
            continue;
        SchedulerConfig c = SchedulerConfig::fromFile(path);
        c.kind = kind; // the betas are the model's; how to step is the caller's choice
        return c;
    }
    throw Error("no scheduler/scheduler_config.json (or scheduler_ddim/) here", folder);
}

NoiseSource seededNoise(uint64_t seed)
{
    auto generator = std::make_shared<at::Generator>(at::detail::createCPUGenerator(seed));
    return [generator](int64_t, const std::vector<int64_t> &shape) {
        torch::NoGradGuard noGrad;
        return fromTorch(torch::randn(shape, *generator, torch::kFloat32));
    };
}

Trajectory sample(const Model &unet, const Scheduler &scheduler, const FloatTensor &start, const NoiseSource &noise,
                  double eta, JobContext *context)
{
    sampleShape(unet); // a UNet, or a clear error
    if (scheduler.timesteps().empty())
        throw Error("call setTimesteps before sampling");
    if (eta < 0.0 || eta > 1.0)
        throw Error("eta must be in [0, 1], not " + std::to_string(eta));
    // The trajectory keeps x_T and, per step, eps, pred_x0 and x_prev.
    requireMemory((3.0 * double(scheduler.timesteps().size()) + 1.0) * double(start.values.size()) * 4.0,
                  "A trajectory of " + std::to_string(scheduler.timesteps().size()) + " steps of samples " +
                      shapeToString(start.shape),
                  "Sample fewer steps (DDIM needs far fewer than DDPM) or fewer samples at once.");
    Trajectory trajectory;
    trajectory.timesteps = scheduler.timesteps();
    trajectory.start = start;
    const auto begin = Clock::now();
    FloatTensor x = start;
    int64_t draws = 0;
    const size_t steps = trajectory.timesteps.size();
    for (size_t i = 0; i < steps; ++i) {
        if (context) {
            context->throwIfCancelled();
            context->setProgress(double(i) / double(steps),
                                 "step " + std::to_string(i + 1) + " of " + std::to_string(steps));
        }
        const int64_t t = trajectory.timesteps[i];
        ModelInputs inputs;
        inputs.floats["sample"] = x;
        inputs.integers["timestep"] = {{1}, {t}};
        const auto modelBegin = Clock::now();
        FloatTensor eps = unet.run(inputs, {}).at("sample");
        trajectory.modelSeconds += std::chrono::duration<double>(Clock::now() - modelBegin).count();
        FloatTensor draw;
        const bool needs = scheduler.needsNoise(t, eta);
        if (needs) {
            draw = noise(draws++, x.shape);
            if (draw.shape != x.shape)
                throw Error("noise " + std::to_string(draws - 1) + " has shape " + shapeToString(draw.shape) +
                            ", the sample " + shapeToString(x.shape));
        }
        Scheduler::StepResult r = scheduler.step(eps, t, x, needs ? &draw : nullptr, eta);
        x = r.previous;
        trajectory.modelOutputs.push_back(std::move(eps));
        trajectory.predictedOriginal.push_back(std::move(r.predictedOriginal));
        trajectory.previous.push_back(std::move(r.previous));
    }
    trajectory.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
    if (context)
        context->setProgress(1.0, std::to_string(steps) + " steps");
    return trajectory;
}

Image8 toImage(const FloatTensor &sample)
{
    std::vector<int64_t> shape = sample.shape;
    if (shape.size() == 4 && shape[0] == 1)
        shape.erase(shape.begin());
    if (shape.size() != 3 || (shape[0] != 1 && shape[0] != 3) || shape[1] < 1 || shape[2] < 1)
        throw Error("a sample to show must be [1, C, H, W] or [C, H, W] with C = 1 or 3, found " +
                    shapeToString(sample.shape));
    Image8 image;
    image.channels = shape[0];
    image.height = shape[1];
    image.width = shape[2];
    image.pixels.resize(size_t(image.channels * image.height * image.width));
    const int64_t plane = image.height * image.width;
    for (int64_t c = 0; c < image.channels; ++c)
        for (int64_t i = 0; i < plane; ++i) {
            const double v = (double(sample.values[size_t(c * plane + i)]) + 1.0) * 127.5;
            image.pixels[size_t(i * image.channels + c)] = uint8_t(std::clamp(std::lround(v), 0L, 255L));
        }
    return image;
}

void writeVideo(const std::string &path, const std::vector<FloatTensor> &frames, double fps, int scale)
{
    if (frames.empty())
        throw Error("no frames to write", path);
    if (scale < 1 || scale > 64 || !(fps > 0.0 && fps <= 120.0))
        throw Error("scale must be 1-64 and fps in (0, 120]", path);
    const Image8 first = toImage(frames.front());
    const cv::Size size(int(first.width * scale), int(first.height * scale));
    const std::string partial = path + ".partial.mp4";
    {
        cv::VideoWriter writer(partial, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, size, true);
        if (!writer.isOpened())
            throw Error("OpenCV cannot write MPEG-4 video here (is its FFmpeg backend installed?)", path);
        for (const FloatTensor &frame : frames) {
            const Image8 image = toImage(frame);
            cv::Mat mat(int(image.height), int(image.width), image.channels == 1 ? CV_8UC1 : CV_8UC3,
                        const_cast<uint8_t *>(image.pixels.data()));
            cv::Mat bgr, large;
            cv::cvtColor(mat, bgr, image.channels == 1 ? cv::COLOR_GRAY2BGR : cv::COLOR_RGB2BGR);
            cv::resize(bgr, large, size, 0, 0, cv::INTER_NEAREST);
            writer.write(large);
        }
    }
    if (std::rename(partial.c_str(), path.c_str()) != 0) {
        std::remove(partial.c_str());
        throw Error("cannot move the finished video into place", path);
    }
}

void writeTrajectory(const std::string &path, const Trajectory &trajectory)
{
    std::vector<std::pair<std::string, FloatTensor>> tensors{{"x_T", trajectory.start}};
    for (size_t i = 0; i < trajectory.previous.size(); ++i) {
        const std::string p = "step" + std::to_string(i) + ".";
        tensors.emplace_back(p + "eps", trajectory.modelOutputs[i]);
        tensors.emplace_back(p + "pred_x0", trajectory.predictedOriginal[i]);
        tensors.emplace_back(p + "x_prev", trajectory.previous[i]);
    }
    writeSafetensors(path, tensors, {{"timesteps", {int64_t(trajectory.timesteps.size())}, trajectory.timesteps}},
                     {{"format", "tessera-trajectory"}});
}

} // namespace tessera::diffusion
