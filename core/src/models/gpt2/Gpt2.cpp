// GPT-2 (GPT2Model, GPT2LMHeadModel): pre-norm causal decoder with learned positions, Conv1D
// projections ([in, out] weights, q/k/v fused in c_attn) and the LM head tied to wte.

#include "models/Architecture.h"
#include "nn/Inputs.h"

#include <nlohmann/json.hpp>

namespace tessera::detail::gpt2 {
namespace {

class Gpt2 final : public Architecture {
public:
    Gpt2(const ModelConfig &c, bool withHead) : m_config(c)
    {
        const int64_t d = c.hiddenSize, f = c.intermediateSize;
        const double e = c.layerNormEps;
        m_tokens = m_list.tensor("wte.weight", {c.vocabularySize, d});
        m_positions = m_list.tensor("wpe.weight", {c.maxPositions, d});
        for (int64_t l = 0; l < c.layers; ++l) {
            const std::string p = "h." + std::to_string(l) + ".";
            Layer layer;
            layer.norm1 = m_list.layerNorm(p + "ln_1", d, e);
            layer.norm2 = m_list.layerNorm(p + "ln_2", d, e);
            layer.qkv = m_list.conv1d(p + "attn.c_attn", d, 3 * d);
            layer.projection = m_list.conv1d(p + "attn.c_proj", d, d);
            layer.up = m_list.conv1d(p + "mlp.c_fc", d, f);
            layer.down = m_list.conv1d(p + "mlp.c_proj", f, d);
            m_layers.push_back(std::move(layer));
        }
        m_finalNorm = m_list.layerNorm("ln_f", d, e);
        if (withHead) {
            m_list.setPart(nn::Part::head);
            m_head.weight = m_list.tied("lm_head.weight", {c.vocabularySize, d}, m_tokens);
        }
        m_shape = {c.heads, c.heads, d / c.heads, 0.0};
    }

    void forward(const Weights &w, const ModelInputs &inputs, nn::Pass &pass) const override
    {
        const ModelConfig &c = m_config;
        const torch::Tensor ids = nn::tokenIds(inputs, c.vocabularySize, c.maxPositions);
        const torch::Tensor positions = nn::positionIds(inputs, ids, c.maxPositions);
        const torch::Tensor mask = nn::optionalInteger(inputs, "attention_mask", ids, 2);
        torch::Tensor hidden = pass.hook(nn::HookPoint::tokenEmbeddings, 0, torch::embedding(w.at(m_tokens), ids)) +
                               torch::embedding(w.at(m_positions), positions);
        // Causal and padding masks as one additive mask: a masked score becomes the lowest float.
        const torch::Tensor additive = pass.appliesMasks() ? nn::causalMask(ids.size(1), mask) : torch::Tensor();
        pass.hidden(0, hidden);
        for (size_t l = 0; l < m_layers.size(); ++l) {
            const int64_t index = int64_t(l);
            if (pass.skipsLayer(index))
                continue;
            const Layer &layer = m_layers[l];
            pass.startLayer(index, c.layers);
            hidden = pass.hook(nn::HookPoint::residualPre, index, hidden);
            const auto parts = nn::conv1d(w, layer.qkv, nn::layerNorm(w, layer.norm1, hidden)).split(c.hiddenSize, -1);
            const torch::Tensor attended = pass.attend(index, parts[0], parts[1], parts[2], m_shape, additive);
            hidden =
                hidden + pass.hook(nn::HookPoint::attentionOutput, index, nn::conv1d(w, layer.projection, attended));
            const torch::Tensor inner =
                activation(nn::conv1d(w, layer.up, nn::layerNorm(w, layer.norm2, hidden)), c.activation);
            hidden = hidden + pass.hook(nn::HookPoint::mlpOutput, index, nn::conv1d(w, layer.down, inner));
            // The last hidden state is reported after ln_f, as transformers does.
            if (index + 1 < c.layers)
                pass.hidden(index + 1, hidden);
        }
        hidden = nn::layerNorm(w, m_finalNorm, pass.hook(nn::HookPoint::residualFinal, c.layers, hidden));
        pass.hidden(c.layers, hidden);
        if (pass.logitsOnly()) {
            if (hasHead())
                pass.setLogits(nn::linear(w, m_head, hidden));
            return;
        }
        pass.output("last_hidden_state", hidden);
        if (hasHead())
            pass.output("logits", nn::linear(w, m_head, hidden));
    }

    torch::Tensor inputEmbedding(const Weights &w) const override { return w.at(m_tokens); }
    torch::Tensor positionTable(const Weights &w) const override { return w.at(m_positions); }

    std::pair<int64_t, int64_t> runSize(const ModelInputs &inputs) const override { return nn::textRunSize(inputs); }

    torch::Tensor unembed(const Weights &w, const torch::Tensor &residual) const override
    {
        return hasHead() ? nn::linear(w, m_head, nn::layerNorm(w, m_finalNorm, residual)) : torch::Tensor();
    }

    std::optional<FrozenReadout> frozenReadout(const Weights &w, const torch::Tensor &residual) const override
    {
        if (!hasHead())
            return std::nullopt;
        const torch::Tensor variance = (residual - residual.mean(-1, true)).pow(2).mean(-1, true);
        return FrozenReadout{torch::rsqrt(variance + m_finalNorm.eps),
                             true,
                             w.at(m_finalNorm.weight),
                             w.at(m_finalNorm.bias),
                             w.at(m_head.weight),
                             {}};
    }

    std::optional<HeadProjection> headProjection(const Weights &w, int64_t layer) const override
    {
        const nn::Conv1D &projection = m_layers.at(size_t(layer)).projection; // Conv1D: [in, out] already
        return HeadProjection{w.at(projection.weight), w.at(projection.bias)};
    }

private:
    struct Layer {
        nn::LayerNorm norm1, norm2;
        nn::Conv1D qkv, projection, up, down;
    };

    ModelConfig m_config;
    std::string m_tokens, m_positions;
    std::vector<Layer> m_layers;
    nn::LayerNorm m_finalNorm;
    nn::Linear m_head;
    nn::AttentionShape m_shape;
};

} // namespace

std::unique_ptr<Architecture> architecture(const ModelConfig &config, bool hasHead, bool)
{
    return std::make_unique<Gpt2>(config, hasHead);
}

} // namespace tessera::detail::gpt2
