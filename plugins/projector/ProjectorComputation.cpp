#include "ProjectorComputation.h"

#include "tessera/core/Datasets.h"
#include "tessera/core/Error.h"

#include <algorithm>

namespace tessera::projector {
namespace {

ImageDataset fashionTest(int count)
{
    ImageDataset d = loadFashionMnist("test");
    d.count = std::min<int64_t>(d.count, count);
    d.pixels.resize(size_t(d.count * d.rows * d.cols));
    d.labels.resize(size_t(d.count));
    return d;
}

} // namespace

projection::EmbeddingSet loadEmbeddings(const SourceSettings &settings, JobContext &context)
{
    const std::string &kind = settings.kind, &path = settings.path, &tensor = settings.tensor;
    projection::EmbeddingSet result;
    if (kind == "pixels") {
        const ImageDataset d = fashionTest(settings.count);
        result.vectors = Matrix(d.count, d.rows * d.cols);
        for (size_t i = 0; i < d.pixels.size(); ++i)
            result.vectors.values[i] = float(d.pixels[i]) / 255.0f;
        result.categoryNames = d.labelNames;
        for (int64_t i = 0; i < d.count; ++i) {
            result.category.push_back(int(d.labels[size_t(i)]));
            result.labels.push_back(d.labelNames[size_t(d.labels[size_t(i)])] + " #" + std::to_string(i));
        }
        result.description = "Fashion-MNIST test images: " + std::to_string(d.count) + " x " +
                             std::to_string(d.rows * d.cols) + " pixels";
    } else if (kind == "matrix")
        result = projection::matrixFile(path, tensor, settings.labels);
    else if (kind == "tokens")
        result = projection::tokenEmbeddings(path);
    else if (kind == "positions")
        result = projection::positionEmbeddings(path);
    else if (kind == "contextual")
        result = projection::contextualEmbeddings(path, settings.sentences, settings.layer, settings.token, &context);
    else if (kind == "sentences")
        result = projection::sentenceEmbeddings(path, settings.sentences, settings.layer, settings.mean, &context);
    else if (kind == "images")
        result = projection::imageEmbeddings(path, defaultFashionMnistFolder(), settings.count, &context);
    else
        result = projection::snapshotEmbeddings(path, settings.snapshot, tensor);
    if (result.vectors.rows < 2)
        throw Error("the source gives " + std::to_string(result.vectors.rows) + " rows: at least two are needed");
    return result;
}

} // namespace tessera::projector
