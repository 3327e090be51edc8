// The detr-shapes recipe: a small DETR learns to find rectangles, ellipses and triangles in
// synthetic scenes, with DETR's set loss (Hungarian matching of every decoder layer's outputs,
// class cross-entropy with no-object weight 0.1, L1 and GIoU box losses with weights 1 / 5 / 2),
// on the training studio's machinery. The scenes, their exact boxes and mean average precision
// are here too. The recipe's snapshots are its weights (snapshotTensors), read back as a model by
// its row's snapshotModel.

#include "tessera/core/Detr.h"
#include "tessera/core/Error.h"
#include "tessera/core/Matching.h"
#include "tessera/core/Safetensors.h"

#include "models/detr/DetrNetwork.h"
#include "../TorchTensors.h"
#include "TrainingInternal.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace tessera::detr {

const std::vector<std::string> &shapeClasses()
{
    static const std::vector<std::string> names{"rectangle", "ellipse", "triangle"};
    return names;
}

ShapesScene shapesScene(uint64_t seed, int64_t index, int64_t size, int64_t maxObjects)
{
    if (size < 16 || size > 4096 || maxObjects < 1 || maxObjects > 64)
        throw Error("a shapes scene needs a size from 16 to 4096 and 1 to 64 objects");
    std::mt19937_64 random(seed * 0x9E3779B97F4A7C15ull + uint64_t(index) * 0xBF58476D1CE4E5B9ull +
                           0x94D049BB133111EBull);
    auto integer = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(random); };
    // A background and shape colours far enough apart to be seen.
    const cv::Vec3b background(uint8_t(integer(0, 255)), uint8_t(integer(0, 255)), uint8_t(integer(0, 255)));
    const int side = int(size);
    cv::Mat mat(side, side, CV_8UC3, cv::Scalar(background[0], background[1], background[2]));
    const int64_t count = integer(1, maxObjects);
    std::vector<std::array<int64_t, 4>> placed; // x0, y0, x1, y1 (inclusive pixels)
    ShapesScene scene;
    std::vector<std::array<float, 4>> boxes;
    for (int64_t n = 0; n < count; ++n) {
        for (int attempt = 0; attempt < 30; ++attempt) {
            const int64_t w = integer(int64_t(0.12 * double(size)), int64_t(0.4 * double(size)));
            const int64_t h = integer(int64_t(0.12 * double(size)), int64_t(0.4 * double(size)));
            const int64_t x0 = integer(0, size - w), y0 = integer(0, size - h), x1 = x0 + w - 1, y1 = y0 + h - 1;
            bool overlaps = false;
            for (const auto &p : placed) {
                const double ix = double(std::max<int64_t>(0, std::min(x1, p[2]) - std::max(x0, p[0]) + 1));
                const double iy = double(std::max<int64_t>(0, std::min(y1, p[3]) - std::max(y0, p[1]) + 1));
                const double inter = ix * iy, areaP = double((p[2] - p[0] + 1) * (p[3] - p[1] + 1));
                overlaps = overlaps || inter / (double(w * h) + areaP - inter) > 0.2;
            }
            if (overlaps)
                continue;
            cv::Scalar colour;
            do
                colour = cv::Scalar(double(integer(0, 255)), double(integer(0, 255)), double(integer(0, 255)));
            while (std::abs(colour[0] - background[0]) + std::abs(colour[1] - background[1]) +
                       std::abs(colour[2] - background[2]) <
                   150);
            const int64_t label = integer(0, 2);
            if (label == 0) {
                cv::rectangle(mat, cv::Point(int(x0), int(y0)), cv::Point(int(x1), int(y1)), colour, cv::FILLED,
                              cv::LINE_8);
            } else if (label == 1) {
                // The ellipse inscribed in the box; its four extreme pixels are set explicitly, so that the
                // shape's pixels span exactly the box whatever the rounding at its edges.
                std::vector<cv::Point> points;
                const double cx = double(x0 + x1) / 2.0, cy = double(y0 + y1) / 2.0, a = double(w) / 2.0,
                             b = double(h) / 2.0;
                for (int64_t y = y0; y <= y1; ++y)
                    for (int64_t x = x0; x <= x1; ++x) {
                        const double dx = (double(x) - cx) / a, dy = (double(y) - cy) / b;
                        if (dx * dx + dy * dy <= 1.0 + 1e-9 || (y == (y0 + y1) / 2 && (x == x0 || x == x1)) ||
                            (x == (x0 + x1) / 2 && (y == y0 || y == y1)))
                            mat.at<cv::Vec3b>(int(y), int(x)) =
                                cv::Vec3b(uint8_t(colour[0]), uint8_t(colour[1]), uint8_t(colour[2]));
                    }
            } else {
                const int64_t apex = integer(x0, x1);
                const cv::Point triangle[3] = {cv::Point(int(apex), int(y0)), cv::Point(int(x0), int(y1)),
                                               cv::Point(int(x1), int(y1))};
                cv::fillConvexPoly(mat, triangle, 3, colour, cv::LINE_8);
            }
            placed.push_back({x0, y0, x1, y1});
            scene.labels.push_back(label);
            // The pixels x0 .. x1 cover [x0, x1 + 1) of the image's width.
            boxes.push_back({float((double(x0) + double(w) / 2.0) / double(size)),
                             float((double(y0) + double(h) / 2.0) / double(size)), float(double(w) / double(size)),
                             float(double(h) / double(size))});
            break;
        }
    }
    scene.image.width = scene.image.height = size;
    scene.image.channels = 3;
    scene.image.pixels.assign(mat.data, mat.data + size * size * 3);
    scene.boxes = Matrix(int64_t(boxes.size()), 4);
    for (size_t i = 0; i < boxes.size(); ++i)
        for (int k = 0; k < 4; ++k)
            scene.boxes.at(int64_t(i), k) = boxes[i][size_t(k)];
    return scene;
}

double meanAveragePrecision(const std::vector<std::vector<ScoredBox>> &detections,
                            const std::vector<std::vector<ScoredBox>> &truths, double iouThreshold)
{
    if (detections.size() != truths.size())
        throw Error("detections and ground truth must cover the same images");
    auto iou = [](const ScoredBox &a, const ScoredBox &b) {
        const double ix = std::max(0.0, std::min(a.x1, b.x1) - std::max(a.x0, b.x0));
        const double iy = std::max(0.0, std::min(a.y1, b.y1) - std::max(a.y0, b.y0));
        const double inter = ix * iy;
        const double uni = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
        return uni > 0.0 ? inter / uni : 0.0;
    };
    std::map<int64_t, int64_t> truthCount;
    for (const auto &image : truths)
        for (const ScoredBox &t : image)
            ++truthCount[t.label];
    if (truthCount.empty())
        throw Error("no ground truth: average precision is undefined");
    double sum = 0.0;
    for (const auto &[label, total] : truthCount) {
        struct Candidate {
            double score;
            size_t image;
            const ScoredBox *box;
        };
        std::vector<Candidate> candidates;
        for (size_t i = 0; i < detections.size(); ++i)
            for (const ScoredBox &d : detections[i])
                if (d.label == label)
                    candidates.push_back({d.score, i, &d});
        std::stable_sort(candidates.begin(), candidates.end(),
                         [](const Candidate &a, const Candidate &b) { return a.score > b.score; });
        std::vector<std::vector<bool>> used(truths.size());
        for (size_t i = 0; i < truths.size(); ++i)
            used[i].assign(truths[i].size(), false);
        std::vector<double> precision, recall;
        int64_t truePositives = 0, seen = 0;
        for (const Candidate &c : candidates) {
            ++seen;
            double best = iouThreshold;
            int64_t match = -1;
            for (size_t t = 0; t < truths[c.image].size(); ++t) {
                const ScoredBox &truth = truths[c.image][t];
                if (truth.label != label || used[c.image][t])
                    continue;
                const double overlap = iou(*c.box, truth);
                if (overlap >= best) {
                    best = overlap;
                    match = int64_t(t);
                }
            }
            if (match >= 0) {
                used[c.image][size_t(match)] = true;
                ++truePositives;
            }
            precision.push_back(double(truePositives) / double(seen));
            recall.push_back(double(truePositives) / double(total));
        }
        // All-point interpolation: the precision envelope (the best precision at any recall
        // at or beyond), integrated over recall.
        for (size_t i = precision.size(); i-- > 1;)
            precision[i - 1] = std::max(precision[i - 1], precision[i]);
        double ap = 0.0, previousRecall = 0.0;
        for (size_t i = 0; i < precision.size(); ++i) {
            ap += (recall[i] - previousRecall) * precision[i];
            previousRecall = recall[i];
        }
        sum += ap;
    }
    return sum / double(truthCount.size());
}

} // namespace tessera::detr

namespace tessera::detail {
namespace {

using detr::detail::DetrPredictions;
using detr::detail::differentiableForward;

constexpr int64_t kSceneSize = 128;
constexpr int64_t kMaxObjects = 3;
constexpr double kNoObjectWeight = 0.1; // DETR's eos_coef

// Pairwise GIoU of matched boxes [n, 4] (cx, cy, w, h) -> [n], differentiable.
torch::Tensor pairedGiou(const torch::Tensor &a, const torch::Tensor &b)
{
    auto corners = [](const torch::Tensor &c) {
        return torch::stack({c.select(1, 0) - c.select(1, 2) / 2, c.select(1, 1) - c.select(1, 3) / 2,
                             c.select(1, 0) + c.select(1, 2) / 2, c.select(1, 1) + c.select(1, 3) / 2},
                            1);
    };
    const torch::Tensor p = corners(a), q = corners(b);
    const torch::Tensor areaP = (p.select(1, 2) - p.select(1, 0)) * (p.select(1, 3) - p.select(1, 1));
    const torch::Tensor areaQ = (q.select(1, 2) - q.select(1, 0)) * (q.select(1, 3) - q.select(1, 1));
    const torch::Tensor iw =
        (torch::min(p.select(1, 2), q.select(1, 2)) - torch::max(p.select(1, 0), q.select(1, 0))).clamp_min(0);
    const torch::Tensor ih =
        (torch::min(p.select(1, 3), q.select(1, 3)) - torch::max(p.select(1, 1), q.select(1, 1))).clamp_min(0);
    const torch::Tensor inter = iw * ih, uni = areaP + areaQ - inter;
    const torch::Tensor ew = torch::max(p.select(1, 2), q.select(1, 2)) - torch::min(p.select(1, 0), q.select(1, 0));
    const torch::Tensor eh = torch::max(p.select(1, 3), q.select(1, 3)) - torch::min(p.select(1, 1), q.select(1, 1));
    const torch::Tensor enclosing = ew * eh;
    return inter / uni.clamp_min(1e-9) - (enclosing - uni) / enclosing.clamp_min(1e-9);
}

class DetrShapes : public Recipe {
public:
    explicit DetrShapes(const TrainingOptions &o) : m_options(o)
    {
        m_detr.dModel = o.hidden;
        m_detr.encoderLayers = m_detr.decoderLayers = o.layers;
        m_detr.encoderHeads = m_detr.decoderHeads = o.heads;
        m_detr.encoderFfn = m_detr.decoderFfn = 2 * o.hidden;
        m_detr.queries = o.sequenceLength;
        m_detr.backbone = detr::kTesseraBackbone;
        m_detr.backboneBlock = "basic";
        m_detr.backboneDepths = {1, 1, 1, 1};
        m_detr.backboneWidths = {16, 32, 64, 128};
        m_detr.labels = detr::shapeClasses();
        if (o.sequenceLength < kMaxObjects)
            throw Error("detr-shapes needs at least " + std::to_string(kMaxObjects) + " object queries (--length)");
        m_shapes = detr::detrWeightShapes(m_detr, classes());
        nlohmann::json labels, ids;
        for (size_t i = 0; i < m_detr.labels.size(); ++i) {
            labels[std::to_string(i)] = m_detr.labels[i];
            ids[m_detr.labels[i]] = i;
        }
        m_json = {{"architectures", {"DetrForObjectDetection"}},
                  {"model_type", "detr"},
                  {"_note", "Trained by Tessera's detr-shapes recipe. The backbone is Tessera's small ResNet "
                            "(tessera-resnet: BasicBlock, the depths and widths below), which timm does not know, so "
                            "transformers cannot rebuild it; everything else is DetrForObjectDetection's layout."},
                  {"backbone_config",
                   {{"model_type", "timm_backbone"},
                    {"backbone", detr::kTesseraBackbone},
                    {"tessera_block", "basic"},
                    {"tessera_depths", m_detr.backboneDepths},
                    {"tessera_widths", m_detr.backboneWidths},
                    {"out_indices", {1, 2, 3, 4}}}},
                  {"d_model", m_detr.dModel},
                  {"encoder_layers", m_detr.encoderLayers},
                  {"decoder_layers", m_detr.decoderLayers},
                  {"encoder_attention_heads", m_detr.encoderHeads},
                  {"decoder_attention_heads", m_detr.decoderHeads},
                  {"encoder_ffn_dim", m_detr.encoderFfn},
                  {"decoder_ffn_dim", m_detr.decoderFfn},
                  {"num_queries", m_detr.queries},
                  {"activation_function", "relu"},
                  {"position_embedding_type", "sine"},
                  {"dilation", false},
                  {"auxiliary_loss", true},
                  {"class_cost", 1},
                  {"bbox_cost", 5},
                  {"giou_cost", 2},
                  {"bbox_loss_coefficient", 5},
                  {"giou_loss_coefficient", 2},
                  {"eos_coefficient", kNoObjectWeight},
                  {"id2label", labels},
                  {"label2id", ids},
                  {"dtype", "float32"}};
    }

    int64_t classes() const { return int64_t(m_detr.labels.size()); }

    ModelConfig config(const TrainingOptions &o) const override
    {
        ModelConfig c;
        c.modelType = "detr";
        c.architecture = "DetrForObjectDetection";
        c.hiddenSize = o.hidden;
        c.layers = o.layers;
        c.heads = o.heads;
        c.intermediateSize = 2 * o.hidden;
        c.activation = "relu";
        c.labels = m_detr.labels;
        c.imageSize = kSceneSize;
        return c;
    }

    // Scenes step * size .. of the training stream, or of the held-out stream (another seed).
    Batch batch(int64_t step, bool heldOut, int64_t size) const override
    {
        const uint64_t seed = m_options.seed * 2 + (heldOut ? 1 : 0) + 0x5eedull;
        torch::Tensor pixels = torch::empty({size, 3, kSceneSize, kSceneSize});
        torch::Tensor targets = torch::full({size, kMaxObjects, 5}, -1.0f);
        const float mean[3] = {0.485f, 0.456f, 0.406f}, deviation[3] = {0.229f, 0.224f, 0.225f};
        float *p = pixels.data_ptr<float>();
        float *t = targets.data_ptr<float>();
        for (int64_t b = 0; b < size; ++b) {
            const detr::ShapesScene scene = detr::shapesScene(seed, step * size + b, kSceneSize, kMaxObjects);
            for (int64_t c = 0; c < 3; ++c)
                for (int64_t i = 0; i < kSceneSize * kSceneSize; ++i)
                    p[(b * 3 + c) * kSceneSize * kSceneSize + i] =
                        (float(scene.image.pixels[size_t(i * 3 + c)]) / 255.0f - mean[c]) / deviation[c];
            for (size_t n = 0; n < scene.labels.size(); ++n) {
                float *row = t + (b * kMaxObjects + int64_t(n)) * 5;
                row[0] = float(scene.labels[n]);
                for (int k = 0; k < 4; ++k)
                    row[k + 1] = scene.boxes.at(int64_t(n), k);
            }
        }
        Batch result;
        result.inputs.floats["pixel_values"] = fromTorch(pixels);
        result.targets = targets;
        return result;
    }

    WeightShapes weightShapes(const ModelConfig &) const override { return m_shapes; }

    // PyTorch's defaults as a fresh DetrForObjectDetection built without a pretrained backbone
    // would have them: convolutions and linear layers uniform in +-1/sqrt(fan_in), batch norms the
    // identity (scale and shift trained; the running statistics follow the batches during
    // training, as nn.BatchNorm2d's, and are what the frozen batch norm of inference uses), layer
    // norms 1 and 0, the query embeddings N(0, 1). From a std::mt19937_64: a seed gives the same
    // model with any LibTorch.
    Weights initialWeights(const ModelConfig &, uint64_t seed) const override
    {
        std::mt19937_64 random = streamFor(seed, 0, 0);
        std::map<std::string, int64_t> fanIn;
        for (const auto &[name, shape] : m_shapes)
            if (shape.size() >= 2)
                fanIn[name.substr(0, name.rfind('.'))] =
                    std::accumulate(shape.begin() + 1, shape.end(), int64_t(1), std::multiplies<int64_t>());
        Weights weights;
        for (const auto &[name, shape] : m_shapes) {
            const std::string layer = name.substr(0, name.rfind('.')), last = name.substr(name.rfind('.') + 1);
            const int64_t count = std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<int64_t>());
            std::vector<float> values(size_t(count), 0.0f);
            bool trainable = true;
            if (name == "model.query_position_embeddings.weight") {
                std::normal_distribution<float> normal(0.0f, 1.0f);
                for (float &v : values)
                    v = normal(random);
            } else if (last == "running_mean" || last == "running_var") {
                trainable = false;
                if (last == "running_var")
                    std::fill(values.begin(), values.end(), 1.0f);
            } else if (const auto fan = fanIn.find(layer); fan != fanIn.end()) {
                const float bound = float(1.0 / std::sqrt(double(fan->second)));
                std::uniform_real_distribution<float> uniform(-bound, bound);
                for (float &v : values)
                    v = uniform(random);
            } else if (last == "weight") { // a norm's scale
                std::fill(values.begin(), values.end(), 1.0f);
            }
            weights[name] = torch::from_blob(values.data(), shape, torch::kFloat32).clone().requires_grad_(trainable);
        }
        return weights;
    }

    std::unique_ptr<Model> model(const ModelConfig &, const Weights &weights, const std::string &folder) const override
    {
        return detr::detail::modelFromWeights(m_detr, weights, classes(), folder);
    }

    // DETR's set loss summed over the decoder layers (the last and the auxiliary ones).
    torch::Tensor setLoss(const DetrPredictions &predictions, const torch::Tensor &targets) const
    {
        const int64_t batch = targets.size(0), queries = m_detr.queries, noObject = classes();
        std::vector<int64_t> labelCounts(size_t(batch), 0);
        int64_t boxes = 0;
        for (int64_t b = 0; b < batch; ++b)
            for (int64_t n = 0; n < kMaxObjects; ++n)
                if (targets[b][n][0].item<float>() >= 0) {
                    ++labelCounts[size_t(b)];
                    ++boxes;
                }
        const double normaliser = double(std::max<int64_t>(boxes, 1));
        std::vector<float> weightValues(size_t(noObject + 1), 1.0f);
        weightValues.back() = float(kNoObjectWeight);
        const torch::Tensor classWeights = torch::tensor(weightValues);
        torch::Tensor total = torch::zeros({});
        for (size_t l = 0; l < predictions.logits.size(); ++l) {
            const torch::Tensor &logits = predictions.logits[l], &predicted = predictions.boxes[l];
            std::vector<int64_t> classTargets(size_t(batch * queries), noObject);
            std::vector<int64_t> matchedPredictions, matchedTargets; // flat indices
            const torch::Tensor detachedLogits = logits.detach().contiguous(),
                                detachedBoxes = predicted.detach().contiguous();
            for (int64_t b = 0; b < batch; ++b) {
                const int64_t count = labelCounts[size_t(b)];
                if (count == 0)
                    continue;
                Matrix l0(queries, noObject + 1), b0(queries, 4), tb(count, 4);
                std::copy_n(detachedLogits[b].data_ptr<float>(), queries * (noObject + 1), l0.values.begin());
                std::copy_n(detachedBoxes[b].data_ptr<float>(), queries * 4, b0.values.begin());
                std::vector<int64_t> labels;
                for (int64_t n = 0; n < count; ++n) {
                    labels.push_back(int64_t(targets[b][n][0].item<float>()));
                    for (int k = 0; k < 4; ++k)
                        tb.at(n, k) = targets[b][n][k + 1].item<float>();
                }
                const matching::Matching m = matching::hungarianMatch(l0, b0, labels, tb, {1.0, 5.0, 2.0});
                for (size_t i = 0; i < m.predictions.size(); ++i) {
                    classTargets[size_t(b * queries + m.predictions[i])] = labels[size_t(m.targets[i])];
                    matchedPredictions.push_back(b * queries + m.predictions[i]);
                    matchedTargets.push_back(b * kMaxObjects + m.targets[i]);
                }
            }
            const torch::Tensor classification = torch::nn::functional::cross_entropy(
                logits.reshape({-1, noObject + 1}), torch::tensor(classTargets),
                torch::nn::functional::CrossEntropyFuncOptions().weight(classWeights));
            torch::Tensor loss = classification;
            if (!matchedPredictions.empty()) {
                const torch::Tensor p = predicted.reshape({-1, 4}).index_select(0, torch::tensor(matchedPredictions));
                const torch::Tensor t =
                    targets.reshape({-1, 5}).index_select(0, torch::tensor(matchedTargets)).slice(1, 1, 5);
                loss =
                    loss + 5.0 * (p - t).abs().sum() / normaliser + 2.0 * (1.0 - pairedGiou(p, t)).sum() / normaliser;
            }
            total = total + loss;
        }
        return total;
    }

    StepOutcome loss(const Model &model, const Batch &batch) const override
    {
        StepOutcome outcome;
        outcome.loss =
            setLoss(differentiableForward(model, toTorch(batch.inputs.floats.at("pixel_values")), true), batch.targets);
        outcome.accuracy = std::nan("");
        return outcome;
    }

    // Held-out: the set loss and AP50 over the evaluation batches' scenes (every query's best class
    // with its score, as DETR is evaluated).
    Evaluation evaluate(const Model &model, int64_t batchSize, JobContext &context) const override
    {
        torch::NoGradGuard noGrad;
        double sum = 0.0;
        std::vector<std::vector<detr::ScoredBox>> detections, truths;
        const int64_t batches = evaluationBatches(batchSize);
        for (int64_t e = 0; e < batches; ++e) {
            context.throwIfCancelled();
            const Batch b = batch(e, true, batchSize);
            const DetrPredictions predictions =
                differentiableForward(model, toTorch(b.inputs.floats.at("pixel_values")));
            sum += setLoss(predictions, b.targets).item<double>();
            const torch::Tensor probabilities = torch::softmax(predictions.logits.back(), -1).contiguous();
            const torch::Tensor boxes = predictions.boxes.back().contiguous();
            for (int64_t i = 0; i < b.targets.size(0); ++i) {
                std::vector<detr::ScoredBox> image, truth;
                for (int64_t q = 0; q < m_detr.queries; ++q) {
                    const int64_t label =
                        std::get<1>(probabilities[i][q].slice(0, 0, classes()).max(0)).item<int64_t>();
                    const float *box = boxes[i][q].data_ptr<float>();
                    image.push_back({label, probabilities[i][q][label].item<double>(), box[0] - box[2] / 2,
                                     box[1] - box[3] / 2, box[0] + box[2] / 2, box[1] + box[3] / 2});
                }
                for (int64_t n = 0; n < kMaxObjects; ++n) {
                    const float *row = b.targets[i][n].data_ptr<float>();
                    if (row[0] >= 0)
                        truth.push_back({int64_t(row[0]), 1.0, row[1] - row[3] / 2, row[2] - row[4] / 2,
                                         row[1] + row[3] / 2, row[2] + row[4] / 2});
                }
                detections.push_back(std::move(image));
                truths.push_back(std::move(truth));
            }
        }
        return {sum / double(batches), detr::meanAveragePrecision(detections, truths, 0.5)};
    }

    std::string accuracyName() const override { return "ap50"; }

    // A detector's snapshot is its weights: the DETR lens runs the user's image (and its
    // matching against the user's ground truth) through the model as it was at this step.
    NamedTensors snapshotTensors(const Model &, const Weights &weights, const Probe &) const override
    {
        NamedTensors tensors;
        for (const auto &[name, tensor] : weights)
            tensors.emplace_back("weights." + name, fromTorch(tensor));
        return tensors;
    }

    void saveModel(const std::string &folder, const ModelConfig &, const Weights &weights) const override
    {
        std::vector<std::pair<std::string, FloatTensor>> tensors;
        for (const auto &[name, shape] : m_shapes)
            tensors.emplace_back(name, fromTorch(weights.at(name)));
        writeJson(folder + "/config.json", m_json);
        writeSafetensors(folder + "/model.safetensors", tensors, {{"format", "pt"}});
        // The scenes are already at the model's size: the processor keeps them so.
        writeJson(folder + "/preprocessor_config.json",
                  {{"image_processor_type", "DetrImageProcessor"},
                   {"do_resize", true},
                   {"size", {{"shortest_edge", kSceneSize}, {"longest_edge", kSceneSize}}},
                   {"do_rescale", true},
                   {"rescale_factor", 1.0 / 255.0},
                   {"do_normalize", true},
                   {"image_mean", {0.485, 0.456, 0.406}},
                   {"image_std", {0.229, 0.224, 0.225}},
                   {"do_pad", true}});
    }

    std::string weightKey(const ModelConfig &, const std::string &name) const override { return name; }

    std::string groupOf(const std::string &name) const override
    {
        if (name.rfind("model.backbone.", 0) == 0)
            return "backbone";
        if (name.rfind("model.encoder.", 0) == 0 || name.rfind("model.input_projection", 0) == 0)
            return "encoder";
        if (name.rfind("model.decoder.", 0) == 0 || name.rfind("model.query_position", 0) == 0)
            return "decoder";
        return "heads";
    }

private:
    TrainingOptions m_options;
    detr::DetrConfig m_detr;
    WeightShapes m_shapes;
    nlohmann::json m_json;
};

// The model of a snapshot of a detr-shapes run: the run's config.json with the snapshot's weights.
std::shared_ptr<const Model> detrSnapshotModel(const std::string &runFolder, const std::string &path,
                                               const std::string &name)
{
    const detr::DetrConfig config = detr::DetrConfig::fromFile(runFolder + "/config.json");
    const Weights weights = readSnapshotWeights(path);
    const auto classifier = weights.find("class_labels_classifier.weight");
    if (classifier == weights.end() || classifier->second.dim() != 2)
        throw Error("this snapshot holds no DETR weights", path);
    return detr::detail::modelFromWeights(config, weights, classifier->second.size(0) - 1, name);
}

} // namespace

std::vector<RecipeRow> detrRecipeRows()
{
    RecipeRow row{
        recipeInfo("detr-shapes", "DETR on synthetic shapes",
                   "A small DETR (a 4-stage ResNet of 16 to 128 channels, 2 + 2 transformer layers, 10 object queries) "
                   "learns to find rectangles, ellipses and triangles in 128 x 128 scenes with DETR's set loss: "
                   "Hungarian matching, no-object class, L1 and GIoU. Held-out AP50 is its accuracy; open the "
                   "result in the DETR lens.",
                   "detr", false, 3000, 32, 1e-3, 2, 64, 4, 10),
        [](const TrainingOptions &o) { return std::make_unique<DetrShapes>(o); }};
    row.snapshotModel = detrSnapshotModel;
    return {row};
}

} // namespace tessera::detail
