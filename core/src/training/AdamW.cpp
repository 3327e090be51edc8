#include "AdamW.h"

#include <cmath>

namespace tessera::detail {

void AdamW::apply(Weights &weights, double learningRate, double weightDecay)
{
    torch::NoGradGuard noGrad;
    ++step;
    const double correction1 = 1.0 - std::pow(beta1, double(step));
    const double correction2 = 1.0 - std::pow(beta2, double(step));
    for (auto &[name, w] : weights) {
        const torch::Tensor &g = w.grad();
        if (!g.defined())
            continue;
        torch::Tensor &mi = m[name], &vi = v[name];
        if (!mi.defined()) {
            mi = torch::zeros_like(w);
            vi = torch::zeros_like(w);
        }
        if (weightDecay > 0 && w.dim() >= 2)
            w.mul_(1.0 - learningRate * weightDecay);
        mi.mul_(beta1).add_(g, 1.0 - beta1);
        vi.mul_(beta2).addcmul_(g, g, 1.0 - beta2);
        const torch::Tensor denominator = (vi / correction2).sqrt_().add_(epsilon);
        w.addcdiv_(mi, denominator, -learningRate / correction1);
    }
}

} // namespace tessera::detail
