// The Model every transformer family runs as: a checkpoint read and checked against the
// family's weight list (models/Family.h), tied weights, the memory check, and run() through the
// family's forward with one nn::Pass recording what the caller asked for.

#include "models/Architecture.h"
#include "models/Capabilities.h"
#include "models/Decoding.h"

#include "tessera/core/Error.h"
#include "tessera/core/Log.h"
#include "tessera/core/MemoryGuard.h"
#include "tessera/core/Model.h"

#include "Checkpoint.h"
#include "Network.h"
#include "TorchTensors.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace tessera {
namespace {

using detail::Architecture;
using detail::Family;
using detail::Weights;
using detail::nn::Part;
using detail::nn::WeightSpec;

const Family &familyOf(const ModelConfig &config)
{
    const Family *family = detail::findFamily(config.modelType);
    if (!family)
        throw Error("model_type \"" + config.modelType + "\" cannot be built (" + detail::familyNames() + " can)");
    return *family;
}

class TransformerModel : public Model {
public:
    // A model read from a checkpoint folder: names mapped onto the family's, every weight checked.
    TransformerModel(ModelConfig config, std::string folder, JobContext *context)
        : m_family(familyOf(config)), m_folder(std::move(folder))
    {
        m_info.config = std::move(config);
        m_info.folder = m_folder;
        detail::Checkpoint checkpoint = detail::readCheckpoint(m_folder, context);
        m_info.files = checkpoint.files;
        m_info.files.insert(m_info.files.begin(), m_folder + "/config.json");
        mapWeights(checkpoint);
    }

    // A model over weights already in memory (canonical names, see weightShapes), as training
    // builds them: the tensors are shared, not copied, so the model follows the training.
    TransformerModel(ModelConfig config, const Weights &weights, std::string folder)
        : m_family(familyOf(config)), m_folder(std::move(folder))
    {
        m_info.config = std::move(config);
        m_info.folder = m_folder;
        m_architecture = detail::makeArchitecture(m_family, m_info.config, true, false);
        const bool tie = m_info.config.tieWordEmbeddings;
        for (const WeightSpec &spec : m_architecture->weights()) {
            if (tie && !spec.tiedTo.empty())
                continue;
            const auto it = weights.find(spec.name);
            if (it == weights.end() || !it->second.defined())
                throw Error("weight missing: " + spec.name);
            if (it->second.sizes().vec() != spec.shape)
                throw Error("shape " + shapeToString(it->second.sizes().vec()) +
                                " disagrees with the config, which implies " + shapeToString(spec.shape),
                            {}, spec.name);
            m_weights[spec.name] = it->second;
            m_info.parameters += it->second.numel();
        }
        // Tied output embeddings are the input embedding tensor itself (so training updates both).
        for (const WeightSpec &spec : m_architecture->weights())
            if (tie && !spec.tiedTo.empty())
                m_weights[spec.name] = m_weights.at(spec.tiedTo);
        describe(true);
    }

    const ModelInfo &info() const override { return m_info; }
    detail::ModelNetwork network() const { return {m_architecture.get(), &m_weights}; }

    // The forward pass with autograd (no capture): logits [batch, sequence, vocabulary] for the
    // language models, [batch, labels] for image classification.
    torch::Tensor differentiableLogits(const ModelInputs &inputs) const
    {
        torch::Tensor logits;
        detail::nn::Pass pass(logits);
        m_architecture->forward(m_weights, inputs, pass);
        if (!logits.defined())
            throw Error(m_info.config.modelType + " model without a head has no logits to train");
        return logits;
    }

    // Incremental decoding through the family's key/value cache; undefined without one.
    torch::Tensor decodeStep(const torch::Tensor &ids, detail::DecodeCache &cache) const
    {
        return m_architecture->decodeStep(m_weights, ids, cache);
    }

    Matrix positionTable() const override
    {
        return detail::fromTorch(m_architecture->positionTable(m_weights)).toMatrix();
    }

    FloatTensor weight(const std::string &name) const override
    {
        const auto it = m_weights.find(name);
        if (it == m_weights.end())
            throw Error("this " + m_info.config.modelType + " model has no weight named \"" + name + "\"");
        return detail::fromTorch(it->second.detach().to(torch::kFloat32));
    }

    ModelOutputs run(const ModelInputs &inputs, const CaptureOptions &capture, JobContext *context) const override
    {
        torch::NoGradGuard noGrad;
        ModelOutputs outputs;
        detail::nn::Pass pass(capture, outputs, context);
        if (capture.meanAttentionDistance) {
            const auto [gridWidth, patchSize] = m_architecture->patchGrid();
            if (gridWidth < 1)
                throw Error("mean attention distance needs an image model (ViT, DeiT)");
            pass.measureDistances(gridWidth, patchSize, m_family.leadingTokens);
        }
        checkMemory(inputs, capture);
        m_architecture->forward(m_weights, inputs, pass);
        pass.finish();
        return outputs;
    }

private:
    void describe(bool hasHead)
    {
        m_info.capabilities = m_family.capabilities(hasHead);
        const ModelConfig &c = m_info.config;
        m_info.attentionStacks =
            m_family.attentionStacks
                ? m_family.attentionStacks(c)
                : std::vector<AttentionStack>{{"attentions", c.layers, c.heads, c.heads, m_family.causal, 0, {}}};
    }

    // What a run would hold at its peak, refused beyond the memory budget before any work: one
    // layer's scores and probabilities [batch, heads, n, n] (twice), the captured attentions
    // (kept as torch tensors, then copied into the outputs: twice), the hidden states and the
    // rollout. A 4096-token BERT-base capture of every head needs about 19 GB.
    void checkMemory(const ModelInputs &inputs, const CaptureOptions &capture) const
    {
        const ModelConfig &c = m_info.config;
        const auto [batchSize, tokens] = m_architecture->runSize(inputs);
        if (batchSize == 0)
            return; // refused by the forward pass, with its own message
        const double batch = double(batchSize), n = double(tokens);
        const double captured = capture.attentions && !capture.onAttention
                                    ? double(capture.layers.empty() ? c.layers : int64_t(capture.layers.size()))
                                    : 0.0;
        // bytes = quadratic n^2 + linear n: the scores, captures and rollout grow with n^2.
        const double quadratic =
            batch * 4.0 * (2.0 * double(c.heads) * (1.0 + captured) + (capture.rollout ? 2.0 : 0.0));
        const double linear =
            capture.hiddenStates ? 2.0 * double(c.layers + 1) * batch * double(c.hiddenSize) * 4.0 : 0.0;
        const double bytes = quadratic * n * n + linear * n;
        if (bytes <= double(memoryBudget()))
            return;
        // The longest input that fits the budget with the same capture.
        const double fits = std::floor(
            (-linear + std::sqrt(linear * linear + 4.0 * quadratic * double(memoryBudget()))) / (2.0 * quadratic));
        char what[160], way[320];
        std::snprintf(what, sizeof what, "Running %s on %.0f x %.0f tokens%s", c.modelType.c_str(), batch, n,
                      captured > 0 ? " with every captured head's attention kept" : "");
        std::snprintf(way, sizeof way,
                      "With this capture at most %.0f tokens fit. Capture fewer layers (the layers option), no "
                      "attentions, a smaller batch, or a shorter input.",
                      std::max(0.0, fits));
        requireMemory(bytes, what, way);
    }

    // Which weights the checkpoint has: file names mapped onto the family's (prefix dropped,
    // legacy LayerNorm gamma/beta renamed, tied and second names resolved), every expected
    // weight checked for presence and shape, the rest reported as unexpected.
    void mapWeights(detail::Checkpoint &checkpoint)
    {
        const ModelConfig &c = m_info.config;
        const std::string &prefix = m_family.checkpointPrefix;
        std::map<std::string, std::string> fileNameOf; // our name -> file name
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
        // Which parts the file holds: the head by "architectures" (or, without it, by its
        // weights), the pooler by its weights (a masked-LM checkpoint's pooler is unused).
        const std::string &arch = c.architecture;
        // Every layer holds several tensors: a config asking for more layers than the file has
        // tensors is refused before the weight list (proportional to the layers) is built.
        const int64_t layers = c.layers + c.decoderLayers;
        if (layers > int64_t(checkpoint.tensors.size()))
            throw Error("config.json asks for " + std::to_string(layers) + " layers, but the weights hold only " +
                            std::to_string(checkpoint.tensors.size()) +
                            " tensors (each layer needs several): the config and the weights do not belong together",
                        m_folder + "/config.json");
        const std::unique_ptr<Architecture> full = detail::makeArchitecture(m_family, c, true, true);
        auto holds = [&](Part part) {
            const auto &all = full->weights();
            return std::any_of(all.begin(), all.end(), [&](const WeightSpec &spec) {
                return spec.part == part && fileNameOf.count(spec.name);
            });
        };
        const bool hasHead = arch.empty() ? holds(Part::head) : detail::architectureHasHead(arch);
        const bool hasPooler = holds(Part::pooler) && arch.find("ForMaskedLM") == std::string::npos;
        m_architecture = detail::makeArchitecture(m_family, c, hasHead, hasPooler);
        for (const WeightSpec &spec : m_architecture->weights()) {
            if (fileNameOf.count(spec.name))
                continue;
            if (!spec.tiedTo.empty() && c.tieWordEmbeddings) // tied output embeddings may be absent
                fileNameOf[spec.name] = fileNameOf.count(spec.tiedTo) ? fileNameOf[spec.tiedTo] : "";
            else if (!spec.alsoStoredAs.empty() && fileNameOf.count(spec.alsoStoredAs))
                fileNameOf[spec.name] = fileNameOf[spec.alsoStoredAs];
        }

        std::vector<std::string> missing;
        std::set<std::string> used;
        for (const WeightSpec &spec : m_architecture->weights()) {
            const auto it = fileNameOf.find(spec.name);
            if (it == fileNameOf.end() || it->second.empty() || !checkpoint.tensors.at(it->second).defined()) {
                missing.push_back(prefix + spec.name);
                continue;
            }
            const torch::Tensor &tensor = checkpoint.tensors.at(it->second);
            if (tensor.sizes().vec() != spec.shape)
                throw Error("shape " + shapeToString(tensor.sizes().vec()) +
                                " disagrees with config.json, which implies " + shapeToString(spec.shape),
                            m_folder + "/model.safetensors", it->second);
            if (!torch::isfinite(tensor).all().item<bool>())
                logWarning(m_folder + ": " + it->second + " holds NaN or infinite weights; outputs will be too");
            m_weights[spec.name] = tensor;
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
        describe(hasHead);
        if (!m_info.unexpectedKeys.empty())
            logInfo(m_folder + ": " + std::to_string(m_info.unexpectedKeys.size()) +
                    " tensor(s) in the file are not used by " + (arch.empty() ? c.modelType : arch) + " (e.g. " +
                    m_info.unexpectedKeys.front() + ")");
    }

    const Family &m_family;
    std::string m_folder;
    ModelInfo m_info;
    std::unique_ptr<Architecture> m_architecture;
    Weights m_weights;
};

// Generation's decoder: the family's key/value cache while the sequence fits the model's
// positions, else (or without a cache) the whole window rerun per token.
class TransformerDecoder final : public detail::Decoder {
public:
    explicit TransformerDecoder(const Model &model)
        : m_model(model), m_transformer(dynamic_cast<const TransformerModel *>(&model))
    {
        m_none.attentions = m_none.hiddenStates = false;
    }

    std::vector<float> next(const std::vector<int64_t> &ids) override
    {
        torch::NoGradGuard noGrad;
        const ModelConfig &c = m_model.info().config;
        m_ids.insert(m_ids.end(), ids.begin(), ids.end());
        if (m_cached && m_transformer && int64_t(m_ids.size()) <= c.maxPositions) {
            for (int64_t id : ids)
                if (id < 0 || id >= c.vocabularySize)
                    throw Error("token id " + std::to_string(id) + " is outside the vocabulary of " +
                                std::to_string(c.vocabularySize));
            const torch::Tensor step =
                torch::tensor(std::vector<int64_t>(m_ids.end() - int64_t(ids.size()), m_ids.end()), torch::kInt64)
                    .view({1, -1});
            // The new tokens' scores against every key so far, per head (a long prompt's first step).
            char what[160];
            std::snprintf(what, sizeof what, "Generating after %zu prompt tokens", m_ids.size());
            requireMemory(2.0 * double(c.heads) * double(ids.size()) * double(m_ids.size()) * 4.0 +
                              double(m_ids.size()) * double(c.layers) * 2.0 * double(c.hiddenSize) * 4.0,
                          what, "Shorten the prompt.");
            const torch::Tensor logits = m_transformer->decodeStep(step, m_cache);
            if (logits.defined()) {
                const torch::Tensor row = logits.to(torch::kFloat32).contiguous();
                return std::vector<float>(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
            }
        }
        m_cached = false;
        const int64_t window = std::min<int64_t>(int64_t(m_ids.size()), c.maxPositions);
        ModelInputs inputs;
        inputs.integers["input_ids"] = {{1, window}, std::vector<int64_t>(m_ids.end() - window, m_ids.end())};
        const FloatTensor logits = m_model.run(inputs, m_none).at("logits");
        const int64_t vocabulary = logits.shape.back();
        const float *last = logits.values.data() + (window - 1) * vocabulary;
        return std::vector<float>(last, last + vocabulary);
    }

private:
    const Model &m_model;
    const TransformerModel *m_transformer = nullptr;
    CaptureOptions m_none;
    std::vector<int64_t> m_ids;
    detail::DecodeCache m_cache;
    bool m_cached = true;
};

} // namespace

namespace detail {

ModelNetwork networkOf(const Model &model)
{
    const auto *transformer = dynamic_cast<const TransformerModel *>(&model);
    return transformer ? transformer->network() : ModelNetwork{};
}

std::unique_ptr<Decoder> makeDecoder(const Model &model)
{
    return std::make_unique<TransformerDecoder>(model);
}

#define TESSERA_FAMILY(ns)                                                                                             \
    namespace ns {                                                                                                     \
    const Family &family();                                                                                            \
    std::unique_ptr<Architecture> architecture(const ModelConfig &config, bool hasHead, bool hasPooler);               \
    }
#include "models/Families.def"
#undef TESSERA_FAMILY

std::unique_ptr<Architecture> makeArchitecture(const Family &family, const ModelConfig &config, bool hasHead,
                                               bool hasPooler)
{
#define TESSERA_FAMILY(ns)                                                                                             \
    if (&family == &ns::family())                                                                                      \
        return ns::architecture(config, hasHead, hasPooler);
#include "models/Families.def"
#undef TESSERA_FAMILY
    throw Error("model_type \"" + family.modelType + "\" has no network");
}

std::vector<std::pair<std::string, std::vector<int64_t>>> weightShapes(const ModelConfig &config)
{
    std::vector<std::pair<std::string, std::vector<int64_t>>> all;
    const std::unique_ptr<Architecture> architecture = makeArchitecture(familyOf(config), config, true, false);
    for (const WeightSpec &spec : architecture->weights())
        if (!(config.tieWordEmbeddings && !spec.tiedTo.empty()))
            all.emplace_back(spec.name, spec.shape);
    return all;
}

std::unique_ptr<Model> modelFromWeights(const ModelConfig &config, const Weights &weights, const std::string &folder)
{
    return std::make_unique<TransformerModel>(config, weights, folder);
}

void writeFamilyConfig(const ModelConfig &config, nlohmann::json &json)
{
    familyOf(config).writeConfig(config, json);
}

torch::Tensor inputEmbedding(const ModelConfig &config, const Weights &weights)
{
    return makeArchitecture(familyOf(config), config, false, false)->inputEmbedding(weights);
}

std::unique_ptr<Model> loadTransformer(ModelConfig config, const std::string &folder, JobContext *context)
{
    return std::make_unique<TransformerModel>(std::move(config), folder, context);
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
    const Family *family = findFamily(config.modelType);
    return family ? family->checkpointPrefix : config.modelType + ".";
}

std::string checkpointKey(const ModelConfig &config, const std::string &name)
{
    const Family *family = findFamily(config.modelType);
    if (family)
        for (const std::string &head : family->headNames)
            if (name.rfind(head, 0) == 0)
                return name;
    return checkpointPrefix(config) + name;
}

} // namespace detail
} // namespace tessera
