// BART (BartForConditionalGeneration, BartModel): token embeddings (times sqrt(d_model) with
// scale_embedding) plus learned positions looked up at position + 2, layernorm_embedding, then
// post-norm layers: self-attention, (decoder) cross-attention over the encoder's output and a
// feed-forward, each added to its input and layer-normed. The head is the shared embedding plus
// final_logits_bias.
//
// Shapes: input_ids [batch, s], decoder_input_ids [batch, t] (without them, input_ids shifted
// right after decoder_start_token_id); encoder_attentions.{l} [batch, heads, s, s],
// decoder_attentions.{l} [batch, heads, t, t], cross_attentions.{l} [batch, heads, t, s];
// logits [batch, t, vocabulary]; hidden states after layernorm_embedding and after each layer.

#include "models/Architecture.h"
#include "nn/Inputs.h"

#include <cmath>

namespace tessera::detail::bart {
namespace {

constexpr int64_t kPositionOffset = 2; // BartLearnedPositionalEmbedding's offset

class Bart final : public Architecture {
public:
    Bart(const ModelConfig &c, bool withHead) : m_config(c)
    {
        const int64_t d = c.hiddenSize;
        m_shared = m_list.tensorAlsoStoredAs("shared.weight", {c.vocabularySize, d}, "encoder.embed_tokens.weight");
        m_encoder = stack("encoder.", c.layers, c.heads, c.intermediateSize, false);
        m_decoder = stack("decoder.", decoderLayersOf(c), decoderHeadsOf(c),
                          c.decoderIntermediateSize > 0 ? c.decoderIntermediateSize : c.intermediateSize, true);
        if (withHead) {
            m_list.setPart(nn::Part::head);
            m_head.weight = m_list.tied("lm_head.weight", {c.vocabularySize, d}, m_shared);
            m_logitsBias = m_list.tensor("final_logits_bias", {1, c.vocabularySize});
        }
    }

    void forward(const Weights &w, const ModelInputs &inputs, nn::Pass &pass) const override
    {
        const EncoderDecoderInputs in =
            readEncoderDecoderInputs(inputs, m_config, m_config.maxPositions, m_config.maxPositions, true);
        const torch::Tensor encoded = encode(w, in, pass);
        const torch::Tensor out = decode(w, in, encoded, pass);
        if (pass.logitsOnly())
            return pass.setLogits(out);
        pass.output(hasHead() ? "logits" : "last_hidden_state", out);
        pass.output("encoder_last_hidden_state", encoded);
    }

    torch::Tensor encode(const Weights &w, const EncoderDecoderInputs &in, nn::Pass &pass) const override
    {
        pass.useNames("encoder_attentions", "encoder_hidden_states");
        return run(w, m_encoder, in.sourceIds, sourceMask(in, pass), {}, {}, pass);
    }

    torch::Tensor decode(const Weights &w, const EncoderDecoderInputs &in, const torch::Tensor &encoded,
                         nn::Pass &pass) const override
    {
        pass.useNames("decoder_attentions", "decoder_hidden_states");
        const torch::Tensor hidden =
            run(w, m_decoder, in.targetIds, targetMask(in, pass), encoded, sourceMask(in, pass), pass);
        return hasHead() ? torch::linear(hidden, w.at(m_head.weight)) + w.at(m_logitsBias) : hidden;
    }

    torch::Tensor inputEmbedding(const Weights &w) const override { return w.at(m_shared); }
    // The encoder's table from position 0 on (the two rows before it are the offset's).
    torch::Tensor positionTable(const Weights &w) const override
    {
        return w.at(m_encoder.positions).slice(0, kPositionOffset);
    }
    std::pair<int64_t, int64_t> runSize(const ModelInputs &inputs) const override { return nn::textRunSize(inputs); }

private:
    struct Layer {
        nn::Linear q, k, v, o;
        nn::LayerNorm selfNorm;
        nn::Linear crossQ, crossK, crossV, crossO;
        nn::LayerNorm crossNorm;
        nn::Linear fc1, fc2;
        nn::LayerNorm finalNorm;
    };
    struct Stack {
        std::string positions;
        nn::LayerNorm embeddingNorm;
        std::vector<Layer> layers;
        nn::AttentionShape shape;
        bool decoder = false;
    };

    Stack stack(const std::string &prefix, int64_t layers, int64_t heads, int64_t f, bool decoder)
    {
        const ModelConfig &c = m_config;
        const int64_t d = c.hiddenSize;
        const double e = c.layerNormEps;
        Stack st;
        st.decoder = decoder;
        st.positions = m_list.tensor(prefix + "embed_positions.weight", {c.maxPositions + kPositionOffset, d});
        st.embeddingNorm = m_list.layerNorm(prefix + "layernorm_embedding", d, e);
        for (int64_t l = 0; l < layers; ++l) {
            const std::string p = prefix + "layers." + std::to_string(l) + ".";
            Layer layer;
            layer.q = m_list.linear(p + "self_attn.q_proj", d, d);
            layer.k = m_list.linear(p + "self_attn.k_proj", d, d);
            layer.v = m_list.linear(p + "self_attn.v_proj", d, d);
            layer.o = m_list.linear(p + "self_attn.out_proj", d, d);
            layer.selfNorm = m_list.layerNorm(p + "self_attn_layer_norm", d, e);
            if (decoder) {
                layer.crossQ = m_list.linear(p + "encoder_attn.q_proj", d, d);
                layer.crossK = m_list.linear(p + "encoder_attn.k_proj", d, d);
                layer.crossV = m_list.linear(p + "encoder_attn.v_proj", d, d);
                layer.crossO = m_list.linear(p + "encoder_attn.out_proj", d, d);
                layer.crossNorm = m_list.layerNorm(p + "encoder_attn_layer_norm", d, e);
            }
            layer.fc1 = m_list.linear(p + "fc1", f, d);
            layer.fc2 = m_list.linear(p + "fc2", d, f);
            layer.finalNorm = m_list.layerNorm(p + "final_layer_norm", d, e);
            st.layers.push_back(std::move(layer));
        }
        st.shape = {heads, heads, d / heads, 0.0};
        return st;
    }

    // One stack over ids [batch, n] with its additive mask; the decoder also reads encoded
    // [batch, s, hidden] through crossMask.
    torch::Tensor run(const Weights &w, const Stack &st, const torch::Tensor &ids, const torch::Tensor &mask,
                      const torch::Tensor &encoded, const torch::Tensor &crossMask, nn::Pass &pass) const
    {
        torch::Tensor hidden = torch::embedding(w.at(m_shared), ids);
        if (m_config.scaleEmbedding)
            hidden = hidden * std::sqrt(double(m_config.hiddenSize));
        const torch::Tensor positions = torch::arange(ids.size(1), torch::kInt64) + kPositionOffset;
        hidden = nn::layerNorm(w, st.embeddingNorm, hidden + torch::embedding(w.at(st.positions), positions));
        const int64_t layers = int64_t(st.layers.size());
        pass.hidden(0, hidden);
        for (int64_t l = 0; l < layers; ++l) {
            const Layer &layer = st.layers[size_t(l)];
            pass.startLayer(l, layers);
            const torch::Tensor attended =
                pass.attend(l, nn::linear(w, layer.q, hidden), nn::linear(w, layer.k, hidden),
                            nn::linear(w, layer.v, hidden), st.shape, mask);
            hidden = nn::layerNorm(w, layer.selfNorm, hidden + nn::linear(w, layer.o, attended));
            if (st.decoder) {
                const torch::Tensor read =
                    pass.attend(l, nn::linear(w, layer.crossQ, hidden), nn::linear(w, layer.crossK, encoded),
                                nn::linear(w, layer.crossV, encoded), st.shape, crossMask, "cross_attentions");
                hidden = nn::layerNorm(w, layer.crossNorm, hidden + nn::linear(w, layer.crossO, read));
            }
            const torch::Tensor inner = activation(nn::linear(w, layer.fc1, hidden), m_config.activation);
            hidden = nn::layerNorm(w, layer.finalNorm, hidden + nn::linear(w, layer.fc2, inner));
            pass.hidden(l + 1, hidden);
        }
        return hidden;
    }

    ModelConfig m_config;
    std::string m_shared, m_logitsBias;
    nn::Linear m_head;
    Stack m_encoder, m_decoder;
};

} // namespace

std::unique_ptr<Architecture> architecture(const ModelConfig &config, bool hasHead, bool /*hasPooler: none*/)
{
    return std::make_unique<Bart>(config, hasHead);
}

} // namespace tessera::detail::bart
