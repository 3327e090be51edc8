#include "DiffusionConfig.h"

#include "tessera/core/Diffusion.h"
#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"

#include <cmath>
#include <initializer_list>

namespace tessera::diffusion {

namespace detail {

nlohmann::json readJson(const std::string &path)
{
    try {
        nlohmann::json root = nlohmann::json::parse(readFile(path, 4u << 20));
        if (!root.is_object())
            throw Error("not a JSON object", path);
        return root;
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("not valid JSON: ") + e.what(), path);
    }
}

std::string className(const nlohmann::json &config)
{
    return config.is_object() && config.contains("_class_name") && config["_class_name"].is_string()
               ? config["_class_name"].get<std::string>()
               : std::string();
}

namespace {

// The JSON readers of both configs: a missing key or one of the wrong type takes the fallback
// (diffusers' default).
struct ConfigReader {
    const nlohmann::json &j;
    std::string string(const char *key, const std::string &fallback) const
    {
        return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : fallback;
    }
    int64_t integer(const char *key, int64_t fallback) const
    {
        return j.contains(key) && j[key].is_number_integer() ? j[key].get<int64_t>() : fallback;
    }
    double number(const char *key, double fallback) const
    {
        return j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
    }
    bool flag(const char *key, bool fallback) const
    {
        return j.contains(key) && j[key].is_boolean() ? j[key].get<bool>() : fallback;
    }
};

} // namespace

UNetConfig parseUNetConfig(const nlohmann::json &j, const std::string &path)
{
    UNetConfig c;
    const ConfigReader r{j};
    auto fail = [&](const std::string &key, const std::string &why) { return Error(why, path, key); };
    try {
        c.inChannels = r.integer("in_channels", 3);
        c.outChannels = r.integer("out_channels", 3);
        if (j.contains("sample_size") && j["sample_size"].is_array() && j["sample_size"].size() == 2) {
            if (j["sample_size"][0] != j["sample_size"][1])
                throw fail("sample_size", "only square samples are supported");
            c.sampleSize = j["sample_size"][0].get<int64_t>();
        } else {
            c.sampleSize = r.integer("sample_size", 32);
        }
        c.blockOutChannels = j.value("block_out_channels", std::vector<int64_t>{224, 448, 672, 896});
        c.downBlocks = j.value("down_block_types", std::vector<std::string>{});
        c.upBlocks = j.value("up_block_types", std::vector<std::string>{});
        c.layersPerBlock = r.integer("layers_per_block", 2);
        c.groups = r.integer("norm_num_groups", 32);
        c.attentionGroups = r.integer("attn_norm_num_groups", c.groups);
        c.eps = r.number("norm_eps", 1e-5);
        c.flipSinToCos = r.flag("flip_sin_to_cos", true);
        c.freqShift = r.number("freq_shift", 0.0);
        c.centerInput = r.flag("center_input_sample", false);
        c.midScale = r.number("mid_block_scale_factor", 1.0);
        c.downsamplePadding = r.integer("downsample_padding", 1);
        c.midBlock = !(j.contains("mid_block_type") && j["mid_block_type"].is_null());
        c.midAttention = r.flag("add_attention", true);
        // UNet2DModel's default is 8 (channels per head); null means one head of all channels.
        c.attentionHeadDim = j.contains("attention_head_dim") ? r.integer("attention_head_dim", 0) : 8;
        if (j.contains("time_embedding_dim") && !j["time_embedding_dim"].is_null() && !c.blockOutChannels.empty() &&
            j["time_embedding_dim"] != 4 * c.blockOutChannels.front())
            throw fail("time_embedding_dim", "only the default (4 x block_out_channels[0]) is supported");
        if (r.string("act_fn", "silu") != "silu")
            throw fail("act_fn", "only silu is supported");
        if (r.string("time_embedding_type", "positional") != "positional")
            throw fail("time_embedding_type", "only the positional timestep embedding is supported (not fourier)");
        if (r.string("resnet_time_scale_shift", "default") != "default")
            throw fail("resnet_time_scale_shift", "only the default time scale shift is supported");
        if (!(j.contains("class_embed_type") ? j["class_embed_type"].is_null() : true) ||
            !(j.contains("num_class_embeds") ? j["num_class_embeds"].is_null() : true))
            throw fail("class_embed_type", "class-conditional UNets are not supported");
        if (r.string("downsample_type", "conv") != "conv")
            throw fail("downsample_type", "only conv downsampling is supported");
        if (r.string("upsample_type", "conv") != "conv")
            throw fail("upsample_type", "only conv upsampling is supported");
        if (j.contains("mid_block_type") && j["mid_block_type"].is_string() && j["mid_block_type"] != "UNetMidBlock2D")
            throw fail("mid_block_type", "only UNetMidBlock2D is supported");
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("unexpected value: ") + e.what(), path);
    }
    const size_t blocks = c.blockOutChannels.size();
    if (blocks == 0 || c.downBlocks.size() != blocks || c.upBlocks.size() != blocks)
        throw Error("block_out_channels, down_block_types and up_block_types must have the same, non-zero length",
                    path);
    for (const std::string &b : c.downBlocks)
        if (b != "DownBlock2D" && b != "AttnDownBlock2D")
            throw Error("down block \"" + b + "\" is not supported (DownBlock2D, AttnDownBlock2D are)", path,
                        "down_block_types");
    for (const std::string &b : c.upBlocks)
        if (b != "UpBlock2D" && b != "AttnUpBlock2D")
            throw Error("up block \"" + b + "\" is not supported (UpBlock2D, AttnUpBlock2D are)", path,
                        "up_block_types");
    if (c.inChannels < 1 || c.outChannels < 1 || c.sampleSize < 1 || c.sampleSize > 4096 || c.layersPerBlock < 1 ||
        c.layersPerBlock > 64 || c.groups < 1 || c.attentionGroups < 1 || blocks > 16)
        throw Error("sizes out of range (channels, sample_size <= 4096, layers_per_block, norm_num_groups)", path);
    for (size_t b = 0; b < blocks; ++b) {
        const int64_t channels = c.blockOutChannels[b];
        if (channels < 1 || channels > 65536 || channels % c.groups != 0)
            throw Error(std::to_string(channels) + " channels do not split into " + std::to_string(c.groups) +
                            " groups",
                        path, "block_out_channels");
        const bool attention = c.downBlocks[b] == "AttnDownBlock2D" || c.upBlocks[blocks - 1 - b] == "AttnUpBlock2D" ||
                               (b + 1 == blocks && c.midBlock && c.midAttention);
        if (attention && c.attentionHeadDim > 0 && channels % c.attentionHeadDim != 0)
            throw Error(std::to_string(channels) + " channels do not split into heads of " +
                            std::to_string(c.attentionHeadDim),
                        path, "attention_head_dim");
    }
    if (c.midBlock && c.midAttention && c.blockOutChannels.back() % c.attentionGroups != 0)
        throw Error(std::to_string(c.blockOutChannels.back()) + " channels do not split into " +
                        std::to_string(c.attentionGroups) + " groups",
                    path, "attn_norm_num_groups");
    return c;
}

// Every weight UNet2DModel has for a config, with its shape, in the order diffusers builds
// them. The loader checks a file against it; training starts from it.
WeightShapes unetWeightShapes(const UNetConfig &c)
{
    WeightShapes shapes;
    auto add = [&](const std::string &name, std::vector<int64_t> shape) {
        shapes.emplace_back(name, std::move(shape));
    };
    auto conv = [&](const std::string &p, int64_t in, int64_t out, int64_t kernel) {
        add(p + ".weight", {out, in, kernel, kernel});
        add(p + ".bias", {out});
    };
    auto linear = [&](const std::string &p, int64_t in, int64_t out) {
        add(p + ".weight", {out, in});
        add(p + ".bias", {out});
    };
    auto norm = [&](const std::string &p, int64_t channels) {
        add(p + ".weight", {channels});
        add(p + ".bias", {channels});
    };
    const int64_t base = c.blockOutChannels.front(), timeDim = 4 * base;
    auto resnet = [&](const std::string &p, int64_t in, int64_t out) {
        norm(p + ".norm1", in);
        conv(p + ".conv1", in, out, 3);
        linear(p + ".time_emb_proj", timeDim, out);
        norm(p + ".norm2", out);
        conv(p + ".conv2", out, out, 3);
        if (in != out)
            conv(p + ".conv_shortcut", in, out, 1);
    };
    auto attention = [&](const std::string &p, int64_t channels) {
        norm(p + ".group_norm", channels);
        for (const char *n : {".to_q", ".to_k", ".to_v", ".to_out.0"})
            linear(p + n, channels, channels);
    };
    linear("time_embedding.linear_1", base, timeDim);
    linear("time_embedding.linear_2", timeDim, timeDim);
    conv("conv_in", c.inChannels, base, 3);
    std::vector<int64_t> skips{base};
    int64_t channels = base;
    const size_t blocks = c.blockOutChannels.size();
    for (size_t b = 0; b < blocks; ++b) {
        const int64_t out = c.blockOutChannels[b];
        const std::string p = "down_blocks." + std::to_string(b);
        for (int64_t j = 0; j < c.layersPerBlock; ++j) {
            resnet(p + ".resnets." + std::to_string(j), channels, out);
            channels = out;
            if (c.downBlocks[b] == "AttnDownBlock2D")
                attention(p + ".attentions." + std::to_string(j), out);
            skips.push_back(out);
        }
        if (b + 1 < blocks) {
            conv(p + ".downsamplers.0.conv", out, out, 3);
            skips.push_back(out);
        }
    }
    if (c.midBlock) {
        resnet("mid_block.resnets.0", channels, channels);
        if (c.midAttention)
            attention("mid_block.attentions.0", channels);
        resnet("mid_block.resnets.1", channels, channels);
    }
    for (size_t b = 0; b < blocks; ++b) {
        const int64_t out = c.blockOutChannels[blocks - 1 - b];
        const std::string p = "up_blocks." + std::to_string(b);
        for (int64_t j = 0; j <= c.layersPerBlock; ++j) {
            const int64_t skip = skips.back();
            skips.pop_back();
            resnet(p + ".resnets." + std::to_string(j), channels + skip, out);
            channels = out;
            if (c.upBlocks[b] == "AttnUpBlock2D")
                attention(p + ".attentions." + std::to_string(j), out);
        }
        if (b + 1 < blocks)
            conv(p + ".upsamplers.0.conv", out, out, 3);
    }
    norm("conv_norm_out", channels);
    conv("conv_out", channels, c.outChannels, 3);
    return shapes;
}

ToyConfig parseToyConfig(const nlohmann::json &j, const std::string &path)
{
    const ConfigReader r{j};
    ToyConfig c;
    c.features = r.integer("in_features", 2);
    c.hidden = r.integer("hidden_size", 128);
    c.blocks = r.integer("num_blocks", 3);
    c.timeEmbedding = r.integer("time_embedding_dim", 64);
    c.inputEmbedding = r.integer("input_embedding_dim", 64);
    c.inputScale = r.number("input_scale", 25.0);
    if (c.features < 1 || c.features > 64 || c.hidden < 1 || c.hidden > 8192 || c.blocks < 0 || c.blocks > 64 ||
        c.timeEmbedding < 2 || c.timeEmbedding > 4096 || c.timeEmbedding % 2 != 0 || c.inputEmbedding < 0 ||
        c.inputEmbedding > 4096 || c.inputEmbedding % 2 != 0 || !std::isfinite(c.inputScale))
        throw Error(
            "sizes out of range (in_features <= 64, hidden_size <= 8192, num_blocks <= 64, even embedding sizes)",
            path);
    return c;
}

int64_t toyInputSize(const ToyConfig &c)
{
    return (c.inputEmbedding > 0 ? c.features * c.inputEmbedding : c.features) + c.timeEmbedding;
}

WeightShapes toyWeightShapes(const ToyConfig &c)
{
    WeightShapes shapes{{"input_proj.weight", {c.hidden, toyInputSize(c)}}, {"input_proj.bias", {c.hidden}}};
    for (int64_t b = 0; b < c.blocks; ++b) {
        shapes.push_back({"blocks." + std::to_string(b) + ".weight", {c.hidden, c.hidden}});
        shapes.push_back({"blocks." + std::to_string(b) + ".bias", {c.hidden}});
    }
    shapes.push_back({"output.weight", {c.features, c.hidden}});
    shapes.push_back({"output.bias", {c.features}});
    return shapes;
}

} // namespace detail

SchedulerConfig SchedulerConfig::fromFile(const std::string &path)
{
    const nlohmann::json j = detail::readJson(path);
    SchedulerConfig c;
    try {
        const std::string name = j.value("_class_name", std::string("DDPMScheduler"));
        if (name == "DDPMScheduler")
            c.kind = "ddpm";
        else if (name == "DDIMScheduler")
            c.kind = "ddim";
        else
            throw Error("scheduler \"" + name + "\" is not supported (DDPMScheduler, DDIMScheduler are)", path,
                        "_class_name");
        c.trainTimesteps = j.value("num_train_timesteps", int64_t(1000));
        c.betaStart = j.value("beta_start", 0.0001);
        c.betaEnd = j.value("beta_end", 0.02);
        c.betaSchedule = j.value("beta_schedule", std::string("linear"));
        c.predictionType = j.value("prediction_type", std::string("epsilon"));
        if (j.contains("variance_type") && j["variance_type"].is_string())
            c.varianceType = j["variance_type"].get<std::string>();
        c.clipSample = j.value("clip_sample", true);
        c.clipSampleRange = j.value("clip_sample_range", 1.0);
        c.timestepSpacing = j.value("timestep_spacing", std::string("leading"));
        c.stepsOffset = j.value("steps_offset", int64_t(0));
        c.setAlphaToOne = j.value("set_alpha_to_one", true);
        if (j.contains("trained_betas") && !j["trained_betas"].is_null())
            throw Error("trained_betas are not supported; use a named beta_schedule", path, "trained_betas");
        if (j.value("thresholding", false))
            throw Error("dynamic thresholding is not supported", path, "thresholding");
        if (j.value("rescale_betas_zero_snr", false))
            throw Error("rescale_betas_zero_snr is not supported", path, "rescale_betas_zero_snr");
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("unexpected value: ") + e.what(), path);
    }
    auto oneOf = [&](const std::string &value, std::initializer_list<const char *> allowed, const char *key) {
        std::string list;
        for (const char *a : allowed) {
            if (value == a)
                return;
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        throw Error("\"" + value + "\" is not supported (" + list + " are)", path, key);
    };
    oneOf(c.betaSchedule, {"linear", "scaled_linear", "squaredcos_cap_v2"}, "beta_schedule");
    oneOf(c.predictionType, {"epsilon", "sample", "v_prediction"}, "prediction_type");
    oneOf(c.varianceType, {"fixed_small", "fixed_large"}, "variance_type");
    oneOf(c.timestepSpacing, {"leading", "trailing", "linspace"}, "timestep_spacing");
    if (c.trainTimesteps < 2 || c.trainTimesteps > 100000)
        throw Error("num_train_timesteps must be between 2 and 100000", path, "num_train_timesteps");
    if (!(c.betaStart > 0.0 && c.betaEnd < 1.0 && c.betaStart <= c.betaEnd))
        throw Error("need 0 < beta_start <= beta_end < 1", path, "beta_start");
    return c;
}

} // namespace tessera::diffusion
