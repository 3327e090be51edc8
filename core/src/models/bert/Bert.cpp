// BERT (BertModel, BertForMaskedLM): post-norm encoder with token-type embeddings, a pooler
// and the masked-LM head whose decoder is tied to the word embeddings. RoBERTa and XLM-R run the
// same network: positions counted from pad_token_id + 1 over the non-pad tokens (transformers'
// create_position_ids_from_input_ids), the head "lm_head." with exact GELU whatever hidden_act.

#include "models/Architecture.h"
#include "nn/Inputs.h"

#include <nlohmann/json.hpp>

namespace tessera::detail::bert {
namespace {

class Bert final : public Architecture {
public:
    Bert(const ModelConfig &c, bool withHead, bool withPooler, bool roberta) : m_config(c), m_roberta(roberta)
    {
        const int64_t d = c.hiddenSize, f = c.intermediateSize;
        const double e = c.layerNormEps;
        m_words = m_list.tensor("embeddings.word_embeddings.weight", {c.vocabularySize, d});
        m_positions = m_list.tensor("embeddings.position_embeddings.weight", {c.maxPositions, d});
        m_types = m_list.tensor("embeddings.token_type_embeddings.weight", {c.typeVocabularySize, d});
        m_embeddingNorm = m_list.layerNorm("embeddings.LayerNorm", d, e);
        for (int64_t l = 0; l < c.layers; ++l) {
            const std::string p = "encoder.layer." + std::to_string(l) + ".";
            Layer layer;
            layer.query = m_list.linear(p + "attention.self.query", d, d);
            layer.key = m_list.linear(p + "attention.self.key", d, d);
            layer.value = m_list.linear(p + "attention.self.value", d, d);
            layer.attentionOutput = m_list.linear(p + "attention.output.dense", d, d);
            layer.attentionNorm = m_list.layerNorm(p + "attention.output.LayerNorm", d, e);
            layer.intermediate = m_list.linear(p + "intermediate.dense", f, d);
            layer.output = m_list.linear(p + "output.dense", d, f);
            layer.outputNorm = m_list.layerNorm(p + "output.LayerNorm", d, e);
            m_layers.push_back(std::move(layer));
        }
        if (withPooler) {
            m_list.setPart(nn::Part::pooler);
            m_pooler = m_list.linear("pooler.dense", d, d);
        }
        if (withHead && roberta) {
            m_list.setPart(nn::Part::head);
            m_transform = m_list.linear("lm_head.dense", d, d);
            m_transformNorm = m_list.layerNorm("lm_head.layer_norm", d, e);
            m_decoder.bias = m_list.tensorAlsoStoredAs("lm_head.bias", {c.vocabularySize}, "lm_head.decoder.bias");
            m_decoder.weight = m_list.tied("lm_head.decoder.weight", {c.vocabularySize, d}, m_words);
        } else if (withHead) {
            m_list.setPart(nn::Part::head);
            m_transform = m_list.linear("cls.predictions.transform.dense", d, d);
            m_transformNorm = m_list.layerNorm("cls.predictions.transform.LayerNorm", d, e);
            m_decoder.bias =
                m_list.tensorAlsoStoredAs("cls.predictions.bias", {c.vocabularySize}, "cls.predictions.decoder.bias");
            m_decoder.weight = m_list.tied("cls.predictions.decoder.weight", {c.vocabularySize, d}, m_words);
        }
        m_shape = {c.heads, c.heads, d / c.heads, 0.0};
    }

    void forward(const Weights &w, const ModelInputs &inputs, nn::Pass &pass) const override
    {
        const ModelConfig &c = m_config;
        const int64_t padding = c.padTokenId >= 0 ? c.padTokenId : 1;
        const torch::Tensor ids =
            nn::tokenIds(inputs, c.vocabularySize, m_roberta ? c.maxPositions - padding - 1 : c.maxPositions);
        torch::Tensor types = nn::optionalInteger(inputs, "token_type_ids", ids, c.typeVocabularySize);
        torch::Tensor positions;
        if (m_roberta && !nn::findInteger(inputs, "position_ids")) {
            const torch::Tensor real = ids.ne(padding).to(torch::kInt64);
            positions = torch::cumsum(real, 1) * real + padding;
        } else {
            positions = nn::positionIds(inputs, ids, c.maxPositions);
        }
        const torch::Tensor mask = nn::optionalInteger(inputs, "attention_mask", ids, 2);
        if (!types.defined())
            types = torch::zeros_like(ids);
        torch::Tensor hidden = pass.hook(nn::HookPoint::tokenEmbeddings, 0, torch::embedding(w.at(m_words), ids)) +
                               torch::embedding(w.at(m_positions), positions) + torch::embedding(w.at(m_types), types);
        hidden = nn::layerNorm(w, m_embeddingNorm, hidden);
        const torch::Tensor additive = mask.defined() && pass.appliesMasks() ? nn::paddingMask(mask) : torch::Tensor();
        pass.hidden(0, hidden);
        for (size_t l = 0; l < m_layers.size(); ++l) {
            const int64_t index = int64_t(l);
            if (pass.skipsLayer(index))
                continue;
            const Layer &layer = m_layers[l];
            pass.startLayer(index, c.layers);
            // Post-norm: the residual entering a layer is the previous layer's normed output.
            hidden = pass.hook(nn::HookPoint::residualPre, index, hidden);
            const torch::Tensor context =
                pass.attend(index, nn::linear(w, layer.query, hidden), nn::linear(w, layer.key, hidden),
                            nn::linear(w, layer.value, hidden), m_shape, additive);
            const torch::Tensor attended = nn::layerNorm(
                w, layer.attentionNorm,
                pass.hook(nn::HookPoint::attentionOutput, index, nn::linear(w, layer.attentionOutput, context)) +
                    hidden);
            const torch::Tensor inner = activation(nn::linear(w, layer.intermediate, attended), c.activation);
            hidden = nn::layerNorm(w, layer.outputNorm,
                                   pass.hook(nn::HookPoint::mlpOutput, index, nn::linear(w, layer.output, inner)) +
                                       attended);
            pass.hidden(index + 1, hidden);
        }
        hidden = pass.hook(nn::HookPoint::residualFinal, c.layers, hidden);
        if (hasHead()) {
            torch::Tensor t = activation(nn::linear(w, m_transform, hidden), m_roberta ? "gelu" : c.activation);
            t = nn::layerNorm(w, m_transformNorm, t);
            t = nn::linear(w, m_decoder, t);
            if (pass.logitsOnly())
                return pass.setLogits(t);
            pass.output("logits", t);
        }
        if (pass.logitsOnly())
            return;
        pass.output("last_hidden_state", hidden);
        if (hasPooler())
            pass.output("pooler_output", torch::tanh(nn::linear(w, m_pooler, hidden.select(1, 0))));
    }

    torch::Tensor inputEmbedding(const Weights &w) const override { return w.at(m_words); }
    torch::Tensor positionTable(const Weights &w) const override { return w.at(m_positions); }

    std::pair<int64_t, int64_t> runSize(const ModelInputs &inputs) const override { return nn::textRunSize(inputs); }

private:
    struct Layer {
        nn::Linear query, key, value, attentionOutput;
        nn::LayerNorm attentionNorm;
        nn::Linear intermediate, output;
        nn::LayerNorm outputNorm;
    };

    ModelConfig m_config;
    bool m_roberta = false;
    std::string m_words, m_positions, m_types;
    nn::LayerNorm m_embeddingNorm;
    std::vector<Layer> m_layers;
    nn::Linear m_pooler, m_transform, m_decoder;
    nn::LayerNorm m_transformNorm;
    nn::AttentionShape m_shape;
};

} // namespace

std::unique_ptr<Architecture> architecture(const ModelConfig &config, bool hasHead, bool hasPooler)
{
    return std::make_unique<Bert>(config, hasHead, hasPooler, false);
}

} // namespace tessera::detail::bert

namespace tessera::detail::roberta {

std::unique_ptr<Architecture> architecture(const ModelConfig &config, bool hasHead, bool hasPooler)
{
    return std::make_unique<bert::Bert>(config, hasHead, hasPooler, true);
}

} // namespace tessera::detail::roberta
