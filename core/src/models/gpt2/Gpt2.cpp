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
        torch::Tensor hidden = torch::embedding(w.at(m_tokens), ids) + torch::embedding(w.at(m_positions), positions);
        // Causal and padding masks as one additive mask: a masked score becomes the lowest float.
        const torch::Tensor additive = pass.appliesMasks() ? nn::causalMask(ids.size(1), mask) : torch::Tensor();
        pass.hidden(0, hidden);
        for (size_t l = 0; l < m_layers.size(); ++l) {
            const Layer &layer = m_layers[l];
            pass.startLayer(int64_t(l), c.layers);
            const auto parts = nn::conv1d(w, layer.qkv, nn::layerNorm(w, layer.norm1, hidden)).split(c.hiddenSize, -1);
            const torch::Tensor attended = pass.attend(int64_t(l), parts[0], parts[1], parts[2], m_shape, additive);
            hidden = hidden + nn::conv1d(w, layer.projection, attended);
            const torch::Tensor inner =
                activation(nn::conv1d(w, layer.up, nn::layerNorm(w, layer.norm2, hidden)), c.activation);
            hidden = hidden + nn::conv1d(w, layer.down, inner);
            // The last hidden state is reported after ln_f, as transformers does.
            if (int64_t(l) + 1 < c.layers)
                pass.hidden(int64_t(l) + 1, hidden);
        }
        hidden = nn::layerNorm(w, m_finalNorm, hidden);
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
