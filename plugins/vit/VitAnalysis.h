#pragma once
// What the ViT lens computes, without Qt: a model with what is derived from its weights alone
// (patch geometry, position-embedding similarity, filter components), and one image through
// it. The job bodies of the panel; any thread (each call works on its own data).

#include "tessera/core/Job.h"
#include "tessera/core/Pipelines.h"
#include "tessera/core/VisionLens.h"

#include <memory>
#include <string>
#include <vector>

namespace tessera::vitlens {

constexpr int kFilterComponents = 28; // as many as Dosovitskiy et al. show

// A model as the lens uses it, with what is derived from its weights alone.
struct LoadedVit {
    std::shared_ptr<const Model> model;
    ImagePreprocessing preprocessing;
    vision::PatchGeometry geometry;
    std::shared_ptr<const Matrix> similarity; // [patches, patches]
    vision::FilterComponents filters;
    int64_t step = -1; // snapshot step; -1: the folder's model
};

// One image through the model.
struct ImageAnalysis {
    Image8 resized;                      // what the model sees, before rescaling
    FloatTensor pixelValues;             // [1, C, H, W]
    std::vector<FloatTensor> attentions; // per layer [heads, n, n]
    FloatTensor distanceRaw;             // [layers, heads], this image
    FloatTensor distanceRenormalized;
    std::vector<Prediction> predictions; // top 3
};

// The folder's preprocessor_config.json, or what the config implies (grey models: mean and
// std 0.5).
ImagePreprocessing preprocessingOf(const std::string &folder, const ModelConfig &config);

// What the lens derives from a model's weights (step: the snapshot's, -1 for the folder's).
std::shared_ptr<const LoadedVit> deriveVit(std::shared_ptr<const Model> model, const ImagePreprocessing &preprocessing,
                                           int64_t step);

// image (as read) resized, normalised and run with every attention captured.
std::shared_ptr<const ImageAnalysis> analyseImage(const LoadedVit &loaded, const Image8 &image, JobContext &context);

} // namespace tessera::vitlens
