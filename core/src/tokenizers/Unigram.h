#pragma once
// Internal to core: SentencePiece's Unigram model as Hugging Face `tokenizers` runs it: the
// segmentation with the highest total score (Viterbi over the pieces' log probabilities),
// unknown characters scored below every piece and fused into one token.

#include "tokenizers/Model.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>

namespace tessera::detail::tok {

// tokenizer.json's "model" object of type Unigram: vocab [[piece, score], ...], unk_id.
std::unique_ptr<Model> parseUnigramModel(const nlohmann::json &model, const std::string &path);

} // namespace tessera::detail::tok
