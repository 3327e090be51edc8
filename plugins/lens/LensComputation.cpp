#include "LensComputation.h"

#include "tessera/core/Error.h"

#include <cmath>

namespace tessera::lenspanel {
namespace {

std::string quoted(const std::string &s)
{
    return "\"" + s + "\"";
}

// The tokens of ids as a reader reads them ("␣Mary", "나 1/3"): the figures' labels.
std::vector<std::string> shownTokens(const Tokenizer &tokenizer, const std::vector<int64_t> &ids)
{
    Encoding encoding;
    encoding.ids = ids;
    for (int64_t id : ids)
        encoding.tokens.push_back(tokenizer.idToToken(id));
    return displayTokens(tokenizer, encoding);
}

// A masked LM is asked about its [MASK]; any other text model about the last token.
int64_t analysedPosition(const Model &model, const Tokenizer &tokenizer, const ModelInputs &inputs)
{
    if (!model.info().capabilities.maskedLanguageModel)
        return -1;
    const std::vector<int64_t> &ids = inputs.integers.at("input_ids").values;
    for (const char *mask : {"[MASK]", "<mask>"}) {
        const int64_t id = tokenizer.tokenToId(mask);
        for (size_t i = 0; id >= 0 && i < ids.size(); ++i)
            if (ids[i] == id)
                return int64_t(i);
    }
    return -1;
}

} // namespace

bool methodOfView(const std::string &view, LensMethod &method)
{
    if (view == "logit-lens")
        method = LensMethod::LogitLens;
    else if (view == "dla")
        method = LensMethod::DirectLogitAttribution;
    else if (view == "ablation")
        method = LensMethod::Ablation;
    else if (view == "patching" || view == "patching-heads")
        method = LensMethod::Patching;
    else if (view == "saliency" || view == "ig")
        method = LensMethod::Attribution;
    else if (view == "relevance")
        method = LensMethod::Relevance;
    else if (view == "flow")
        method = LensMethod::AttentionFlow;
    else
        return false;
    return true;
}

bool isTextMethod(LensMethod method)
{
    return method != LensMethod::Relevance && method != LensMethod::AttentionFlow;
}

int64_t singleToken(const Tokenizer &tokenizer, const std::string &text, const std::string &option)
{
    const Encoding encoding = tokenizer.encode(text, false);
    if (encoding.ids.size() == 1)
        return encoding.ids.front();
    if (encoding.ids.empty())
        throw Error(option + ": " + quoted(text) + " is no token; write one token as text, such as \" Mary\"");
    std::string list;
    for (const std::string &token : encoding.tokens)
        list += (list.empty() ? "" : ", ") + quoted(token);
    throw Error(option + ": " + quoted(text) + " is " + std::to_string(encoding.ids.size()) +
                " tokens for this tokenizer (" + list +
                "), not one; write a single token, with its leading space where the model spells it so");
}

ModelInputs textInputs(const Tokenizer &tokenizer, const std::string &text, std::vector<std::string> *tokens)
{
    const Encoding encoding = tokenizer.encode(text, true);
    if (encoding.ids.empty())
        throw Error("--text: " + quoted(text) + " gives no tokens; write a prompt");
    ModelInputs inputs;
    inputs.integers["input_ids"] = {{1, int64_t(encoding.ids.size())}, encoding.ids};
    if (tokens)
        *tokens = displayTokens(tokenizer, encoding);
    return inputs;
}

LensResult computeLens(const LensSettings &settings, JobContext *context)
{
    if (!settings.model)
        throw Error("the Lens needs a model: --model DIR");
    const Model &model = *settings.model;
    LensResult result;
    result.method = settings.method;
    lens::Metric metric;
    ModelInputs inputs;

    if (isTextMethod(settings.method)) {
        if (!model.info().capabilities.textInput || !settings.tokenizer)
            throw Error("this view needs a text model with its tokenizer; " + model.info().config.modelType + " in " +
                        model.info().folder + " reads images (its views: relevance, flow)");
        const Tokenizer &tokenizer = *settings.tokenizer;
        inputs = textInputs(tokenizer, settings.text);
        if (!settings.target.empty())
            metric.target = singleToken(tokenizer, settings.target, "--target");
        if (!settings.contrast.empty())
            metric.contrast = singleToken(tokenizer, settings.contrast, "--contrast");
        metric.position = analysedPosition(model, tokenizer, inputs);
    } else {
        if (!model.info().capabilities.patchGrid)
            throw Error("this view needs a ViT (a patch grid with [CLS]); " + model.info().config.modelType + " in " +
                        model.info().folder + " is a text model");
        if (settings.pixelValues.values.empty())
            throw Error("--image: this view needs an image (a PNG or JPEG file)");
        inputs.floats["pixel_values"] = settings.pixelValues;
        if (!settings.target.empty()) {
            try {
                size_t used = 0;
                metric.target = std::stoll(settings.target, &used);
                if (used != settings.target.size() || metric.target < 0)
                    throw std::invalid_argument("class");
            } catch (const std::exception &) {
                throw Error("--target: " + quoted(settings.target) +
                            " is not a class index of this image model (0, 1, ...; empty: the predicted class)");
            }
        }
    }

    auto describe = [&](const lens::Subject &subject) {
        if (settings.tokenizer && isTextMethod(settings.method)) {
            result.tokens = shownTokens(*settings.tokenizer, subject.tokenIds);
            result.targetText = settings.tokenizer->decode({subject.target}, false);
            if (subject.contrast >= 0)
                result.contrastText = settings.tokenizer->decode({subject.contrast}, false);
        } else {
            result.targetText = "class " + std::to_string(subject.target);
        }
    };

    switch (settings.method) {
    case LensMethod::LogitLens: {
        lens::LogitLens r = lens::logitLens(model, inputs, metric, 5, context);
        const int64_t rows = r.topTokens.shape.at(0), positions = r.topTokens.shape.at(1), k = r.topTokens.shape.at(2);
        result.topTokenTexts.reserve(size_t(rows * positions));
        for (int64_t i = 0; i < rows * positions; ++i)
            result.topTokenTexts.push_back(settings.tokenizer->decode({r.topTokens.values[size_t(i * k)]}, false));
        describe(r.subject);
        // The grid spans every position, the subject only up to the analysed one.
        result.tokens = shownTokens(*settings.tokenizer, inputs.integers.at("input_ids").values);
        result.tokens.resize(size_t(positions));
        result.logitLens = std::move(r);
        break;
    }
    case LensMethod::DirectLogitAttribution:
        result.attribution = lens::directLogitAttribution(model, inputs, metric, context);
        describe(result.attribution->subject);
        break;
    case LensMethod::Ablation:
        result.ablation = lens::ablateHeads(model, inputs, metric, context);
        describe(result.ablation->subject);
        break;
    case LensMethod::Patching: {
        if (settings.corrupted.empty())
            throw Error("--corrupted: patching needs a corrupted prompt as many tokens long as --text (the IOI "
                        "pair swaps one name)");
        std::vector<std::string> cleanTokens, corruptedTokens;
        inputs = textInputs(*settings.tokenizer, settings.text, &cleanTokens);
        const ModelInputs corrupted = textInputs(*settings.tokenizer, settings.corrupted, &corruptedTokens);
        if (cleanTokens.size() != corruptedTokens.size())
            throw Error("--corrupted: " + quoted(settings.corrupted) + " is " + std::to_string(corruptedTokens.size()) +
                        " tokens, --text " + std::to_string(cleanTokens.size()) +
                        "; patching needs prompts of equal length");
        lens::PatchingOptions options;
        options.residual = options.heads = true;
        result.patching = lens::patchActivations(model, inputs, corrupted, metric, options, context);
        describe(result.patching->subject);
        result.tokens = cleanTokens;
        break;
    }
    case LensMethod::Attribution:
        result.inputs = lens::attributeInputs(model, inputs, metric, settings.integratedSteps, context);
        describe(result.inputs->subject);
        break;
    case LensMethod::Relevance:
        result.relevance = lens::cheferRelevance(model, inputs, metric, context);
        describe(result.relevance->subject);
        result.patchGrid = int64_t(std::lround(std::sqrt(double(result.relevance->cls.values.size()))));
        break;
    case LensMethod::AttentionFlow:
        result.flow = lens::attentionFlow(model, inputs, metric, context);
        describe(result.flow->subject);
        result.patchGrid = int64_t(std::lround(std::sqrt(double(result.flow->flow.values.size() - 1))));
        break;
    }
    return result;
}

} // namespace tessera::lenspanel
