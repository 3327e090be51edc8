// Logit lens and direct logit attribution: the final norm and unembedding read the residual
// stream, whole (logit lens) or split into the parts that were added to it (DLA).

#include "Cache.h"
#include "LensRun.h"

#include "tessera/core/Error.h"
#include "tessera/core/Lens.h"

namespace tessera::lens {

using detail::lens::Cache;
using detail::lens::Item;

LogitLens logitLens(const Model &model, const ModelInputs &inputs, const Metric &metric, int topK, JobContext *context)
{
    torch::NoGradGuard noGrad;
    const Item item = detail::lens::prepare(model, inputs, metric, "logit-lens");
    const auto &architecture = *item.network.architecture;
    const auto &w = *item.network.weights;
    detail::lens::step(context, 0.0, "caching the run");
    const Cache cache = detail::lens::cacheRun(item);
    const Metric m = detail::lens::resolved(metric, cache.logits, item);
    const int64_t layers = item.info->config.layers;
    if (!architecture.unembed(w, cache.final.narrow(1, 0, 1)).defined())
        throw Error("logit-lens: this model has no final norm and unembedding to read the residual stream with");

    LogitLens out;
    out.subject = detail::lens::subjectOf(item, m);
    std::vector<torch::Tensor> last, topIds, topProbabilities, metrics, probability, rank;
    for (int64_t l = 0; l <= layers; ++l) {
        detail::lens::step(context, double(l) / double(layers + 1), "layer " + std::to_string(l));
        const torch::Tensor residual = l < layers ? cache.residual[size_t(l)] : cache.final;
        const torch::Tensor logits = architecture.unembed(w, residual)[0].to(torch::kFloat32); // [n, vocabulary]
        const torch::Tensor row = logits[item.position];
        const torch::Tensor probabilities = torch::softmax(logits, -1);
        const auto top = probabilities.topk(std::min<int64_t>(topK, logits.size(-1)), -1);
        last.push_back(row);
        topProbabilities.push_back(std::get<0>(top));
        topIds.push_back(std::get<1>(top));
        metrics.push_back(detail::lens::metricOf(row.unsqueeze(0), m).squeeze(0));
        probability.push_back(probabilities[item.position][m.target]);
        rank.push_back((row > row[m.target]).sum());
        out.layerLabels.push_back(l == 0 ? "embeddings" : l == layers ? "final" : "layer " + std::to_string(l));
    }
    // Row l < layers is the residual entering layer l: "embeddings" is row 0 and "layer k" the
    // residual after k layers, so the last label names the final residual before the final norm.
    out.logits = detail::lens::toFloat(torch::stack(last));
    const torch::Tensor ids = torch::stack(topIds).contiguous();
    out.topTokens = {ids.sizes().vec(),
                     std::vector<int64_t>(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + ids.numel())};
    out.topProbabilities = detail::lens::toFloat(torch::stack(topProbabilities));
    out.targetProbability = detail::lens::toFloat(torch::stack(probability));
    const torch::Tensor ranks = torch::stack(rank).to(torch::kInt64).contiguous();
    out.targetRank = {ranks.sizes().vec(),
                      std::vector<int64_t>(ranks.data_ptr<int64_t>(), ranks.data_ptr<int64_t>() + ranks.numel())};
    out.metric = detail::lens::toFloat(torch::stack(metrics));
    detail::lens::step(context, 1.0, "done");
    return out;
}

float DirectLogitAttribution::sumOfParts() const
{
    double sum = double(embeddings) + double(constant);
    for (const FloatTensor *t : {&heads, &attentionBias, &mlp})
        for (float v : t->values)
            sum += double(v);
    return float(sum);
}

DirectLogitAttribution directLogitAttribution(const Model &model, const ModelInputs &inputs, const Metric &metric,
                                              JobContext *context)
{
    torch::NoGradGuard noGrad;
    const Item item = detail::lens::prepare(model, inputs, metric, "dla");
    const auto &architecture = *item.network.architecture;
    const auto &w = *item.network.weights;
    detail::lens::step(context, 0.0, "caching the run");
    const Cache cache = detail::lens::cacheRun(item);
    const Metric m = detail::lens::resolved(metric, cache.logits, item);
    const int64_t layers = item.info->config.layers, p = item.position;

    const torch::Tensor finalResidual = cache.final[0][p].to(torch::kFloat32); // [hidden]
    const auto readout = architecture.frozenReadout(w, finalResidual);
    if (!readout)
        throw Error("dla: this model's final read-out is not linear in the residual (no final norm and "
                    "unembedding, or a logit soft cap)");
    // The read-out direction: the target's unembedding row minus the contrast's.
    const torch::Tensor unembedding = readout->unembedding.to(torch::kFloat32);
    torch::Tensor direction = unembedding[m.target];
    if (m.contrast >= 0)
        direction = direction - unembedding[m.contrast];
    const torch::Tensor scaled = direction * readout->weight.to(torch::kFloat32) * readout->scale.to(torch::kFloat32);
    // A component c [..., hidden] -> its share of the metric [...].
    auto share = [&](const torch::Tensor &c) {
        const torch::Tensor x = c.to(torch::kFloat32);
        return ((readout->centres ? x - x.mean(-1, true) : x) * scaled).sum(-1);
    };

    DirectLogitAttribution out;
    out.subject = detail::lens::subjectOf(item, m);
    out.embeddings = share(cache.residual.at(0)[0][p]).item<float>();
    double constant = 0.0;
    if (readout->normBias.defined())
        constant += (readout->normBias.to(torch::kFloat32) * direction).sum().item<double>();
    if (readout->unembeddingBias.defined()) {
        const torch::Tensor b = readout->unembeddingBias.to(torch::kFloat32);
        constant += b[m.target].item<double>() - (m.contrast >= 0 ? b[m.contrast].item<double>() : 0.0);
    }
    out.constant = float(constant);
    const int64_t heads = item.info->config.heads;
    std::vector<torch::Tensor> headShares, biasShares, mlpShares;
    for (int64_t l = 0; l < layers; ++l) {
        detail::lens::step(context, double(l) / double(layers), "layer " + std::to_string(l + 1));
        const auto projection = architecture.headProjection(w, l);
        if (!projection)
            throw Error("dla: this model's attention output is not a sum over its heads (a norm follows the "
                        "output projection), so heads cannot be attributed one by one");
        const torch::Tensor z =
            cache.heads.at(size_t(l))[0][p].to(torch::kFloat32).reshape({heads, -1}); // [heads, head]
        const torch::Tensor weight = projection->weight.to(torch::kFloat32).reshape({heads, z.size(1), -1});
        headShares.push_back(share(torch::einsum("hd,hdo->ho", {z, weight})));
        biasShares.push_back(projection->bias.defined() ? share(projection->bias) : torch::zeros({}));
        mlpShares.push_back(share(cache.mlp.at(size_t(l))[0][p]));
    }
    out.heads = detail::lens::toFloat(torch::stack(headShares));
    out.attentionBias = detail::lens::toFloat(torch::stack(biasShares));
    out.mlp = detail::lens::toFloat(torch::stack(mlpShares));
    out.total = detail::lens::metricOf(cache.logits, m).item<float>();
    detail::lens::step(context, 1.0, "done");
    return out;
}

} // namespace tessera::lens
