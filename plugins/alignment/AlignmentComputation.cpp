#include "AlignmentComputation.h"

#include "tessera/core/AttentionAnalysis.h"
#include "tessera/core/Error.h"

#include <algorithm>

namespace tessera::alignment {
namespace {

// Labels of ids the tokenizer did not encode itself (generated), marking the model's special
// ids (start, end, padding) as such.
std::vector<std::string> labelsOf(const Tokenizer &tokenizer, const ModelConfig &c, const std::vector<int64_t> &ids)
{
    Encoding e;
    for (int64_t id : ids) {
        e.ids.push_back(id);
        e.tokens.push_back(tokenizer.idToToken(id));
        e.offsets.emplace_back(0, 0);
        e.typeIds.push_back(0);
        const bool special = id == c.decoderStartTokenId || id == c.padTokenId || id == c.bosTokenId ||
                             std::find(c.eosTokenIds.begin(), c.eosTokenIds.end(), id) != c.eosTokenIds.end();
        e.specialTokens.push_back(special);
    }
    return displayTokens(tokenizer, e);
}

const std::vector<FloatTensor> &stackOf(const AlignmentResult &result, const std::string &stack)
{
    const auto it = result.stacks.find(stack);
    if (it == result.stacks.end() || it->second.empty())
        throw Error("no " + stack + " in this run");
    return it->second;
}

// The head (or head mean) of one layer, or averaged over the layers.
Matrix layerMap(const std::vector<FloatTensor> &layers, int layer, int head)
{
    auto one = [&](const FloatTensor &t) {
        if (head >= t.shape[1])
            throw Error("head " + std::to_string(head) + " does not exist (" + std::to_string(t.shape[1]) + " heads)");
        return head < 0 ? attention::meanOverHeads(t) : attention::head(t, head);
    };
    if (layer >= int(layers.size()))
        throw Error("layer " + std::to_string(layer) + " does not exist (" + std::to_string(layers.size()) +
                    " layers)");
    if (layer >= 0)
        return one(layers[size_t(layer)]);
    Matrix mean = one(layers.front());
    for (size_t l = 1; l < layers.size(); ++l) {
        const Matrix next = one(layers[l]);
        for (size_t i = 0; i < mean.values.size(); ++i)
            mean.values[i] += next.values[i];
    }
    for (float &v : mean.values)
        v /= float(layers.size());
    return mean;
}

} // namespace

std::shared_ptr<AlignmentResult> computeAlignment(const AlignmentSettings &settings, JobContext &context)
{
    auto result = std::make_shared<AlignmentResult>();
    result->model = sharedModel(settings.folder, &context);
    const ModelInfo &info = result->model->info();
    const ModelConfig &c = info.config;
    if (!info.capabilities.encoderDecoder || !info.capabilities.textInput)
        throw Error("the alignment view reads text encoder-decoders (T5, BART); this is " +
                        (c.architecture.empty() ? c.modelType : c.architecture),
                    settings.folder);
    result->tokenizer = loadTokenizer(settings.folder);
    const Tokenizer &tokenizer = *result->tokenizer;
    if (settings.source.empty())
        throw Error("type a source text");
    const Encoding source = tokenizer.encode(settings.source, true);
    if (source.ids.empty())
        throw Error("the source has no tokens");
    result->sourceLabels = displayTokens(tokenizer, source);

    // The target ids the decoder is scored on: generated (after the start token) or typed.
    std::vector<int64_t> target;
    if (settings.target.empty()) {
        if (!info.capabilities.conditionalGeneration)
            throw Error("this checkpoint has no head to write a target; type one to see its attention",
                        settings.folder);
        SequenceSettings generation;
        generation.beams = settings.beams;
        generation.maxNewTokens = settings.maxTokens;
        result->beams = generateSequence(*result->model, source.ids, generation, &context);
        for (const GeneratedSequence &beam : result->beams)
            result->beamTexts.push_back(tokenizer.decode(beam.ids, true));
        target.assign(result->beams.front().ids.begin() + 1, result->beams.front().ids.end());
        result->generated = true;
    } else {
        target = tokenizer.encode(settings.target, true).ids;
        if (target.empty())
            throw Error("the target has no tokens");
    }
    if (c.decoderStartTokenId < 0)
        throw Error("config.json gives no decoder_start_token_id", settings.folder + "/config.json",
                    "decoder_start_token_id");
    std::vector<int64_t> decoderInput = {c.decoderStartTokenId};
    decoderInput.insert(decoderInput.end(), target.begin(), target.end() - 1);
    result->targetLabels = labelsOf(tokenizer, c, target);
    result->decoderInputLabels = labelsOf(tokenizer, c, decoderInput);

    ModelInputs inputs;
    inputs.integers["input_ids"] = {{1, int64_t(source.ids.size())}, source.ids};
    inputs.integers["decoder_input_ids"] = {{1, int64_t(decoderInput.size())}, decoderInput};
    CaptureOptions capture;
    capture.hiddenStates = false;
    ModelOutputs outputs = result->model->run(inputs, capture, &context);
    for (const AttentionStack &stack : info.attentionStacks)
        for (int64_t l = 0; l < stack.layers; ++l) {
            const auto it = outputs.find(stack.name + "." + std::to_string(l));
            if (it != outputs.end())
                result->stacks[stack.name].push_back(std::move(it->second));
        }
    return result;
}

Matrix stackMap(const AlignmentResult &result, const std::string &stack, int layer, int head)
{
    return layerMap(stackOf(result, stack), layer, head);
}

Matrix stepMap(const AlignmentResult &result, int layer, int64_t step)
{
    const std::vector<FloatTensor> &layers = stackOf(result, "cross_attentions");
    const int64_t heads = layers.front().shape[1], queries = layers.front().shape[2];
    if (step < 0 || step >= queries)
        throw Error("step " + std::to_string(step) + " is outside the target's " + std::to_string(queries) + " tokens");
    const int64_t keys = layers.front().shape[3];
    Matrix map(heads, keys);
    for (int64_t h = 0; h < heads; ++h) {
        const Matrix m = layerMap(layers, layer, int(h));
        std::copy_n(m.values.begin() + long(step * keys), size_t(keys), map.values.begin() + long(h * keys));
    }
    return map;
}

} // namespace tessera::alignment
