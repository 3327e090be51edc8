// T5 (T5ForConditionalGeneration, T5Model, T5EncoderModel): pre-norm blocks with T5's RMS layer
// norm, unscaled dot-product attention plus a learned bias per relative-position bucket (computed
// by each stack's first layer and shared by its other layers: bidirectional buckets in the
// encoder, causal ones in the decoder, none in the cross-attention), ReLU or gated feed-forwards,
// final norms on both stacks and a head over the decoder (tied to `shared`, with the rescale).
//
// Shapes: input_ids [batch, s], decoder_input_ids [batch, t]; q, k, v [batch, ., heads x d_kv];
// encoder_attentions.{l} [batch, heads, s, s], decoder_attentions.{l} [batch, heads, t, t],
// cross_attentions.{l} [batch, heads, t, s]; logits [batch, t, vocabulary]. The hidden states
// are those before each block and, last, the stack's output after its final norm.

#include "models/Architecture.h"
#include "nn/Inputs.h"

#include <cmath>

namespace tessera::detail::t5 {
namespace {

// transformers' T5Attention._relative_position_bucket for every (query, key) pair: [queries, keys].
torch::Tensor relativeBuckets(int64_t queries, int64_t keys, bool bidirectional, int64_t buckets, int64_t maxDistance)
{
    torch::Tensor relative = torch::arange(keys, torch::kInt64).unsqueeze(0) -
                             torch::arange(queries, torch::kInt64).unsqueeze(1); // key - query
    torch::Tensor result = torch::zeros_like(relative);
    int64_t n = buckets;
    if (bidirectional) {
        n /= 2;
        result += (relative > 0).to(torch::kInt64) * n;
        relative = relative.abs();
    } else {
        relative = -torch::min(relative, torch::zeros_like(relative));
    }
    const int64_t exact = n / 2; // half the buckets for exact distances, the rest logarithmic
    const torch::Tensor small = relative < exact;
    torch::Tensor large = exact + (torch::log(relative.to(torch::kFloat32) / double(exact)) /
                                   std::log(double(maxDistance) / double(exact)) * double(n - exact))
                                      .to(torch::kInt64);
    large = torch::min(large, torch::full_like(large, n - 1));
    return result + torch::where(small, relative, large);
}

class T5 final : public Architecture {
public:
    T5(const ModelConfig &c, bool withHead) : m_config(c), m_encoderOnly(c.architecture == "T5EncoderModel")
    {
        const int64_t d = c.hiddenSize;
        m_shared = m_list.tensor("shared.weight", {c.vocabularySize, d});
        m_encoder = stack("encoder.", c.layers, false);
        if (!m_encoderOnly) {
            m_decoder = stack("decoder.", decoderLayersOf(c), true);
            if (withHead) {
                m_list.setPart(nn::Part::head);
                m_head = m_list.tied("lm_head.weight", {c.vocabularySize, d}, m_shared);
            }
        }
        m_shape = {c.heads, c.heads, c.headDimension(), 1.0}; // T5 folds the 1/sqrt(d_kv) into its init
    }

    void forward(const Weights &w, const ModelInputs &inputs, nn::Pass &pass) const override
    {
        const EncoderDecoderInputs in = readEncoderDecoderInputs(inputs, m_config, 0, 0, m_encoderOnly);
        const torch::Tensor encoded = encode(w, in, pass);
        if (m_encoderOnly) {
            if (!pass.logitsOnly())
                pass.output("last_hidden_state", encoded);
            return;
        }
        const torch::Tensor out = decode(w, in, encoded, pass);
        if (pass.logitsOnly())
            return pass.setLogits(out);
        pass.output(hasHead() ? "logits" : "last_hidden_state", out);
        pass.output("encoder_last_hidden_state", encoded);
    }

    torch::Tensor encode(const Weights &w, const EncoderDecoderInputs &in, nn::Pass &pass) const override
    {
        pass.useNames("encoder_attentions", "encoder_hidden_states");
        const int64_t s = in.sourceIds.size(1);
        torch::Tensor mask = sourceMask(in, pass);
        torch::Tensor bias = positionBias(w, m_encoder, s, s, true);
        if (mask.defined())
            bias = bias + mask;
        return run(w, m_encoder, torch::embedding(w.at(m_shared), in.sourceIds), bias, {}, {}, pass);
    }

    torch::Tensor decode(const Weights &w, const EncoderDecoderInputs &in, const torch::Tensor &encoded,
                         nn::Pass &pass) const override
    {
        pass.useNames("decoder_attentions", "decoder_hidden_states");
        const int64_t t = in.targetIds.size(1);
        const torch::Tensor mask = targetMask(in, pass);
        torch::Tensor bias = positionBias(w, m_decoder, t, t, false);
        if (mask.defined())
            bias = bias + mask;
        torch::Tensor hidden = run(w, m_decoder, torch::embedding(w.at(m_shared), in.targetIds), bias, encoded,
                                   sourceMask(in, pass), pass);
        if (!hasHead())
            return hidden;
        if (m_config.scaleDecoderOutputs)
            hidden = hidden * std::pow(double(m_config.hiddenSize), -0.5);
        return torch::linear(hidden, w.at(m_head));
    }

    torch::Tensor inputEmbedding(const Weights &w) const override { return w.at(m_shared); }
    torch::Tensor positionTable(const Weights &w) const override
    {
        // No table: the encoder's relative-position bias, [buckets, heads], is the nearest thing.
        return w.at(m_encoder.relativeBias);
    }
    std::pair<int64_t, int64_t> runSize(const ModelInputs &inputs) const override { return nn::textRunSize(inputs); }

private:
    struct Block {
        nn::Linear q, k, v, o; // self-attention
        std::string selfNorm;  // layer.0.layer_norm
        nn::Linear crossQ, crossK, crossV, crossO;
        std::string crossNorm;    // decoder: layer.1.layer_norm
        nn::Linear in, gate, out; // DenseReluDense: wi (or wi_0, gated by wi_1), wo
        std::string feedForwardNorm;
    };
    struct Stack {
        std::vector<Block> blocks;
        std::string relativeBias; // [buckets, heads], block 0's
        std::string finalNorm;
        bool decoder = false;
    };

    Stack stack(const std::string &prefix, int64_t layers, bool decoder)
    {
        const ModelConfig &c = m_config;
        const int64_t d = c.hiddenSize, inner = c.heads * c.headDimension(), f = c.intermediateSize;
        Stack st;
        st.decoder = decoder;
        for (int64_t l = 0; l < layers; ++l) {
            const std::string p = prefix + "block." + std::to_string(l) + ".layer.";
            Block b;
            b.q = m_list.linear(p + "0.SelfAttention.q", inner, d, false);
            b.k = m_list.linear(p + "0.SelfAttention.k", inner, d, false);
            b.v = m_list.linear(p + "0.SelfAttention.v", inner, d, false);
            b.o = m_list.linear(p + "0.SelfAttention.o", d, inner, false);
            if (l == 0)
                st.relativeBias =
                    m_list.tensor(p + "0.SelfAttention.relative_attention_bias.weight", {c.relativeBuckets, c.heads});
            b.selfNorm = m_list.tensor(p + "0.layer_norm.weight", {d});
            const std::string ff = p + (decoder ? "2." : "1.");
            if (decoder) {
                b.crossQ = m_list.linear(p + "1.EncDecAttention.q", inner, d, false);
                b.crossK = m_list.linear(p + "1.EncDecAttention.k", inner, d, false);
                b.crossV = m_list.linear(p + "1.EncDecAttention.v", inner, d, false);
                b.crossO = m_list.linear(p + "1.EncDecAttention.o", d, inner, false);
                b.crossNorm = m_list.tensor(p + "1.layer_norm.weight", {d});
            }
            if (c.gatedFeedForward) {
                b.in = m_list.linear(ff + "DenseReluDense.wi_0", f, d, false);
                b.gate = m_list.linear(ff + "DenseReluDense.wi_1", f, d, false);
            } else {
                b.in = m_list.linear(ff + "DenseReluDense.wi", f, d, false);
            }
            b.out = m_list.linear(ff + "DenseReluDense.wo", d, f, false);
            b.feedForwardNorm = m_list.tensor(ff + "layer_norm.weight", {d});
            st.blocks.push_back(std::move(b));
        }
        st.finalNorm = m_list.tensor(prefix + "final_layer_norm.weight", {d});
        return st;
    }

    // The stack's position bias [1, heads, queries, keys].
    torch::Tensor positionBias(const Weights &w, const Stack &st, int64_t queries, int64_t keys,
                               bool bidirectional) const
    {
        const torch::Tensor buckets =
            relativeBuckets(queries, keys, bidirectional, m_config.relativeBuckets, m_config.relativeMaxDistance);
        return torch::embedding(w.at(st.relativeBias), buckets).permute({2, 0, 1}).unsqueeze(0);
    }

    torch::Tensor norm(const Weights &w, const std::string &weight, const torch::Tensor &x) const
    {
        return nn::rmsNorm(w, weight, x, m_config.layerNormEps);
    }

    // One stack over hidden [batch, n, hidden] with its additive bias (position bias + mask);
    // the decoder also reads encoded [batch, s, hidden] through crossMask.
    torch::Tensor run(const Weights &w, const Stack &st, torch::Tensor hidden, const torch::Tensor &bias,
                      const torch::Tensor &encoded, const torch::Tensor &crossMask, nn::Pass &pass) const
    {
        const int64_t layers = int64_t(st.blocks.size());
        for (int64_t l = 0; l < layers; ++l) {
            const Block &b = st.blocks[size_t(l)];
            pass.startLayer(l, layers);
            pass.hidden(l, hidden);
            torch::Tensor x = norm(w, b.selfNorm, hidden);
            hidden = hidden + nn::linear(w, b.o,
                                         pass.attend(l, nn::linear(w, b.q, x), nn::linear(w, b.k, x),
                                                     nn::linear(w, b.v, x), m_shape, bias));
            if (st.decoder) {
                x = norm(w, b.crossNorm, hidden);
                hidden =
                    hidden +
                    nn::linear(w, b.crossO,
                               pass.attend(l, nn::linear(w, b.crossQ, x), nn::linear(w, b.crossK, encoded),
                                           nn::linear(w, b.crossV, encoded), m_shape, crossMask, "cross_attentions"));
            }
            x = norm(w, b.feedForwardNorm, hidden);
            torch::Tensor inner = activation(nn::linear(w, b.in, x), m_config.activation);
            if (m_config.gatedFeedForward)
                inner = inner * nn::linear(w, b.gate, x);
            hidden = hidden + nn::linear(w, b.out, inner);
        }
        hidden = norm(w, st.finalNorm, hidden);
        pass.hidden(layers, hidden);
        return hidden;
    }

    ModelConfig m_config;
    bool m_encoderOnly = false;
    std::string m_shared, m_head;
    Stack m_encoder, m_decoder;
    nn::AttentionShape m_shape;
};

} // namespace

std::unique_ptr<Architecture> architecture(const ModelConfig &config, bool hasHead, bool /*hasPooler: none*/)
{
    return std::make_unique<T5>(config, hasHead);
}

} // namespace tessera::detail::t5
