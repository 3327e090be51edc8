#include "tessera/core/Pipelines.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <unistd.h>

namespace tessera {
namespace {

ModelInputs textInputs(const Encoding &encoding)
{
    ModelInputs inputs;
    const int64_t n = int64_t(encoding.ids.size());
    inputs.integers["input_ids"] = {{1, n}, encoding.ids};
    inputs.integers["attention_mask"] = {{1, n}, std::vector<int64_t>(size_t(n), 1)};
    return inputs;
}

const FloatTensor &logitsOf(const ModelOutputs &outputs)
{
    const auto it = outputs.find("logits");
    if (it == outputs.end())
        throw Error("this checkpoint has no prediction head (load a ...ForMaskedLM, ...LMHeadModel or "
                    "...ForImageClassification checkpoint)");
    return it->second;
}

} // namespace

std::vector<std::pair<int64_t, double>> topKSoftmax(const float *logits, int64_t count, int topK, double temperature)
{
    if (!(temperature > 0.0))
        throw Error("temperature must be greater than 0");
    double maximum = -INFINITY;
    for (int64_t i = 0; i < count; ++i)
        maximum = std::max(maximum, double(logits[i]) / temperature);
    std::vector<double> probabilities(static_cast<size_t>(count));
    double sum = 0.0;
    for (int64_t i = 0; i < count; ++i)
        sum += probabilities[size_t(i)] = std::exp(double(logits[i]) / temperature - maximum);
    std::vector<int64_t> order(static_cast<size_t>(count));
    std::iota(order.begin(), order.end(), 0);
    const size_t k = size_t(std::clamp<int64_t>(topK, 1, count));
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t a, int64_t b) {
        return probabilities[size_t(a)] > probabilities[size_t(b)] ||
               (probabilities[size_t(a)] == probabilities[size_t(b)] && a < b);
    });
    std::vector<std::pair<int64_t, double>> top;
    for (size_t i = 0; i < k; ++i)
        top.emplace_back(order[i], probabilities[size_t(order[i])] / sum);
    return top;
}

TextPipelineResult fillMask(const Model &model, const Tokenizer &tokenizer, const std::string &text, int topK,
                            JobContext *context)
{
    TextPipelineResult result;
    result.encoding = tokenizer.encode(text, true);
    const int64_t mask = tokenizer.tokenToId("[MASK]");
    if (mask < 0)
        throw Error("the tokenizer has no [MASK] token: fill-mask needs a masked language model");
    for (size_t i = 0; i < result.encoding.ids.size(); ++i)
        if (result.encoding.ids[i] == mask)
            result.positions.push_back(int64_t(i));
    if (result.positions.empty())
        throw Error("put [MASK] where a word should be predicted, e.g. \"The capital of France is [MASK].\"");
    result.outputs = model.run(textInputs(result.encoding), {}, context);
    const FloatTensor &logits = logitsOf(result.outputs);
    const int64_t vocabulary = logits.shape.back();
    for (int64_t position : result.positions) {
        std::vector<Prediction> row;
        for (const auto &[id, probability] :
             topKSoftmax(&logits.values[size_t(position * vocabulary)], vocabulary, topK))
            row.push_back({id, tokenizer.idToToken(id), probability});
        result.predictions.push_back(std::move(row));
    }
    return result;
}

TextPipelineResult nextToken(const Model &model, const Tokenizer &tokenizer, const std::string &text, int topK,
                             double temperature, JobContext *context)
{
    TextPipelineResult result;
    // What `tokenizer(text)` gives in transformers: Llama's <s> first; GPT-2 adds nothing.
    result.encoding = tokenizer.encode(text, true);
    if (result.encoding.ids.empty())
        throw Error("type some text to continue");
    result.outputs = model.run(textInputs(result.encoding), {}, context);
    const FloatTensor &logits = logitsOf(result.outputs);
    const int64_t vocabulary = logits.shape.back();
    const int64_t last = int64_t(result.encoding.ids.size()) - 1;
    result.positions.push_back(last);
    std::vector<Prediction> row;
    for (const auto &[id, probability] :
         topKSoftmax(&logits.values[size_t(last * vocabulary)], vocabulary, topK, temperature))
        row.push_back({id, tokenizer.decode({id}, false), probability});
    result.predictions.push_back(std::move(row));
    return result;
}

namespace {
ImagePreprocessing parsePreprocessing(const nlohmann::json &root, const std::string &path);
} // namespace

ImagePreprocessing ImagePreprocessing::fromFile(const std::string &path)
{
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(readFile(path, 1u << 20));
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("not valid JSON: ") + e.what(), path);
    }
    if (!root.is_object())
        throw Error("not a JSON object", path);
    // A value of the wrong type (a number where a flag belongs, a string for a size) surfaces as
    // nlohmann's type_error: turned into an error naming the file (fuzz_preprocessor's finding).
    try {
        return parsePreprocessing(root, path);
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("unexpected value: ") + e.what(), path);
    }
}

namespace {
ImagePreprocessing parsePreprocessing(const nlohmann::json &root, const std::string &path)
{
    ImagePreprocessing p;
    p.resize = root.value("do_resize", true);
    p.rescale = root.value("do_rescale", true);
    p.normalize = root.value("do_normalize", true);
    if (root.contains("rescale_factor") && root["rescale_factor"].is_number())
        p.rescaleFactor = root["rescale_factor"].get<double>();
    if (root.contains("size")) {
        const auto &size = root["size"];
        if (size.is_object() && size.contains("height") && size.contains("width")) {
            p.height = size["height"].get<int64_t>();
            p.width = size["width"].get<int64_t>();
        } else if (size.is_number_integer()) {
            p.height = p.width = size.get<int64_t>();
        } else {
            throw Error("size must be {\"height\": H, \"width\": W} or a number", path, "size");
        }
    }
    if (p.height < 1 || p.width < 1 || p.height > 8192 || p.width > 8192)
        throw Error("image size must be between 1 and 8192", path, "size");
    for (const char *key : {"image_mean", "image_std"}) {
        if (!root.contains(key))
            continue;
        const auto &values = root[key];
        if (!values.is_array() || (values.size() != 3 && values.size() != 1))
            throw Error("expected three numbers (R, G, B) or one (grey)", path, key);
        std::vector<double> &target = std::string(key) == "image_mean" ? p.mean : p.std;
        target.assign(values.size(), 0.0);
        for (size_t i = 0; i < values.size(); ++i) {
            if (!values[i].is_number())
                throw Error("expected numbers", path, key);
            target[i] = values[i].get<double>();
        }
    }
    if (p.mean.size() != p.std.size()) {
        // One list given for grey images, the other left at its three-channel default.
        if (p.mean.size() == 1 && !root.contains("image_std"))
            p.std.assign(1, p.std.front());
        else if (p.std.size() == 1 && !root.contains("image_mean"))
            p.mean.assign(1, p.mean.front());
        else
            throw Error("image_mean and image_std have different lengths", path, "image_std");
    }
    for (double s : p.std)
        if (!(s > 0.0))
            throw Error("standard deviations must be positive", path, "image_std");
    return p;
}
} // namespace

Image8 readImage(const std::string &imagePath, int64_t channels)
{
    if (::access(imagePath.c_str(), R_OK) != 0)
        throw Error("no such file, or it cannot be read", imagePath);
    cv::Mat image = cv::imread(imagePath, channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
    if (image.empty())
        throw Error("cannot read this image (expected PNG, JPEG, BMP, TIFF or WebP)", imagePath);
    if (channels != 1)
        cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
    Image8 out;
    out.width = image.cols;
    out.height = image.rows;
    out.channels = image.channels();
    out.pixels.resize(size_t(out.width * out.height * out.channels));
    for (int y = 0; y < image.rows; ++y)
        std::copy_n(image.ptr<uint8_t>(y), size_t(out.width * out.channels),
                    out.pixels.begin() + long(y * out.width * out.channels));
    return out;
}

int64_t preprocessingChannels(const ImagePreprocessing &p)
{
    return p.mean.size() == 1 ? 1 : 3;
}

Image8 resizeForModel(const Image8 &image, const ImagePreprocessing &p)
{
    if (image.empty() || (image.channels != 1 && image.channels != 3) ||
        image.pixels.size() != size_t(image.width * image.height * image.channels))
        throw Error("the image is empty or its pixel buffer does not match its size");
    const int64_t channels = preprocessingChannels(p);
    cv::Mat mat(int(image.height), int(image.width), image.channels == 1 ? CV_8UC1 : CV_8UC3,
                const_cast<uint8_t *>(image.pixels.data()));
    cv::Mat converted;
    if (channels == image.channels)
        converted = mat.clone();
    else if (channels == 1)
        cv::cvtColor(mat, converted, cv::COLOR_RGB2GRAY);
    else
        cv::cvtColor(mat, converted, cv::COLOR_GRAY2RGB);
    if (p.resize && (converted.rows != p.height || converted.cols != p.width))
        cv::resize(converted, converted, cv::Size(int(p.width), int(p.height)), 0, 0, cv::INTER_LINEAR);
    Image8 out;
    out.width = converted.cols;
    out.height = converted.rows;
    out.channels = channels;
    out.pixels.resize(size_t(out.width * out.height * out.channels));
    for (int y = 0; y < converted.rows; ++y)
        std::copy_n(converted.ptr<uint8_t>(y), size_t(out.width * channels),
                    out.pixels.begin() + long(y * out.width * channels));
    return out;
}

FloatTensor normalizePixels(const Image8 &image, const ImagePreprocessing &p)
{
    const int64_t channels = image.channels;
    if (channels != preprocessingChannels(p))
        throw Error("the image has " + std::to_string(channels) + " channels, the preprocessing expects " +
                    std::to_string(preprocessingChannels(p)));
    FloatTensor tensor;
    tensor.shape = {1, channels, image.height, image.width};
    tensor.values.resize(size_t(channels * image.height * image.width));
    for (int64_t y = 0; y < image.height; ++y)
        for (int64_t x = 0; x < image.width; ++x) {
            const uint8_t *pixel = image.pixels.data() + (y * image.width + x) * channels;
            for (int64_t c = 0; c < channels; ++c) {
                double v = pixel[c];
                if (p.rescale)
                    v *= p.rescaleFactor;
                if (p.normalize)
                    v = (v - p.mean[size_t(c)]) / p.std[size_t(c)];
                tensor.values[size_t((c * image.height + y) * image.width + x)] = float(v);
            }
        }
    return tensor;
}

FloatTensor preprocessImage(const std::string &imagePath, const ImagePreprocessing &p)
{
    // One mean and deviation: a grey model (Fashion-MNIST), the image read as luminance.
    return normalizePixels(resizeForModel(readImage(imagePath, preprocessingChannels(p)), p), p);
}

std::vector<Prediction> classifyImage(const Model &model, const FloatTensor &pixelValues, int topK,
                                      ModelOutputs *outputs, JobContext *context)
{
    ModelInputs inputs;
    inputs.floats["pixel_values"] = pixelValues;
    CaptureOptions capture;
    capture.rollout = true;
    if (model.info().config.modelType == "vit")
        capture.meanAttentionDistance = true;
    ModelOutputs result = model.run(inputs, capture, context);
    const FloatTensor &logits = logitsOf(result);
    const int64_t classes = logits.shape.back();
    const std::vector<std::string> &labels = model.info().config.labels;
    std::vector<Prediction> predictions;
    for (const auto &[id, probability] : topKSoftmax(logits.values.data(), classes, topK))
        predictions.push_back(
            {id, size_t(id) < labels.size() ? labels[size_t(id)] : "class " + std::to_string(id), probability});
    if (outputs)
        *outputs = std::move(result);
    return predictions;
}

} // namespace tessera
