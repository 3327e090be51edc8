#include "models/EncoderDecoder.h"

#include "nn/Attention.h"
#include "nn/Inputs.h"

#include "tessera/core/Error.h"

#include <string>

namespace tessera::detail {

EncoderDecoderInputs readEncoderDecoderInputs(const ModelInputs &inputs, const ModelConfig &c, int64_t maxSource,
                                              int64_t maxTarget, bool shiftSource)
{
    EncoderDecoderInputs in;
    in.sourceIds = nn::tokenIds(inputs, c.vocabularySize, maxSource, "input_ids");
    in.sourceMask = nn::optionalInteger(inputs, "attention_mask", in.sourceIds, 2);
    const bool masked = in.sourceMask.defined();
    if (!masked)
        in.sourceMask = torch::ones_like(in.sourceIds);
    const torch::Tensor real =
        masked ? in.sourceMask.sum(1) : (in.sourceIds != (c.padTokenId >= 0 ? c.padTokenId : -1)).sum(1);
    for (int64_t row = 0; row < real.size(0); ++row)
        if (real[row].item<int64_t>() == 0)
            throw Error("source " + std::to_string(row) + " is only padding (" +
                            (masked ? std::string("its attention_mask is 0 everywhere")
                                    : "every id is pad_token_id " + std::to_string(c.padTokenId)) +
                            "): the decoder would have nothing to read",
                        {}, masked ? "attention_mask" : "input_ids");
    if (nn::findInteger(inputs, "decoder_input_ids")) {
        in.targetIds = nn::tokenIds(inputs, c.vocabularySize, maxTarget, "decoder_input_ids");
        in.targetMask = nn::optionalInteger(inputs, "decoder_attention_mask", in.targetIds, 2);
        return in;
    }
    if (!shiftSource)
        throw Error("this model needs decoder_input_ids (the target so far, starting with decoder_start_token_id " +
                        std::to_string(c.decoderStartTokenId) + ")",
                    {}, "decoder_input_ids");
    if (c.decoderStartTokenId < 0)
        throw Error("without decoder_input_ids the decoder starts from decoder_start_token_id, which config.json "
                    "does not give",
                    {}, "decoder_start_token_id");
    if (maxTarget > 0 && in.sourceIds.size(1) > maxTarget)
        throw Error("the target (input_ids shifted right) is longer than the " + std::to_string(maxTarget) +
                        " positions the decoder has",
                    {}, "input_ids");
    in.targetIds = torch::full_like(in.sourceIds, c.decoderStartTokenId);
    in.targetIds.slice(1, 1).copy_(in.sourceIds.slice(1, 0, in.sourceIds.size(1) - 1));
    return in;
}

torch::Tensor sourceMask(const EncoderDecoderInputs &in, const nn::Pass &pass)
{
    return pass.appliesMasks() ? nn::paddingMask(in.sourceMask) : torch::Tensor();
}

torch::Tensor targetMask(const EncoderDecoderInputs &in, const nn::Pass &pass)
{
    return pass.appliesMasks() ? nn::causalMask(in.targetIds.size(1), in.targetMask) : torch::Tensor();
}

} // namespace tessera::detail
