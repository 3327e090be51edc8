#pragma once
// What the ViT lens computes (Dosovitskiy et al. 2020; the study notes 003:325-369): the patch
// grid of a config, the patch sequence the projection reads, one query's attention laid out on
// the patch grid, attention rollout with head fusion and discard ratio (as vit-explain offers),
// the cosine similarity of the position embeddings (the paper's Fig. 7 centre), the principal
// components of the patch-embedding filters (Fig. 7 left), and the mean attention distance over
// a set of images with its dispersion (Fig. 7 right). Plain C++ results; any thread.
//
// Token indices follow the model: first its leading tokens (0 is [CLS]; DeiT's distillation
// token is 1), then leadingTokens + row * grid + column is patch (row, column). A layer's
// attention is [heads, n, n] or [1, heads, n, n] with n = leadingTokens + patches.

#include "tessera/core/Datasets.h"
#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"
#include "tessera/core/Model.h"
#include "tessera/core/Pipelines.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tessera::vision {

struct PatchGeometry {
    int64_t imageSize = 0; // side of the (square) input the model expects, pixels
    int64_t patchSize = 0; // side of a patch, pixels
    int64_t grid = 0;      // patches per side: imageSize / patchSize
    int64_t patches = 0;   // grid * grid (the sequence is patches + 1 with [CLS])
    int64_t channels = 0;
    int64_t patchValues = 0; // channels * patchSize * patchSize: one patch flattened
    int64_t hidden = 0;      // what the projection maps each patch to
    // Tokens before the patches: 1 ([CLS]) for ViT, 2 ([CLS], distillation) for DeiT.
    int64_t leadingTokens = 1;
    int64_t tokens() const { return patches + leadingTokens; }
    // "224/16 = 14 per side: 196 patches of 768 values (16x16x3), each projected to 768; + [CLS] = 197 tokens"
    // (DeiT: "+ [CLS] and the distillation token = 198 tokens")
    std::string describe() const;
};
// Throws tessera::Error for a config that is not a patch-grid model (ViT, DeiT) or whose image
// size is not a multiple of its patch size.
PatchGeometry patchGeometry(const ModelConfig &config);

// The patch sequence the projection reads from pixel_values [1, C, H, W] (batch item 0):
// [patches, channels * patch * patch], each row in the order of the Conv2d weight (channel,
// then row, then column), patches in raster order. So row p . W^T + b is the embedding of
// patch p before the position embedding is added.
Matrix patchVectors(const FloatTensor &pixelValues, const PatchGeometry &geometry);

// The attention of one query token (0 = [CLS], then the other leading tokens, then the
// patches) on the patches, laid out on the grid [grid, grid]: entry (r, c) is the weight on token
// leadingTokens + r * grid + c. head < 0 means the mean over heads. clsWeight, when given,
// receives the weight on the leading tokens ([CLS], DeiT's distillation token: the part of the
// row that is not on the map). Throws tessera::Error for indices out of range.
Matrix attentionOnPatches(const FloatTensor &layer, int64_t head, int64_t query, const PatchGeometry &geometry,
                          double *clsWeight = nullptr);
// Every head's attention of one query on the patches: [heads, patches].
Matrix attentionOfAllHeads(const FloatTensor &layer, int64_t query, const PatchGeometry &geometry);

enum class HeadFusion { Mean, Min, Max };
std::string headFusionName(HeadFusion fusion);          // "mean", "min", "max"
HeadFusion headFusionFromName(const std::string &name); // throws tessera::Error

// Attention rollout (Abnar & Zuidema 2020) with the options of vit-explain: per layer the
// heads fused (mean, min or max); then the discardRatio fraction of the fused map's smallest
// entries set to 0 ([CLS]-to-[CLS] never); A = (fused + I) / 2 with rows renormalised;
// multiplied from the first layer up -> [n, n]. With mean fusion and no discard it is
// attentionRollout of Model.h. (vit-explain divides by the row sums broadcast along the wrong
// axis; here rows sum to one, as in the paper.)
Matrix rollout(const std::vector<FloatTensor> &layers, HeadFusion fusion, double discardRatio);
// Row `from` of a rollout (0: [CLS]'s flow; 1: DeiT's distillation token's) on the patches,
// [grid, grid], divided by its maximum.
Matrix rolloutMask(const Matrix &rolloutMatrix, const PatchGeometry &geometry, int64_t from = 0);

// The cosine similarity of every patch's position embedding with every other's: [patches,
// patches], row p reshaped to [grid, grid] is the paper's small map for patch p. table is the
// learned table [leadingTokens + patches, hidden] (the leading tokens dropped) or [patches, hidden].
Matrix positionSimilarity(const Matrix &table, const PatchGeometry &geometry);

struct FilterComponents {
    std::vector<FloatTensor> components;   // each [channels, patch, patch], unit length
    std::vector<double> explainedVariance; // fraction of the filters' variance, per component
};
// The principal components of the patch-embedding filters: the projection weight [hidden,
// channels, patch, patch] (or [hidden, channels * patch * patch]) read as hidden samples,
// centred, decomposed by SVD; the first count components, largest first. Each component's
// sign makes its largest-magnitude entry positive (SVD signs are arbitrary).
FilterComponents filterPrincipalComponents(const FloatTensor &projection, const PatchGeometry &geometry, int64_t count);

// Mean attention distance over a set of images (Dosovitskiy et al. 2020, Fig. 7 right), in
// both conventions of meanAttentionDistance: "raw" (the patch-to-patch weights as they are: the
// default, as in the paper's reference analysis) and "renormalized" (each query's patch weights
// rescaled to sum to 1, i.e. ignoring what goes to [CLS]). Mean and sample standard deviation
// over the images, per layer and head.
struct DistanceStatistics {
    Matrix rawMean;      // [layers, heads], pixels
    Matrix rawDeviation; // [layers, heads]; 0 with one image
    Matrix renormalizedMean;
    Matrix renormalizedDeviation;
    int64_t images = 0;
    const Matrix &mean(bool renormalized) const { return renormalized ? renormalizedMean : rawMean; }
    const Matrix &deviation(bool renormalized) const { return renormalized ? renormalizedDeviation : rawDeviation; }
};

// Welford's running mean and variance of per-image [layers, heads] distances.
class DistanceAccumulator {
public:
    void add(const FloatTensor &raw, const FloatTensor &renormalized);
    DistanceStatistics result() const;
    int64_t count() const { return m_count; }

private:
    int64_t m_count = 0;
    std::vector<int64_t> m_shape;
    std::vector<double> m_mean[2];
    std::vector<double> m_squares[2];
};

// The image of index i of a set (a file, a dataset sample), decoded.
using ImageSource = std::function<Image8(int64_t index)>;

// Runs the model on images 0 .. count-1 one at a time and accumulates their mean attention
// distances, reporting progress; cancellable between images. Throws tessera::Error (naming the
// image) when an image cannot be read or the model is not a ViT.
DistanceStatistics meanAttentionDistanceOverImages(const Model &model, const ImagePreprocessing &preprocessing,
                                                   int64_t count, const ImageSource &image,
                                                   JobContext *context = nullptr);

// Image files (by extension: png, jpg, jpeg, bmp, tif, tiff, webp) directly in a folder,
// sorted by name, at most limit. Throws tessera::Error when the folder cannot be listed.
std::vector<std::string> imageFilesIn(const std::string &folder, int64_t limit);

// Sample index of a dataset as an 8-bit grey image.
Image8 datasetImage(const ImageDataset &dataset, int64_t index);

} // namespace tessera::vision
