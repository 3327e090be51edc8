// Which Lens methods a model has the parts for, asked of its network (never of its type name).

#include "LensRun.h"

#include "tessera/core/Lens.h"

namespace tessera::lens {

Support support(const Model &model)
{
    Support s;
    const detail::ModelNetwork network = detail::networkOf(model);
    if (!network) {
        s.reasons.push_back("every method: this model has no transformer network the Lens can reach into");
        return s;
    }
    torch::NoGradGuard noGrad;
    const ModelConfig &c = model.info().config;
    const auto &architecture = *network.architecture;
    const torch::Tensor probe =
        torch::zeros({1, 1, c.hiddenSize}, architecture.inputEmbedding(*network.weights).options());
    const bool head = architecture.hasHead();
    s.logitLens = head && architecture.unembed(*network.weights, probe).defined();
    const bool perHead = c.layers > 0 && architecture.headProjection(*network.weights, 0).has_value();
    s.directLogitAttribution = s.logitLens && perHead && architecture.frozenReadout(*network.weights, probe[0][0]);
    s.ablation = s.patching = s.inputAttribution = s.relevance = head;
    s.attentionFlow = true;
    if (!head)
        s.reasons.push_back("ablation, patching, saliency, integrated-gradients, chefer: the model has no head, so "
                            "no logits to explain");
    if (!s.logitLens)
        s.reasons.push_back("logit-lens: no final norm and unembedding (" +
                            std::string(head ? "an image classifier reads [CLS] only" : "no head") + ")");
    if (!s.directLogitAttribution)
        s.reasons.push_back(
            "dla: needs the logit lens, a linear final read-out and an attention output that sums over heads");
    return s;
}

} // namespace tessera::lens
