// DETR's configs, image processor, post-processing and sine position embedding: the parts of
// Detr.h with no LibTorch (the fuzz targets build this file alone).

#include "tessera/core/Detr.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <cmath>
#include <sys/stat.h>

namespace tessera::detr {
namespace {

nlohmann::json parseObject(const std::string &text, const std::string &path)
{
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("not valid JSON: ") + e.what(), path);
    }
    if (!root.is_object())
        throw Error("not a JSON object", path);
    return root;
}

// A whole number in [low, high] under key, or fallback when the key is absent.
int64_t integer(const nlohmann::json &j, const char *key, int64_t fallback, int64_t low, int64_t high,
                const std::string &path)
{
    if (!j.contains(key) || j[key].is_null())
        return fallback;
    const nlohmann::json &v = j[key];
    if (!v.is_number_integer() && !v.is_number_unsigned())
        throw Error("expected a whole number, found " + v.dump(), path, key);
    const int64_t value = v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(high) ? high + 1 : v.get<int64_t>();
    if (value < low || value > high)
        throw Error("must be between " + std::to_string(low) + " and " + std::to_string(high) + ", found " + v.dump(),
                    path, key);
    return value;
}

double number(const nlohmann::json &j, const char *key, double fallback, const std::string &path)
{
    if (!j.contains(key) || j[key].is_null())
        return fallback;
    if (!j[key].is_number())
        throw Error("expected a number, found " + j[key].dump(), path, key);
    const double value = j[key].get<double>();
    if (!std::isfinite(value))
        throw Error("must be finite", path, key);
    return value;
}

std::string text(const nlohmann::json &j, const char *key, const std::string &fallback, const std::string &path)
{
    if (!j.contains(key) || j[key].is_null())
        return fallback;
    if (!j[key].is_string())
        throw Error("expected a string, found " + j[key].dump(), path, key);
    return j[key].get<std::string>();
}

bool flag(const nlohmann::json &j, const char *key, bool fallback, const std::string &path)
{
    if (!j.contains(key) || j[key].is_null())
        return fallback;
    if (!j[key].is_boolean())
        throw Error("expected true or false, found " + j[key].dump(), path, key);
    return j[key].get<bool>();
}

DetrConfig parseConfig(const nlohmann::json &j, const std::string &path)
{
    DetrConfig c;
    if (text(j, "model_type", "", path) != "detr")
        throw Error("model_type is not \"detr\"", path, "model_type");
    c.dModel = integer(j, "d_model", 256, 2, 8192, path);
    if (c.dModel % 2 != 0)
        throw Error("d_model must be even (the sine position embedding splits it between y and x)", path, "d_model");
    c.encoderLayers = integer(j, "encoder_layers", 6, 0, 256, path);
    c.decoderLayers = integer(j, "decoder_layers", 6, 1, 256, path);
    c.encoderHeads = integer(j, "encoder_attention_heads", 8, 1, 1024, path);
    c.decoderHeads = integer(j, "decoder_attention_heads", 8, 1, 1024, path);
    if (c.dModel % c.encoderHeads != 0)
        throw Error("d_model " + std::to_string(c.dModel) + " is not divisible by the heads", path,
                    "encoder_attention_heads");
    if (c.dModel % c.decoderHeads != 0)
        throw Error("d_model " + std::to_string(c.dModel) + " is not divisible by the heads", path,
                    "decoder_attention_heads");
    c.encoderFfn = integer(j, "encoder_ffn_dim", 2048, 1, 1 << 20, path);
    c.decoderFfn = integer(j, "decoder_ffn_dim", 2048, 1, 1 << 20, path);
    c.queries = integer(j, "num_queries", 100, 1, 10000, path);
    c.activation = text(j, "activation_function", "relu", path);
    if (c.activation != "relu" && c.activation != "gelu" && c.activation != "silu" && c.activation != "swish")
        throw Error("activation \"" + c.activation + "\" is not supported (relu, gelu, silu)", path,
                    "activation_function");
    const std::string position = text(j, "position_embedding_type", "sine", path);
    if (position != "sine")
        throw Error("position_embedding_type \"" + position +
                        "\" is not supported (sine is; DETR's checkpoints use it)",
                    path, "position_embedding_type");
    c.dilation = flag(j, "dilation", false, path);
    c.classCost = number(j, "class_cost", 1.0, path);
    c.boxCost = number(j, "bbox_cost", 5.0, path);
    c.giouCost = number(j, "giou_cost", 2.0, path);
    c.dtype = text(j, "dtype", text(j, "torch_dtype", "float32", path), path);

    // The backbone: transformers 5 nests it; transformers 4 names it at the top with
    // use_timm_backbone. A Hugging Face ResNet (use_timm_backbone false) has other weight names.
    if (j.contains("backbone_config") && j["backbone_config"].is_object()) {
        const nlohmann::json &b = j["backbone_config"];
        const std::string type = text(b, "model_type", "timm_backbone", path);
        if (type != "timm_backbone")
            throw Error("backbone_config.model_type \"" + type +
                            "\" is not supported (timm_backbone is: the timm ResNet DETR's checkpoints use)",
                        path, "backbone_config");
        c.backbone = text(b, "backbone", "", path);
        if (c.backbone == kTesseraBackbone) {
            c.backboneBlock = text(b, "tessera_block", "basic", path);
            if (c.backboneBlock != "basic" && c.backboneBlock != "bottleneck")
                throw Error("tessera_block must be basic or bottleneck", path, "backbone_config.tessera_block");
            for (const char *key : {"tessera_depths", "tessera_widths"}) {
                if (!b.contains(key) || !b[key].is_array() || b[key].size() != 4)
                    throw Error("expected four whole numbers (one per stage)", path,
                                std::string("backbone_config.") + key);
                std::vector<int64_t> &values =
                    std::string(key) == "tessera_depths" ? c.backboneDepths : c.backboneWidths;
                for (const nlohmann::json &v : b[key]) {
                    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 4096)
                        throw Error("expected four whole numbers from 1 to 4096", path,
                                    std::string("backbone_config.") + key);
                    values.push_back(v.get<int64_t>());
                }
            }
        }
        if (b.contains("output_stride") && b["output_stride"].is_number_integer() &&
            b["output_stride"].get<int64_t>() == 16)
            c.dilation = true;
    } else {
        if (!flag(j, "use_timm_backbone", true, path))
            throw Error(
                "use_timm_backbone is false: a Hugging Face ResNet backbone is not supported (the timm ResNet of "
                "DETR's published checkpoints is)",
                path, "use_timm_backbone");
        c.backbone = text(j, "backbone", "resnet50", path);
    }
    if (!c.backbone.empty() && c.backbone.rfind("resnet", 0) != 0 && c.backbone != kTesseraBackbone)
        throw Error("backbone \"" + c.backbone + "\" is not supported (timm ResNets: resnet18, 26, 34, 50, 101)", path,
                    "backbone");

    if (j.contains("id2label")) {
        const nlohmann::json &labels = j["id2label"];
        if (!labels.is_object())
            throw Error("id2label must map class ids to names", path, "id2label");
        if (labels.size() > 100000)
            throw Error("id2label has more than 100000 classes", path, "id2label");
        c.labels.assign(labels.size(), std::string());
        for (auto it = labels.begin(); it != labels.end(); ++it) {
            size_t index = 0;
            try {
                size_t used = 0;
                index = std::stoul(it.key(), &used);
                if (used != it.key().size())
                    throw std::invalid_argument("trailing");
            } catch (const std::exception &) {
                throw Error("class ids must be numbers, found \"" + it.key() + "\"", path, "id2label");
            }
            if (index >= c.labels.size() || !it.value().is_string())
                throw Error("class ids must run from 0 to " + std::to_string(labels.size() - 1) + " with names", path,
                            "id2label");
            c.labels[index] = it.value().get<std::string>();
        }
    }
    return c;
}

std::vector<double> triple(const nlohmann::json &j, const char *key, const std::vector<double> &fallback,
                           const std::string &path)
{
    if (!j.contains(key) || j[key].is_null())
        return fallback;
    const nlohmann::json &v = j[key];
    if (!v.is_array() || v.size() != 3)
        throw Error("expected three numbers (R, G, B)", path, key);
    std::vector<double> out;
    for (const auto &x : v) {
        if (!x.is_number() || !std::isfinite(x.get<double>()))
            throw Error("expected three numbers (R, G, B)", path, key);
        out.push_back(x.get<double>());
    }
    return out;
}

std::string baseName(const std::string &path)
{
    const size_t slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

DetrConfig DetrConfig::fromJson(const std::string &jsonText, const std::string &path)
{
    const nlohmann::json j = parseObject(jsonText, path);
    try {
        return parseConfig(j, path);
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("unexpected value: ") + e.what(), path);
    }
}

DetrConfig DetrConfig::fromFile(const std::string &path)
{
    return fromJson(readFile(path, 4u << 20), path);
}

bool isDetrModel(const std::string &folder)
{
    const std::string path = folder + "/config.json";
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return false;
    try {
        const nlohmann::json j = nlohmann::json::parse(readFile(path, 4u << 20));
        return j.is_object() && j.contains("model_type") && j["model_type"] == "detr";
    } catch (const std::exception &) {
        return false;
    }
}

DetrPreprocessing DetrPreprocessing::fromFile(const std::string &path)
{
    const nlohmann::json j = parseObject(readFile(path, 1u << 20), path);
    DetrPreprocessing p;
    try {
        p.resize = flag(j, "do_resize", true, path);
        p.rescale = flag(j, "do_rescale", true, path);
        p.normalize = flag(j, "do_normalize", true, path);
        p.rescaleFactor = number(j, "rescale_factor", p.rescaleFactor, path);
        p.mean = triple(j, "image_mean", p.mean, path);
        p.std = triple(j, "image_std", p.std, path);
        for (double s : p.std)
            if (s == 0.0)
                throw Error("a standard deviation of 0 divides by zero", path, "image_std");
        if (j.contains("size") && j["size"].is_object()) {
            const nlohmann::json &size = j["size"];
            if (size.contains("height") || size.contains("width"))
                throw Error("a fixed height and width is not DETR's resize (shortest_edge / longest_edge)", path,
                            "size");
            p.shortestEdge = integer(size, "shortest_edge", p.shortestEdge, 1, 8192, path);
            p.longestEdge = integer(size, "longest_edge", p.longestEdge, 1, 16384, path);
        } else {
            p.shortestEdge = integer(j, "size", p.shortestEdge, 1, 8192, path);
            p.longestEdge = integer(j, "max_size", p.longestEdge, 1, 16384, path);
        }
        if (p.longestEdge < p.shortestEdge)
            throw Error("longest_edge is below shortest_edge", path, "size");
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("unexpected value: ") + e.what(), path);
    }
    return p;
}

DetrPreprocessing DetrPreprocessing::forModel(const std::string &folder)
{
    const std::string path = folder + "/preprocessor_config.json";
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? fromFile(path) : DetrPreprocessing{};
}

std::pair<int64_t, int64_t> resizedSize(int64_t height, int64_t width, int64_t shortestEdge, int64_t longestEdge)
{
    if (height < 1 || width < 1)
        throw Error("the image is empty");
    // transformers' get_size_with_aspect_ratio, in the same float arithmetic.
    double size = double(shortestEdge);
    double rawSize = -1.0;
    const double minOriginal = double(std::min(height, width));
    const double maxOriginal = double(std::max(height, width));
    if (longestEdge > 0 && maxOriginal / minOriginal * size > double(longestEdge)) {
        rawSize = double(longestEdge) * minOriginal / maxOriginal;
        size = std::nearbyint(rawSize); // Python's round: half to even
    }
    const int64_t s = int64_t(size);
    if ((height <= width && height == s) || (width <= height && width == s))
        return {height, width};
    if (width < height) {
        const double basis = rawSize >= 0 ? rawSize : size;
        return {int64_t(basis * double(height) / double(width)), s};
    }
    const double basis = rawSize >= 0 ? rawSize : size;
    return {s, int64_t(basis * double(width) / double(height))};
}

DetrInput detrPreprocess(const Image8 &image, const DetrPreprocessing &p)
{
    if (image.empty())
        throw Error("the image is empty");
    ImagePreprocessing resize;
    resize.resize = p.resize;
    const auto [height, width] = p.resize ? resizedSize(image.height, image.width, p.shortestEdge, p.longestEdge)
                                          : std::pair<int64_t, int64_t>{image.height, image.width};
    resize.height = height;
    resize.width = width;
    resize.rescale = p.rescale;
    resize.rescaleFactor = p.rescaleFactor;
    resize.normalize = p.normalize;
    resize.mean = p.mean;
    resize.std = p.std;
    DetrInput input;
    input.resized = resizeForModel(image, resize);
    input.pixelValues = normalizePixels(input.resized, resize);
    input.pixelMask.shape = {1, input.resized.height, input.resized.width};
    input.pixelMask.values.assign(size_t(input.resized.height * input.resized.width), 1);
    return input;
}

std::vector<Detection> postProcess(const FloatTensor &logits, const FloatTensor &predBoxes, int64_t width,
                                   int64_t height, const std::vector<std::string> &labels, double threshold)
{
    if (logits.shape.size() != 3 || logits.shape[0] != 1 || logits.shape[2] < 2)
        throw Error("logits must be [1, queries, classes + 1], found " + shapeToString(logits.shape));
    const int64_t queries = logits.shape[1];
    if (predBoxes.shape != std::vector<int64_t>{1, queries, 4})
        throw Error("pred_boxes must be [1, " + std::to_string(queries) + ", 4], found " +
                    shapeToString(predBoxes.shape));
    const Matrix probabilities = classProbabilities(logits);
    const int64_t classes = logits.shape[2] - 1;
    std::vector<Detection> detections;
    for (int64_t q = 0; q < queries; ++q) {
        Detection d;
        d.query = q;
        d.score = -1.0;
        for (int64_t c = 0; c < classes; ++c)
            if (probabilities.at(q, c) > d.score) {
                d.score = probabilities.at(q, c);
                d.label = c;
            }
        if (!(d.score > threshold))
            continue;
        d.name = size_t(d.label) < labels.size() && !labels[size_t(d.label)].empty()
                     ? labels[size_t(d.label)]
                     : "class " + std::to_string(d.label);
        const float *b = predBoxes.values.data() + q * 4;
        // float32 as torch computes center_to_corners_format and the scaling.
        d.x0 = double((b[0] - 0.5f * b[2]) * float(width));
        d.y0 = double((b[1] - 0.5f * b[3]) * float(height));
        d.x1 = double((b[0] + 0.5f * b[2]) * float(width));
        d.y1 = double((b[1] + 0.5f * b[3]) * float(height));
        detections.push_back(std::move(d));
    }
    return detections;
}

Matrix classProbabilities(const FloatTensor &logits)
{
    if (logits.shape.size() != 3 || logits.shape[0] != 1 || logits.shape[2] < 1)
        throw Error("logits must be [1, queries, classes + 1], found " + shapeToString(logits.shape));
    const int64_t queries = logits.shape[1], columns = logits.shape[2];
    Matrix out(queries, columns);
    for (int64_t q = 0; q < queries; ++q) {
        const float *row = logits.values.data() + q * columns;
        const double top = *std::max_element(row, row + columns);
        double sum = 0.0;
        for (int64_t c = 0; c < columns; ++c)
            sum += std::exp(double(row[c]) - top);
        for (int64_t c = 0; c < columns; ++c)
            out.at(q, c) = float(std::exp(double(row[c]) - top) / sum);
    }
    return out;
}

FloatTensor sinePositionEmbedding(const std::vector<uint8_t> &mask, int64_t height, int64_t width, int64_t d)
{
    if (d < 2 || d % 2 != 0)
        throw Error("the position embedding needs an even size, found " + std::to_string(d));
    if (height < 1 || width < 1 || mask.size() != size_t(height * width))
        throw Error("the mask must be height x width");
    const int64_t half = d / 2;
    const double scale = 2.0 * M_PI;
    // Cumulative sums of the mask down the rows (y) and along the columns (x), normalised by the
    // last one so that positions run over (0, 2 pi] whatever the image size.
    std::vector<float> y(mask.size()), x(mask.size());
    for (int64_t c = 0; c < width; ++c) {
        float sum = 0.0f;
        for (int64_t r = 0; r < height; ++r)
            y[size_t(r * width + c)] = sum += float(mask[size_t(r * width + c)] != 0);
    }
    for (int64_t r = 0; r < height; ++r) {
        float sum = 0.0f;
        for (int64_t c = 0; c < width; ++c)
            x[size_t(r * width + c)] = sum += float(mask[size_t(r * width + c)] != 0);
    }
    for (int64_t r = 0; r < height; ++r)
        for (int64_t c = 0; c < width; ++c) {
            const size_t i = size_t(r * width + c);
            y[i] = float(double(y[i]) / (double(y[size_t((height - 1) * width + c)]) + 1e-6) * scale);
        }
    std::vector<float> xNormalised(x);
    for (int64_t r = 0; r < height; ++r)
        for (int64_t c = 0; c < width; ++c) {
            const size_t i = size_t(r * width + c);
            xNormalised[i] = float(double(x[i]) / (double(x[size_t(r * width + width - 1)]) + 1e-6) * scale);
        }
    FloatTensor out;
    out.shape = {d, height, width};
    out.values.resize(size_t(d * height * width));
    for (int64_t k = 0; k < half; ++k) {
        const double frequency = std::pow(10000.0, 2.0 * double(k / 2) / double(half));
        for (int64_t i = 0; i < height * width; ++i) {
            const double py = double(y[size_t(i)]) / frequency, px = double(xNormalised[size_t(i)]) / frequency;
            out.values[size_t(k * height * width + i)] = float(k % 2 == 0 ? std::sin(py) : std::cos(py));
            out.values[size_t((half + k) * height * width + i)] = float(k % 2 == 0 ? std::sin(px) : std::cos(px));
        }
    }
    return out;
}

GroundTruth readCocoAnnotations(const std::string &path, const std::string &imageName, int64_t width, int64_t height,
                                const std::vector<std::string> &labels)
{
    const nlohmann::json j = parseObject(readFile(path, size_t(256) << 20), path);
    GroundTruth truth;
    try {
        if (!j.contains("images") || !j["images"].is_array() || j["images"].empty())
            throw Error("no images: a COCO file lists its images under \"images\"", path, "images");
        const nlohmann::json *image = nullptr;
        const nlohmann::json &images = j["images"];
        for (const nlohmann::json &candidate : images) {
            if (!candidate.is_object() || !candidate.contains("id"))
                throw Error("each image needs an id", path, "images");
            const std::string name = text(candidate, "file_name", "", path);
            const bool nameMatches = !imageName.empty() && !name.empty() && baseName(name) == baseName(imageName);
            if (nameMatches || (image == nullptr && (imageName.empty() || images.size() == 1)))
                image = &candidate;
            if (nameMatches)
                break;
        }
        if (!image)
            throw Error("no image named \"" + imageName + "\" in the file", path, "images");
        truth.image = text(*image, "file_name", "", path);
        const nlohmann::json id = (*image)["id"];
        const int64_t w = integer(*image, "width", width, 1, 1 << 20, path),
                      h = integer(*image, "height", height, 1, 1 << 20, path);
        if (w < 1 || h < 1)
            throw Error("the image's width and height are unknown", path, "images");
        std::map<int64_t, std::string> categories;
        if (j.contains("categories") && j["categories"].is_array())
            for (const nlohmann::json &c : j["categories"])
                if (c.is_object() && c.contains("id") && c["id"].is_number_integer())
                    categories[c["id"].get<int64_t>()] = text(c, "name", "", path);
        if (!j.contains("annotations") || !j["annotations"].is_array())
            throw Error("no annotations list", path, "annotations");
        std::vector<std::array<float, 4>> boxes;
        size_t index = 0;
        for (const nlohmann::json &a : j["annotations"]) {
            const std::string where = "annotations[" + std::to_string(index++) + "]";
            if (!a.is_object() || !a.contains("image_id") || a["image_id"] != id)
                continue;
            if (!a.contains("category_id") || !a["category_id"].is_number_integer())
                throw Error("no category_id", path, where);
            const int64_t category = a["category_id"].get<int64_t>();
            int64_t label = -1;
            const auto named = categories.find(category);
            if (named != categories.end())
                for (size_t k = 0; k < labels.size(); ++k)
                    if (labels[k] == named->second) {
                        label = int64_t(k);
                        break;
                    }
            if (label < 0 && category >= 0 && category < int64_t(labels.size()))
                label = category;
            if (label < 0)
                throw Error("category " + std::to_string(category) +
                                (named != categories.end() ? " (\"" + named->second + "\")" : std::string()) +
                                " is not one of the model's " + std::to_string(labels.size()) + " classes",
                            path, where);
            if (!a.contains("bbox") || !a["bbox"].is_array() || a["bbox"].size() != 4)
                throw Error("bbox must be [x, y, width, height]", path, where);
            double b[4];
            for (int k = 0; k < 4; ++k) {
                if (!a["bbox"][size_t(k)].is_number())
                    throw Error("bbox must be four numbers", path, where);
                b[k] = a["bbox"][size_t(k)].get<double>();
            }
            if (!(b[2] > 0 && b[3] > 0) ||
                !(b[0] >= -0.5 && b[1] >= -0.5 && b[0] + b[2] <= w + 0.5 && b[1] + b[3] <= h + 0.5))
                throw Error("bbox [" + std::to_string(b[0]) + ", " + std::to_string(b[1]) + ", " +
                                std::to_string(b[2]) + ", " + std::to_string(b[3]) + "] is empty or outside the " +
                                std::to_string(w) + " x " + std::to_string(h) + " image",
                            path, where);
            truth.labels.push_back(label);
            boxes.push_back({float((b[0] + b[2] / 2) / double(w)), float((b[1] + b[3] / 2) / double(h)),
                             float(b[2] / double(w)), float(b[3] / double(h))});
            if (boxes.size() > 10000)
                throw Error("more than 10000 boxes for one image", path, "annotations");
        }
        truth.boxes = Matrix(int64_t(boxes.size()), 4);
        for (size_t i = 0; i < boxes.size(); ++i)
            for (int k = 0; k < 4; ++k)
                truth.boxes.at(int64_t(i), k) = boxes[i][size_t(k)];
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("unexpected value: ") + e.what(), path);
    }
    return truth;
}

} // namespace tessera::detr
