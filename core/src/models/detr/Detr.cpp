// DetrForObjectDetection in LibTorch, as transformers' modeling_detr computes it: timm ResNet
// with frozen batch norm -> 1x1 input projection -> post-norm encoder whose queries and keys get
// the 2-D sine position embedding -> decoder over object queries (zeros plus learned query
// positions) with self- and cross-attention -> class and box heads. The weights keep their
// checkpoint names ("model.encoder.layers.0.self_attn.q_proj.weight").

#include "tessera/core/Detr.h"

#include "tessera/core/Error.h"
#include "tessera/core/Log.h"
#include "tessera/core/MemoryGuard.h"

#include "Checkpoint.h"
#include "DetrNetwork.h"
#include "TorchTensors.h"
#include "models/Capabilities.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace tessera::detr {
namespace {

using tessera::detail::fromTorch;
using tessera::detail::toTorch;
using WeightShapes = std::vector<std::pair<std::string, std::vector<int64_t>>>;

const std::string kBackbone = "model.backbone.conv_encoder.model.";

struct BackboneLayout {
    bool bottleneck = true;
    std::vector<int64_t> depths;                    // blocks per stage (4 stages)
    int64_t stem = 64;                              // the 7x7 convolution's channels
    std::vector<int64_t> widths{64, 128, 256, 512}; // each stage's planes (Bottleneck: x 4 out)
    int64_t channels() const { return widths.back() * (bottleneck ? 4 : 1); }
};

// The depths timm gives each ResNet name, and its block.
bool knownBackbone(const std::string &name, BackboneLayout &layout)
{
    static const std::map<std::string, BackboneLayout> known{
        {"resnet18", {false, {2, 2, 2, 2}}},  {"resnet26", {true, {2, 2, 2, 2}}},
        {"resnet34", {false, {3, 4, 6, 3}}},  {"resnet50", {true, {3, 4, 6, 3}}},
        {"resnet101", {true, {3, 4, 23, 3}}}, {"resnet152", {true, {3, 8, 36, 3}}}};
    const auto it = known.find(name);
    if (it == known.end())
        return false;
    layout = it->second;
    return true;
}

// The layout a config describes: a known timm name, or Tessera's own small ResNet (the training
// recipe's) with its block, depths and widths in the config.
bool configuredBackbone(const DetrConfig &c, BackboneLayout &layout)
{
    if (c.backbone == kTesseraBackbone) {
        layout.bottleneck = c.backboneBlock == "bottleneck";
        layout.depths = c.backboneDepths;
        layout.widths = c.backboneWidths;
        layout.stem = c.backboneWidths.front();
        return true;
    }
    return knownBackbone(c.backbone, layout);
}

std::string join(const std::vector<int64_t> &values)
{
    std::string out;
    for (size_t i = 0; i < values.size(); ++i)
        out += (i ? "-" : "") + std::to_string(values[i]);
    return out;
}

// Stage depths and block type read from the weight names, checked against the config's name.
BackboneLayout inferBackbone(const std::map<std::string, torch::Tensor> &weights, const DetrConfig &config,
                             const std::string &file)
{
    BackboneLayout layout;
    layout.bottleneck = weights.count(kBackbone + "layer1.0.conv3.weight") > 0;
    for (int stage = 1; stage <= 4; ++stage) {
        int64_t blocks = 0;
        while (
            weights.count(kBackbone + "layer" + std::to_string(stage) + "." + std::to_string(blocks) + ".conv1.weight"))
            ++blocks;
        if (blocks == 0)
            throw Error("weight missing: the backbone has no stage " + std::to_string(stage) +
                            " (a timm ResNet is expected under model.backbone.conv_encoder.model.)",
                        file, kBackbone + "layer" + std::to_string(stage) + ".0.conv1.weight");
        layout.depths.push_back(blocks);
        const auto first = weights.find(kBackbone + "layer" + std::to_string(stage) + ".0.conv1.weight");
        if (first->second.dim() != 4)
            throw Error("expected a convolution [out, in, k, k], found " + shapeToString(first->second.sizes().vec()),
                        file, first->first);
        layout.widths[size_t(stage - 1)] = first->second.size(0);
    }
    if (const auto stem = weights.find(kBackbone + "conv1.weight"); stem != weights.end() && stem->second.dim() == 4)
        layout.stem = stem->second.size(0);
    BackboneLayout named;
    if (!config.backbone.empty() && configuredBackbone(config, named) &&
        (named.bottleneck != layout.bottleneck || named.depths != layout.depths))
        throw Error("the config names backbone " + config.backbone + " (" +
                        (named.bottleneck ? "Bottleneck" : "BasicBlock") + " blocks " + join(named.depths) +
                        "), the weights hold " + (layout.bottleneck ? "Bottleneck" : "BasicBlock") + " blocks " +
                        join(layout.depths),
                    file, "backbone");
    return layout;
}

void addBatchNorm(WeightShapes &shapes, const std::string &p, int64_t channels)
{
    for (const char *part : {"weight", "bias", "running_mean", "running_var"})
        shapes.push_back({p + "." + part, {channels}});
}

WeightShapes expectedShapes(const DetrConfig &c, const BackboneLayout &b, int64_t classes)
{
    WeightShapes s;
    s.push_back({kBackbone + "conv1.weight", {b.stem, 3, 7, 7}});
    addBatchNorm(s, kBackbone + "bn1", b.stem);
    int64_t in = b.stem;
    const int64_t expansion = b.bottleneck ? 4 : 1;
    for (int stage = 0; stage < 4; ++stage) {
        const int64_t planes = b.widths[size_t(stage)];
        for (int64_t k = 0; k < b.depths[size_t(stage)]; ++k) {
            const std::string p = kBackbone + "layer" + std::to_string(stage + 1) + "." + std::to_string(k) + ".";
            if (b.bottleneck) {
                s.push_back({p + "conv1.weight", {planes, in, 1, 1}});
                s.push_back({p + "conv2.weight", {planes, planes, 3, 3}});
                s.push_back({p + "conv3.weight", {planes * 4, planes, 1, 1}});
                addBatchNorm(s, p + "bn3", planes * 4);
            } else {
                s.push_back({p + "conv1.weight", {planes, in, 3, 3}});
                s.push_back({p + "conv2.weight", {planes, planes, 3, 3}});
            }
            addBatchNorm(s, p + "bn1", planes);
            addBatchNorm(s, p + "bn2", planes);
            const bool strided = k == 0 && stage > 0;
            if (k == 0 && (strided || in != planes * expansion)) {
                s.push_back({p + "downsample.0.weight", {planes * expansion, in, 1, 1}});
                addBatchNorm(s, p + "downsample.1", planes * expansion);
            }
            in = planes * expansion;
        }
    }
    const int64_t d = c.dModel;
    s.push_back({"model.input_projection.weight", {d, b.channels(), 1, 1}});
    s.push_back({"model.input_projection.bias", {d}});
    s.push_back({"model.query_position_embeddings.weight", {c.queries, d}});
    auto linear = [&](const std::string &p, int64_t out, int64_t inputs) {
        s.push_back({p + ".weight", {out, inputs}});
        s.push_back({p + ".bias", {out}});
    };
    auto norm = [&](const std::string &p) {
        s.push_back({p + ".weight", {d}});
        s.push_back({p + ".bias", {d}});
    };
    auto attention = [&](const std::string &p) {
        for (const char *proj : {"q_proj", "k_proj", "v_proj", "out_proj"})
            linear(p + "." + proj, d, d);
    };
    for (int64_t l = 0; l < c.encoderLayers; ++l) {
        const std::string p = "model.encoder.layers." + std::to_string(l) + ".";
        attention(p + "self_attn");
        norm(p + "self_attn_layer_norm");
        linear(p + "fc1", c.encoderFfn, d);
        linear(p + "fc2", d, c.encoderFfn);
        norm(p + "final_layer_norm");
    }
    for (int64_t l = 0; l < c.decoderLayers; ++l) {
        const std::string p = "model.decoder.layers." + std::to_string(l) + ".";
        attention(p + "self_attn");
        norm(p + "self_attn_layer_norm");
        attention(p + "encoder_attn");
        norm(p + "encoder_attn_layer_norm");
        linear(p + "fc1", c.decoderFfn, d);
        linear(p + "fc2", d, c.decoderFfn);
        norm(p + "final_layer_norm");
    }
    norm("model.decoder.layernorm");
    linear("class_labels_classifier", classes + 1, d);
    linear("bbox_predictor.layers.0", d, d);
    linear("bbox_predictor.layers.1", d, d);
    linear("bbox_predictor.layers.2", 4, d);
    return s;
}

class DetrModel : public Model {
public:
    DetrModel(const std::string &folder, JobContext *context)
    {
        const std::string configPath = folder + "/config.json";
        m_config = DetrConfig::fromFile(configPath);
        tessera::detail::Checkpoint checkpoint = tessera::detail::readCheckpoint(folder, context);
        const std::string file = checkpoint.files.empty() ? folder : checkpoint.files.back();
        // A checkpoint of DetrModel alone lacks the "model." prefix (and the heads, reported below).
        bool prefixed = false;
        for (const auto &[key, tensor] : checkpoint.tensors)
            prefixed = prefixed || key.rfind("model.", 0) == 0;
        for (auto &[key, tensor] : checkpoint.tensors) {
            const bool head = key.rfind("class_labels_classifier.", 0) == 0 || key.rfind("bbox_predictor.", 0) == 0;
            const std::string name = prefixed || head ? key : "model." + key;
            if (tensor.defined())
                m_weights[name] = tensor;
            m_dtypes[name] = checkpoint.infos[key].dtype;
        }
        m_layout = inferBackbone(m_weights, m_config, file);
        const auto classifier = m_weights.find("class_labels_classifier.weight");
        if (classifier == m_weights.end())
            throw Error("weight missing: no detection head (a DetrModel checkpoint? DetrForObjectDetection is needed)",
                        file, "class_labels_classifier.weight");
        const int64_t classes = classifier->second.dim() == 2 ? classifier->second.size(0) - 1 : -1;
        if (classes < 1)
            throw Error("the classifier must be [classes + 1, d_model], found " +
                            shapeToString(classifier->second.sizes().vec()),
                        file, "class_labels_classifier.weight");
        if (!m_config.labels.empty() && int64_t(m_config.labels.size()) != classes)
            throw Error("id2label names " + std::to_string(m_config.labels.size()) + " classes, the classifier has " +
                            std::to_string(classes) + " (+ no-object)",
                        configPath, "id2label");
        if (m_config.labels.empty())
            for (int64_t i = 0; i < classes; ++i)
                m_config.labels.push_back("class " + std::to_string(i));

        std::map<std::string, bool> used;
        for (const auto &[name, shape] : expectedShapes(m_config, m_layout, classes)) {
            const auto it = m_weights.find(name);
            if (it == m_weights.end())
                throw Error("weight missing (the config asks for it)", file, name);
            if (it->second.sizes().vec() != shape)
                throw Error("expected shape " + shapeToString(shape) + " from the config, found " +
                                shapeToString(it->second.sizes().vec()),
                            file, name);
            if (!torch::isfinite(it->second).all().item<bool>())
                logWarning(file + ": " + name + " holds NaN or infinite weights; outputs will be too");
            used[name] = true;
            m_info.tensors.push_back({name, shape, m_dtypes[name]});
            m_info.parameters += it->second.numel();
        }
        for (const auto &[name, dtype] : m_dtypes)
            if (!used.count(name))
                m_info.unexpectedKeys.push_back(name);
        for (auto it = m_weights.begin(); it != m_weights.end();)
            it = used.count(it->first) ? std::next(it) : m_weights.erase(it);

        describe(folder, {configPath});
        m_info.files.insert(m_info.files.end(), checkpoint.files.begin(), checkpoint.files.end());
    }

    void describe(const std::string &folder, std::vector<std::string> files)
    {
        ModelConfig &c = m_info.config;
        c.modelType = "detr";
        c.architecture = "DetrForObjectDetection";
        c.hiddenSize = m_config.dModel;
        c.layers = m_config.encoderLayers;
        c.heads = m_config.encoderHeads;
        c.intermediateSize = m_config.encoderFfn;
        c.activation = m_config.activation;
        c.dtype = m_config.dtype;
        c.labels = m_config.labels;
        c.layerNormEps = 1e-5;
        m_info.capabilities = ::tessera::detail::capabilitiesOf(c.modelType, true);
        m_info.attentionStacks = {
            {"encoder_attentions", m_config.encoderLayers, m_config.encoderHeads, m_config.encoderHeads, false, 0, {}},
            {"decoder_attentions", m_config.decoderLayers, m_config.decoderHeads, m_config.decoderHeads, false, 0, {}},
            {"cross_attentions", m_config.decoderLayers, m_config.decoderHeads, m_config.decoderHeads, false, 0, {}}};
        m_info.folder = folder;
        m_info.files = std::move(files);
    }

    // Weights shared with a training job (not copied: run() sees them as they are now).
    DetrModel(const DetrConfig &config, const std::map<std::string, torch::Tensor> &weights, int64_t classes,
              const std::string &folder)
        : m_config(config), m_weights(weights)
    {
        if (!configuredBackbone(m_config, m_layout))
            throw Error("backbone \"" + m_config.backbone + "\" is not one Tessera can build");
        if (m_config.labels.empty())
            for (int64_t i = 0; i < classes; ++i)
                m_config.labels.push_back("class " + std::to_string(i));
        for (const auto &[name, shape] : expectedShapes(m_config, m_layout, classes)) {
            const auto it = m_weights.find(name);
            if (it == m_weights.end() || it->second.sizes().vec() != shape)
                throw Error("weight missing or of the wrong shape (in memory)", {}, name);
            m_info.tensors.push_back({name, shape, "F32"});
            m_info.parameters += it->second.numel();
        }
        describe(folder, {});
    }

    const ModelInfo &info() const override { return m_info; }
    Matrix positionTable() const override { return {}; } // computed per image, not learned
    const DetrConfig &config() const { return m_config; }

    FloatTensor weight(const std::string &name) const override
    {
        const auto it = m_weights.find(name);
        if (it == m_weights.end())
            throw Error("this model has no weight named \"" + name + "\"");
        return fromTorch(it->second);
    }

    ModelOutputs run(const ModelInputs &inputs, const CaptureOptions &capture, JobContext *context) const override
    {
        const auto pixels = inputs.floats.find("pixel_values");
        if (pixels == inputs.floats.end())
            throw Error("DETR needs the input \"pixel_values\" [batch, 3, height, width]");
        const FloatTensor &x = pixels->second;
        if (x.shape.size() != 4 || x.shape[1] != 3 || x.shape[0] < 1 || x.shape[2] < 1 || x.shape[3] < 1 ||
            x.values.size() != size_t(x.elementCount()))
            throw Error("pixel_values " + shapeToString(x.shape) + " must be [batch, 3, height, width]", {},
                        "pixel_values");
        const int64_t batch = x.shape[0], height = x.shape[2], width = x.shape[3];
        if (height > 8192 || width > 8192)
            throw Error("pixel_values " + shapeToString(x.shape) + " is larger than 8192 pixels on a side", {},
                        "pixel_values");
        for (const auto &[name, tensor] : inputs.integers)
            if (name != "pixel_mask")
                throw Error("DETR takes pixel_values and pixel_mask, not \"" + name + "\"", {}, name);
        for (const auto &[name, tensor] : inputs.floats)
            if (name != "pixel_values")
                throw Error("DETR takes pixel_values and pixel_mask, not \"" + name + "\"", {}, name);
        torch::Tensor mask = torch::ones({batch, height, width}, torch::kInt64);
        if (const auto m = inputs.integers.find("pixel_mask"); m != inputs.integers.end()) {
            if (m->second.shape != std::vector<int64_t>{batch, height, width} ||
                m->second.values.size() != size_t(batch * height * width))
                throw Error("pixel_mask " + shapeToString(m->second.shape) + " must be [" + std::to_string(batch) +
                                ", " + std::to_string(height) + ", " + std::to_string(width) + "]",
                            {}, "pixel_mask");
            for (int64_t v : m->second.values)
                if (v != 0 && v != 1)
                    throw Error("pixel_mask holds " + std::to_string(v) + "; it must be 0 (padding) or 1 (pixel)", {},
                                "pixel_mask");
            mask =
                torch::from_blob(const_cast<int64_t *>(m->second.values.data()), {batch, height, width}, torch::kInt64)
                    .clone();
        }
        // The backbone's largest activations (stage 1: 256 channels at a quarter of the size, a
        // few alive at once) and the captured attentions of the grid.
        const double grid = std::ceil(height / 32.0) * std::ceil(width / 32.0) * (m_config.dilation ? 4.0 : 1.0);
        const double backbone =
            double(batch) * double(height * width) / 16.0 * (m_layout.bottleneck ? 256.0 : 64.0) * 4.0 * 4.0;
        const double attention = capture.attentions
                                     ? double(batch) * 4.0 *
                                           (double(m_config.encoderLayers * m_config.encoderHeads) * grid * grid +
                                            double(m_config.decoderLayers * m_config.decoderHeads) *
                                                double(m_config.queries) * (grid + double(m_config.queries)))
                                     : 0.0;
        requireMemory(backbone + attention,
                      "DETR on a " + std::to_string(width) + " x " + std::to_string(height) + " image",
                      "use a smaller image (the processor's shortest edge) or turn attention capture off");
        torch::NoGradGuard noGrad;
        return forward(toTorch(x), mask, capture, context, nullptr);
    }

    // The heads' outputs of every decoder layer (through the decoder's final layer norm, as
    // DETR's auxiliary losses use them), last layer last: logits [B, Q, C + 1], boxes [B, Q, 4].
    // With autograd; no capture.
    detail::DetrPredictions predict(const torch::Tensor &pixels, bool batchStatistics) const
    {
        // One training job owns a model from modelFromWeights: the flag is its alone.
        const struct Restore {
            bool &flag;
            ~Restore() { flag = false; }
        } restore{m_batchStatistics};
        m_batchStatistics = batchStatistics;
        detail::DetrPredictions predictions;
        CaptureOptions none;
        none.attentions = false;
        none.hiddenStates = false;
        forward(pixels, torch::ones({pixels.size(0), pixels.size(2), pixels.size(3)}, torch::kInt64), none, nullptr,
                &predictions);
        return predictions;
    }

private:
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
    torch::Tensor layerNorm(const torch::Tensor &x, const std::string &p) const
    {
        return torch::layer_norm(x, {m_config.dModel}, w(p + ".weight"), w(p + ".bias"), 1e-5);
    }
    // DetrFrozenBatchNorm2d: the statistics and affine folded into one scale and shift.
    torch::Tensor frozenBatchNorm(const torch::Tensor &x, const std::string &p) const
    {
        if (m_batchStatistics) // training from scratch: batch statistics, the running ones updated
            return torch::batch_norm(x, w(p + ".weight"), w(p + ".bias"), w(p + ".running_mean"), w(p + ".running_var"),
                                     true, 0.1, 1e-5, false);
        const torch::Tensor scale = w(p + ".weight") * (w(p + ".running_var") + 1e-5).rsqrt();
        const torch::Tensor shift = w(p + ".bias") - w(p + ".running_mean") * scale;
        return x * scale.view({1, -1, 1, 1}) + shift.view({1, -1, 1, 1});
    }
    torch::Tensor conv(const torch::Tensor &x, const std::string &name, int64_t stride, int64_t padding,
                       int64_t dilation = 1) const
    {
        return torch::conv2d(x, w(name), {}, stride, padding, dilation);
    }

    // timm's ResNet to the last stage: stem (7x7/2, max pool 3x3/2), then four stages whose first
    // block strides (on the 3x3 convolution) and projects the shortcut. DC5 (dilation) keeps the
    // last stage at stride 16 with dilation 2 from its second block on (timm's first_dilation).
    torch::Tensor backbone(torch::Tensor x, JobContext *context) const
    {
        x = torch::relu(frozenBatchNorm(conv(x, kBackbone + "conv1.weight", 2, 3), kBackbone + "bn1"));
        x = torch::max_pool2d(x, 3, 2, 1);
        int64_t previousDilation = 1;
        for (int stage = 0; stage < 4; ++stage) {
            if (context)
                context->throwIfCancelled();
            const bool dilated = stage == 3 && m_config.dilation;
            const int64_t dilation = dilated ? 2 : 1;
            for (int64_t k = 0; k < m_layout.depths[size_t(stage)]; ++k) {
                const std::string p = kBackbone + "layer" + std::to_string(stage + 1) + "." + std::to_string(k) + ".";
                const int64_t stride = k == 0 && stage > 0 && !dilated ? 2 : 1;
                const int64_t first = k == 0 ? previousDilation : dilation;
                torch::Tensor shortcut = x;
                if (m_weights.count(p + "downsample.0.weight"))
                    shortcut = frozenBatchNorm(conv(x, p + "downsample.0.weight", stride, 0), p + "downsample.1");
                torch::Tensor y;
                if (m_layout.bottleneck) {
                    y = torch::relu(frozenBatchNorm(conv(x, p + "conv1.weight", 1, 0), p + "bn1"));
                    y = torch::relu(frozenBatchNorm(conv(y, p + "conv2.weight", stride, first, first), p + "bn2"));
                    y = frozenBatchNorm(conv(y, p + "conv3.weight", 1, 0), p + "bn3");
                } else {
                    y = torch::relu(frozenBatchNorm(conv(x, p + "conv1.weight", stride, first, first), p + "bn1"));
                    y = frozenBatchNorm(conv(y, p + "conv2.weight", 1, dilation, dilation), p + "bn2");
                }
                x = torch::relu(y + shortcut);
            }
            previousDilation = dilation;
        }
        return x;
    }

    // DetrAttention: queries from q (+ their positions), keys from k (+ theirs), values from v;
    // mask is additive [batch, 1, 1, keys] or undefined. probabilities gets [batch, heads, q, k].
    torch::Tensor attention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                            const std::string &p, int64_t heads, const torch::Tensor &mask,
                            torch::Tensor *probabilities) const
    {
        const int64_t batch = q.size(0), nq = q.size(1), nk = k.size(1), d = m_config.dModel, hd = d / heads;
        const torch::Tensor query =
            (linear(q, p + ".q_proj") * (1.0 / std::sqrt(double(hd)))).view({batch, nq, heads, hd}).transpose(1, 2);
        const torch::Tensor key = linear(k, p + ".k_proj").view({batch, nk, heads, hd}).transpose(1, 2);
        const torch::Tensor value = linear(v, p + ".v_proj").view({batch, nk, heads, hd}).transpose(1, 2);
        torch::Tensor scores = torch::matmul(query, key.transpose(-1, -2));
        if (mask.defined())
            scores = scores + mask;
        const torch::Tensor weights = torch::softmax(scores, -1);
        if (probabilities)
            *probabilities = weights;
        const torch::Tensor out = torch::matmul(weights, value).transpose(1, 2).reshape({batch, nq, d});
        return linear(out, p + ".out_proj");
    }

    torch::Tensor feedForward(const torch::Tensor &x, const std::string &p) const
    {
        return linear(tessera::detail::activation(linear(x, p + ".fc1"), m_config.activation), p + ".fc2");
    }

    ModelOutputs forward(const torch::Tensor &pixels, const torch::Tensor &pixelMask, const CaptureOptions &capture,
                         JobContext *context, detail::DetrPredictions *training) const
    {
        auto keep = [&](int64_t layer) {
            return capture.layers.empty() ||
                   std::find(capture.layers.begin(), capture.layers.end(), int(layer)) != capture.layers.end();
        };
        ModelOutputs out;
        const int64_t totalLayers = m_config.encoderLayers + m_config.decoderLayers;
        auto progress = [&](int64_t done, const std::string &what) {
            if (!context)
                return;
            context->throwIfCancelled();
            context->setProgress(0.5 + 0.5 * double(done) / double(std::max<int64_t>(totalLayers, 1)), what);
        };
        if (context)
            context->setProgress(0.0, "backbone");
        const torch::Tensor features = backbone(pixels, context); // [B, C, h, w]
        const int64_t batch = features.size(0), h = features.size(2), wd = features.size(3), d = m_config.dModel;
        // The pixel mask at the feature grid (nearest, as transformers interpolates it).
        const torch::Tensor gridMask =
            torch::nn::functional::interpolate(pixelMask.unsqueeze(0).to(torch::kFloat32),
                                               torch::nn::functional::InterpolateFuncOptions()
                                                   .size(std::vector<int64_t>{h, wd})
                                                   .mode(torch::kNearest))[0]
                .to(torch::kBool); // [B, h, w]
        std::vector<torch::Tensor> positions;
        for (int64_t b = 0; b < batch; ++b) {
            const torch::Tensor m = gridMask[b].to(torch::kUInt8).contiguous();
            const std::vector<uint8_t> values(m.data_ptr<uint8_t>(), m.data_ptr<uint8_t>() + m.numel());
            positions.push_back(toTorch(sinePositionEmbedding(values, h, wd, d)));
        }
        const torch::Tensor position = torch::stack(positions); // [B, d, h, w]
        if (!training)
            out["position_embedding"] = fromTorch(position);
        progress(0, "encoder");

        const torch::Tensor projected =
            torch::conv2d(features, w("model.input_projection.weight"), w("model.input_projection.bias"));
        torch::Tensor source = projected.flatten(2).permute({0, 2, 1});       // [B, hw, d]
        const torch::Tensor spatial = position.flatten(2).permute({0, 2, 1}); // [B, hw, d]
        const torch::Tensor additive = (1.0 - gridMask.flatten(1).to(torch::kFloat32))
                                           .mul(std::numeric_limits<float>::lowest())
                                           .view({batch, 1, 1, h * wd});

        for (int64_t l = 0; l < m_config.encoderLayers; ++l) {
            if (capture.hiddenStates && keep(l))
                out["encoder_hidden_states." + std::to_string(l)] = fromTorch(source);
            const std::string p = "model.encoder.layers." + std::to_string(l);
            torch::Tensor probabilities;
            const torch::Tensor withPosition = source + spatial;
            const torch::Tensor attended =
                attention(withPosition, withPosition, source, p + ".self_attn", m_config.encoderHeads, additive,
                          capture.attentions && keep(l) ? &probabilities : nullptr);
            if (probabilities.defined())
                out["encoder_attentions." + std::to_string(l)] = fromTorch(probabilities);
            source = layerNorm(source + attended, p + ".self_attn_layer_norm");
            source = layerNorm(source + feedForward(source, p), p + ".final_layer_norm");
            progress(l + 1, "encoder layer " + std::to_string(l + 1));
        }
        if (capture.hiddenStates && keep(m_config.encoderLayers))
            out["encoder_hidden_states." + std::to_string(m_config.encoderLayers)] = fromTorch(source);

        const torch::Tensor queryPosition =
            w("model.query_position_embeddings.weight").unsqueeze(0).expand({batch, -1, -1});
        torch::Tensor target = torch::zeros({batch, m_config.queries, d});
        const torch::Tensor keys = source + spatial;
        for (int64_t l = 0; l < m_config.decoderLayers; ++l) {
            if (capture.hiddenStates && keep(l))
                out["decoder_hidden_states." + std::to_string(l)] = fromTorch(target);
            const std::string p = "model.decoder.layers." + std::to_string(l);
            torch::Tensor self, cross;
            const bool captured = capture.attentions && keep(l);
            const torch::Tensor withQuery = target + queryPosition;
            target = layerNorm(target + attention(withQuery, withQuery, target, p + ".self_attn", m_config.decoderHeads,
                                                  {}, captured ? &self : nullptr),
                               p + ".self_attn_layer_norm");
            target = layerNorm(target + attention(target + queryPosition, keys, source, p + ".encoder_attn",
                                                  m_config.decoderHeads, additive, captured ? &cross : nullptr),
                               p + ".encoder_attn_layer_norm");
            target = layerNorm(target + feedForward(target, p), p + ".final_layer_norm");
            if (training && l + 1 < m_config.decoderLayers)
                heads(layerNorm(target, "model.decoder.layernorm"), *training);
            if (captured) {
                out["decoder_attentions." + std::to_string(l)] = fromTorch(self);
                out["cross_attentions." + std::to_string(l)] = fromTorch(cross);
            }
            progress(m_config.encoderLayers + l + 1, "decoder layer " + std::to_string(l + 1));
        }
        target = layerNorm(target, "model.decoder.layernorm");
        if (training) {
            heads(target, *training);
            return out;
        }
        if (capture.hiddenStates && keep(m_config.decoderLayers))
            out["decoder_hidden_states." + std::to_string(m_config.decoderLayers)] = fromTorch(target);
        out["last_hidden_state"] = fromTorch(target);
        out["logits"] = fromTorch(linear(target, "class_labels_classifier"));
        torch::Tensor box = torch::relu(linear(target, "bbox_predictor.layers.0"));
        box = torch::relu(linear(box, "bbox_predictor.layers.1"));
        out["pred_boxes"] = fromTorch(torch::sigmoid(linear(box, "bbox_predictor.layers.2")));
        return out;
    }

    void heads(const torch::Tensor &target, detail::DetrPredictions &into) const
    {
        into.logits.push_back(linear(target, "class_labels_classifier"));
        torch::Tensor box = torch::relu(linear(target, "bbox_predictor.layers.0"));
        box = torch::relu(linear(box, "bbox_predictor.layers.1"));
        into.boxes.push_back(torch::sigmoid(linear(box, "bbox_predictor.layers.2")));
    }

    DetrConfig m_config;
    mutable bool m_batchStatistics = false;
    BackboneLayout m_layout;
    ModelInfo m_info;
    std::map<std::string, torch::Tensor> m_weights;
    std::map<std::string, std::string> m_dtypes;
};

} // namespace

std::unique_ptr<Model> loadDetrModel(const std::string &folder, JobContext *context)
{
    return std::make_unique<DetrModel>(folder, context);
}

namespace detail {

std::unique_ptr<Model> modelFromWeights(const DetrConfig &config, const std::map<std::string, torch::Tensor> &weights,
                                        int64_t classes, const std::string &folder)
{
    return std::make_unique<DetrModel>(config, weights, classes, folder);
}

DetrPredictions differentiableForward(const Model &model, const torch::Tensor &pixels, bool batchStatistics)
{
    const auto *detr = dynamic_cast<const DetrModel *>(&model);
    if (!detr)
        throw Error("not a DETR model");
    return detr->predict(pixels, batchStatistics);
}

} // namespace detail

std::vector<std::pair<std::string, std::vector<int64_t>>> detrWeightShapes(const DetrConfig &config, int64_t classes)
{
    BackboneLayout layout;
    if (!configuredBackbone(config, layout))
        throw Error("backbone \"" + config.backbone +
                    "\" is not a known timm ResNet (resnet18, 26, 34, 50, 101, 152) or " + kTesseraBackbone);
    if (classes < 1)
        throw Error("a detector needs at least one class");
    return expectedShapes(config, layout, classes);
}

const DetrConfig &detrConfig(const Model &model)
{
    const auto *detr = dynamic_cast<const DetrModel *>(&model);
    if (!detr)
        throw Error("not a DETR model (a " + model.info().config.modelType + " model)");
    return detr->config();
}

} // namespace tessera::detr
