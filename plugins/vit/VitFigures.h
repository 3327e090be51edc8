#pragma once
// The ViT lens's figures, drawn from what VitAnalysis computed: each function fills one view
// (its tiles or series, title, colour bar and exported table). GUI thread only.

#include "VitAnalysis.h"

#include "tessera/widgets/ColorMaps.h"

#include <QString>

namespace tessera::widgets {
class ImageGridView;
class LinePlotView;
} // namespace tessera::widgets

namespace tessera::vitlens {

QString percent(double fraction); // "12.5%"

// Tile (row, column): the cosine similarity of that patch's position embedding with every
// patch's. model names the model in the title.
void showPositions(widgets::ImageGridView &view, const LoadedVit &loaded, const QString &model, widgets::ColorMap map);
// The first principal components of the patch-embedding filters.
void showFilters(widgets::ImageGridView &view, const LoadedVit &loaded, const QString &model);
// The preprocessing step by step: as read, resized with the patch grid, normalised, the
// patches pulled apart (the last three once analysis exists).
void showPatches(widgets::ImageGridView &view, const LoadedVit &loaded, const Image8 &image,
                 const ImageAnalysis *analysis);

// What the attention views show: a layer, a head (-1: the mean of heads) and a query token
// (0 = [CLS], 1 + row * grid + column a patch).
struct AttentionChoice {
    int layer = 0;
    int64_t head = -1;
    int64_t query = 0;
    widgets::ColorMap map = widgets::ColorMap::Viridis;
    double opacity = 0.6;
};
// The query's name ("[CLS]", "patch (1, 2)").
QString queryName(int64_t query, const vision::PatchGeometry &geometry);
// Where the query attends, in one head or the mean (one) and in every head (heads).
void showAttention(widgets::ImageGridView &one, widgets::ImageGridView &heads, const LoadedVit &loaded,
                   const ImageAnalysis &analysis, const AttentionChoice &choice);
// Attention rollout of [CLS] over the image.
void showRollout(widgets::ImageGridView &view, const LoadedVit &loaded, const ImageAnalysis &analysis,
                 vision::HeadFusion fusion, double discard, widgets::ColorMap map, double opacity);
// Mean attention distance per head against depth (over: "this image", "100 images of ...").
void showDistance(widgets::LinePlotView &view, const vision::DistanceStatistics &stats, bool renormalized,
                  const QString &over);

// "Predicted: <b>label 91.0% · ...</b>", or empty without a classification head.
QString predictionText(const ImageAnalysis &analysis);

} // namespace tessera::vitlens
