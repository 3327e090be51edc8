// DistilBERT (DistilBertModel, DistilBertForMaskedLM): word and position embeddings, post-norm
// layers (attention, sa_layer_norm, the feed-forward lin1 / lin2, output_layer_norm) and the
// masked-LM head vocab_transform -> activation -> vocab_layer_norm -> vocab_projector, whose
// weight is the word embeddings.

#include "models/Architecture.h"
#include "nn/Inputs.h"

namespace tessera::detail::distilbert {
namespace {

class DistilBert final : public Architecture {
public:
    DistilBert(const ModelConfig &c, bool withHead) : m_config(c)
    {
        const int64_t d = c.hiddenSize, f = c.intermediateSize;
        const double e = c.layerNormEps;
        m_words = m_list.tensor("embeddings.word_embeddings.weight", {c.vocabularySize, d});
        m_positions = m_list.tensor("embeddings.position_embeddings.weight", {c.maxPositions, d});
        m_embeddingNorm = m_list.layerNorm("embeddings.LayerNorm", d, e);
        for (int64_t l = 0; l < c.layers; ++l) {
            const std::string p = "transformer.layer." + std::to_string(l) + ".";
            Layer layer;
            layer.query = m_list.linear(p + "attention.q_lin", d, d);
            layer.key = m_list.linear(p + "attention.k_lin", d, d);
            layer.value = m_list.linear(p + "attention.v_lin", d, d);
            layer.attentionOutput = m_list.linear(p + "attention.out_lin", d, d);
            layer.attentionNorm = m_list.layerNorm(p + "sa_layer_norm", d, e);
            layer.inner = m_list.linear(p + "ffn.lin1", f, d);
            layer.outer = m_list.linear(p + "ffn.lin2", d, f);
            layer.outputNorm = m_list.layerNorm(p + "output_layer_norm", d, e);
            m_layers.push_back(std::move(layer));
        }
        if (withHead) {
            m_list.setPart(nn::Part::head);
            m_transform = m_list.linear("vocab_transform", d, d);
            m_transformNorm = m_list.layerNorm("vocab_layer_norm", d, e);
            m_projector.bias = m_list.tensor("vocab_projector.bias", {c.vocabularySize});
            m_projector.weight = m_list.tied("vocab_projector.weight", {c.vocabularySize, d}, m_words);
        }
        m_shape = {c.heads, c.heads, d / c.heads, 0.0};
    }

    void forward(const Weights &w, const ModelInputs &inputs, nn::Pass &pass) const override
    {
        const ModelConfig &c = m_config;
        const torch::Tensor ids = nn::tokenIds(inputs, c.vocabularySize, c.maxPositions);
        const torch::Tensor positions = nn::positionIds(inputs, ids, c.maxPositions);
        const torch::Tensor mask = nn::optionalInteger(inputs, "attention_mask", ids, 2);
        torch::Tensor hidden = torch::embedding(w.at(m_words), ids) + torch::embedding(w.at(m_positions), positions);
        hidden = nn::layerNorm(w, m_embeddingNorm, hidden);
        const torch::Tensor additive = mask.defined() && pass.appliesMasks() ? nn::paddingMask(mask) : torch::Tensor();
        pass.hidden(0, hidden);
        for (size_t l = 0; l < m_layers.size(); ++l) {
            const Layer &layer = m_layers[l];
            pass.startLayer(int64_t(l), c.layers);
            const torch::Tensor context =
                pass.attend(int64_t(l), nn::linear(w, layer.query, hidden), nn::linear(w, layer.key, hidden),
                            nn::linear(w, layer.value, hidden), m_shape, additive);
            const torch::Tensor attended =
                nn::layerNorm(w, layer.attentionNorm, nn::linear(w, layer.attentionOutput, context) + hidden);
            const torch::Tensor inner = activation(nn::linear(w, layer.inner, attended), c.activation);
            hidden = nn::layerNorm(w, layer.outputNorm, nn::linear(w, layer.outer, inner) + attended);
            pass.hidden(int64_t(l) + 1, hidden);
        }
        if (hasHead()) {
            torch::Tensor t = activation(nn::linear(w, m_transform, hidden), c.activation);
            t = nn::linear(w, m_projector, nn::layerNorm(w, m_transformNorm, t));
            if (pass.logitsOnly())
                return pass.setLogits(t);
            pass.output("logits", t);
        }
        if (pass.logitsOnly())
            return;
        pass.output("last_hidden_state", hidden);
    }

    torch::Tensor inputEmbedding(const Weights &w) const override { return w.at(m_words); }
    torch::Tensor positionTable(const Weights &w) const override { return w.at(m_positions); }

    std::pair<int64_t, int64_t> runSize(const ModelInputs &inputs) const override { return nn::textRunSize(inputs); }

private:
    struct Layer {
        nn::Linear query, key, value, attentionOutput;
        nn::LayerNorm attentionNorm;
        nn::Linear inner, outer;
        nn::LayerNorm outputNorm;
    };

    ModelConfig m_config;
    std::string m_words, m_positions;
    nn::LayerNorm m_embeddingNorm;
    std::vector<Layer> m_layers;
    nn::Linear m_transform, m_projector;
    nn::LayerNorm m_transformNorm;
    nn::AttentionShape m_shape;
};

} // namespace

std::unique_ptr<Architecture> architecture(const ModelConfig &config, bool hasHead, bool /*hasPooler: none*/)
{
    return std::make_unique<DistilBert>(config, hasHead);
}

} // namespace tessera::detail::distilbert
