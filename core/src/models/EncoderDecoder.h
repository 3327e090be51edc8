#pragma once
// Internal to core (LibTorch visible): what the encoder-decoder families (models/t5, models/bart)
// share: reading the source and target inputs with their checks, and the names their captures
// go under. Plain functions; any thread.

#include "nn/Capture.h"

#include "tessera/core/Model.h"

#include <torch/torch.h>

#include <cstdint>

namespace tessera::detail {

// One run's source and target. Shapes: source [batch, s], target [batch, t].
struct EncoderDecoderInputs {
    torch::Tensor sourceIds;  // input_ids
    torch::Tensor sourceMask; // attention_mask, 0/1; all ones where absent
    torch::Tensor targetIds;  // decoder_input_ids (or input_ids shifted right, see below)
    torch::Tensor targetMask; // decoder_attention_mask 0/1, or undefined (every target token real)
};

// Reads input_ids, attention_mask, decoder_input_ids and decoder_attention_mask. Ids must lie in
// the vocabulary; sources longer than maxSource or targets longer than maxTarget (0: no limit)
// are refused, as is a source row that is only padding (its attention_mask all 0, or, without a
// mask, every id pad_token_id): the cross-attention would have nothing to read. Without
// decoder_input_ids, shiftSource makes them input_ids shifted right after decoder_start_token_id
// (what BartModel does); otherwise they are required. Errors name the input or config key.
EncoderDecoderInputs readEncoderDecoderInputs(const ModelInputs &inputs, const ModelConfig &config, int64_t maxSource,
                                              int64_t maxTarget, bool shiftSource);

// Additive masks: the encoder's (and the cross-attention's) from the source mask [batch, 1, 1, s];
// the decoder's causal one combined with the target mask [1 or batch, 1, t, t]. Undefined where
// the pass shows attention without masks (CaptureOptions::applyMasks off).
torch::Tensor sourceMask(const EncoderDecoderInputs &in, const nn::Pass &pass);
torch::Tensor targetMask(const EncoderDecoderInputs &in, const nn::Pass &pass);

} // namespace tessera::detail
