// Gradient methods: gradient x input, gradient norm and integrated gradients with respect to the
// input embeddings, and Chefer et al.'s gradient-weighted attention relevance.

#include "LensRun.h"

#include "tessera/core/Error.h"
#include "tessera/core/Lens.h"

namespace tessera::lens {

using detail::lens::Item;
using detail::nn::HookPoint;

namespace {

// log p(target) at the analysed position for input embeddings x [batch, n, hidden] (replacing
// what the model looks up): [batch].
torch::Tensor logProbability(const Item &item, const ModelInputs &inputs, const torch::Tensor &x, int64_t target)
{
    detail::nn::Hooks hooks;
    hooks.at = [&x](HookPoint point, int64_t, const torch::Tensor &value) {
        return point == HookPoint::tokenEmbeddings ? x.to(value.scalar_type()) : value;
    };
    return torch::log_softmax(detail::lens::logitsAt(item, inputs, hooks), -1).select(1, target);
}

// The input embeddings of item [1, n, hidden], as the model looks them up.
torch::Tensor inputEmbeddings(const Item &item)
{
    torch::NoGradGuard noGrad;
    torch::Tensor embeddings;
    detail::nn::Hooks hooks;
    hooks.at = [&embeddings](HookPoint point, int64_t, const torch::Tensor &value) {
        if (point == HookPoint::tokenEmbeddings)
            embeddings = value;
        return value;
    };
    detail::lens::logitsAt(item, item.inputs, hooks);
    if (!embeddings.defined())
        throw Error("saliency: this model has no input embeddings the Lens can reach");
    return embeddings.to(torch::kFloat32);
}

} // namespace

float InputAttribution::completenessGap() const
{
    double sum = 0.0;
    for (float v : integrated.values)
        sum += double(v);
    return float(double(integratedTotal) - sum);
}

InputAttribution attributeInputs(const Model &model, const ModelInputs &inputs, const Metric &metric, int steps,
                                 JobContext *context)
{
    const Item item = detail::lens::prepare(model, inputs, metric, "saliency");
    torch::Tensor rows;
    {
        torch::NoGradGuard noGrad;
        rows = detail::lens::logitsAt(item, item.inputs, detail::lens::readOnly());
    }
    Metric m = detail::lens::resolved(metric, rows, item);
    m.contrast = -1; // attributions explain log p(target) alone
    torch::AutoGradMode grad(true);
    const torch::Tensor embeddings = inputEmbeddings(item);

    InputAttribution out;
    out.subject = detail::lens::subjectOf(item, m);
    out.steps = steps;
    detail::lens::step(context, 0.0, "gradient at the input");
    {
        const torch::Tensor x = embeddings.detach().requires_grad_(true);
        const torch::Tensor f = logProbability(item, item.inputs, x, m.target).sum();
        const torch::Tensor g = torch::autograd::grad({f}, {x})[0];
        out.gradientTimesInput = detail::lens::toFloat((g * x).sum(-1)[0]);
        out.gradientNorm = detail::lens::toFloat(g.pow(2).sum(-1).sqrt()[0]);
    }
    if (steps > 0) {
        // Batches of alphas k / steps, k = 1 .. steps (right Riemann sum), at most 16 per run.
        const int64_t chunk = std::min<int64_t>(steps, 16);
        torch::Tensor sum = torch::zeros_like(embeddings[0]);
        double fx = 0.0;
        for (int64_t first = 1; first <= steps; first += chunk) {
            const int64_t count = std::min<int64_t>(chunk, steps - first + 1);
            detail::lens::step(context, double(first - 1) / double(steps), "integrated gradients");
            const torch::Tensor alphas =
                torch::arange(first, first + count, torch::kFloat32).div(double(steps)).view({count, 1, 1});
            const torch::Tensor x = (alphas * embeddings).detach().requires_grad_(true);
            const torch::Tensor f = logProbability(item, detail::lens::repeated(item.inputs, count), x, m.target);
            const torch::Tensor g = torch::autograd::grad({f.sum()}, {x})[0];
            sum = sum + g.sum(0);
            if (first + count - 1 == steps)
                fx = f[count - 1].item<double>();
        }
        torch::NoGradGuard noGrad;
        const double f0 = logProbability(item, item.inputs, torch::zeros_like(embeddings), m.target).item<double>();
        out.integrated = detail::lens::toFloat((embeddings[0] * sum / double(steps)).sum(-1));
        out.integratedTotal = float(fx - f0);
    }
    detail::lens::step(context, 1.0, "done");
    return out;
}

Relevance cheferRelevance(const Model &model, const ModelInputs &inputs, const Metric &metric, JobContext *context)
{
    const Item item = detail::lens::prepare(model, inputs, metric, "chefer");
    torch::Tensor rows;
    {
        torch::NoGradGuard noGrad;
        rows = detail::lens::logitsAt(item, item.inputs, detail::lens::readOnly());
    }
    Metric m = detail::lens::resolved(metric, rows, item);
    m.contrast = -1;
    torch::AutoGradMode grad(true);
    detail::lens::step(context, 0.0, "gradients of the attention");
    std::vector<torch::Tensor> attentions;
    detail::nn::Hooks hooks;
    // The weights do not ask for gradients: grad() wants a graph, so the embeddings are made a
    // leaf that does (its gradient is not used).
    hooks.at = [&attentions](HookPoint point, int64_t, const torch::Tensor &value) {
        if (point == HookPoint::attentionProbabilities)
            attentions.push_back(value);
        if (point == HookPoint::tokenEmbeddings)
            return value.detach().requires_grad_(true);
        return value;
    };
    const torch::Tensor target = detail::lens::logitsAt(item, item.inputs, hooks).select(1, m.target).sum();
    if (attentions.empty())
        throw Error("chefer: this model has no attention probabilities the Lens can reach");
    const std::vector<torch::Tensor> gradients = torch::autograd::grad({target}, attentions);
    torch::NoGradGuard noGrad;
    const int64_t n = attentions.front().size(-1);
    torch::Tensor r = torch::eye(n, torch::kFloat32);
    for (size_t l = 0; l < attentions.size(); ++l) {
        const torch::Tensor cam =
            (gradients[l] * attentions[l]).to(torch::kFloat32).clamp_min(0.0)[0].mean(0); // [n, n]
        r = r + torch::matmul(cam, r);
    }
    Relevance out;
    out.subject = detail::lens::subjectOf(item, m);
    out.relevance = detail::lens::toFloat(r);
    out.cls = detail::lens::toFloat(r[item.position].slice(0, item.text ? 0 : 1));
    detail::lens::step(context, 1.0, "done");
    return out;
}

} // namespace tessera::lens
