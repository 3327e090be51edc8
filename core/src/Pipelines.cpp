#include "tessera/core/Pipelines.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/ImageHeader.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
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

std::string maskToken(const Tokenizer &tokenizer)
{
    for (const char *token : {"[MASK]", "<mask>"})
        if (tokenizer.tokenToId(token) >= 0)
            return token;
    return {};
}

TextPipelineResult fillMask(const Model &model, const Tokenizer &tokenizer, const std::string &text, int topK,
                            JobContext *context)
{
    TextPipelineResult result;
    const std::string maskText = maskToken(tokenizer);
    if (maskText.empty())
        throw Error("the tokenizer has no mask token ([MASK] or <mask>): fill-mask needs a masked language model");
    result.encoding = tokenizer.encode(text, true);
    const int64_t mask = tokenizer.tokenToId(maskText);
    for (size_t i = 0; i < result.encoding.ids.size(); ++i)
        if (result.encoding.ids[i] == mask)
            result.positions.push_back(int64_t(i));
    if (result.positions.empty())
        throw Error("put " + maskText + " where a word should be predicted, e.g. \"The capital of France is " +
                    maskText + ".\"");
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
        } else if (size.is_object() && size.contains("shortest_edge")) {
            p.shortestEdge = size["shortest_edge"].get<int64_t>();
            if (p.shortestEdge < 1 || p.shortestEdge > 8192)
                throw Error("the shortest edge must be between 1 and 8192", path, "size.shortest_edge");
        } else if (size.is_number_integer()) {
            p.height = p.width = size.get<int64_t>();
        } else {
            throw Error("size must be {\"height\": H, \"width\": W}, {\"shortest_edge\": S} or a number", path, "size");
        }
    }
    if (p.height < 1 || p.width < 1 || p.height > 8192 || p.width > 8192)
        throw Error("image size must be between 1 and 8192", path, "size");
    if (root.contains("resample") && !root["resample"].is_null()) {
        if (!root["resample"].is_number_integer() || root["resample"].get<int64_t>() < 0 ||
            root["resample"].get<int64_t>() > 5)
            throw Error("expected one of PIL's filters 0-5 (3 is bicubic), found " + root["resample"].dump(), path,
                        "resample");
        p.resample = root["resample"].get<int>();
    }
    p.centerCrop = root.value("do_center_crop", false);
    if (root.contains("crop_size") && !root["crop_size"].is_null()) {
        const auto &crop = root["crop_size"];
        if (crop.is_object() && crop.contains("height") && crop.contains("width")) {
            p.cropHeight = crop["height"].get<int64_t>();
            p.cropWidth = crop["width"].get<int64_t>();
        } else if (crop.is_number_integer()) {
            p.cropHeight = p.cropWidth = crop.get<int64_t>();
        } else {
            throw Error("crop_size must be {\"height\": H, \"width\": W} or a number", path, "crop_size");
        }
        if (p.cropHeight < 1 || p.cropWidth < 1 || p.cropHeight > 8192 || p.cropWidth > 8192)
            throw Error("the crop size must be between 1 and 8192", path, "crop_size");
    }
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
    requireRegularFile(imagePath); // OpenCV would wait forever on a FIFO
    {
        // The size from the header, refused beyond the pixel budget before anything is decoded.
        std::string head(65536, '\0');
        FILE *file = std::fopen(imagePath.c_str(), "rb");
        if (!file)
            throw Error("cannot open this image", imagePath);
        head.resize(std::fread(head.data(), 1, head.size(), file));
        std::fclose(file);
        const ImageSize size = imageSizeFromHeader(head);
        const int64_t budget = maxImagePixels();
        if (!size.format.empty() && (size.width <= 0 || size.height <= 0))
            throw Error(size.format + " header gives a size of " + std::to_string(size.width) + " x " +
                            std::to_string(size.height) + " pixels: not an image that can be decoded",
                        imagePath);
        if (!size.format.empty() && double(size.width) * double(size.height) > double(budget))
            throw Error("a " + std::to_string(size.width) + " x " + std::to_string(size.height) + " " + size.format +
                            " is beyond the " + std::to_string(budget) +
                            " pixels Tessera decodes (decoding it would take " +
                            std::to_string(int64_t(double(size.width) * double(size.height) * 3.0 / 1048576.0)) +
                            " MB); scale it down, or raise the budget with TESSERA_MAX_IMAGE_PIXELS",
                        imagePath);
    }
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

namespace {

// PIL's resampling filters (Pillow's src/libImaging/Resample.c), each with its support.
double pilFilter(int resample, double x)
{
    constexpr double pi = 3.14159265358979323846;
    auto sinc = [&](double v) { return v == 0.0 ? 1.0 : std::sin(v * pi) / (v * pi); };
    switch (resample) {
    case 1: // Lanczos
        return x > -3.0 && x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
    case 3: { // bicubic, a = -0.5
        constexpr double a = -0.5;
        x = std::abs(x);
        if (x < 1.0)
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
        if (x < 2.0)
            return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
        return 0.0;
    }
    case 4: // box
        return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
    case 5: // Hamming
        x = std::abs(x);
        if (x == 0.0)
            return 1.0;
        if (x >= 1.0)
            return 0.0;
        x *= pi;
        return std::sin(x) / x * (0.54 + 0.46 * std::cos(x));
    default: // bilinear
        x = std::abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }
}

double pilSupport(int resample)
{
    return resample == 1 ? 3.0 : resample == 3 ? 2.0 : resample == 4 ? 0.5 : 1.0;
}

// One axis of the two-pass resampling: for each output index its first input index, count and
// fixed-point weights. The weights are PIL's (precompute_coeffs); their precision is that of
// torchvision's uint8 antialiased resize, which transformers 5's image processors run (torch's
// AVX2 kernel, adapted from Pillow-SIMD): the most fractional bits with which the largest weight
// still fits in int16 (14 for bicubic upscaling). PIL itself uses 22 bits, which moves a few
// pixels by one level (the DeiT fixture's image1: 14 of 3072 values).
struct PilCoefficients {
    std::vector<int> first, count;
    std::vector<int32_t> weights; // outSize x kernel
    int kernel = 0;
    int precision = 0;
};

PilCoefficients pilCoefficients(int inSize, int outSize, int resample)
{
    const double scale = double(inSize) / double(outSize);
    const double filterScale = std::max(scale, 1.0);
    const double support = pilSupport(resample) * filterScale, inverseScale = 1.0 / filterScale;
    PilCoefficients c;
    c.kernel = int(std::ceil(support)) * 2 + 1;
    c.first.resize(size_t(outSize));
    c.count.resize(size_t(outSize));
    c.weights.assign(size_t(outSize * c.kernel), 0);
    std::vector<double> k(size_t(outSize * c.kernel), 0.0);
    double largest = 0.0;
    for (int xx = 0; xx < outSize; ++xx) {
        const double center = (xx + 0.5) * scale;
        const int xmin = std::max(int(center - support + 0.5), 0);
        const int xmax = std::min(int(center + support + 0.5), inSize) - xmin;
        double *row = k.data() + xx * c.kernel;
        double sum = 0.0;
        for (int x = 0; x < xmax; ++x)
            sum += row[x] = pilFilter(resample, (x + xmin - center + 0.5) * inverseScale);
        for (int x = 0; x < xmax && sum != 0.0; ++x)
            largest = std::max(largest, row[x] /= sum);
        c.first[size_t(xx)] = xmin;
        c.count[size_t(xx)] = xmax;
    }
    while (c.precision < 22 && int(0.5 + largest * double(1 << (c.precision + 1))) < (1 << 15))
        ++c.precision;
    for (size_t i = 0; i < k.size(); ++i) {
        const double w = k[i] * double(1 << c.precision);
        c.weights[i] = int32_t(w < 0 ? -0.5 + w : 0.5 + w);
    }
    return c;
}

uint8_t pilClip(int64_t value, int precision)
{
    return uint8_t(std::clamp<int64_t>(value >> precision, 0, 255));
}

// Resampling of an 8-bit image (grey or interleaved RGB) as PIL's Image.resize and torchvision's
// uint8 resize do it: the horizontal pass, rounded to 8 bits, then the vertical pass.
cv::Mat resizeLikePil(const cv::Mat &in, int width, int height, int resample)
{
    const int channels = in.channels();
    cv::Mat current = in;
    if (width != in.cols) {
        const PilCoefficients c = pilCoefficients(in.cols, width, resample);
        cv::Mat out(in.rows, width, in.type());
        for (int y = 0; y < in.rows; ++y) {
            const uint8_t *row = current.ptr<uint8_t>(y);
            uint8_t *target = out.ptr<uint8_t>(y);
            for (int xx = 0; xx < width; ++xx)
                for (int ch = 0; ch < channels; ++ch) {
                    int64_t sum = int64_t(1) << (c.precision - 1);
                    for (int x = 0; x < c.count[size_t(xx)]; ++x)
                        sum += int64_t(row[(c.first[size_t(xx)] + x) * channels + ch]) *
                               c.weights[size_t(xx * c.kernel + x)];
                    target[xx * channels + ch] = pilClip(sum, c.precision);
                }
        }
        current = out;
    }
    if (height != in.rows) {
        const PilCoefficients c = pilCoefficients(in.rows, height, resample);
        cv::Mat out(height, current.cols, in.type());
        for (int yy = 0; yy < height; ++yy) {
            uint8_t *target = out.ptr<uint8_t>(yy);
            for (int x = 0; x < current.cols * channels; ++x) {
                int64_t sum = int64_t(1) << (c.precision - 1);
                for (int y = 0; y < c.count[size_t(yy)]; ++y)
                    sum += int64_t(current.ptr<uint8_t>(c.first[size_t(yy)] + y)[x]) *
                           c.weights[size_t(yy * c.kernel + y)];
                target[x] = pilClip(sum, c.precision);
            }
        }
        current = out;
    }
    return current;
}

// transformers' center_crop: the centre height x width, the image padded with zeros first where
// it is smaller.
cv::Mat centerCrop(const cv::Mat &in, int height, int width)
{
    auto floorHalf = [](int v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); };
    int top = floorHalf(in.rows - height), left = floorHalf(in.cols - width);
    if (top >= 0 && left >= 0 && top + height <= in.rows && left + width <= in.cols)
        return in(cv::Rect(left, top, width, height)).clone();
    const int paddedHeight = std::max(height, in.rows), paddedWidth = std::max(width, in.cols);
    const int topPad = (paddedHeight - in.rows + 1) / 2, leftPad = (paddedWidth - in.cols + 1) / 2;
    cv::Mat padded = cv::Mat::zeros(paddedHeight, paddedWidth, in.type());
    in.copyTo(padded(cv::Rect(leftPad, topPad, in.cols, in.rows)));
    top += topPad;
    left += leftPad;
    const int y0 = std::max(0, top), x0 = std::max(0, left);
    const int y1 = std::min(paddedHeight, top + height), x1 = std::min(paddedWidth, left + width);
    return padded(cv::Rect(x0, y0, x1 - x0, y1 - y0)).clone();
}

} // namespace

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
    int64_t height = p.height, width = p.width;
    if (p.shortestEdge > 0) { // transformers' get_resize_output_image_size, default_to_square false
        const bool portrait = converted.rows >= converted.cols;
        const int64_t shorter = portrait ? converted.cols : converted.rows;
        const int64_t longer = portrait ? converted.rows : converted.cols;
        const int64_t scaled = int64_t(double(p.shortestEdge) * double(longer) / double(shorter));
        height = portrait ? scaled : p.shortestEdge;
        width = portrait ? p.shortestEdge : scaled;
    }
    if (p.resize && (converted.rows != height || converted.cols != width)) {
        if (p.resample == 2 || p.resample == 0)
            cv::resize(converted, converted, cv::Size(int(width), int(height)), 0, 0,
                       p.resample == 0 ? cv::INTER_NEAREST : cv::INTER_LINEAR);
        else
            converted = resizeLikePil(converted, int(width), int(height), p.resample);
    }
    if (p.centerCrop && (converted.rows != p.cropHeight || converted.cols != p.cropWidth))
        converted = centerCrop(converted, int(p.cropHeight), int(p.cropWidth));
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
    if (model.info().capabilities.patchGrid)
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
