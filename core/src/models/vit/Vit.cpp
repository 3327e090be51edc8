// ViT (ViTModel, ViTForImageClassification): patches by a strided convolution, [CLS] and
// learned positions, a pre-norm encoder, the classifier on [CLS]. DeiT adds a distillation token
// after [CLS]; DeiTForImageClassificationWithTeacher classifies [CLS] (cls_classifier) and the
// distillation token (distillation_classifier) and averages the two, DeiTForImageClassification
// classifies [CLS] alone.

#include "models/Architecture.h"
#include "nn/Inputs.h"
#include "TorchTensors.h"

#include "tessera/core/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tessera::detail::vit {
namespace {

class Vit final : public Architecture {
public:
    Vit(const ModelConfig &c, bool withHead, bool withPooler, bool distillation) : m_config(c)
    {
        const int64_t d = c.hiddenSize, f = c.intermediateSize, grid = c.imageSize / c.patchSize;
        const double e = c.layerNormEps;
        m_leading = distillation ? 2 : 1;
        m_cls = m_list.tensor("embeddings.cls_token", {1, 1, d});
        if (distillation)
            m_distillation = m_list.tensor("embeddings.distillation_token", {1, 1, d});
        m_positions = m_list.tensor("embeddings.position_embeddings", {1, grid * grid + m_leading, d});
        m_patchWeight =
            m_list.tensor("embeddings.patch_embeddings.projection.weight", {d, c.channels, c.patchSize, c.patchSize});
        m_patchBias = m_list.tensor("embeddings.patch_embeddings.projection.bias", {d});
        for (int64_t l = 0; l < c.layers; ++l) {
            const std::string p = "encoder.layer." + std::to_string(l) + ".";
            Layer layer;
            layer.query = m_list.linear(p + "attention.attention.query", d, d, c.qkvBias);
            layer.key = m_list.linear(p + "attention.attention.key", d, d, c.qkvBias);
            layer.value = m_list.linear(p + "attention.attention.value", d, d, c.qkvBias);
            layer.attentionOutput = m_list.linear(p + "attention.output.dense", d, d);
            layer.normBefore = m_list.layerNorm(p + "layernorm_before", d, e);
            layer.normAfter = m_list.layerNorm(p + "layernorm_after", d, e);
            layer.intermediate = m_list.linear(p + "intermediate.dense", f, d);
            layer.output = m_list.linear(p + "output.dense", d, f);
            m_layers.push_back(std::move(layer));
        }
        m_finalNorm = m_list.layerNorm("layernorm", d, e);
        if (withPooler) {
            m_list.setPart(nn::Part::pooler);
            m_pooler = m_list.linear("pooler.dense", d, d);
        }
        const int64_t labels = int64_t(std::max<size_t>(c.labels.size(), 1));
        m_teacher = distillation && c.architecture == "DeiTForImageClassificationWithTeacher";
        if (withHead && m_teacher) {
            m_list.setPart(nn::Part::head);
            m_classifier = m_list.linear("cls_classifier", labels, d);
            m_distillationClassifier = m_list.linear("distillation_classifier", labels, d);
        } else if (withHead) {
            m_list.setPart(nn::Part::head);
            m_classifier = m_list.linear("classifier", labels, d);
        }
        m_shape = {c.heads, c.heads, d / c.heads, 0.0};
    }

    void forward(const Weights &w, const ModelInputs &inputs, nn::Pass &pass) const override
    {
        const ModelConfig &c = m_config;
        const FloatTensor &pixels = nn::pixelValues(inputs, c.channels, c.imageSize);
        const torch::Tensor x = toTorch(pixels).to(w.at(m_patchWeight).scalar_type());
        const int64_t batch = x.size(0);
        torch::Tensor patches = torch::conv2d(x, w.at(m_patchWeight), w.at(m_patchBias), c.patchSize);
        patches = patches.flatten(2).transpose(1, 2);
        std::vector<torch::Tensor> tokens{w.at(m_cls).expand({batch, 1, c.hiddenSize})};
        if (!m_distillation.empty())
            tokens.push_back(w.at(m_distillation).expand({batch, 1, c.hiddenSize}));
        tokens.push_back(patches);
        torch::Tensor hidden = pass.hook(nn::HookPoint::tokenEmbeddings, 0, torch::cat(tokens, 1)) + w.at(m_positions);
        pass.hidden(0, hidden);
        for (size_t l = 0; l < m_layers.size(); ++l) {
            const int64_t index = int64_t(l);
            if (pass.skipsLayer(index))
                continue;
            const Layer &layer = m_layers[l];
            pass.startLayer(index, c.layers);
            hidden = pass.hook(nn::HookPoint::residualPre, index, hidden);
            const torch::Tensor normed = nn::layerNorm(w, layer.normBefore, hidden);
            const torch::Tensor attended =
                pass.attend(index, nn::linear(w, layer.query, normed), nn::linear(w, layer.key, normed),
                            nn::linear(w, layer.value, normed), m_shape, torch::Tensor());
            hidden = hidden +
                     pass.hook(nn::HookPoint::attentionOutput, index, nn::linear(w, layer.attentionOutput, attended));
            const torch::Tensor inner =
                activation(nn::linear(w, layer.intermediate, nn::layerNorm(w, layer.normAfter, hidden)), c.activation);
            hidden = hidden + pass.hook(nn::HookPoint::mlpOutput, index, nn::linear(w, layer.output, inner));
            pass.hidden(index + 1, hidden);
        }
        const torch::Tensor normed =
            nn::layerNorm(w, m_finalNorm, pass.hook(nn::HookPoint::residualFinal, c.layers, hidden));
        torch::Tensor logits, clsLogits, distillationLogits;
        if (hasHead() && m_teacher) {
            clsLogits = nn::linear(w, m_classifier, normed.select(1, 0));
            distillationLogits = nn::linear(w, m_distillationClassifier, normed.select(1, 1));
            logits = (clsLogits + distillationLogits) / 2;
        } else if (hasHead()) {
            logits = nn::linear(w, m_classifier, normed.select(1, 0));
        }
        if (pass.logitsOnly()) {
            if (logits.defined())
                pass.setLogits(logits);
            return;
        }
        pass.output("last_hidden_state", normed);
        if (logits.defined())
            pass.output("logits", logits);
        if (clsLogits.defined()) {
            pass.output("cls_logits", clsLogits);
            pass.output("distillation_logits", distillationLogits);
        }
        if (hasPooler())
            pass.output("pooler_output", torch::tanh(nn::linear(w, m_pooler, normed.select(1, 0))));
    }

    torch::Tensor inputEmbedding(const Weights &w) const override
    {
        const torch::Tensor &projection = w.at(m_patchWeight);
        return projection.reshape({projection.size(0), -1});
    }
    torch::Tensor positionTable(const Weights &w) const override { return w.at(m_positions).squeeze(0); }

    std::pair<int64_t, int64_t> runSize(const ModelInputs &inputs) const override
    {
        const auto pixels = inputs.floats.find("pixel_values");
        if (pixels == inputs.floats.end() || pixels->second.shape.size() != 4 || m_config.patchSize < 1)
            return {};
        const int64_t grid = m_config.imageSize / m_config.patchSize;
        return {pixels->second.shape[0], grid * grid + m_leading};
    }

    std::pair<int64_t, int64_t> patchGrid() const override
    {
        return {m_config.imageSize / m_config.patchSize, m_config.patchSize};
    }

private:
    struct Layer {
        nn::Linear query, key, value, attentionOutput;
        nn::LayerNorm normBefore, normAfter;
        nn::Linear intermediate, output;
    };

    ModelConfig m_config;
    int64_t m_leading = 1; // [CLS] (+ the distillation token)
    bool m_teacher = false;
    std::string m_cls, m_distillation, m_positions, m_patchWeight, m_patchBias;
    std::vector<Layer> m_layers;
    nn::LayerNorm m_finalNorm;
    nn::Linear m_pooler, m_classifier, m_distillationClassifier;
    nn::AttentionShape m_shape;
};

} // namespace

std::unique_ptr<Architecture> architecture(const ModelConfig &config, bool hasHead, bool hasPooler)
{
    return std::make_unique<Vit>(config, hasHead, hasPooler, false);
}

} // namespace tessera::detail::vit

namespace tessera::detail::deit {

std::unique_ptr<Architecture> architecture(const ModelConfig &config, bool hasHead, bool hasPooler)
{
    return std::make_unique<vit::Vit>(config, hasHead, hasPooler, true);
}

} // namespace tessera::detail::deit
