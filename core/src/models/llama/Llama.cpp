// Llama-family decoders (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM,
// Qwen3ForCausalLM, Gemma3ForCausalLM and their bare *Model): pre-norm causal decoders with
// RMSNorm, rotary positions, grouped key/value heads and a gated MLP. The variants differ in
// switches LlamaConfig.cpp reads: q/k/v and output biases, per-head q/k RMSNorm (Qwen3, Gemma 3),
// sliding-window layers (Mistral, Gemma 3 local layers), and Gemma 3's (1 + w) norms, embedding
// scale sqrt(hidden), four norms per layer, query_pre_attn_scalar and the local layers' own RoPE.
//
// Shapes: input_ids [batch, n]; q [batch, n, heads x head] and k, v [batch, n, kv heads x head]
// rotated per head; attentions.{l} [batch, heads, n, n]; logits [batch, n, vocabulary].

#include "models/Architecture.h"
#include "nn/Inputs.h"
#include "nn/Rotary.h"

#include "tessera/core/Error.h"

#include <cmath>
#include <tuple>

namespace tessera::detail::llama {
namespace {

class Llama final : public Architecture {
public:
    Llama(const ModelConfig &c, bool withHead) : m_config(c), m_gemma(c.modelType == "gemma3_text")
    {
        const int64_t d = c.hiddenSize, f = c.intermediateSize, hd = c.headDimension();
        const int64_t heads = c.heads, kvHeads = c.keyValueHeadCount();
        m_tokens = m_list.tensor("embed_tokens.weight", {c.vocabularySize, d});
        for (int64_t l = 0; l < c.layers; ++l) {
            const std::string p = "layers." + std::to_string(l) + ".";
            Layer layer;
            layer.inputNorm = m_list.tensor(p + "input_layernorm.weight", {d});
            layer.q = m_list.linear(p + "self_attn.q_proj", heads * hd, d, c.qkvBias);
            layer.k = m_list.linear(p + "self_attn.k_proj", kvHeads * hd, d, c.qkvBias);
            layer.v = m_list.linear(p + "self_attn.v_proj", kvHeads * hd, d, c.qkvBias);
            layer.o = m_list.linear(p + "self_attn.o_proj", d, heads * hd, c.outputBias);
            if (c.queryKeyNorm) {
                layer.qNorm = m_list.tensor(p + "self_attn.q_norm.weight", {hd});
                layer.kNorm = m_list.tensor(p + "self_attn.k_norm.weight", {hd});
            }
            layer.postAttentionNorm = m_list.tensor(p + "post_attention_layernorm.weight", {d});
            if (m_gemma) {
                layer.preFeedForwardNorm = m_list.tensor(p + "pre_feedforward_layernorm.weight", {d});
                layer.postFeedForwardNorm = m_list.tensor(p + "post_feedforward_layernorm.weight", {d});
            }
            layer.gate = m_list.linear(p + "mlp.gate_proj", f, d, c.mlpBias);
            layer.up = m_list.linear(p + "mlp.up_proj", f, d, c.mlpBias);
            layer.down = m_list.linear(p + "mlp.down_proj", d, f, c.mlpBias);
            layer.sliding = size_t(l) < c.slidingLayers.size() && c.slidingLayers[size_t(l)];
            m_layers.push_back(std::move(layer));
        }
        m_finalNorm = m_list.tensor("norm.weight", {d});
        if (withHead) {
            m_list.setPart(nn::Part::head);
            m_head.weight = m_list.tied("lm_head.weight", {c.vocabularySize, d}, m_tokens);
        }
        m_shape = {heads, kvHeads, hd, c.queryScale > 0.0 ? 1.0 / std::sqrt(c.queryScale) : 0.0};
    }

    void forward(const Weights &w, const ModelInputs &inputs, nn::Pass &pass) const override
    {
        const ModelConfig &c = m_config;
        const torch::Tensor ids = nn::tokenIds(inputs, c.vocabularySize, c.maxPositions);
        const int64_t n = ids.size(1);
        const torch::Tensor positions = nn::positionIds(inputs, ids, c.maxPositions);
        const torch::Tensor padding = nn::optionalInteger(inputs, "attention_mask", ids, 2);
        const Rotations rotations = rotationsAt(positions);
        torch::Tensor fullMask, windowMask;
        if (pass.appliesMasks()) {
            fullMask = nn::causalMask(n, padding);
            if (c.slidingWindow > 0)
                windowMask = nn::causalMask(n, padding, c.slidingWindow);
        }
        torch::Tensor hidden = pass.hook(nn::HookPoint::tokenEmbeddings, 0, embed(w, ids));
        pass.hidden(0, hidden);
        for (size_t l = 0; l < m_layers.size(); ++l) {
            const int64_t index = int64_t(l);
            if (pass.skipsLayer(index))
                continue;
            const Layer &layer = m_layers[l];
            pass.startLayer(index, c.layers);
            hidden = pass.hook(nn::HookPoint::residualPre, index, hidden);
            hidden = block(
                w, layer, hidden, rotations,
                [&](const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v) {
                    return pass.attend(index, q, k, v, m_shape, layer.sliding ? windowMask : fullMask);
                },
                [&](nn::HookPoint point, const torch::Tensor &value) { return pass.hook(point, index, value); });
            // The last hidden state is reported after the final norm, as transformers does.
            if (index + 1 < c.layers)
                pass.hidden(index + 1, hidden);
        }
        hidden = norm(w, m_finalNorm, pass.hook(nn::HookPoint::residualFinal, c.layers, hidden));
        pass.hidden(c.layers, hidden);
        if (!hasHead()) {
            if (!pass.logitsOnly())
                pass.output("last_hidden_state", hidden);
            return;
        }
        const torch::Tensor logits = head(w, hidden);
        if (pass.logitsOnly()) {
            pass.setLogits(logits);
            return;
        }
        pass.output("last_hidden_state", hidden);
        pass.output("logits", logits);
    }

    torch::Tensor decodeStep(const Weights &w, const torch::Tensor &ids, DecodeCache &cache) const override
    {
        const ModelConfig &c = m_config;
        if (!hasHead())
            return {};
        const int64_t m = ids.size(1), past = cache.length, total = past + m;
        if (total > c.maxPositions)
            throw Error(std::to_string(total) + " tokens are more than the " + std::to_string(c.maxPositions) +
                        " positions of this model (max_position_embeddings)");
        cache.keys.resize(m_layers.size());
        cache.values.resize(m_layers.size());
        const torch::Tensor positions = torch::arange(past, total, torch::kInt64).unsqueeze(0);
        const Rotations rotations = rotationsAt(positions);
        const torch::Tensor fullMask = m > 1 ? nn::trailingCausalMask(m, total) : torch::Tensor();
        const torch::Tensor windowMask =
            c.slidingWindow > 0 ? nn::trailingCausalMask(m, total, c.slidingWindow) : torch::Tensor();
        torch::Tensor hidden = embed(w, ids);
        for (size_t l = 0; l < m_layers.size(); ++l) {
            const Layer &layer = m_layers[l];
            hidden = block(
                w, layer, hidden, rotations,
                [&](const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v) {
                    torch::Tensor &keys = cache.keys[l], &values = cache.values[l];
                    keys = keys.defined() ? torch::cat({keys, k}, 1) : k;
                    values = values.defined() ? torch::cat({values, v}, 1) : v;
                    torch::Tensor probabilities;
                    return nn::attend(q, keys, values, m_shape, layer.sliding ? windowMask : fullMask, probabilities);
                },
                [](nn::HookPoint, const torch::Tensor &value) { return value; });
        }
        cache.length = total;
        return head(w, norm(w, m_finalNorm, hidden.slice(1, m - 1))).view({-1});
    }

    torch::Tensor inputEmbedding(const Weights &w) const override { return w.at(m_tokens); }
    torch::Tensor positionTable(const Weights &) const override
    {
        throw Error(m_config.modelType +
                    " encodes positions by rotating queries and keys (RoPE): it has no learned position table");
    }

    std::pair<int64_t, int64_t> runSize(const ModelInputs &inputs) const override { return nn::textRunSize(inputs); }

    torch::Tensor unembed(const Weights &w, const torch::Tensor &residual) const override
    {
        return hasHead() ? head(w, norm(w, m_finalNorm, residual)) : torch::Tensor();
    }

    std::optional<FrozenReadout> frozenReadout(const Weights &w, const torch::Tensor &residual) const override
    {
        if (!hasHead() || m_config.finalLogitSoftcap > 0.0)
            return std::nullopt;
        const torch::Tensor x = residual.to(torch::kFloat32);
        const torch::Tensor weight = w.at(m_finalNorm).to(torch::kFloat32);
        return FrozenReadout{torch::rsqrt(x.pow(2).mean(-1, true) + m_config.layerNormEps),
                             false,
                             m_gemma ? 1.0 + weight : weight,
                             {},
                             w.at(m_head.weight),
                             {}};
    }

    std::optional<HeadProjection> headProjection(const Weights &w, int64_t layer) const override
    {
        if (m_gemma) // its post-attention norm makes the output no sum over heads
            return std::nullopt;
        const nn::Linear &o = m_layers.at(size_t(layer)).o;
        return HeadProjection{w.at(o.weight).t(), o.bias.empty() ? torch::Tensor() : w.at(o.bias)};
    }

private:
    struct Layer {
        std::string inputNorm, postAttentionNorm, preFeedForwardNorm, postFeedForwardNorm, qNorm, kNorm;
        nn::Linear q, k, v, o, gate, up, down;
        bool sliding = false;
    };
    // cos / sin [batch, n, head] of the full-attention layers and of the sliding ones.
    struct Rotations {
        torch::Tensor cos, sin, localCos, localSin;
    };

    torch::Tensor norm(const Weights &w, const std::string &weight, const torch::Tensor &x) const
    {
        return nn::rmsNorm(w, weight, x, m_config.layerNormEps, m_gemma);
    }

    torch::Tensor embed(const Weights &w, const torch::Tensor &ids) const
    {
        const torch::Tensor hidden = torch::embedding(w.at(m_tokens), ids);
        if (!m_gemma)
            return hidden;
        // Gemma's embedding scale as transformers applies it: sqrt(hidden) in the weights' dtype.
        return hidden * torch::tensor(std::sqrt(double(m_config.hiddenSize)), hidden.scalar_type());
    }

    torch::Tensor head(const Weights &w, const torch::Tensor &hidden) const
    {
        const torch::Tensor logits = nn::linear(w, m_head, hidden);
        const double cap = m_config.finalLogitSoftcap;
        return cap > 0.0 ? torch::tanh(logits / cap) * cap : logits;
    }

    Rotations rotationsAt(const torch::Tensor &positions) const
    {
        const ModelConfig &c = m_config;
        Rotations r;
        std::tie(r.cos, r.sin) = nn::rotaryTables(c.rope, c.headDimension(), c.maxPositions, positions);
        r.localCos = r.cos;
        r.localSin = r.sin;
        if (c.slidingWindow > 0)
            std::tie(r.localCos, r.localSin) =
                nn::rotaryTables(c.localRope, c.headDimension(), c.maxPositions, positions);
        return r;
    }

    // One decoder layer on hidden [batch, n, hidden]; attend(q, k, v) runs its attention over
    // q [batch, n, heads x head] and k, v [batch, n, kv heads x head] (rotated).
    // hook(point, value) is the pass's Lens hook of this layer (attentionOutput, mlpOutput).
    template <typename Attend, typename Hook>
    torch::Tensor block(const Weights &w, const Layer &layer, const torch::Tensor &hidden, const Rotations &r,
                        Attend &&attend, Hook &&hook) const
    {
        const ModelConfig &c = m_config;
        const int64_t batch = hidden.size(0), n = hidden.size(1), hd = c.headDimension();
        const int64_t heads = c.heads, kvHeads = c.keyValueHeadCount();
        const torch::Tensor x = norm(w, layer.inputNorm, hidden);
        torch::Tensor q = nn::linear(w, layer.q, x).view({batch, n, heads, hd});
        torch::Tensor k = nn::linear(w, layer.k, x).view({batch, n, kvHeads, hd});
        const torch::Tensor v = nn::linear(w, layer.v, x);
        if (c.queryKeyNorm) {
            q = norm(w, layer.qNorm, q);
            k = norm(w, layer.kNorm, k);
        }
        const torch::Tensor &cos = layer.sliding ? r.localCos : r.cos, &sin = layer.sliding ? r.localSin : r.sin;
        q = nn::applyRotary(q, cos, sin);
        k = nn::applyRotary(k, cos, sin);
        torch::Tensor out =
            nn::linear(w, layer.o, attend(q.reshape({batch, n, heads * hd}), k.reshape({batch, n, kvHeads * hd}), v));
        if (m_gemma)
            out = norm(w, layer.postAttentionNorm, out);
        const torch::Tensor mid = hidden + hook(nn::HookPoint::attentionOutput, out);
        const torch::Tensor y = norm(w, m_gemma ? layer.preFeedForwardNorm : layer.postAttentionNorm, mid);
        torch::Tensor mlp = nn::linear(
            w, layer.down, activation(nn::linear(w, layer.gate, y), c.activation) * nn::linear(w, layer.up, y));
        if (m_gemma)
            mlp = norm(w, layer.postFeedForwardNorm, mlp);
        return mid + hook(nn::HookPoint::mlpOutput, mlp);
    }

    ModelConfig m_config;
    bool m_gemma = false;
    std::string m_tokens, m_finalNorm;
    std::vector<Layer> m_layers;
    nn::Linear m_head;
    nn::AttentionShape m_shape;
};

} // namespace

std::unique_ptr<Architecture> architecture(const ModelConfig &config, bool hasHead, bool)
{
    return std::make_unique<Llama>(config, hasHead);
}

} // namespace tessera::detail::llama
