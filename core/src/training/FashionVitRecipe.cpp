// vit-fashion: a ViT classifier on Fashion-MNIST (Debian's dataset-fashion-mnist); small models
// keep their weights in every snapshot, for the ViT lens.

#include "TrainingInternal.h"

#include "tessera/core/Datasets.h"

#include "../TorchTensors.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace tessera::detail {
namespace {

constexpr int64_t kSnapshotWeightLimit = 20'000'000; // parameters

// A ViT on Fashion-MNIST (28 x 28, one channel), normalised with the training set's mean and
// standard deviation; random horizontal flips.
class FashionVit : public Recipe {
public:
    explicit FashionVit(const TrainingOptions &o) : m_options(o)
    {
        const std::string folder = o.datasetFolder.empty() ? defaultFashionMnistFolder() : o.datasetFolder;
        m_train = loadFashionMnist("train", folder);
        m_test = loadFashionMnist("test", folder);
        if (m_train.rows != 28 || m_train.cols != 28 || m_test.rows != 28 || m_test.cols != 28)
            throw Error("Fashion-MNIST images must be 28 x 28", folder);
    }

    static constexpr double kMean = 0.2860, kStd = 0.3530;

    ModelConfig config(const TrainingOptions &o) const override
    {
        ModelConfig c = recipeConfig("vit", "ViTForImageClassification", o, 2);
        c.imageSize = 28;
        c.patchSize = o.sequenceLength; // the patch side for this recipe
        c.channels = 1;
        c.labels = m_train.labelNames;
        return c;
    }

    Batch images(const ImageDataset &set, const std::vector<int64_t> &indices, std::mt19937_64 *flip) const
    {
        const int64_t size = int64_t(indices.size());
        FloatTensor pixels{{size, 1, 28, 28}, std::vector<float>(size_t(size * 784))};
        std::vector<int64_t> labels(static_cast<size_t>(size));
        std::bernoulli_distribution coin(0.5);
        for (int64_t b = 0; b < size; ++b) {
            const uint8_t *source = set.pixels.data() + indices[size_t(b)] * 784;
            const bool mirror = flip && coin(*flip);
            float *target = pixels.values.data() + b * 784;
            for (int r = 0; r < 28; ++r)
                for (int c = 0; c < 28; ++c)
                    target[r * 28 + c] = float((source[r * 28 + (mirror ? 27 - c : c)] / 255.0 - kMean) / kStd);
            labels[size_t(b)] = set.labels[size_t(indices[size_t(b)])];
        }
        Batch result;
        result.inputs.floats["pixel_values"] = std::move(pixels);
        result.targets = longTensor(labels, {size});
        return result;
    }

    Batch batch(int64_t step, bool heldOut, int64_t size) const override
    {
        if (heldOut) {
            // Held-out batches walk the test set in order.
            std::vector<int64_t> indices(static_cast<size_t>(size));
            for (int64_t b = 0; b < size; ++b)
                indices[size_t(b)] = (step * size + b) % m_test.count;
            return images(m_test, indices, nullptr);
        }
        // Epochs: a fresh permutation per epoch, from the seed and the epoch number.
        const int64_t perEpoch = m_train.count / size;
        const int64_t epoch = step / perEpoch, offset = step % perEpoch;
        std::mt19937_64 order = streamFor(m_options.seed, 5, uint64_t(epoch));
        std::vector<int64_t> permutation(static_cast<size_t>(m_train.count));
        std::iota(permutation.begin(), permutation.end(), 0);
        std::shuffle(permutation.begin(), permutation.end(), order);
        std::vector<int64_t> indices(permutation.begin() + offset * size, permutation.begin() + (offset + 1) * size);
        std::mt19937_64 flip = streamFor(m_options.seed, 1, uint64_t(step));
        return images(m_train, indices, &flip);
    }

    // The whole test set.
    int64_t evaluationBatches(int64_t batchSize) const override { return (m_test.count + batchSize - 1) / batchSize; }

    Probe probe() const override
    {
        Probe p = {images(m_test, {0}, nullptr).inputs, {}};
        const int64_t grid = 28 / m_options.sequenceLength;
        p.tokens.push_back("[CLS]");
        for (int64_t r = 0; r < grid; ++r)
            for (int64_t c = 0; c < grid; ++c)
                p.tokens.push_back(std::to_string(r) + "," + std::to_string(c));
        return p;
    }

    void writeTokenizer(const std::string &folder) const override
    {
        writeJson(folder + "/preprocessor_config.json", {{"image_processor_type", "ViTImageProcessor"},
                                                         {"do_resize", true},
                                                         {"size", {{"height", 28}, {"width", 28}}},
                                                         {"resample", 2},
                                                         {"do_rescale", true},
                                                         {"rescale_factor", 1.0 / 255.0},
                                                         {"do_normalize", true},
                                                         {"image_mean", {kMean}},
                                                         {"image_std", {kStd}}});
    }

    std::string accuracyName() const override { return "accuracy"; }

    // A small ViT keeps its whole weights too, so that the ViT lens can run any image through
    // the model as it was at this step (4 x 96 on Fashion-MNIST: 0.9 MB a snapshot).
    NamedTensors snapshotTensors(const Model &model, const Weights &weights, const Probe &probe) const override
    {
        NamedTensors tensors = Recipe::snapshotTensors(model, weights, probe);
        if (model.info().parameters <= kSnapshotWeightLimit)
            for (const auto &[name, tensor] : weights)
                tensors.emplace_back("weights." + name, fromTorch(tensor));
        return tensors;
    }

private:
    TrainingOptions m_options;
    ImageDataset m_train;
    ImageDataset m_test;
};

} // namespace

std::vector<RecipeRow> fashionVitRecipeRows()
{
    RecipeRow row{recipeInfo("vit-fashion", "ViT on Fashion-MNIST",
                             "A Vision Transformer classifies Fashion-MNIST (60,000 training images, 10,000 test "
                             "images, from Debian's dataset-fashion-mnist), 7 x 7 pixel patches.",
                             "vit", false, 4000, 128, 2e-3, 4, 96, 4, 7),
                  [](const TrainingOptions &o) { return std::make_unique<FashionVit>(o); }};
    row.checkOptions = [](const TrainingOptions &o) {
        if (o.sequenceLength < 1 || 28 % o.sequenceLength != 0)
            throw Error("the patch size must divide 28 (1, 2, 4, 7, 14 or 28), not " +
                        std::to_string(o.sequenceLength));
    };
    return {row};
}

} // namespace tessera::detail
