// ViT (ViTModel, ViTForImageClassification): patches by a strided convolution, [CLS] and
// learned positions, a pre-norm encoder, the classifier on [CLS].

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
    Vit(const ModelConfig &c, bool withHead, bool withPooler) : m_config(c)
    {
        const int64_t d = c.hiddenSize, f = c.intermediateSize, grid = c.imageSize / c.patchSize;
        const double e = c.layerNormEps;
        m_cls = m_list.tensor("embeddings.cls_token", {1, 1, d});
        m_positions = m_list.tensor("embeddings.position_embeddings", {1, grid * grid + 1, d});
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
        if (withHead) {
            m_list.setPart(nn::Part::head);
            m_classifier = m_list.linear("classifier", int64_t(std::max<size_t>(c.labels.size(), 1)), d);
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
        const torch::Tensor cls = w.at(m_cls).expand({batch, 1, c.hiddenSize});
        torch::Tensor hidden =
            pass.hook(nn::HookPoint::tokenEmbeddings, 0, torch::cat({cls, patches}, 1)) + w.at(m_positions);
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
        if (pass.logitsOnly()) {
            if (hasHead())
                pass.setLogits(nn::linear(w, m_classifier, normed.select(1, 0)));
            return;
        }
        pass.output("last_hidden_state", normed);
        if (hasHead())
            pass.output("logits", nn::linear(w, m_classifier, normed.select(1, 0)));
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
        return {pixels->second.shape[0], grid * grid + 1};
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
    std::string m_cls, m_positions, m_patchWeight, m_patchBias;
    std::vector<Layer> m_layers;
    nn::LayerNorm m_finalNorm;
    nn::Linear m_pooler, m_classifier;
    nn::AttentionShape m_shape;
};

} // namespace

std::unique_ptr<Architecture> architecture(const ModelConfig &config, bool hasHead, bool hasPooler)
{
    return std::make_unique<Vit>(config, hasHead, hasPooler);
}

} // namespace tessera::detail::vit
