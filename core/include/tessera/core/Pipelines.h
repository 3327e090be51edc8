#pragma once
// The pipelines the study notes use, on a loaded Model: fill-mask (BERT), next-token (GPT-2),
// image classification (ViT), with the image preprocessing of preprocessor_config.json.
// Any thread; each call runs one forward pass.

#include "tessera/core/Model.h"
#include "tessera/core/Tokenizer.h"

#include <string>
#include <vector>

namespace tessera {

struct Prediction {
    int64_t id = 0;
    std::string label; // token text or class name
    double probability = 0.0;
};

struct TextPipelineResult {
    Encoding encoding;                                // the tokens the model saw
    std::vector<int64_t> positions;                   // the positions predicted for
    std::vector<std::vector<Prediction>> predictions; // top-k per position
    ModelOutputs outputs;                             // every captured internal
};

// The tokenizer's mask token: "[MASK]" (BERT, DistilBERT) or "<mask>" (RoBERTa, XLM-R, BART);
// empty when it has neither.
std::string maskToken(const Tokenizer &tokenizer);

// Top-k tokens for every mask token (maskToken) in text (at least one is required). Throws
// tessera::Error.
TextPipelineResult fillMask(const Model &model, const Tokenizer &tokenizer, const std::string &text, int topK,
                            JobContext *context = nullptr);

// Top-k next tokens after text, from softmax(logits / temperature) at the last position.
TextPipelineResult nextToken(const Model &model, const Tokenizer &tokenizer, const std::string &text, int topK,
                             double temperature = 1.0, JobContext *context = nullptr);

struct ImagePreprocessing {
    bool resize = true;
    int64_t height = 224;
    int64_t width = 224;
    // size {"shortest_edge": s}: the shorter side resized to s, the aspect ratio kept (then
    // height and width are not used); 0: resize to height x width.
    int64_t shortestEdge = 0;
    // PIL's resampling filter ("resample"): 0 nearest, 1 Lanczos, 2 bilinear, 3 bicubic, 4 box,
    // 5 Hamming. Bicubic, Lanczos, box and Hamming use PIL's filters (the support widened by
    // the scale on downscaling) in the fixed point of torchvision's uint8 resize, which
    // transformers 5's image processors run; bilinear and nearest are OpenCV's (no widening on
    // downscaling).
    int resample = 2;
    // do_center_crop / crop_size: after resizing, the centre cropHeight x cropWidth (an image
    // smaller than that is padded with zeros first, as transformers' center_crop does).
    bool centerCrop = false;
    int64_t cropHeight = 224;
    int64_t cropWidth = 224;
    bool rescale = true;
    double rescaleFactor = 1.0 / 255.0;
    bool normalize = true;
    std::vector<double> mean{0.5, 0.5, 0.5};
    std::vector<double> std{0.5, 0.5, 0.5};

    // Reads preprocessor_config.json (ViTImageProcessor and DeiTImageProcessor fields); throws
    // tessera::Error.
    static ImagePreprocessing fromFile(const std::string &path);
};

// 8-bit pixels, row-major, channels interleaved (RGB or grey), as decoded from a file.
struct Image8 {
    int64_t width = 0;
    int64_t height = 0;
    int64_t channels = 0;        // 1 (grey) or 3 (RGB)
    std::vector<uint8_t> pixels; // height * width * channels
    bool empty() const { return width <= 0 || height <= 0; }
};

// Decodes an image file (PNG, JPEG, BMP, TIFF, WebP) as RGB (channels 3) or luminance
// (channels 1). Throws tessera::Error naming the file when it cannot be decoded.
Image8 readImage(const std::string &imagePath, int64_t channels);
// The channel count a preprocessing expects: 1 when image_mean has one value, else 3.
int64_t preprocessingChannels(const ImagePreprocessing &preprocessing);
// image converted to the expected channel count (grey from RGB by Rec. 601 luminance, RGB from
// grey by repetition), then resized with the configured filter and centre-cropped where
// configured: what the model sees, before rescaling. Throws tessera::Error for an empty image.
Image8 resizeForModel(const Image8 &image, const ImagePreprocessing &preprocessing);
// pixel_values [1, C, height, width] of an image already at the model's size: rescaled and
// normalised as configured.
FloatTensor normalizePixels(const Image8 &resized, const ImagePreprocessing &preprocessing);

// Loads an image file and returns pixel_values [1, C, height, width]: RGB (C = 3), or grey
// (C = 1) when image_mean has one value, resized (and cropped), rescaled and normalised as
// configured (readImage, resizeForModel, normalizePixels). Throws tessera::Error.
FloatTensor preprocessImage(const std::string &imagePath, const ImagePreprocessing &preprocessing);

// Top-k classes of the first image in pixel_values, named by the config's id2label.
std::vector<Prediction> classifyImage(const Model &model, const FloatTensor &pixelValues, int topK,
                                      ModelOutputs *outputs = nullptr, JobContext *context = nullptr);

// softmax(logits / temperature) over one row, top k by probability (ties by lower id).
std::vector<std::pair<int64_t, double>> topKSoftmax(const float *logits, int64_t count, int topK,
                                                    double temperature = 1.0);

} // namespace tessera
