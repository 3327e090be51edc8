#pragma once
// DETR (Carion et al. 2020; the study notes 003:370-410): Hugging Face's DetrForObjectDetection
// run natively, with its image processor and post-processing, numerically equal to
// transformers (fixtures/hf/detr-tiny).
//
// The detector is a tessera::Model: loadModel() opens a folder whose config.json has
// "model_type": "detr" (transformers 4 style: top-level "backbone" / "use_timm_backbone";
// transformers 5 style: nested "backbone_config"), and run() takes
//   floats   "pixel_values" [1, 3, H, W]  (normalised, as detrPreprocess makes them)
//   integers "pixel_mask"   [1, H, W]     (1 = real pixel, 0 = padding; optional: all ones)
// and returns, by the fixture's names,
//   logits [1, Q, classes + 1] (the last is no-object), pred_boxes [1, Q, 4] (cx, cy, w, h in
//   [0, 1] of the image), last_hidden_state [1, Q, d],
//   encoder_attentions.{i} [1, heads, hw, hw], decoder_attentions.{i} [1, heads, Q, Q],
//   cross_attentions.{i} [1, heads, Q, hw]  (CaptureOptions::attentions; layers filter all three),
//   encoder_hidden_states.{0..L} [1, hw, d], decoder_hidden_states.{0..L} [1, Q, d]
//   (CaptureOptions::hiddenStates; decoder .L is after the decoder's final layer norm),
//   position_embedding [1, d, h, w] (the 2-D sine embedding of the backbone's grid, always).
// hw = h * w, the backbone's output grid (h = ceil(H / 32) without dilation), row-major.
// The backbone is timm's ResNet (BasicBlock or Bottleneck; the stage depths are read from the
// weights) with frozen batch norm (eps 1e-5). A loaded model is immutable; any thread.

#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"
#include "tessera/core/Model.h"
#include "tessera/core/Pipelines.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tessera::detr {

constexpr const char *kTesseraBackbone = "tessera-resnet";

// The fields of config.json that change the numbers (both transformers styles).
struct DetrConfig {
    int64_t dModel = 256;
    int64_t encoderLayers = 6;
    int64_t decoderLayers = 6;
    int64_t encoderHeads = 8;
    int64_t decoderHeads = 8;
    int64_t encoderFfn = 2048;
    int64_t decoderFfn = 2048;
    int64_t queries = 100;
    std::string activation = "relu";
    std::string backbone = "resnet50"; // timm name ("" when the config names none), or kTesseraBackbone
    // Tessera's own small ResNet (backbone "tessera-resnet", which timm does not know: the
    // detr-shapes training recipe's): block ("basic" or "bottleneck"), blocks and planes per stage.
    std::string backboneBlock;
    std::vector<int64_t> backboneDepths;
    std::vector<int64_t> backboneWidths;
    bool dilation = false;                                 // DC5: the last stage dilated, stride 16
    std::vector<std::string> labels;                       // id2label, index = class id (no-object excluded)
    double classCost = 1.0, boxCost = 5.0, giouCost = 2.0; // the matcher's weights
    std::string dtype = "float32";

    // Parses a config.json object; throws tessera::Error naming path and key for what is not a
    // DETR config Tessera runs (a learned position embedding, a Hugging Face (non-timm) ResNet
    // backbone, values out of range).
    static DetrConfig fromJson(const std::string &jsonText, const std::string &path);
    static DetrConfig fromFile(const std::string &path);
};

// A DETR checkpoint folder? (config.json's model_type is "detr".) Never throws.
bool isDetrModel(const std::string &folder);
// Loads config.json and model.safetensors; every weight's shape is checked against the config
// before anything runs (errors name the file and key). loadModel() calls this for DETR folders.
std::unique_ptr<Model> loadDetrModel(const std::string &folder, JobContext *context = nullptr);
// Every weight DetrForObjectDetection has for a config (its backbone a known timm name:
// resnet18, 26, 34, 50, 101, 152) and classes (no-object excluded), with its shape, under the
// checkpoint's keys. Throws tessera::Error for an unknown backbone.
std::vector<std::pair<std::string, std::vector<int64_t>>> detrWeightShapes(const DetrConfig &config, int64_t classes);
// The parsed config of a model loadDetrModel made. Throws tessera::Error for other models.
const DetrConfig &detrConfig(const Model &model);

// DetrImageProcessor: resize so the shortest edge is shortestEdge unless the longest would then
// pass longestEdge (transformers' get_size_with_aspect_ratio, integer truncation included),
// rescale by 1/255, normalise with the ImageNet mean and std. A single image needs no padding:
// its pixel_mask is all ones.
struct DetrPreprocessing {
    bool resize = true;
    int64_t shortestEdge = 800;
    int64_t longestEdge = 1333;
    bool rescale = true;
    double rescaleFactor = 1.0 / 255.0;
    bool normalize = true;
    std::vector<double> mean{0.485, 0.456, 0.406};
    std::vector<double> std{0.229, 0.224, 0.225};

    // preprocessor_config.json ("size": {"shortest_edge", "longest_edge"} or the older "size" +
    // "max_size"); throws tessera::Error naming the file and key.
    static DetrPreprocessing fromFile(const std::string &path);
    // The folder's preprocessor_config.json, or the defaults above when it has none.
    static DetrPreprocessing forModel(const std::string &folder);
};

// (height, width) after the resize, as get_size_with_aspect_ratio computes it.
std::pair<int64_t, int64_t> resizedSize(int64_t height, int64_t width, int64_t shortestEdge, int64_t longestEdge);

struct DetrInput {
    Image8 resized;          // RGB at the size the model sees
    FloatTensor pixelValues; // [1, 3, H, W]
    IntTensor pixelMask;     // [1, H, W], ones
};
// An RGB (or grey, converted) image through the processor. The resize is bilinear (OpenCV);
// PIL, which transformers uses, also low-pass filters when it shrinks, so photos much larger
// than 800 pixels differ slightly in pixel values (boxes are unaffected in practice).
DetrInput detrPreprocess(const Image8 &image, const DetrPreprocessing &preprocessing);

// One detection of post_process_object_detection: softmax over classes, no-object dropped,
// the best remaining class; the box in pixels of the original image.
struct Detection {
    int64_t query = 0;
    int64_t label = 0;
    std::string name; // id2label, or "class N"
    double score = 0.0;
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
// The detections of logits [1, Q, C + 1] and pred_boxes [1, Q, 4] for an image width x height:
// those with score > threshold, in query order (threshold 0: every query, as transformers returns
// them). Throws tessera::Error for shapes that do not fit.
std::vector<Detection> postProcess(const FloatTensor &logits, const FloatTensor &predBoxes, int64_t width,
                                   int64_t height, const std::vector<std::string> &labels, double threshold = 0.0);

// Each query's class distribution [Q, C + 1] (softmax of logits [1, Q, C + 1]; the last column
// is no-object).
Matrix classProbabilities(const FloatTensor &logits);

// DETR's 2-D sine position embedding (normalised, temperature 10000, scale 2 pi) of a mask
// [h, w] of ones and zeros -> [d, h, w]: channels 0 .. d/2 - 1 encode y, d/2 .. d - 1 encode x,
// sine and cosine interleaved. Throws tessera::Error for odd d or an empty mask.
FloatTensor sinePositionEmbedding(const std::vector<uint8_t> &mask, int64_t height, int64_t width, int64_t d);

// Ground truth for the matcher from a COCO-style annotation file: {"images": [{"id",
// "file_name", "width", "height"}], "annotations": [{"image_id", "category_id", "bbox": [x, y,
// w, h]}], "categories": [{"id", "name"}]}. The image is the one whose file_name ends with
// imageName (the first image when imageName is empty or when the file has one image); its
// width and height come from the file, else from the arguments. A category becomes the model's
// class of the same name, else the class whose index is its id. Throws tessera::Error naming
// the file and the entry for what does not fit (an unknown category, a box outside the image).
struct GroundTruth {
    std::vector<int64_t> labels; // model class per box
    Matrix boxes;                // [n, 4] (cx, cy, w, h) in [0, 1]
    std::string image;           // the file_name used
};
GroundTruth readCocoAnnotations(const std::string &path, const std::string &imageName, int64_t width, int64_t height,
                                const std::vector<std::string> &labels);

// Synthetic scenes of the detr-shapes recipe: size x size RGB on a random background with 1 to
// maxObjects shapes of random colour (classes "rectangle", "ellipse", "triangle"), 12 to 40%
// of the side, overlapping each other by at most IoU 0.2, with their exact boxes (the pixels a
// shape covers span its box). The same (seed, index) always gives the same scene.
const std::vector<std::string> &shapeClasses();
struct ShapesScene {
    Image8 image;
    std::vector<int64_t> labels; // index into shapeClasses()
    Matrix boxes;                // [n, 4] (cx, cy, w, h) in [0, 1]
};
ShapesScene shapesScene(uint64_t seed, int64_t index, int64_t size = 128, int64_t maxObjects = 3);

// Mean average precision at an IoU threshold (PASCAL VOC's all-point interpolation): per class,
// detections of every image in falling score order are true positives when they overlap a
// still-unmatched ground-truth box of their class by at least the threshold; AP is the area
// under the precision envelope against recall; the mean is over the classes with ground truth.
// Boxes (x0, y0, x1, y1) in any common unit.
struct ScoredBox {
    int64_t label = 0;
    double score = 0.0;
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
double meanAveragePrecision(const std::vector<std::vector<ScoredBox>> &detections,
                            const std::vector<std::vector<ScoredBox>> &truths, double iouThreshold = 0.5);

} // namespace tessera::detr
