#include "tessera/core/Detr.h"
#include "tessera/core/Diffusion.h"
#include "tessera/core/Error.h"
#include "tessera/core/MemoryGuard.h"
#include "tessera/core/Log.h"
#include "tessera/core/Model.h"
#include "tessera/core/Safetensors.h"

#include "Checkpoint.h"
#include "Network.h"
#include "models/Capabilities.h"
#include "TorchTensors.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <fstream>
#include <set>
#include <sys/stat.h>

// The architectures are written as plain functions over a name -> tensor map whose names are
// the Hugging Face key paths with the architecture prefix removed (for example
// "encoder.layer.0.attention.self.query.weight"). Checkpoint variants (with or without
// "bert." / "transformer." / "vit.", legacy gamma/beta) are mapped onto these names once, at
// load time, and every expected name is checked before anything runs.

namespace tessera {
namespace detail {
namespace {
bool fileExists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}
} // namespace

torch::Tensor activation(const torch::Tensor &x, const std::string &name)
{
    if (name == "gelu")
        return torch::gelu(x); // exact (erf)
    if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast")
        return torch::gelu(x, "tanh");
    if (name == "relu")
        return torch::relu(x);
    if (name == "silu" || name == "swish")
        return torch::silu(x);
    throw Error("activation \"" + name + "\" is not supported (gelu, gelu_new, relu, silu are)");
}

Checkpoint readCheckpoint(const std::string &folder, JobContext *context)
{
    Checkpoint checkpoint;
    std::vector<std::string> shards;
    const std::string single = folder + "/model.safetensors";
    const std::string index = folder + "/model.safetensors.index.json";
    if (fileExists(single)) {
        shards.push_back(single);
    } else if (fileExists(index)) {
        std::ifstream in(index);
        nlohmann::json root;
        try {
            in >> root;
        } catch (const nlohmann::json::exception &e) {
            throw Error(std::string("not valid JSON: ") + e.what(), index);
        }
        if (!root.contains("weight_map") || !root["weight_map"].is_object())
            throw Error("no weight_map object", index, "weight_map");
        std::set<std::string> names;
        for (auto it = root["weight_map"].begin(); it != root["weight_map"].end(); ++it) {
            if (!it.value().is_string() || it.value().get<std::string>().find('/') != std::string::npos)
                throw Error("each shard must be a file name in this folder", index, it.key());
            names.insert(it.value().get<std::string>());
        }
        for (const std::string &name : names)
            shards.push_back(folder + "/" + name);
        checkpoint.files.push_back(index);
    } else {
        for (const char *unsafe : {"pytorch_model.bin", "model.pt", "model.ckpt", "pytorch_model.bin.index.json"})
            if (fileExists(folder + "/" + unsafe))
                throw Error(std::string(unsafe) +
                                " is a pickle file, which can run code when opened; Tessera never "
                                "opens it. Convert it to safetensors (in Python: model.save_pretrained(folder, "
                                "safe_serialization=True)) and open the folder again",
                            folder);
        throw Error("no model.safetensors or model.safetensors.index.json here", folder);
    }
    for (size_t s = 0; s < shards.size(); ++s) {
        if (context) {
            context->throwIfCancelled();
            context->setProgress(double(s) / double(shards.size()), "reading " + shards[s]);
        }
        SafetensorsFile file(shards[s]);
        checkpoint.files.push_back(shards[s]);
        for (const std::string &key : file.keys()) {
            if (context) // a large checkpoint is many seconds of reading: cancellable per tensor
                context->throwIfCancelled();
            const TensorInfo &info = file.info(key);
            if (checkpoint.tensors.count(key))
                throw Error("appears in two shards", shards[s], key);
            checkpoint.infos[key] = {key, info.shape, dtypeName(info.dtype)};
            if (info.dtype == DType::Bool || info.dtype == DType::I64 || info.dtype == DType::I32 ||
                info.dtype == DType::I16 || info.dtype == DType::I8 || info.dtype == DType::U8) {
                // Integer buffers (position_ids, attn.bias) are not weights.
                checkpoint.tensors[key] = torch::Tensor();
                continue;
            }
            checkpoint.tensors[key] = detail::toTorch(file.readFloat(key));
        }
    }
    return checkpoint;
}

} // namespace detail

namespace {

using detail::activation;
using detail::Checkpoint;
using detail::readCheckpoint;
using detail::Weights;

bool exists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

using detail::fromTorch;
using detail::toTorch;

torch::Tensor intTensor(const IntTensor &tensor)
{
    return torch::from_blob(const_cast<int64_t *>(tensor.values.data()), tensor.shape, torch::kInt64).clone();
}

// The names an architecture needs, with their shapes from the config.
using Expected = std::vector<std::pair<std::string, std::vector<int64_t>>>;

Expected expectedWeights(const ModelConfig &c, bool hasHead, bool hasPooler)
{
    const int64_t d = c.hiddenSize, f = c.intermediateSize;
    Expected e;
    auto add = [&](const std::string &name, std::vector<int64_t> shape) { e.emplace_back(name, std::move(shape)); };
    auto linearLayer = [&](const std::string &name, int64_t out, int64_t in, bool bias = true) {
        add(name + ".weight", {out, in});
        if (bias)
            add(name + ".bias", {out});
    };
    auto norm = [&](const std::string &name) {
        add(name + ".weight", {d});
        add(name + ".bias", {d});
    };
    if (c.modelType == "bert") {
        add("embeddings.word_embeddings.weight", {c.vocabularySize, d});
        add("embeddings.position_embeddings.weight", {c.maxPositions, d});
        add("embeddings.token_type_embeddings.weight", {c.typeVocabularySize, d});
        norm("embeddings.LayerNorm");
        for (int64_t l = 0; l < c.layers; ++l) {
            const std::string p = "encoder.layer." + std::to_string(l) + ".";
            for (const char *n : {"query", "key", "value"})
                linearLayer(p + "attention.self." + n, d, d);
            linearLayer(p + "attention.output.dense", d, d);
            norm(p + "attention.output.LayerNorm");
            linearLayer(p + "intermediate.dense", f, d);
            linearLayer(p + "output.dense", d, f);
            norm(p + "output.LayerNorm");
        }
        if (hasPooler)
            linearLayer("pooler.dense", d, d);
        if (hasHead) {
            linearLayer("cls.predictions.transform.dense", d, d);
            norm("cls.predictions.transform.LayerNorm");
            add("cls.predictions.bias", {c.vocabularySize});
            add("cls.predictions.decoder.weight", {c.vocabularySize, d});
        }
    } else if (c.modelType == "gpt2") {
        add("wte.weight", {c.vocabularySize, d});
        add("wpe.weight", {c.maxPositions, d});
        for (int64_t l = 0; l < c.layers; ++l) {
            const std::string p = "h." + std::to_string(l) + ".";
            norm(p + "ln_1");
            norm(p + "ln_2");
            add(p + "attn.c_attn.weight", {d, 3 * d});
            add(p + "attn.c_attn.bias", {3 * d});
            add(p + "attn.c_proj.weight", {d, d});
            add(p + "attn.c_proj.bias", {d});
            add(p + "mlp.c_fc.weight", {d, f});
            add(p + "mlp.c_fc.bias", {f});
            add(p + "mlp.c_proj.weight", {f, d});
            add(p + "mlp.c_proj.bias", {d});
        }
        norm("ln_f");
        if (hasHead)
            add("lm_head.weight", {c.vocabularySize, d});
    } else {
        const int64_t grid = c.imageSize / c.patchSize;
        add("embeddings.cls_token", {1, 1, d});
        add("embeddings.position_embeddings", {1, grid * grid + 1, d});
        add("embeddings.patch_embeddings.projection.weight", {d, c.channels, c.patchSize, c.patchSize});
        add("embeddings.patch_embeddings.projection.bias", {d});
        for (int64_t l = 0; l < c.layers; ++l) {
            const std::string p = "encoder.layer." + std::to_string(l) + ".";
            for (const char *n : {"query", "key", "value"})
                linearLayer(p + "attention.attention." + n, d, d, c.qkvBias);
            linearLayer(p + "attention.output.dense", d, d);
            norm(p + "layernorm_before");
            norm(p + "layernorm_after");
            linearLayer(p + "intermediate.dense", f, d);
            linearLayer(p + "output.dense", d, f);
        }
        norm("layernorm");
        if (hasPooler)
            linearLayer("pooler.dense", d, d);
        if (hasHead)
            linearLayer("classifier", int64_t(std::max<size_t>(c.labels.size(), 1)), d);
    }
    return e;
}

// Distances in pixels between the centres of a grid x grid patch layout: [patches, patches].
torch::Tensor patchDistances(int64_t gridWidth, int64_t patchSize)
{
    const int64_t patches = gridWidth * gridWidth;
    const torch::Tensor index = torch::arange(patches, torch::kInt64);
    const torch::Tensor rows = torch::floor_divide(index, gridWidth).to(torch::kFloat32) * double(patchSize);
    const torch::Tensor cols = torch::remainder(index, gridWidth).to(torch::kFloat32) * double(patchSize);
    return torch::sqrt((rows.unsqueeze(1) - rows.unsqueeze(0)).pow(2) + (cols.unsqueeze(1) - cols.unsqueeze(0)).pow(2));
}

// Mean attention distance of one layer's probabilities [batch, heads, 1 + patches, 1 + patches]
// -> [heads]: CLS dropped as query and key, weighted distance summed over keys, averaged over
// queries and the batch; renormalized rescales each query's patch weights to sum to 1.
torch::Tensor layerDistance(const torch::Tensor &probabilities, const torch::Tensor &distances, bool renormalized)
{
    torch::Tensor weights = probabilities.slice(2, 1).slice(3, 1);
    if (renormalized)
        weights = weights / weights.sum(-1, true);
    return (weights * distances).sum(-1).mean(-1).mean(0);
}

// What the layers leave behind for the analyses: each layer's mean attention distance (ViT),
// computed as the layer finishes, and the attention rollout built up layer by layer (so that
// it needs one n x n product, not every layer kept).
struct LayerCollector {
    torch::Tensor distances;                // [patches, patches] when the distance is wanted
    std::vector<torch::Tensor> rawDistance; // per layer [heads]
    std::vector<torch::Tensor> renormalizedDistance;
    torch::Tensor rollout;
};

// Where a step-through of one head goes, when asked for.
struct StepTarget {
    int head = -1;
    ModelOutputs *outputs = nullptr;
};

class TransformerModel : public Model {
public:
    TransformerModel(ModelConfig config, std::string folder, JobContext *context) : m_folder(std::move(folder))
    {
        m_info.config = std::move(config);
        m_info.folder = m_folder;
        Checkpoint checkpoint = readCheckpoint(m_folder, context);
        m_info.files = checkpoint.files;
        m_info.files.insert(m_info.files.begin(), m_folder + "/config.json");
        mapWeights(checkpoint);
    }

    // A model over weights already in memory (canonical names, see weightShapes), as training
    // builds them: the tensors are shared, not copied, so the model follows the training.
    TransformerModel(ModelConfig config, const Weights &weights, std::string folder) : m_folder(std::move(folder))
    {
        m_info.config = std::move(config);
        m_info.folder = m_folder;
        for (const auto &[name, shape] : detail::weightShapes(m_info.config)) {
            const auto it = weights.find(name);
            if (it == weights.end() || !it->second.defined())
                throw Error("weight missing: " + name);
            if (it->second.sizes().vec() != shape)
                throw Error("shape " + shapeToString(it->second.sizes().vec()) +
                                " disagrees with the config, which implies " + shapeToString(shape),
                            {}, name);
            m_weights[name] = it->second;
            m_info.parameters += it->second.numel();
        }
        addTiedWeights();
        detail::describeTransformer(m_info, true); // weightShapes lists the head
    }

    const ModelInfo &info() const override { return m_info; }

    // The forward pass with autograd (no capture): logits [batch, sequence, vocabulary] for the
    // language models, [batch, labels] for image classification.
    torch::Tensor differentiableLogits(const ModelInputs &inputs) const
    {
        CaptureOptions none;
        none.attentions = false;
        none.hiddenStates = false;
        ModelOutputs unused;
        LayerCollector attentions;
        torch::Tensor logits;
        const std::string &type = m_info.config.modelType;
        if (type == "bert")
            runBert(inputs, none, unused, attentions, nullptr, &logits);
        else if (type == "gpt2")
            runGpt2(inputs, none, unused, attentions, nullptr, &logits);
        else
            runVit(inputs, none, unused, attentions, nullptr, &logits);
        if (!logits.defined())
            throw Error(m_info.config.modelType + " model without a head has no logits to train");
        return logits;
    }

    Matrix positionTable() const override
    {
        const std::string &type = m_info.config.modelType;
        const torch::Tensor table = type == "gpt2"  ? m_weights.at("wpe.weight")
                                    : type == "vit" ? m_weights.at("embeddings.position_embeddings").squeeze(0)
                                                    : m_weights.at("embeddings.position_embeddings.weight");
        return fromTorch(table).toMatrix();
    }

    FloatTensor weight(const std::string &name) const override
    {
        const auto it = m_weights.find(name);
        if (it == m_weights.end())
            throw Error("this " + m_info.config.modelType + " model has no weight named \"" + name + "\"");
        return fromTorch(it->second.detach().to(torch::kFloat32));
    }

    ModelOutputs run(const ModelInputs &inputs, const CaptureOptions &capture, JobContext *context) const override
    {
        torch::NoGradGuard noGrad;
        ModelOutputs outputs;
        LayerCollector attentions;
        const std::string &type = m_info.config.modelType;
        if (capture.meanAttentionDistance) {
            if (type != "vit")
                throw Error("mean attention distance needs an image model (ViT)");
            attentions.distances =
                patchDistances(m_info.config.imageSize / m_info.config.patchSize, m_info.config.patchSize);
        }
        checkMemory(inputs, capture);
        if (type == "bert")
            runBert(inputs, capture, outputs, attentions, context);
        else if (type == "gpt2")
            runGpt2(inputs, capture, outputs, attentions, context);
        else
            runVit(inputs, capture, outputs, attentions, context);
        if (capture.rollout)
            outputs["rollout"] = fromTorch(attentions.rollout);
        if (capture.meanAttentionDistance) {
            outputs["mean_attention_distance.raw"] = fromTorch(torch::stack(attentions.rawDistance));
            outputs["mean_attention_distance.renormalized"] = fromTorch(torch::stack(attentions.renormalizedDistance));
        }
        return outputs;
    }

private:
    const torch::Tensor &w(const std::string &name) const { return m_weights.at(name); }

    torch::Tensor linear(const torch::Tensor &x, const std::string &prefix) const
    {
        const auto bias = m_weights.find(prefix + ".bias");
        return torch::linear(x, w(prefix + ".weight"), bias == m_weights.end() ? torch::Tensor() : bias->second);
    }
    // GPT-2's Conv1D stores its weight as [in, out].
    torch::Tensor conv1d(const torch::Tensor &x, const std::string &prefix) const
    {
        return torch::addmm(w(prefix + ".bias"), x.reshape({-1, x.size(-1)}), w(prefix + ".weight")).reshape([&] {
            auto sizes = x.sizes().vec();
            sizes.back() = w(prefix + ".weight").size(1);
            return sizes;
        }());
    }
    torch::Tensor layerNorm(const torch::Tensor &x, const std::string &prefix) const
    {
        return torch::layer_norm(x, {x.size(-1)}, w(prefix + ".weight"), w(prefix + ".bias"),
                                 m_info.config.layerNormEps);
    }

    bool captureLayer(const CaptureOptions &capture, int64_t layer) const
    {
        return capture.layers.empty() ||
               std::find(capture.layers.begin(), capture.layers.end(), int(layer)) != capture.layers.end();
    }

    // Multi-head attention from projected q, k, v [batch, seq, hidden]; additive mask
    // [batch, 1, query, key] or undefined. Returns the context [batch, seq, hidden] and stores
    // the probabilities [batch, heads, query, key].
    // With capture, the probabilities are written straight into the captured buffer (no copy:
    // at 512 tokens they are 144 MB for BERT-base).
    static StepTarget stepFor(const CaptureOptions &capture, int64_t layer, ModelOutputs &outputs)
    {
        return capture.stepLayer == int(layer) ? StepTarget{capture.stepHead, &outputs} : StepTarget{};
    }

    torch::Tensor attend(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                         const torch::Tensor &mask, torch::Tensor &probabilities, FloatTensor *capture = nullptr,
                         StepTarget step = {}) const
    {
        const int64_t batch = q.size(0), sequence = q.size(1), heads = m_info.config.heads;
        const int64_t headSize = m_info.config.hiddenSize / heads;
        auto split = [&](const torch::Tensor &t) { return t.view({batch, sequence, heads, headSize}).transpose(1, 2); };
        torch::Tensor scores = torch::matmul(split(q), split(k).transpose(-1, -2)) / std::sqrt(double(headSize));
        if (mask.defined())
            scores = scores + mask;
        if (step.outputs) {
            if (step.head < 0 || step.head >= heads)
                throw Error("head " + std::to_string(step.head) + " does not exist (" + std::to_string(heads) +
                            " heads)");
            const torch::Tensor qh = split(q)[0][step.head], kh = split(k)[0][step.head], vh = split(v)[0][step.head];
            const torch::Tensor raw = torch::matmul(qh, kh.transpose(0, 1));
            torch::Tensor scaled = scores[0][step.head].clone();
            scaled.masked_fill_(scaled < -1e30, std::numeric_limits<float>::quiet_NaN());
            const torch::Tensor weights = torch::softmax(scores[0][step.head], -1);
            (*step.outputs)["step.query"] = fromTorch(qh);
            (*step.outputs)["step.key"] = fromTorch(kh);
            (*step.outputs)["step.value"] = fromTorch(vh);
            (*step.outputs)["step.scores"] = fromTorch(raw);
            (*step.outputs)["step.scaled"] = fromTorch(scaled);
            (*step.outputs)["step.weights"] = fromTorch(weights);
            (*step.outputs)["step.output"] = fromTorch(torch::matmul(weights, vh));
        }
        if (capture) {
            capture->shape = scores.sizes().vec();
            capture->values.resize(size_t(scores.numel()));
            probabilities = torch::from_blob(capture->values.data(), capture->shape, torch::kFloat32);
            at::_softmax_out(probabilities, scores.contiguous(), -1, false);
        } else {
            probabilities = torch::softmax(scores, -1);
        }
        return torch::matmul(probabilities, split(v)).transpose(1, 2).reshape({batch, sequence, heads * headSize});
    }

    // After a layer: the analyses take what they need from probabilities [batch, heads, n, n]
    // (which may view captured's buffer), then the captured copy goes to the outputs or to the
    // caller's onAttention.
    static void collect(const CaptureOptions &capture, int64_t layer, const torch::Tensor &probabilities, bool keep,
                        FloatTensor &captured, ModelOutputs &outputs, LayerCollector &collector)
    {
        if (capture.meanAttentionDistance && collector.distances.defined()) {
            collector.rawDistance.push_back(layerDistance(probabilities, collector.distances, false));
            collector.renormalizedDistance.push_back(layerDistance(probabilities, collector.distances, true));
        }
        if (capture.rollout) {
            // Abnar & Zuidema: per layer the head mean A, 0.5 A + 0.5 I with rows renormalised,
            // multiplied from the first layer up (attentionRollout, incrementally).
            const int64_t n = probabilities.size(-1);
            torch::Tensor a = 0.5 * probabilities.mean(1).to(torch::kFloat32) + 0.5 * torch::eye(n, torch::kFloat32);
            a = a / a.sum(-1, true);
            collector.rollout = collector.rollout.defined() ? torch::matmul(a, collector.rollout) : a;
        }
        if (!keep)
            return;
        if (capture.onAttention)
            capture.onAttention(int(layer), std::move(captured));
        else
            outputs["attentions." + std::to_string(layer)] = std::move(captured);
    }

    static const IntTensor *findInteger(const ModelInputs &inputs, const char *name)
    {
        const auto it = inputs.integers.find(name);
        return it == inputs.integers.end() ? nullptr : &it->second;
    }

    torch::Tensor tokenIds(const ModelInputs &inputs) const
    {
        const IntTensor *ids = findInteger(inputs, "input_ids");
        if (!ids)
            throw Error("this model needs input_ids");
        if (ids->shape.size() != 2 || ids->shape[0] < 1 || ids->shape[1] < 1)
            throw Error("input_ids must be [batch, sequence], found " + shapeToString(ids->shape), {}, "input_ids");
        for (int64_t id : ids->values)
            if (id < 0 || id >= m_info.config.vocabularySize)
                throw Error("token id " + std::to_string(id) + " is outside the vocabulary of " +
                                std::to_string(m_info.config.vocabularySize),
                            {}, "input_ids");
        if (ids->shape[1] > m_info.config.maxPositions)
            throw Error("sequence of " + std::to_string(ids->shape[1]) + " tokens is longer than the " +
                            std::to_string(m_info.config.maxPositions) +
                            " positions this model has learned; truncate the text",
                        {}, "input_ids");
        return intTensor(*ids);
    }

    torch::Tensor optionalInteger(const ModelInputs &inputs, const char *name, const torch::Tensor &like,
                                  int64_t limit) const
    {
        const IntTensor *tensor = findInteger(inputs, name);
        if (!tensor)
            return torch::Tensor();
        if (tensor->shape != like.sizes().vec())
            throw Error("shape " + shapeToString(tensor->shape) + " differs from input_ids " +
                            shapeToString(like.sizes().vec()),
                        {}, name);
        for (int64_t v : tensor->values)
            if (v < 0 || (limit > 0 && v >= limit))
                throw Error("value " + std::to_string(v) + " is outside [0, " + std::to_string(limit) + ")", {}, name);
        return intTensor(*tensor);
    }

    void runBert(const ModelInputs &inputs, const CaptureOptions &capture, ModelOutputs &outputs,
                 LayerCollector &attentions, JobContext *context, torch::Tensor *logitsOut = nullptr) const
    {
        const ModelConfig &c = m_info.config;
        const torch::Tensor ids = tokenIds(inputs);
        const int64_t batch = ids.size(0), sequence = ids.size(1);
        torch::Tensor types = optionalInteger(inputs, "token_type_ids", ids, c.typeVocabularySize);
        torch::Tensor positions = optionalInteger(inputs, "position_ids", ids, c.maxPositions);
        torch::Tensor mask = optionalInteger(inputs, "attention_mask", ids, 2);
        if (!types.defined())
            types = torch::zeros_like(ids);
        if (!positions.defined())
            positions = torch::arange(sequence, torch::kInt64).unsqueeze(0).expand({batch, sequence});
        torch::Tensor hidden = torch::embedding(w("embeddings.word_embeddings.weight"), ids) +
                               torch::embedding(w("embeddings.position_embeddings.weight"), positions) +
                               torch::embedding(w("embeddings.token_type_embeddings.weight"), types);
        hidden = layerNorm(hidden, "embeddings.LayerNorm");
        torch::Tensor additive;
        if (mask.defined() && capture.applyMasks)
            additive =
                (1.0 - mask.to(torch::kFloat32)).view({batch, 1, 1, sequence}) * std::numeric_limits<float>::lowest();
        if (capture.hiddenStates && captureLayer(capture, 0))
            outputs["hidden_states.0"] = fromTorch(hidden);
        for (int64_t layer = 0; layer < c.layers; ++layer) {
            if (context) {
                context->throwIfCancelled();
                context->setProgress(double(layer) / double(c.layers), "layer " + std::to_string(layer + 1));
            }
            const std::string p = "encoder.layer." + std::to_string(layer) + ".";
            torch::Tensor probabilities;
            FloatTensor captured;
            const bool keep = capture.attentions && captureLayer(capture, int(layer));
            const torch::Tensor context_ =
                attend(linear(hidden, p + "attention.self.query"), linear(hidden, p + "attention.self.key"),
                       linear(hidden, p + "attention.self.value"), additive, probabilities, keep ? &captured : nullptr,
                       stepFor(capture, layer, outputs));
            const torch::Tensor attended =
                layerNorm(linear(context_, p + "attention.output.dense") + hidden, p + "attention.output.LayerNorm");
            const torch::Tensor intermediate = activation(linear(attended, p + "intermediate.dense"), c.activation);
            hidden = layerNorm(linear(intermediate, p + "output.dense") + attended, p + "output.LayerNorm");
            collect(capture, layer, probabilities, keep, captured, outputs, attentions);
            if (capture.hiddenStates && captureLayer(capture, int(layer + 1)))
                outputs["hidden_states." + std::to_string(layer + 1)] = fromTorch(hidden);
        }
        if (m_weights.count("cls.predictions.transform.dense.weight")) {
            torch::Tensor t = activation(linear(hidden, "cls.predictions.transform.dense"), c.activation);
            t = layerNorm(t, "cls.predictions.transform.LayerNorm");
            t = torch::linear(t, w("cls.predictions.decoder.weight"), w("cls.predictions.bias"));
            if (logitsOut) {
                *logitsOut = t;
                return;
            }
            outputs["logits"] = fromTorch(t);
        }
        if (logitsOut)
            return;
        outputs["last_hidden_state"] = fromTorch(hidden);
        if (m_weights.count("pooler.dense.weight"))
            outputs["pooler_output"] = fromTorch(torch::tanh(linear(hidden.select(1, 0), "pooler.dense")));
    }

    void runGpt2(const ModelInputs &inputs, const CaptureOptions &capture, ModelOutputs &outputs,
                 LayerCollector &attentions, JobContext *context, torch::Tensor *logitsOut = nullptr) const
    {
        const ModelConfig &c = m_info.config;
        const torch::Tensor ids = tokenIds(inputs);
        const int64_t batch = ids.size(0), sequence = ids.size(1);
        torch::Tensor positions = optionalInteger(inputs, "position_ids", ids, c.maxPositions);
        torch::Tensor mask = optionalInteger(inputs, "attention_mask", ids, 2);
        if (!positions.defined())
            positions = torch::arange(sequence, torch::kInt64).unsqueeze(0).expand({batch, sequence});
        torch::Tensor hidden = torch::embedding(w("wte.weight"), ids) + torch::embedding(w("wpe.weight"), positions);
        // Causal and padding masks as one additive mask: a masked score becomes the lowest float.
        torch::Tensor allowed = torch::ones({sequence, sequence}, torch::kBool).tril().view({1, 1, sequence, sequence});
        if (mask.defined())
            allowed = allowed.logical_and(mask.to(torch::kBool).view({batch, 1, 1, sequence}));
        torch::Tensor additive;
        if (capture.applyMasks)
            additive = torch::zeros(allowed.sizes(), torch::kFloat32)
                           .masked_fill(allowed.logical_not(), std::numeric_limits<float>::lowest());
        if (capture.hiddenStates && captureLayer(capture, 0))
            outputs["hidden_states.0"] = fromTorch(hidden);
        const int64_t width = c.hiddenSize;
        for (int64_t layer = 0; layer < c.layers; ++layer) {
            if (context) {
                context->throwIfCancelled();
                context->setProgress(double(layer) / double(c.layers), "layer " + std::to_string(layer + 1));
            }
            const std::string p = "h." + std::to_string(layer) + ".";
            const torch::Tensor qkv = conv1d(layerNorm(hidden, p + "ln_1"), p + "attn.c_attn");
            const auto parts = qkv.split(width, -1);
            torch::Tensor probabilities;
            FloatTensor captured;
            const bool keep = capture.attentions && captureLayer(capture, int(layer));
            const torch::Tensor attended = attend(parts[0], parts[1], parts[2], additive, probabilities,
                                                  keep ? &captured : nullptr, stepFor(capture, layer, outputs));
            hidden = hidden + conv1d(attended, p + "attn.c_proj");
            const torch::Tensor inner = activation(conv1d(layerNorm(hidden, p + "ln_2"), p + "mlp.c_fc"), c.activation);
            hidden = hidden + conv1d(inner, p + "mlp.c_proj");
            collect(capture, layer, probabilities, keep, captured, outputs, attentions);
            // The last hidden state is reported after ln_f, as transformers does.
            if (capture.hiddenStates && captureLayer(capture, int(layer + 1)) && layer + 1 < c.layers)
                outputs["hidden_states." + std::to_string(layer + 1)] = fromTorch(hidden);
        }
        hidden = layerNorm(hidden, "ln_f");
        if (capture.hiddenStates && captureLayer(capture, int(c.layers)))
            outputs["hidden_states." + std::to_string(c.layers)] = fromTorch(hidden);
        if (logitsOut) {
            if (m_weights.count("lm_head.weight"))
                *logitsOut = torch::linear(hidden, w("lm_head.weight"));
            return;
        }
        outputs["last_hidden_state"] = fromTorch(hidden);
        if (m_weights.count("lm_head.weight"))
            outputs["logits"] = fromTorch(torch::linear(hidden, w("lm_head.weight")));
    }

    // What a run would hold at its peak, refused beyond the memory budget before any work: one
    // layer's scores and probabilities [batch, heads, n, n] (twice), the captured attentions
    // (kept as torch tensors, then copied into the outputs: twice), the hidden states and the
    // rollout. A 4096-token BERT-base capture of every head needs about 19 GB.
    void checkMemory(const ModelInputs &inputs, const CaptureOptions &capture) const
    {
        const ModelConfig &c = m_info.config;
        double batch = 0.0, n = 0.0;
        if (c.modelType == "vit") {
            const auto pixels = inputs.floats.find("pixel_values");
            if (pixels == inputs.floats.end() || pixels->second.shape.size() != 4 || c.patchSize < 1)
                return; // refused later, with its own message
            batch = double(pixels->second.shape[0]);
            n = std::pow(double(c.imageSize / c.patchSize), 2.0) + 1.0;
        } else {
            const IntTensor *ids = findInteger(inputs, "input_ids");
            if (!ids || ids->shape.size() != 2)
                return;
            batch = double(ids->shape[0]);
            n = double(ids->shape[1]);
        }
        const double layer = batch * double(c.heads) * n * n * 4.0;
        const double captured = capture.attentions && !capture.onAttention
                                    ? double(capture.layers.empty() ? c.layers : int64_t(capture.layers.size()))
                                    : 0.0;
        const double hidden =
            capture.hiddenStates ? double(c.layers + 1) * batch * n * double(c.hiddenSize) * 4.0 : 0.0;
        const double bytes =
            2.0 * layer + 2.0 * captured * layer + 2.0 * hidden + (capture.rollout ? 2.0 * batch * n * n * 4.0 : 0.0);
        char what[160];
        std::snprintf(what, sizeof what, "Running %s on %.0f x %.0f tokens%s", c.modelType.c_str(), batch, n,
                      captured > 0 ? " with every captured head's attention kept" : "");
        requireMemory(bytes, what,
                      "Capture fewer layers (the layers option), no attentions, a smaller batch, or a shorter input.");
    }

    void runVit(const ModelInputs &inputs, const CaptureOptions &capture, ModelOutputs &outputs,
                LayerCollector &attentions, JobContext *context, torch::Tensor *logitsOut = nullptr) const
    {
        const ModelConfig &c = m_info.config;
        const auto found = inputs.floats.find("pixel_values");
        if (found == inputs.floats.end())
            throw Error("this model needs pixel_values");
        const FloatTensor &pixels = found->second;
        if (pixels.shape.size() != 4 || pixels.shape[1] != c.channels || pixels.shape[2] != c.imageSize ||
            pixels.shape[3] != c.imageSize)
            throw Error("expected [batch, " + std::to_string(c.channels) + ", " + std::to_string(c.imageSize) + ", " +
                            std::to_string(c.imageSize) + "], found " + shapeToString(pixels.shape),
                        {}, "pixel_values");
        const torch::Tensor x = toTorch(pixels).to(w("embeddings.patch_embeddings.projection.weight").scalar_type());
        const int64_t batch = x.size(0);
        torch::Tensor patches = torch::conv2d(x, w("embeddings.patch_embeddings.projection.weight"),
                                              w("embeddings.patch_embeddings.projection.bias"), c.patchSize);
        patches = patches.flatten(2).transpose(1, 2);
        const torch::Tensor cls = w("embeddings.cls_token").expand({batch, 1, c.hiddenSize});
        torch::Tensor hidden = torch::cat({cls, patches}, 1) + w("embeddings.position_embeddings");
        if (capture.hiddenStates && captureLayer(capture, 0))
            outputs["hidden_states.0"] = fromTorch(hidden);
        for (int64_t layer = 0; layer < c.layers; ++layer) {
            if (context) {
                context->throwIfCancelled();
                context->setProgress(double(layer) / double(c.layers), "layer " + std::to_string(layer + 1));
            }
            const std::string p = "encoder.layer." + std::to_string(layer) + ".";
            const torch::Tensor normed = layerNorm(hidden, p + "layernorm_before");
            torch::Tensor probabilities;
            FloatTensor captured;
            const bool keep = capture.attentions && captureLayer(capture, int(layer));
            const torch::Tensor attended =
                attend(linear(normed, p + "attention.attention.query"), linear(normed, p + "attention.attention.key"),
                       linear(normed, p + "attention.attention.value"), torch::Tensor(), probabilities,
                       keep ? &captured : nullptr, stepFor(capture, layer, outputs));
            hidden = hidden + linear(attended, p + "attention.output.dense");
            const torch::Tensor inner =
                activation(linear(layerNorm(hidden, p + "layernorm_after"), p + "intermediate.dense"), c.activation);
            hidden = hidden + linear(inner, p + "output.dense");
            collect(capture, layer, probabilities, keep, captured, outputs, attentions);
            if (capture.hiddenStates && captureLayer(capture, int(layer + 1)))
                outputs["hidden_states." + std::to_string(layer + 1)] = fromTorch(hidden);
        }
        const torch::Tensor normed = layerNorm(hidden, "layernorm");
        if (logitsOut) {
            if (m_weights.count("classifier.weight"))
                *logitsOut = linear(normed.select(1, 0), "classifier");
            return;
        }
        outputs["last_hidden_state"] = fromTorch(normed);
        if (m_weights.count("classifier.weight"))
            outputs["logits"] = fromTorch(linear(normed.select(1, 0), "classifier"));
        if (m_weights.count("pooler.dense.weight"))
            outputs["pooler_output"] = fromTorch(torch::tanh(linear(normed.select(1, 0), "pooler.dense")));
    }

    // Tied output embeddings are the input embedding tensor itself (so training updates both).
    void addTiedWeights()
    {
        const ModelConfig &c = m_info.config;
        if (!c.tieWordEmbeddings)
            return;
        if (c.modelType == "bert" && m_weights.count("cls.predictions.transform.dense.weight") &&
            !m_weights.count("cls.predictions.decoder.weight"))
            m_weights["cls.predictions.decoder.weight"] = m_weights.at("embeddings.word_embeddings.weight");
        if (c.modelType == "gpt2" && !m_weights.count("lm_head.weight"))
            m_weights["lm_head.weight"] = m_weights.at("wte.weight");
    }

    void mapWeights(Checkpoint &checkpoint)
    {
        const ModelConfig &c = m_info.config;
        const std::string prefix = detail::checkpointPrefix(c);
        // File name -> our name: drop the architecture prefix, rename legacy LayerNorm gamma/beta.
        std::map<std::string, std::string> fileNameOf;
        for (const auto &entry : checkpoint.tensors) {
            std::string name = entry.first;
            if (name.rfind(prefix, 0) == 0)
                name = name.substr(prefix.size());
            if (name.size() > 6 && name.compare(name.size() - 6, 6, ".gamma") == 0)
                name = name.substr(0, name.size() - 6) + ".weight";
            else if (name.size() > 5 && name.compare(name.size() - 5, 5, ".beta") == 0)
                name = name.substr(0, name.size() - 5) + ".bias";
            fileNameOf[name] = entry.first;
        }
        const std::string &arch = c.architecture;
        bool hasHead = detail::architectureHasHead(arch);
        if (arch.empty())
            hasHead = fileNameOf.count("cls.predictions.bias") || fileNameOf.count("classifier.weight") ||
                      fileNameOf.count("lm_head.weight");
        bool hasPooler = fileNameOf.count("pooler.dense.weight") != 0 && arch.find("ForMaskedLM") == std::string::npos;
        // Tied output embeddings may be absent from the file.
        const bool tie = c.tieWordEmbeddings;
        if (hasHead && c.modelType == "bert" && !fileNameOf.count("cls.predictions.decoder.weight") && tie)
            fileNameOf["cls.predictions.decoder.weight"] = fileNameOf.count("embeddings.word_embeddings.weight")
                                                               ? fileNameOf["embeddings.word_embeddings.weight"]
                                                               : "";
        if (hasHead && c.modelType == "bert" && !fileNameOf.count("cls.predictions.bias") &&
            fileNameOf.count("cls.predictions.decoder.bias"))
            fileNameOf["cls.predictions.bias"] = fileNameOf["cls.predictions.decoder.bias"];
        if (hasHead && c.modelType == "gpt2" && !fileNameOf.count("lm_head.weight") && tie)
            fileNameOf["lm_head.weight"] = fileNameOf.count("wte.weight") ? fileNameOf["wte.weight"] : "";

        const Expected expected = expectedWeights(c, hasHead, hasPooler);
        std::vector<std::string> missing;
        std::set<std::string> used;
        for (const auto &[name, shape] : expected) {
            const auto it = fileNameOf.find(name);
            if (it == fileNameOf.end() || it->second.empty() || !checkpoint.tensors.at(it->second).defined()) {
                missing.push_back(prefix + name);
                continue;
            }
            const torch::Tensor &tensor = checkpoint.tensors.at(it->second);
            if (tensor.sizes().vec() != shape)
                throw Error("shape " + shapeToString(tensor.sizes().vec()) +
                                " disagrees with config.json, which implies " + shapeToString(shape),
                            m_folder + "/model.safetensors", it->second);
            if (!torch::isfinite(tensor).all().item<bool>())
                logWarning(m_folder + ": " + it->second + " holds NaN or infinite weights; outputs will be too");
            m_weights[name] = tensor;
            used.insert(it->second);
        }
        if (!missing.empty()) {
            std::string list;
            for (size_t i = 0; i < missing.size() && i < 8; ++i)
                list += (i ? ", " : "") + missing[i];
            if (missing.size() > 8)
                list += " and " + std::to_string(missing.size() - 8) + " more";
            throw Error(std::to_string(missing.size()) + " weight(s) missing, so the model cannot run: " + list,
                        m_folder + "/model.safetensors");
        }
        for (const auto &entry : checkpoint.tensors) {
            if (!used.count(entry.first)) {
                m_info.unexpectedKeys.push_back(entry.first);
                continue;
            }
            m_info.tensors.push_back(checkpoint.infos.at(entry.first));
            m_info.parameters += checkpoint.tensors.at(entry.first).numel();
        }
        detail::describeTransformer(m_info, hasHead);
        if (!m_info.unexpectedKeys.empty())
            logInfo(m_folder + ": " + std::to_string(m_info.unexpectedKeys.size()) +
                    " tensor(s) in the file are not used by " + (arch.empty() ? c.modelType : arch) + " (e.g. " +
                    m_info.unexpectedKeys.front() + ")");
    }

    std::string m_folder;
    ModelInfo m_info;
    Weights m_weights;
};

} // namespace

namespace detail {

std::vector<std::pair<std::string, std::vector<int64_t>>> weightShapes(const ModelConfig &config)
{
    Expected all = expectedWeights(config, true, false);
    if (config.tieWordEmbeddings)
        all.erase(std::remove_if(all.begin(), all.end(),
                                 [](const auto &entry) {
                                     return entry.first == "cls.predictions.decoder.weight" ||
                                            entry.first == "lm_head.weight";
                                 }),
                  all.end());
    return all;
}

std::unique_ptr<Model> modelFromWeights(const ModelConfig &config, const Weights &weights, const std::string &folder)
{
    if (config.modelType != "bert" && config.modelType != "gpt2" && config.modelType != "vit")
        throw Error("model_type \"" + config.modelType + "\" cannot be built (bert, gpt2 and vit can)");
    return std::make_unique<TransformerModel>(config, weights, folder);
}

torch::Tensor differentiableLogits(const Model &model, const ModelInputs &inputs)
{
    const auto *transformer = dynamic_cast<const TransformerModel *>(&model);
    if (!transformer)
        throw Error("this model cannot be trained");
    return transformer->differentiableLogits(inputs);
}

std::string checkpointPrefix(const ModelConfig &config)
{
    return config.modelType == "gpt2" ? "transformer." : config.modelType + ".";
}

std::string checkpointKey(const ModelConfig &config, const std::string &name)
{
    const bool head = name.rfind("cls.", 0) == 0 || name.rfind("lm_head.", 0) == 0 || name.rfind("classifier.", 0) == 0;
    return head ? name : checkpointPrefix(config) + name;
}

} // namespace detail

std::unique_ptr<Model> loadModel(const std::string &folder, JobContext *context)
{
    const std::string configPath = folder + "/config.json";
    if (!exists(configPath))
        throw Error("no config.json: not a Hugging Face checkpoint folder", folder);
    if (diffusion::isDiffusionModel(folder))
        return diffusion::loadDiffusionModel(folder, context);
    if (detr::isDetrModel(folder))
        return detr::loadDetrModel(folder, context);
    ModelConfig config = ModelConfig::fromFile(configPath);
    return std::make_unique<TransformerModel>(std::move(config), folder, context);
}

std::shared_ptr<const Model> sharedModel(const std::string &folder, JobContext *context)
{
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<const Model>> cache;
    char buffer[PATH_MAX];
    const std::string key = ::realpath(folder.c_str(), buffer) ? std::string(buffer) : folder;
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (auto existing = cache[key].lock())
            return existing;
    }
    std::shared_ptr<const Model> model = loadModel(folder, context);
    std::lock_guard<std::mutex> lock(mutex);
    if (auto existing = cache[key].lock()) // loaded meanwhile by another thread
        return existing;
    cache[key] = model;
    return model;
}

FloatTensor attentionRollout(const std::vector<FloatTensor> &attentions)
{
    if (attentions.empty())
        throw Error("attention rollout needs at least one layer of attentions");
    torch::NoGradGuard noGrad;
    torch::Tensor result;
    for (const FloatTensor &layer : attentions) {
        if (layer.shape.size() != 4 || layer.shape[2] != layer.shape[3])
            throw Error("attentions must be [batch, heads, n, n], found " + shapeToString(layer.shape));
        const torch::Tensor mean = toTorch(layer).mean(1);
        const int64_t n = mean.size(-1);
        torch::Tensor a = 0.5 * mean + 0.5 * torch::eye(n, torch::kFloat32);
        a = a / a.sum(-1, true);
        result = result.defined() ? torch::matmul(a, result) : a;
    }
    return fromTorch(result);
}

FloatTensor meanAttentionDistance(const std::vector<FloatTensor> &attentions, int64_t gridWidth, int64_t patchSize,
                                  bool renormalized)
{
    torch::NoGradGuard noGrad;
    const int64_t patches = gridWidth * gridWidth;
    const torch::Tensor distances = patchDistances(gridWidth, patchSize);
    std::vector<torch::Tensor> perLayer;
    for (const FloatTensor &layer : attentions) {
        if (layer.shape.size() != 4 || layer.shape[2] != patches + 1 || layer.shape[3] != patches + 1)
            throw Error("attentions " + shapeToString(layer.shape) + " do not match a " + std::to_string(gridWidth) +
                        "x" + std::to_string(gridWidth) + " patch grid plus CLS");
        perLayer.push_back(layerDistance(toTorch(layer), distances, renormalized)); // [heads]
    }
    return fromTorch(torch::stack(perLayer));
}

} // namespace tessera
