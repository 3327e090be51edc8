#include "AttentionComputation.h"

#include "tessera/core/AttentionAnalysis.h"
#include "tessera/core/Error.h"

#include <algorithm>
#include <cmath>

namespace tessera::attentionlens {
namespace {
// Captured attention is kept in memory for instant head switching; this bounds it.
constexpr double kCaptureBudgetMegabytes = 2048.0;

double meanOf(const std::vector<double> &values)
{
    double sum = 0.0;
    for (double v : values)
        sum += v;
    return sum / double(values.size());
}
} // namespace

std::shared_ptr<CaptureResult> captureAttention(const CaptureSettings &settings, JobContext &context)
{
    auto result = std::make_shared<CaptureResult>();
    result->model = sharedModel(settings.folder, &context);
    const ModelInfo &info = result->model->info();
    if (!info.capabilities.textInput)
        throw Error("the attention explorer reads text models (BERT, RoBERTa, GPT-2, ...); this is " +
                        info.config.modelType,
                    settings.folder);
    if (info.capabilities.encoderDecoder)
        throw Error("this is an encoder-decoder (" + info.config.modelType +
                        "): its encoder, decoder and cross-attention are in the Alignment view (View > Alignment, "
                        "Alt+Shift+A)",
                    settings.folder);
    // The special tokens `tokenizer(text)` adds in transformers: [CLS] ... [SEP] for BERT, <s>
    // first for Llama (its attention sink), none for GPT-2.
    const bool specials = true;
    result->tokenizer = loadTokenizer(settings.folder);
    auto capture = [&](const std::string &text, const std::string &sentenceB, Capture &out) {
        if (text.empty())
            throw Error("type a text to see its attention");
        out.encoding = sentenceB.empty() ? result->tokenizer->encode(text, specials)
                                         : result->tokenizer->encodePair(text, sentenceB, specials);
        if (out.encoding.ids.empty())
            throw Error("the text has no tokens");
        out.mask.assign(out.encoding.ids.size(), 1);
        if (settings.padTo > int64_t(out.encoding.ids.size())) {
            // config.json's pad_token_id (RoBERTa's <pad> is 1: its positions skip it), else [PAD].
            int64_t padId = info.config.padTokenId;
            if (padId < 0 || padId >= result->tokenizer->vocabularySize())
                padId = result->tokenizer->tokenToId("[PAD]");
            if (padId < 0)
                padId = std::max<int64_t>(result->tokenizer->tokenToId("<|endoftext|>"), 0);
            const std::string padToken = result->tokenizer->idToToken(padId);
            const int64_t segment = out.encoding.typeIds.empty() ? 0 : out.encoding.typeIds.back();
            while (int64_t(out.encoding.ids.size()) < settings.padTo) {
                out.encoding.ids.push_back(padId);
                out.encoding.tokens.push_back(padToken);
                out.encoding.offsets.emplace_back(0, 0);
                out.encoding.typeIds.push_back(segment);
                out.encoding.specialTokens.push_back(true);
                out.mask.push_back(0);
            }
        }
        out.labels = displayTokens(*result->tokenizer, out.encoding);
        ModelInputs inputs;
        const int64_t n = int64_t(out.encoding.ids.size());
        // Every head of every layer is kept as float16, each layer converted as soon as the
        // model has computed it (one float32 layer at a time): refuse, with the number,
        // what would not fit.
        const ModelConfig &config = result->model->info().config;
        const double perLayer = double(config.heads) * double(n) * double(n) / 1048576.0;
        const double megabytes = double(config.layers) * perLayer * 2.0 + perLayer * 4.0;
        if (megabytes > kCaptureBudgetMegabytes)
            throw Error("capturing every head for " + std::to_string(n) + " tokens needs " +
                        std::to_string(int64_t(megabytes)) + " MB (float16), above the " +
                        std::to_string(int64_t(kCaptureBudgetMegabytes)) + " MB budget; shorten the text to about " +
                        std::to_string(int64_t(double(n) * std::sqrt(kCaptureBudgetMegabytes / megabytes))) +
                        " tokens");
        inputs.integers["input_ids"] = {{1, n}, out.encoding.ids};
        inputs.integers["attention_mask"] = {{1, n}, out.mask};
        if (info.capabilities.tokenTypes)
            inputs.integers["token_type_ids"] = {{1, n}, out.encoding.typeIds};
        CaptureOptions options;
        options.hiddenStates = false;
        options.rollout = true;
        options.applyMasks = settings.applyMasks;
        out.layers->assign(size_t(config.layers), HalfTensor());
        options.onAttention = [&out](int layer, FloatTensor &&attention) {
            (*out.layers)[size_t(layer)] = HalfTensor::fromFloat(attention);
        };
        ModelOutputs outputs =
            (&out == &result->second && result->other ? result->other : result->model)->run(inputs, options, &context);
        out.rollout = std::move(outputs.at("rollout"));
        if (outputs.count("logits"))
            out.logits = std::move(outputs.at("logits"));
    };
    if (settings.pair) {
        if (settings.second.empty())
            throw Error("type sentence B of the pair");
        capture(settings.first, settings.second, result->first);
    } else if (!settings.otherFolder.empty()) {
        result->other = sharedModel(settings.otherFolder, &context);
        if (!sameArchitecture(result->model->info(), result->other->info()))
            throw Error("the second checkpoint must have the first's architecture, layers, heads and vocabulary "
                        "to be compared head by head",
                        settings.otherFolder);
        capture(settings.first, {}, result->first);
        capture(settings.first, {}, result->second);
    } else {
        capture(settings.first, {}, result->first);
        if (!settings.second.empty())
            capture(settings.second, {}, result->second);
    }
    return result;
}

Matrix meanEntropyPerHead(const Capture &capture, int64_t layers, int64_t heads, const std::vector<int64_t> &validKeys)
{
    Matrix entropy(layers, heads);
    for (int64_t l = 0; l < layers; ++l) {
        const FloatTensor layer = capture.layer(size_t(l)); // decoded once, for every head of the layer
        for (int64_t h = 0; h < heads; ++h)
            entropy.at(l, h) = float(meanOf(attention::queryEntropy(attention::head(layer, h), validKeys)));
    }
    return entropy;
}

Matrix entropyChangePerHead(const Capture &first, const Capture &second, int64_t layers, int64_t heads)
{
    Matrix change(layers, heads);
    for (int64_t l = 0; l < layers; ++l) {
        const FloatTensor firstLayer = first.layer(size_t(l)), secondLayer = second.layer(size_t(l));
        for (int64_t h = 0; h < heads; ++h)
            change.at(l, h) = float(meanOf(attention::queryEntropy(attention::head(firstLayer, h))) -
                                    meanOf(attention::queryEntropy(attention::head(secondLayer, h))));
    }
    return change;
}

std::vector<double> queryDistances(const Matrix &weights, const std::vector<int64_t> &mask, bool causal,
                                   bool applyMasks)
{
    std::vector<double> distance(size_t(weights.rows), 0.0);
    for (int64_t q = 0; q < weights.rows; ++q) {
        // A causal query can only attend to keys up to itself.
        std::vector<int64_t> keys = applyMasks ? mask : std::vector<int64_t>(size_t(weights.cols), 1);
        if (causal && applyMasks)
            for (int64_t k = q + 1; k < weights.cols; ++k)
                keys[size_t(k)] = 0;
        Matrix row(1, weights.cols);
        std::copy_n(weights.values.begin() + long(q * weights.cols), size_t(weights.cols), row.values.begin());
        distance[size_t(q)] = attention::distanceFromUniform(row, keys)[0];
    }
    return distance;
}

} // namespace tessera::attentionlens
