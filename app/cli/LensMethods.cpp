#include "LensMethods.h"

#include "tessera/core/Error.h"
#include "tessera/core/Lens.h"

namespace tessera::app {

namespace {

const char *const kMethods[] = {"logit-lens",           "dla",    "ablation",      "patching", "saliency",
                                "integrated-gradients", "chefer", "attention-flow"};

FloatTensor scalar(float value)
{
    return {{}, {value}};
}

// The flag a core error is about, from the key it names.
std::string flagOf(const Error &error, const std::string &method)
{
    if (error.key() == "target" || error.key() == "contrast" || error.key() == "corrupted")
        return "--" + error.key();
    return "--with " + method;
}

// Whether model has the parts for method; the reason where not.
bool supported(const lens::Support &s, const std::string &method)
{
    if (method == "logit-lens")
        return s.logitLens;
    if (method == "dla")
        return s.directLogitAttribution;
    if (method == "ablation")
        return s.ablation;
    if (method == "patching")
        return s.patching;
    if (method == "saliency" || method == "integrated-gradients")
        return s.inputAttribution;
    if (method == "chefer")
        return s.relevance;
    return s.attentionFlow;
}

} // namespace

const char *lensMethodList()
{
    return "logit-lens, dla, ablation, patching, saliency, integrated-gradients, chefer, attention-flow";
}

bool isLensMethod(const QString &name)
{
    for (const char *method : kMethods)
        if (name == QLatin1String(method))
            return true;
    return false;
}

void runLensMethods(const Model &model, const ModelInputs &inputs, const LensRequest &request,
                    std::vector<std::pair<std::string, FloatTensor>> &outputs)
{
    const lens::Support support = lens::support(model);
    lens::Metric metric;
    metric.target = request.target;
    metric.contrast = request.contrast;
    auto put = [&outputs](const std::string &name, FloatTensor value) { outputs.emplace_back(name, std::move(value)); };
    for (const QString &name : request.methods) {
        const std::string method = name.toStdString();
        if (!supported(support, method)) {
            std::string why;
            for (const std::string &reason : support.reasons)
                why += (why.empty() ? "" : "; ") + reason;
            throw Error("--with " + method + ": " + model.info().config.modelType + " model lacks the parts for it (" +
                        why + ")");
        }
        try {
            if (method == "logit-lens") {
                const lens::LogitLens r = lens::logitLens(model, inputs, metric);
                const int64_t rows = r.logits.shape[0], vocabulary = r.logits.shape[1];
                for (int64_t l = 0; l < rows; ++l)
                    put("logit_lens." + std::to_string(l),
                        {{vocabulary},
                         std::vector<float>(r.logits.values.begin() + l * vocabulary,
                                            r.logits.values.begin() + (l + 1) * vocabulary)});
                put("logit_lens.metric", r.metric);
                put("logit_lens.target_probability", r.targetProbability);
            } else if (method == "dla") {
                const lens::DirectLogitAttribution r = lens::directLogitAttribution(model, inputs, metric);
                put("dla.embed", scalar(r.embeddings));
                put("dla.heads", r.heads);
                put("dla.attn_bias", r.attentionBias);
                put("dla.mlp", r.mlp);
                put("dla.constant", scalar(r.constant));
                put("dla.logit_diff", scalar(r.total));
                put("dla.sum_of_parts", scalar(r.sumOfParts()));
            } else if (method == "ablation") {
                put("ablation.heads", lens::ablateHeads(model, inputs, metric).heads);
            } else if (method == "patching") {
                if (!request.corrupted)
                    throw Error("--with patching needs --corrupted CORRUPTED.safetensors (the corrupted run's "
                                "input_ids, as long as the clean ones)");
                const lens::ActivationPatching r = lens::patchActivations(model, inputs, *request.corrupted, metric);
                put("patching.resid_pre", r.residual);
                put("patching.heads", r.heads);
                put("patching.clean_diff", scalar(r.clean));
                put("patching.corrupt_diff", scalar(r.corrupted));
            } else if (method == "saliency") {
                const lens::InputAttribution r = lens::attributeInputs(model, inputs, metric, 0);
                put("saliency.grad_x_input", r.gradientTimesInput);
                put("saliency.grad_norm", r.gradientNorm);
            } else if (method == "integrated-gradients") {
                const lens::InputAttribution r = lens::attributeInputs(model, inputs, metric, request.igSteps);
                put("ig", r.integrated);
                put("ig.total", scalar(r.integratedTotal));
            } else if (method == "chefer") {
                const lens::Relevance r = lens::cheferRelevance(model, inputs, metric);
                put("chefer.relevance", r.relevance);
                put("chefer.cls", r.cls);
            } else {
                put("attention_flow.cls", lens::attentionFlow(model, inputs, metric).flow);
            }
        } catch (const CancelledError &) {
            throw;
        } catch (const Error &error) {
            if (error.reason().rfind("--", 0) == 0)
                throw;
            throw Error(flagOf(error, method) + ": " + error.reason());
        }
    }
}

} // namespace tessera::app
