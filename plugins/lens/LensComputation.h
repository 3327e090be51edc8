#pragma once
// What the Lens panel computes, without Qt: settings in (a model, its tokenizer, the texts or the
// image, the target written as text), one core/Lens.h method run, a result out with the labels
// its figures need. The panel's job bodies; any thread (each call works on its own data).

#include "tessera/core/Job.h"
#include "tessera/core/Lens.h"
#include "tessera/core/Model.h"
#include "tessera/core/Tokenizer.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tessera::lenspanel {

// One core method; a view shows one (patching and patching-heads share a run, as do saliency
// and ig).
enum class LensMethod { LogitLens, DirectLogitAttribution, Ablation, Patching, Attribution, Relevance, AttentionFlow };

// The method behind a view name ("logit-lens", "dla", "ablation", "patching", "patching-heads",
// "saliency", "ig", "relevance", "flow"); false for another name.
bool methodOfView(const std::string &view, LensMethod &method);
// Whether the method reads text (else an image).
bool isTextMethod(LensMethod method);

struct LensSettings {
    std::shared_ptr<const Model> model;
    std::shared_ptr<const Tokenizer> tokenizer; // text models
    std::string text;                           // the clean prompt
    std::string corrupted;                      // patching: as many tokens as text
    std::string target;                         // text: one token as text (" Mary"); image: a class; empty: top
    std::string contrast;                       // text: one token as text, or empty (no contrast)
    FloatTensor pixelValues;                    // image models: [1, channels, height, width]
    int integratedSteps = 64;
    LensMethod method = LensMethod::LogitLens;
};

struct LensResult {
    LensMethod method = LensMethod::LogitLens;
    std::vector<std::string> tokens; // the analysed text's tokens (raw, as in the vocabulary) up to the position
    std::string targetText;          // the target as decoded text (" Mary"), or "class 3"
    std::string contrastText;        // empty without a contrast
    std::optional<lens::LogitLens> logitLens;
    std::vector<std::string> topTokenTexts; // logit lens: [layers + 1, positions] top-1 token, decoded
    std::optional<lens::DirectLogitAttribution> attribution;
    std::optional<lens::HeadAblation> ablation;
    std::optional<lens::ActivationPatching> patching;
    std::optional<lens::InputAttribution> inputs;
    std::optional<lens::Relevance> relevance;
    std::optional<lens::AttentionFlow> flow;
    int64_t patchGrid = 0; // image models: patches per side
};

// The id of the one token that text is (encoded without special tokens). Throws tessera::Error
// naming option ("--target") and the tokens when text is empty or several tokens.
int64_t singleToken(const Tokenizer &tokenizer, const std::string &text, const std::string &option);

// The text encoded with special tokens as input_ids [1, tokens].
ModelInputs textInputs(const Tokenizer &tokenizer, const std::string &text, std::vector<std::string> *tokens = nullptr);

// Runs settings.method. Throws tessera::Error with a message naming the option at fault (--text,
// --corrupted, --target, --contrast) and CancelledError when context is cancelled.
LensResult computeLens(const LensSettings &settings, JobContext *context);

} // namespace tessera::lenspanel
