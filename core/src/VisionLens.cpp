#include "tessera/core/VisionLens.h"

#include "tessera/core/Error.h"

#include "models/Family.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

namespace fs = std::filesystem;

namespace tessera::vision {
namespace {

// Validates a layer [heads, n, n] or [1, heads, n, n] against the grid; returns heads.
int64_t layerHeads(const FloatTensor &layer, const PatchGeometry &g)
{
    std::vector<int64_t> shape = layer.shape;
    if (shape.size() == 4 && shape[0] == 1)
        shape.erase(shape.begin());
    if (shape.size() != 3 || shape[1] != g.tokens() || shape[2] != g.tokens())
        throw Error("attention " + shapeToString(layer.shape) + " does not match " + std::to_string(g.patches) +
                    " patches + " + std::to_string(g.leadingTokens) + " leading token(s) (expected [heads, " +
                    std::to_string(g.tokens()) + ", " + std::to_string(g.tokens()) + "])");
    return shape[0];
}

torch::Tensor tensorOf(const FloatTensor &t)
{
    return torch::from_blob(const_cast<float *>(t.values.data()), t.shape, torch::kFloat32);
}

Matrix matrixOf(const torch::Tensor &t)
{
    const torch::Tensor c = t.to(torch::kFloat32).contiguous();
    Matrix m(c.size(0), c.size(1));
    std::copy_n(c.data_ptr<float>(), c.numel(), m.values.begin());
    return m;
}

} // namespace

std::string PatchGeometry::describe() const
{
    const std::string side = std::to_string(patchSize);
    return std::to_string(imageSize) + "/" + side + " = " + std::to_string(grid) +
           " per side: " + std::to_string(patches) + " patches of " + std::to_string(patchValues) + " values (" + side +
           "x" + side + "x" + std::to_string(channels) + "), each projected to " + std::to_string(hidden) +
           (leadingTokens == 2 ? "; + [CLS] and the distillation token = " : "; + [CLS] = ") +
           std::to_string(tokens()) + " tokens";
}

PatchGeometry patchGeometry(const ModelConfig &c)
{
    const detail::Family *family = detail::findFamily(c.modelType);
    if (!family || family->leadingTokens < 1)
        throw Error("the ViT lens needs a ViT or DeiT model; this one is \"" + c.modelType + "\"");
    if (c.patchSize < 1 || c.imageSize < c.patchSize || c.imageSize % c.patchSize != 0)
        throw Error("image_size " + std::to_string(c.imageSize) + " is not a multiple of patch_size " +
                    std::to_string(c.patchSize));
    PatchGeometry g;
    g.imageSize = c.imageSize;
    g.patchSize = c.patchSize;
    g.grid = c.imageSize / c.patchSize;
    g.patches = g.grid * g.grid;
    g.channels = c.channels;
    g.patchValues = c.channels * c.patchSize * c.patchSize;
    g.hidden = c.hiddenSize;
    g.leadingTokens = family->leadingTokens;
    return g;
}

Matrix patchVectors(const FloatTensor &pixelValues, const PatchGeometry &g)
{
    const std::vector<int64_t> expected{1, g.channels, g.imageSize, g.imageSize};
    if (pixelValues.shape.size() != 4 || pixelValues.shape[1] != g.channels || pixelValues.shape[2] != g.imageSize ||
        pixelValues.shape[3] != g.imageSize)
        throw Error("pixel_values " + shapeToString(pixelValues.shape) + " do not match the model's " +
                    shapeToString(expected));
    Matrix out(g.patches, g.patchValues);
    const int64_t side = g.imageSize, p = g.patchSize;
    for (int64_t r = 0; r < g.grid; ++r)
        for (int64_t c = 0; c < g.grid; ++c) {
            float *row = out.values.data() + (r * g.grid + c) * g.patchValues;
            for (int64_t ch = 0; ch < g.channels; ++ch)
                for (int64_t y = 0; y < p; ++y)
                    for (int64_t x = 0; x < p; ++x)
                        *row++ = pixelValues.values[size_t((ch * side + r * p + y) * side + c * p + x)];
        }
    return out;
}

Matrix attentionOnPatches(const FloatTensor &layer, int64_t head, int64_t query, const PatchGeometry &g,
                          double *clsWeight)
{
    const int64_t heads = layerHeads(layer, g), n = g.tokens();
    if (head >= heads)
        throw Error("head " + std::to_string(head) + " does not exist (" + std::to_string(heads) + " heads)");
    if (query < 0 || query >= n)
        throw Error("query token " + std::to_string(query) + " does not exist (" + std::to_string(n) + " tokens)");
    std::vector<double> row(size_t(n), 0.0);
    const int64_t first = head < 0 ? 0 : head, last = head < 0 ? heads : head + 1;
    for (int64_t h = first; h < last; ++h)
        for (int64_t k = 0; k < n; ++k)
            row[size_t(k)] += layer.values[size_t((h * n + query) * n + k)] / double(last - first);
    if (clsWeight)
        *clsWeight = std::accumulate(row.begin(), row.begin() + g.leadingTokens, 0.0);
    Matrix map(g.grid, g.grid);
    for (int64_t p = 0; p < g.patches; ++p)
        map.values[size_t(p)] = float(row[size_t(p + g.leadingTokens)]);
    return map;
}

Matrix attentionOfAllHeads(const FloatTensor &layer, int64_t query, const PatchGeometry &g)
{
    const int64_t heads = layerHeads(layer, g), n = g.tokens();
    if (query < 0 || query >= n)
        throw Error("query token " + std::to_string(query) + " does not exist (" + std::to_string(n) + " tokens)");
    Matrix out(heads, g.patches);
    for (int64_t h = 0; h < heads; ++h)
        std::copy_n(layer.values.begin() + long((h * n + query) * n + g.leadingTokens), size_t(g.patches),
                    out.values.begin() + long(h * g.patches));
    return out;
}

std::string headFusionName(HeadFusion fusion)
{
    switch (fusion) {
    case HeadFusion::Min:
        return "min";
    case HeadFusion::Max:
        return "max";
    case HeadFusion::Mean:
        break;
    }
    return "mean";
}

HeadFusion headFusionFromName(const std::string &name)
{
    if (name == "mean")
        return HeadFusion::Mean;
    if (name == "min")
        return HeadFusion::Min;
    if (name == "max")
        return HeadFusion::Max;
    throw Error("head fusion must be mean, min or max, not \"" + name + "\"");
}

Matrix rollout(const std::vector<FloatTensor> &layers, HeadFusion fusion, double discardRatio)
{
    if (layers.empty())
        throw Error("attention rollout needs at least one layer of attentions");
    if (!(discardRatio >= 0.0 && discardRatio < 1.0))
        throw Error("the discard ratio must be in [0, 1), not " + std::to_string(discardRatio));
    torch::NoGradGuard noGrad;
    torch::Tensor result;
    for (const FloatTensor &layer : layers) {
        torch::Tensor a = tensorOf(layer);
        if (a.dim() == 4 && a.size(0) == 1)
            a = a.squeeze(0);
        if (a.dim() != 3 || a.size(1) != a.size(2))
            throw Error("attentions must be [heads, n, n], found " + shapeToString(layer.shape));
        torch::Tensor fused = fusion == HeadFusion::Mean  ? a.mean(0)
                              : fusion == HeadFusion::Min ? std::get<0>(a.min(0))
                                                          : std::get<0>(a.max(0));
        fused = fused.to(torch::kFloat64).contiguous();
        const int64_t n = fused.size(0);
        const auto discard = int64_t(std::floor(double(n * n) * discardRatio));
        if (discard > 0) {
            // The smallest entries, ties broken by position (stable), [CLS]->[CLS] kept.
            double *values = fused.data_ptr<double>();
            std::vector<int64_t> order(size_t(n * n));
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return values[x] < values[y]; });
            for (int64_t i = 0; i < discard; ++i)
                if (order[size_t(i)] != 0)
                    values[order[size_t(i)]] = 0.0;
        }
        torch::Tensor step = 0.5 * fused + 0.5 * torch::eye(n, torch::kFloat64);
        step = step / step.sum(-1, true);
        result = result.defined() ? torch::matmul(step, result) : step;
    }
    return matrixOf(result);
}

Matrix rolloutMask(const Matrix &r, const PatchGeometry &g, int64_t from)
{
    if (r.rows != g.tokens() || r.cols != g.tokens())
        throw Error("a rollout of " + std::to_string(r.rows) + " tokens does not match " + std::to_string(g.patches) +
                    " patches + " + std::to_string(g.leadingTokens) + " leading token(s)");
    if (from < 0 || from >= g.leadingTokens)
        throw Error("token " + std::to_string(from) + " is not one of the " + std::to_string(g.leadingTokens) +
                    " leading tokens");
    Matrix mask(g.grid, g.grid);
    float peak = 0.0f;
    for (int64_t p = 0; p < g.patches; ++p)
        peak = std::max(peak, mask.values[size_t(p)] = r.at(from, p + g.leadingTokens));
    if (peak > 0.0f)
        for (float &v : mask.values)
            v /= peak;
    return mask;
}

Matrix positionSimilarity(const Matrix &table, const PatchGeometry &g)
{
    if (table.cols < 1 || (table.rows != g.tokens() && table.rows != g.patches))
        throw Error("a position table of " + std::to_string(table.rows) + " rows does not match " +
                    std::to_string(g.patches) + " patches (+ " + std::to_string(g.leadingTokens) + " leading)");
    torch::NoGradGuard noGrad;
    torch::Tensor t =
        torch::from_blob(const_cast<float *>(table.values.data()), {table.rows, table.cols}, torch::kFloat32)
            .to(torch::kFloat64);
    if (table.rows == g.tokens())
        t = t.slice(0, g.leadingTokens);
    const torch::Tensor unit = t / t.norm(2, 1, true).clamp_min(1e-12);
    return matrixOf(torch::matmul(unit, unit.transpose(0, 1)));
}

FilterComponents filterPrincipalComponents(const FloatTensor &projection, const PatchGeometry &g, int64_t count)
{
    if (projection.shape.empty() || projection.elementCount() != g.hidden * g.patchValues ||
        projection.shape[0] != g.hidden)
        throw Error("patch projection " + shapeToString(projection.shape) + " does not match [" +
                    std::to_string(g.hidden) + ", " + std::to_string(g.channels) + ", " + std::to_string(g.patchSize) +
                    ", " + std::to_string(g.patchSize) + "]");
    torch::NoGradGuard noGrad;
    torch::Tensor w = tensorOf(projection).reshape({g.hidden, g.patchValues}).to(torch::kFloat64);
    w = w - w.mean(0, true);
    const auto [u, s, vh] = torch::linalg_svd(w, false);
    const torch::Tensor variance = s.pow(2);
    const double total = variance.sum().item<double>();
    FilterComponents out;
    count = std::min<int64_t>(std::max<int64_t>(count, 0), s.size(0));
    for (int64_t i = 0; i < count; ++i) {
        torch::Tensor component = vh[i].clone();
        const int64_t peak = component.abs().argmax().item<int64_t>();
        if (component[peak].item<double>() < 0.0)
            component = -component;
        FloatTensor tensor;
        tensor.shape = {g.channels, g.patchSize, g.patchSize};
        const torch::Tensor f = component.to(torch::kFloat32).contiguous();
        tensor.values.assign(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
        out.components.push_back(std::move(tensor));
        out.explainedVariance.push_back(total > 0.0 ? variance[i].item<double>() / total : 0.0);
    }
    return out;
}

void DistanceAccumulator::add(const FloatTensor &raw, const FloatTensor &renormalized)
{
    if (raw.shape.size() != 2 || raw.shape != renormalized.shape)
        throw Error("mean attention distances must be [layers, heads], found " + shapeToString(raw.shape) + " and " +
                    shapeToString(renormalized.shape));
    if (m_count == 0) {
        m_shape = raw.shape;
        for (int i = 0; i < 2; ++i) {
            m_mean[i].assign(raw.values.size(), 0.0);
            m_squares[i].assign(raw.values.size(), 0.0);
        }
    } else if (raw.shape != m_shape) {
        throw Error("mean attention distances of shape " + shapeToString(raw.shape) + " after " +
                    shapeToString(m_shape));
    }
    ++m_count;
    const FloatTensor *sources[2] = {&raw, &renormalized};
    for (int i = 0; i < 2; ++i)
        for (size_t k = 0; k < m_mean[i].size(); ++k) {
            const double x = sources[i]->values[k];
            const double delta = x - m_mean[i][k];
            m_mean[i][k] += delta / double(m_count);
            m_squares[i][k] += delta * (x - m_mean[i][k]);
        }
}

DistanceStatistics DistanceAccumulator::result() const
{
    DistanceStatistics s;
    s.images = m_count;
    if (m_count == 0)
        return s;
    Matrix *means[2] = {&s.rawMean, &s.renormalizedMean};
    Matrix *deviations[2] = {&s.rawDeviation, &s.renormalizedDeviation};
    for (int i = 0; i < 2; ++i) {
        *means[i] = Matrix(m_shape[0], m_shape[1]);
        *deviations[i] = Matrix(m_shape[0], m_shape[1]);
        for (size_t k = 0; k < m_mean[i].size(); ++k) {
            means[i]->values[k] = float(m_mean[i][k]);
            deviations[i]->values[k] = m_count > 1 ? float(std::sqrt(m_squares[i][k] / double(m_count - 1))) : 0.0f;
        }
    }
    return s;
}

DistanceStatistics meanAttentionDistanceOverImages(const Model &model, const ImagePreprocessing &preprocessing,
                                                   int64_t count, const ImageSource &image, JobContext *context)
{
    patchGeometry(model.info().config); // a ViT, or a clear error now
    if (count < 1)
        throw Error("no images to measure the attention distance on");
    DistanceAccumulator accumulator;
    CaptureOptions capture;
    capture.attentions = false;
    capture.hiddenStates = false;
    capture.meanAttentionDistance = true;
    for (int64_t i = 0; i < count; ++i) {
        if (context) {
            context->throwIfCancelled();
            context->setProgress(double(i) / double(count),
                                 "image " + std::to_string(i + 1) + " of " + std::to_string(count));
        }
        ModelInputs inputs;
        inputs.floats["pixel_values"] = normalizePixels(resizeForModel(image(i), preprocessing), preprocessing);
        const ModelOutputs outputs = model.run(inputs, capture);
        accumulator.add(outputs.at("mean_attention_distance.raw"), outputs.at("mean_attention_distance.renormalized"));
    }
    if (context)
        context->setProgress(1.0, std::to_string(count) + " images");
    return accumulator.result();
}

std::vector<std::string> imageFilesIn(const std::string &folder, int64_t limit)
{
    static const std::vector<std::string> extensions{".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"};
    std::vector<std::string> files;
    std::error_code error;
    fs::directory_iterator it(folder, error), end;
    if (error)
        throw Error("cannot list this folder: " + error.message(), folder);
    for (; it != end; it.increment(error)) {
        if (error)
            throw Error("cannot list this folder: " + error.message(), folder);
        std::string extension = it->path().extension().string();
        std::transform(extension.begin(), extension.end(), extension.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        if (it->is_regular_file(error) &&
            std::find(extensions.begin(), extensions.end(), extension) != extensions.end())
            files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    if (limit >= 0 && int64_t(files.size()) > limit)
        files.resize(size_t(limit));
    return files;
}

Image8 datasetImage(const ImageDataset &dataset, int64_t index)
{
    if (index < 0 || index >= dataset.count)
        throw Error("sample " + std::to_string(index) + " does not exist (the split has " +
                    std::to_string(dataset.count) + ")");
    Image8 image;
    image.width = dataset.cols;
    image.height = dataset.rows;
    image.channels = 1;
    const size_t size = size_t(dataset.rows * dataset.cols);
    image.pixels.assign(dataset.pixels.begin() + long(size_t(index) * size),
                        dataset.pixels.begin() + long(size_t(index + 1) * size));
    return image;
}

} // namespace tessera::vision
