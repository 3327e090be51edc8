#include "DetrFigures.h"

#include "tessera/core/Matching.h"
#include "tessera/widgets/BoxImageView.h"
#include "tessera/widgets/CompositeFigure.h"
#include "tessera/widgets/HeatmapView.h"
#include "tessera/widgets/ImageGridView.h"

#include <QCoreApplication>
#include <QImage>

#include <algorithm>
#include <cmath>

namespace tessera::detrlens {
namespace {

constexpr int kPositionChannels = 16; // of y and of x each, spread over the frequencies

QString tr(const char *text)
{
    return QCoreApplication::translate("tessera::detrlens::DetrPanel", text);
}

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

QString percent(double p)
{
    return QString::number(100.0 * p, 'f', 1) + QStringLiteral("%");
}

// A [rows, cols] matrix from a row of a captured attention [1, heads, queries, keys].
MatrixPtr attentionMap(const FloatTensor &attention, int64_t head, int64_t query, int64_t rows, int64_t cols)
{
    auto map = std::make_shared<Matrix>(rows, cols);
    const int64_t heads = attention.shape[1], queries = attention.shape[2], keys = attention.shape[3];
    for (int64_t k = 0; k < keys && k < rows * cols; ++k) {
        double v = 0.0;
        if (head < 0) { // mean of the heads
            for (int64_t h = 0; h < heads; ++h)
                v += attention.values[size_t((h * queries + query) * keys + k)];
            v /= double(heads);
        } else {
            v = attention.values[size_t((head * queries + query) * keys + k)];
        }
        map->values[size_t(k)] = float(v);
    }
    return map;
}

// CSV of the cost parts: one row per (query, target) pair.
widgets::FigureTable costTable(const matching::Matching &m)
{
    widgets::FigureTable table;
    table.columnNames = {"query", "target", "total", "class", "l1", "giou", "matched"};
    table.columns.assign(7, {});
    for (int64_t q = 0; q < m.total.rows; ++q)
        for (int64_t t = 0; t < m.total.cols; ++t) {
            bool matched = false;
            for (size_t i = 0; i < m.predictions.size(); ++i)
                matched = matched || (m.predictions[i] == q && m.targets[i] == t);
            const double row[7] = {double(q),          double(t),           m.total.at(q, t),   m.classCost.at(q, t),
                                   m.boxCost.at(q, t), m.giouCost.at(q, t), matched ? 1.0 : 0.0};
            for (int c = 0; c < 7; ++c)
                table.columns[size_t(c)].push_back(row[c]);
        }
    return table;
}

MatrixPtr costMatrix(const matching::CostMatrix &c)
{
    auto m = std::make_shared<Matrix>(c.rows, c.cols);
    for (size_t i = 0; i < c.values.size(); ++i)
        m->values[i] = float(c.values[i]);
    return m;
}

} // namespace

QString className(const Model *model, int64_t label)
{
    const std::vector<std::string> &labels = model ? model->info().config.labels : std::vector<std::string>{};
    return label >= 0 && size_t(label) < labels.size() ? text(labels[size_t(label)]) : tr("class %1").arg(label);
}

QVector<int> showBoxes(widgets::BoxImageView &view, const DetrAnalysis &analysis, double threshold,
                       const QStringList &hidden, int query)
{
    QVector<int> boxQueries;
    QVector<widgets::DrawnBox> boxes;
    widgets::FigureTable table;
    table.columnNames = {"query", "label", "score", "x0", "y0", "x1", "y1"};
    table.columns.assign(7, {});
    for (const detr::Detection &d : analysis.detections) {
        if (!(d.score > threshold) || hidden.contains(text(d.name)))
            continue;
        widgets::DrawnBox box;
        box.box = QRectF(QPointF(d.x0, d.y0), QPointF(d.x1, d.y1));
        box.color = widgets::categoryColor(int(d.label));
        box.label = QStringLiteral("%1 %2").arg(text(d.name)).arg(d.score, 0, 'f', 2);
        box.tooltip = tr("query %1 \u00b7 %2 %3").arg(d.query).arg(text(d.name), percent(d.score));
        box.highlighted = d.query == query;
        boxes << box;
        boxQueries << int(d.query);
        const double row[7] = {double(d.query), double(d.label), d.score, d.x0, d.y0, d.x1, d.y1};
        for (int c = 0; c < 7; ++c)
            table.columns[size_t(c)].push_back(row[c]);
    }
    view.setBoxes(boxes);
    view.setTable(table);
    view.setFigureTitle(tr("DETR detections above %1").arg(threshold, 0, 'f', 2));
    view.setFootnote(
        tr("%1 of %2 object queries above the threshold%3; no NMS: each query predicts one box or no-object")
            .arg(boxes.size())
            .arg(analysis.detections.size())
            .arg(hidden.isEmpty() ? QString() : tr(", %1 classes hidden").arg(hidden.size())));
    return boxQueries;
}

void showQuery(widgets::ImageGridView &queries, widgets::HeatmapView &classes, const Model &model,
               const DetrAnalysis &analysis, int query)
{
    const DetrAnalysis &a = analysis;
    const detr::DetrConfig &d = detr::detrConfig(model);
    const int64_t q = std::clamp<int64_t>(query, 0, d.queries - 1);
    const QImage image = widgets::imageFromPixels(a.input.resized);
    QVector<widgets::ImageTile> tiles;
    widgets::FigureTable table;
    table.columnNames = {"layer", "head", "row", "column", "attention"};
    table.columns.assign(5, {});
    for (int64_t l = 0; l < d.decoderLayers; ++l) {
        const FloatTensor &cross = a.outputs.at("cross_attentions." + std::to_string(l));
        for (int64_t h = -1; h < d.decoderHeads; ++h) {
            widgets::ImageTile tile;
            tile.image = image;
            tile.overlay = attentionMap(cross, h, q, a.gridHeight, a.gridWidth);
            tile.caption = h < 0 ? tr("layer %1 \u00b7 mean").arg(l) : tr("layer %1 \u00b7 head %2").arg(l).arg(h);
            for (int64_t i = 0; i < a.gridHeight * a.gridWidth; ++i) {
                const double row[5] = {double(l), double(h), double(i / a.gridWidth), double(i % a.gridWidth),
                                       double(tile.overlay->values[size_t(i)])};
                for (int c = 0; c < 5; ++c)
                    table.columns[size_t(c)].push_back(row[c]);
            }
            tiles << tile;
        }
    }
    const detr::Detection &det = a.detections[size_t(q)];
    const double noObject = a.probabilities.at(q, a.probabilities.cols - 1);
    queries.setTiles(tiles, int(d.decoderHeads + 1));
    queries.setOverlayStyle(widgets::ColorMap::Viridis, 0.6);
    queries.setColorBarTitle(tr("cross-attention"));
    queries.setTable(table);
    queries.setFigureTitle(
        tr("Object query %1: %2 %3, no-object %4, box (%5, %6)\u2013(%7, %8) \u00b7 cross-attention per "
           "decoder layer and head")
            .arg(q)
            .arg(text(det.name), percent(det.score), percent(noObject))
            .arg(int(det.x0))
            .arg(int(det.y0))
            .arg(int(det.x1))
            .arg(int(det.y1)));

    QStringList rows, columns;
    for (int64_t i = 0; i < a.probabilities.rows; ++i)
        rows << QString::number(i);
    for (int64_t c = 0; c + 1 < a.probabilities.cols; ++c)
        columns << className(&model, c);
    columns << tr("no object");
    classes.setMatrix(std::make_shared<Matrix>(a.probabilities), rows, columns);
    classes.setCsvHeader(columns);
    classes.setValueRange(0.0, 1.0);
    classes.setFigureTitle(tr("Class distribution of every object query (softmax, no-object last)"));
    classes.selectCell(int(q), int(det.label));
}

void showEncoder(widgets::ImageGridView &view, const Model &model, const DetrAnalysis &analysis, int layerChoice,
                 const QString &head, int pointRow, int pointColumn)
{
    const DetrAnalysis &a = analysis;
    const detr::DetrConfig &d = detr::detrConfig(model);
    const int64_t layer = std::clamp<int64_t>(layerChoice, 0, d.encoderLayers - 1);
    const FloatTensor &attention = a.outputs.at("encoder_attentions." + std::to_string(layer));
    const int64_t point = int64_t(pointRow) * a.gridWidth + pointColumn;
    const QImage image = widgets::imageFromPixels(a.input.resized);
    QVector<widgets::ImageTile> tiles;
    widgets::FigureTable table;
    table.columnNames = {"head", "row", "column", "attention"};
    table.columns.assign(4, {});
    for (int64_t h = -1; h < d.encoderHeads; ++h) {
        if (head != "all" && head.toLongLong() != h)
            continue;
        widgets::ImageTile tile;
        tile.image = image;
        tile.overlay = attentionMap(attention, h, point, a.gridHeight, a.gridWidth);
        tile.gridRows = int(a.gridHeight);
        tile.gridColumns = int(a.gridWidth);
        tile.marked = QPoint(pointColumn, pointRow);
        tile.caption = h < 0 ? tr("mean of the heads") : tr("head %1").arg(h);
        for (int64_t i = 0; i < a.gridHeight * a.gridWidth; ++i) {
            const double row[4] = {double(h), double(i / a.gridWidth), double(i % a.gridWidth),
                                   double(tile.overlay->values[size_t(i)])};
            for (int c = 0; c < 4; ++c)
                table.columns[size_t(c)].push_back(row[c]);
        }
        tiles << tile;
    }
    view.setTiles(tiles);
    view.setOverlayStyle(widgets::ColorMap::Magma, 0.65);
    view.setColorBarTitle(tr("self-attention"));
    view.setTable(table);
    view.setFigureTitle(tr("Encoder layer %1: where the feature at row %2, column %3 (outlined) attends \u00b7 "
                           "grid %4 \u00d7 %5 (stride 32)")
                            .arg(layer)
                            .arg(pointRow)
                            .arg(pointColumn)
                            .arg(a.gridHeight)
                            .arg(a.gridWidth));
}

void showPosition(widgets::ImageGridView &view, int64_t dModel, int64_t rows, int64_t cols)
{
    const int64_t half = dModel / 2;
    const FloatTensor pe =
        detr::sinePositionEmbedding(std::vector<uint8_t>(size_t(rows * cols), 1), rows, cols, dModel);
    const int64_t step = std::max<int64_t>(1, half / kPositionChannels);
    QVector<widgets::ImageTile> tiles;
    widgets::FigureTable table;
    table.columnNames = {"channel", "row", "column", "value"};
    table.columns.assign(4, {});
    for (int axis = 0; axis < 2; ++axis)
        for (int64_t k = 0; k < half; k += step) {
            // Pairs (sin, cos) share a frequency: show the sine of every step-th pair and its cosine.
            const int64_t channel = axis * half + k;
            widgets::ImageTile tile;
            auto map = std::make_shared<Matrix>(rows, cols);
            std::copy_n(pe.values.begin() + long(channel * rows * cols), rows * cols, map->values.begin());
            tile.overlay = map;
            tile.caption =
                tr("%1 \u00b7 ch %2 %3").arg(axis == 0 ? "y" : "x").arg(channel).arg(k % 2 == 0 ? "sin" : "cos");
            for (int64_t i = 0; i < rows * cols; ++i) {
                const double row[4] = {double(channel), double(i / cols), double(i % cols),
                                       double(map->values[size_t(i)])};
                for (int c = 0; c < 4; ++c)
                    table.columns[size_t(c)].push_back(row[c]);
            }
            tiles << tile;
        }
    view.setTiles(tiles, int(std::min<int64_t>(8, tiles.size())));
    view.setOverlayStyle(widgets::ColorMap::Diverging, 1.0, -1.0, 1.0);
    view.setColorBarTitle(tr("value"));
    view.setTable(table);
    view.setFigureTitle(tr("2-D sine position encoding on the %1 \u00d7 %2 feature grid: %3 of %4 channels "
                           "(first half y, second half x; frequency falls with the channel)")
                            .arg(rows)
                            .arg(cols)
                            .arg(tiles.size())
                            .arg(dModel));
}

QString showMatching(widgets::BoxImageView &matchingView, widgets::CompositeFigure &costView,
                     widgets::HeatmapView *const (&costParts)[4], const Model &model, const DetrAnalysis &analysis,
                     const Targets &truth, double w, double h)
{
    const int64_t targets = int64_t(truth.boxes.size());
    QVector<widgets::DrawnBox> boxes;
    for (int64_t t = 0; t < targets; ++t) {
        const auto &b = truth.boxes[size_t(t)];
        widgets::DrawnBox box;
        box.box = QRectF(QPointF((b[0] - b[2] / 2) * w, (b[1] - b[3] / 2) * h),
                         QPointF((b[0] + b[2] / 2) * w, (b[1] + b[3] / 2) * h));
        box.color = widgets::categoryColor(int(truth.labels[size_t(t)]));
        box.dashed = true;
        box.label = tr("GT %1 %2").arg(t).arg(className(&model, truth.labels[size_t(t)]));
        box.tooltip = tr("ground truth %1: %2").arg(t).arg(className(&model, truth.labels[size_t(t)]));
        boxes << box;
    }
    if (targets == 0) {
        matchingView.setBoxes(boxes);
        matchingView.setFigureTitle(tr("Hungarian matching"));
        matchingView.setFootnote(
            tr("Draw ground-truth boxes (Draw boxes, then drag) or load a COCO JSON: each is matched "
               "to exactly one query; every other query should say no-object."));
        return {};
    }
    const detr::DetrConfig &d = detr::detrConfig(model);
    const matching::MatcherWeights weights{d.classCost, d.boxCost, d.giouCost};
    const FloatTensor &logits = analysis.outputs.at("logits"), &predBoxes = analysis.outputs.at("pred_boxes");
    const Matrix logitMatrix = logits.toMatrix(), boxMatrix = predBoxes.toMatrix();
    Matrix targetMatrix(targets, 4);
    for (int64_t t = 0; t < targets; ++t)
        for (int k = 0; k < 4; ++k)
            targetMatrix.at(t, k) = truth.boxes[size_t(t)][size_t(k)];
    matching::Matching m;
    matching::SetLoss loss;
    try {
        m = matching::hungarianMatch(logitMatrix, boxMatrix, truth.labels, targetMatrix, weights);
        loss = matching::setLoss(logitMatrix, boxMatrix, truth.labels, targetMatrix, m, 0.1, weights);
    } catch (const std::exception &e) {
        return QString::fromUtf8(e.what());
    }
    QVector<widgets::BoxLink> links;
    for (size_t i = 0; i < m.predictions.size(); ++i) {
        const detr::Detection &det = analysis.detections[size_t(m.predictions[i])];
        widgets::DrawnBox box;
        box.box = QRectF(QPointF(det.x0, det.y0), QPointF(det.x1, det.y1));
        box.color = widgets::categoryColor(int(truth.labels[size_t(m.targets[i])]));
        const double p = analysis.probabilities.at(m.predictions[i], truth.labels[size_t(m.targets[i])]);
        box.label = tr("q%1 %2").arg(m.predictions[i]).arg(p, 0, 'f', 2);
        box.tooltip = tr("query %1 matched to ground truth %2 (cost %3)")
                          .arg(m.predictions[i])
                          .arg(m.targets[i])
                          .arg(m.total.at(m.predictions[i], m.targets[i]), 0, 'f', 3);
        boxes << box;
        links << widgets::BoxLink{int(boxes.size() - 1), int(m.targets[i]), QString()};
    }
    matchingView.setBoxes(boxes, links);
    matchingView.setTable(costTable(m));
    matchingView.setFigureTitle(
        tr("Hungarian matching: %1 ground-truth boxes, %2 queries").arg(targets).arg(d.queries));
    matchingView.setFootnote(
        tr("Matched losses: classification %1 (no-object weight 0.1) \u00b7 L1 %2 \u00b7 GIoU %3 \u00b7 "
           "total %4 = %5 \u00d7 class + %6 \u00d7 L1 + %7 \u00d7 GIoU")
            .arg(loss.classification, 0, 'f', 4)
            .arg(loss.l1, 0, 'f', 4)
            .arg(loss.giou, 0, 'f', 4)
            .arg(loss.total, 0, 'f', 4)
            .arg(weights.classWeight)
            .arg(weights.boxWeight)
            .arg(weights.giouWeight));

    QStringList rows, columns;
    for (int64_t q = 0; q < m.total.rows; ++q)
        rows << QString::number(q);
    for (int64_t t = 0; t < targets; ++t)
        columns << tr("%1 %2").arg(t).arg(className(&model, truth.labels[size_t(t)]));
    const matching::CostMatrix *parts[4] = {&m.total, &m.classCost, &m.boxCost, &m.giouCost};
    const QString titles[4] = {tr("Total cost (the assignment has the least sum)"),
                               tr("Class part \u2212p(class), weight %1").arg(weights.classWeight),
                               tr("L1 part of (cx, cy, w, h), weight %1").arg(weights.boxWeight),
                               tr("GIoU part \u2212GIoU, weight %1").arg(weights.giouWeight)};
    for (int i = 0; i < 4; ++i) {
        costParts[i]->setMatrix(costMatrix(*parts[i]), rows, columns);
        costParts[i]->setFigureTitle(titles[i]);
        costParts[i]->setValueName(i == 0 ? tr("cost") : tr("unweighted"));
    }
    costView.setFigureTitle(tr("Matching cost: %1 queries \u00d7 %2 targets; the assignment minimises the total")
                                .arg(m.total.rows)
                                .arg(targets));
    return {};
}

} // namespace tessera::detrlens
