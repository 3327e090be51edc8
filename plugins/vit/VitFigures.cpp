#include "VitFigures.h"

#include "tessera/widgets/ImageGridView.h"
#include "tessera/widgets/LinePlotView.h"

#include <qcustomplot.h>

#include <QCoreApplication>
#include <QImage>
#include <QStringList>
#include <QVector>

#include <algorithm>
#include <cmath>
#include <utility>

namespace tessera::vitlens {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tessera::vitlens::VitPanel", text);
}

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

MatrixPtr share(Matrix m)
{
    return std::make_shared<const Matrix>(std::move(m));
}

// pixel_values [1, C, H, W] shown as an image: min..max of all channels to 0..255.
QImage normalisedImage(const FloatTensor &pixels)
{
    const int64_t c = pixels.shape[1], h = pixels.shape[2], w = pixels.shape[3];
    const auto [low, high] = std::minmax_element(pixels.values.begin(), pixels.values.end());
    const double lower = *low, span = std::max(1e-12, double(*high - *low));
    QImage image(static_cast<int>(w), static_cast<int>(h), QImage::Format_RGB32);
    for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
            int v[3];
            for (int64_t k = 0; k < 3; ++k)
                v[k] = int(
                    std::lround(255.0 * (pixels.values[size_t(((c == 1 ? 0 : k) * h + y) * w + x)] - lower) / span));
            image.setPixel(int(x), int(y), qRgb(v[0], v[1], v[2]));
        }
    return image;
}

// The image cut into patches with gaps between them (the grid pulled apart).
QImage explodedPatches(const QImage &resized, int64_t grid, int64_t patch)
{
    const int gap = int(std::max<int64_t>(1, patch / 6));
    const int side = int(grid * patch + (grid - 1) * gap);
    QImage out(side, side, QImage::Format_RGB32);
    out.fill(Qt::white);
    const QImage source = resized.convertToFormat(QImage::Format_RGB32);
    for (int64_t r = 0; r < grid; ++r)
        for (int64_t c = 0; c < grid; ++c)
            for (int64_t y = 0; y < patch; ++y)
                for (int64_t x = 0; x < patch; ++x)
                    out.setPixel(int(c * (patch + gap) + x), int(r * (patch + gap) + y),
                                 source.pixel(int(c * patch + x), int(r * patch + y)));
    return out;
}

// A filter component [C, P, P] as an image: v / max|v| around mid-grey.
QImage filterImage(const FloatTensor &component)
{
    const int64_t c = component.shape[0], p = component.shape[1];
    float peak = 1e-12f;
    for (float v : component.values)
        peak = std::max(peak, std::abs(v));
    QImage image(static_cast<int>(p), static_cast<int>(p), QImage::Format_RGB32);
    for (int64_t y = 0; y < p; ++y)
        for (int64_t x = 0; x < p; ++x) {
            int v[3];
            for (int64_t k = 0; k < 3; ++k)
                v[k] = std::clamp(
                    int(std::lround(127.5 +
                                    127.5 * component.values[size_t(((c == 1 ? 0 : k) * p + y) * p + x)] / peak)),
                    0, 255);
            image.setPixel(int(x), int(y), qRgb(v[0], v[1], v[2]));
        }
    return image;
}

} // namespace

QString percent(double fraction)
{
    return QString::number(100.0 * fraction, 'f', 1) + QStringLiteral("%");
}

QString queryName(int64_t query, const vision::PatchGeometry &g)
{
    if (query == 0)
        return tr("[CLS]");
    if (query < g.leadingTokens)
        return tr("the distillation token");
    const int64_t patch = query - g.leadingTokens;
    return tr("patch (%1, %2)").arg(patch / g.grid).arg(patch % g.grid);
}

void showPositions(widgets::ImageGridView &view, const LoadedVit &loaded, const QString &model, widgets::ColorMap map)
{
    const vision::PatchGeometry &g = loaded.geometry;
    QVector<widgets::ImageTile> tiles;
    const Matrix &similarity = *loaded.similarity;
    for (int64_t p = 0; p < g.patches; ++p) {
        Matrix row(g.grid, g.grid);
        std::copy_n(similarity.values.begin() + long(p * g.patches), size_t(g.patches), row.values.begin());
        widgets::ImageTile tile;
        tile.overlay = share(std::move(row));
        tiles.push_back(std::move(tile));
    }
    view.setTiles(tiles, int(g.grid));
    view.setOverlayStyle(map, 1.0, -1.0, 1.0);
    view.setColorBarTitle(tr("cosine similarity"));
    view.setFigureTitle(
        tr("Position embedding similarity of %1: tile (row, column) compares that patch with every patch").arg(model));
    view.setTable({loaded.similarity, {}, {}, {}, {}, {}, {}, {}});
}

void showFilters(widgets::ImageGridView &view, const LoadedVit &loaded, const QString &model)
{
    const vision::PatchGeometry &g = loaded.geometry;
    QVector<widgets::ImageTile> tiles;
    const vision::FilterComponents &f = loaded.filters;
    auto table = std::make_shared<Matrix>(int64_t(f.components.size()), 1 + g.patchValues);
    QStringList header{QStringLiteral("explained_variance")};
    for (int64_t k = 0; k < g.patchValues; ++k)
        header << QStringLiteral("v%1").arg(k);
    for (size_t i = 0; i < f.components.size(); ++i) {
        widgets::ImageTile tile;
        tile.image = filterImage(f.components[i]);
        tile.caption = tr("PC %1 \u00b7 %2").arg(i + 1).arg(percent(f.explainedVariance[i]));
        tiles.push_back(std::move(tile));
        table->at(int64_t(i), 0) = float(f.explainedVariance[i]);
        std::copy_n(f.components[i].values.begin(), size_t(g.patchValues),
                    table->values.begin() + long(i * size_t(1 + g.patchValues) + 1));
    }
    view.setTiles(tiles, std::min<int>(7, int(tiles.size())));
    view.setFigureTitle(
        tr("Patch-embedding filters of %1: the first %2 principal components of %3 filters (%4\u00d7%4\u00d7%5)")
            .arg(model)
            .arg(f.components.size())
            .arg(g.hidden)
            .arg(g.patchSize)
            .arg(g.channels));
    widgets::FigureTable filterTable;
    filterTable.matrix = table;
    filterTable.matrixHeader = header;
    view.setTable(filterTable);
}

void showPatches(widgets::ImageGridView &view, const LoadedVit &loaded, const Image8 &image,
                 const ImageAnalysis *analysis)
{
    const vision::PatchGeometry &g = loaded.geometry;
    QVector<widgets::ImageTile> tiles;
    if (!image.empty()) {
        widgets::ImageTile original;
        original.image = widgets::imageFromPixels(image);
        original.caption = tr("as read: %1\u00d7%2").arg(image.width).arg(image.height);
        tiles.push_back(original);
    }
    widgets::FigureTable patchTable;
    if (analysis) {
        const ImagePreprocessing &p = loaded.preprocessing;
        const QImage resized = widgets::imageFromPixels(analysis->resized);
        widgets::ImageTile step;
        step.image = resized;
        step.gridRows = step.gridColumns = int(g.grid);
        const bool resizedIt = p.resize && (image.width != p.width || image.height != p.height);
        step.caption =
            resizedIt ? tr("resized to %1\u00d7%2 (bilinear), grid %3\u00d7%3").arg(p.width).arg(p.height).arg(g.grid)
                      : tr("%1\u00d7%2 as the model expects, grid %3\u00d7%3").arg(p.width).arg(p.height).arg(g.grid);
        tiles.push_back(step);
        const auto [low, high] =
            std::minmax_element(analysis->pixelValues.values.begin(), analysis->pixelValues.values.end());
        widgets::ImageTile normalised;
        normalised.image = normalisedImage(analysis->pixelValues);
        normalised.caption =
            tr("\u00d7%1, (x \u2212 %2) / %3: values in [%4, %5]")
                .arg(p.rescale ? QStringLiteral("1/%1").arg(std::lround(1.0 / p.rescaleFactor)) : QStringLiteral("1"))
                .arg(p.normalize ? p.mean.front() : 0.0)
                .arg(p.normalize ? p.std.front() : 1.0)
                .arg(double(*low), 0, 'f', 2)
                .arg(double(*high), 0, 'f', 2);
        tiles.push_back(normalised);
        widgets::ImageTile exploded;
        exploded.image = explodedPatches(resized, g.grid, g.patchSize);
        exploded.caption = tr("%1 patches of %2\u00d7%2\u00d7%3 = %4 values, read row by row")
                               .arg(g.patches)
                               .arg(g.patchSize)
                               .arg(g.channels)
                               .arg(g.patchValues);
        tiles.push_back(exploded);
        patchTable.matrix = share(vision::patchVectors(analysis->pixelValues, g));
    }
    view.setTiles(tiles, tiles.size() == 4 ? 2 : 0);
    view.setFigureTitle(text(g.describe()));
    view.setTable(patchTable);
}

void showAttention(widgets::ImageGridView &one, widgets::ImageGridView &heads, const LoadedVit &loaded,
                   const ImageAnalysis &analysis, const AttentionChoice &choice)
{
    const vision::PatchGeometry &g = loaded.geometry;
    const FloatTensor &attention = analysis.attentions[size_t(choice.layer)];
    const QString query = queryName(choice.query, g);
    const int64_t patch = choice.query - g.leadingTokens; // the leading tokens have no cell
    const QPoint marked = patch < 0 ? QPoint(-1, -1) : QPoint(int(patch % g.grid), int(patch / g.grid));
    const QImage image = widgets::imageFromPixels(analysis.resized);

    double cls = 0.0;
    widgets::ImageTile tile;
    tile.image = image;
    tile.overlay = share(vision::attentionOnPatches(attention, choice.head, choice.query, g, &cls));
    tile.gridRows = tile.gridColumns = int(g.grid);
    tile.marked = marked;
    one.setTiles({tile}, 1);
    one.setOverlayStyle(choice.map, choice.opacity);
    one.setColorBarTitle(tr("attention weight"));
    one.setFigureTitle(
        tr("Layer %1, %2: where %3 attends \u00b7 [CLS] receives %4")
            .arg(choice.layer)
            .arg(choice.head < 0 ? tr("mean of %1 heads").arg(attention.shape[0]) : tr("head %1").arg(choice.head))
            .arg(query, percent(cls)));
    one.setTable({tile.overlay, {}, {}, {}, {}, {}, {}, {}});

    QVector<widgets::ImageTile> tiles;
    for (int64_t h = 0; h < attention.shape[0]; ++h) {
        widgets::ImageTile t;
        t.image = image;
        double headCls = 0.0;
        t.overlay = share(vision::attentionOnPatches(attention, h, choice.query, g, &headCls));
        t.marked = marked;
        t.caption = tr("head %1 \u00b7 [CLS] %2").arg(h).arg(percent(headCls));
        tiles.push_back(std::move(t));
    }
    heads.setTiles(tiles);
    heads.setOverlayStyle(choice.map, choice.opacity);
    heads.setColorBarTitle(tr("attention weight"));
    heads.setFigureTitle(tr("Layer %1, every head: where %2 attends").arg(choice.layer).arg(query));
    heads.setTable({share(vision::attentionOfAllHeads(attention, choice.query, g)), {}, {}, {}, {}, {}, {}, {}});
}

void showRollout(widgets::ImageGridView &view, const LoadedVit &loaded, const ImageAnalysis &analysis,
                 vision::HeadFusion fusion, double discard, widgets::ColorMap map, double opacity)
{
    const vision::PatchGeometry &g = loaded.geometry;
    const Matrix rollout = vision::rollout(analysis.attentions, fusion, discard);
    widgets::ImageTile tile;
    tile.image = widgets::imageFromPixels(analysis.resized);
    tile.overlay = share(vision::rolloutMask(rollout, g));
    tile.gridRows = tile.gridColumns = int(g.grid);
    view.setTiles({tile}, 1);
    view.setOverlayStyle(map, opacity);
    view.setColorBarTitle(tr("share of the maximum"));
    view.setFigureTitle(tr("Attention rollout of [CLS] through %1 layers (head fusion %2, discard %3)")
                            .arg(analysis.attentions.size())
                            .arg(text(vision::headFusionName(fusion)))
                            .arg(discard, 0, 'f', 2));
    view.setTable({tile.overlay, {}, {}, {}, {}, {}, {}, {}});
}

void showDistance(widgets::LinePlotView &view, const vision::DistanceStatistics &statistics, bool renormalized,
                  const QString &over)
{
    const vision::DistanceStatistics *stats = &statistics;
    const Matrix &mean = stats->mean(renormalized);
    const Matrix &deviation = stats->deviation(renormalized);
    const int64_t layers = mean.rows, heads = mean.cols;
    QVector<widgets::Series> series;
    const double spread = std::min(0.5 / double(heads), 0.08);
    for (int64_t h = 0; h < heads; ++h) {
        widgets::Series s;
        s.name = tr("head %1").arg(h);
        s.line = false;
        for (int64_t l = 0; l < layers; ++l) {
            s.x << double(l) + (double(h) - double(heads - 1) / 2.0) * spread;
            s.y << mean.at(l, h);
            if (stats->images > 1)
                s.errors << deviation.at(l, h);
        }
        series << s;
    }
    view.setLegendVisible(heads <= 16);
    view.setSeries(series);
    // Whole layers on x; distances from 0 (the paper's axes).
    QCustomPlot *plot = view.plot();
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setRange(-0.6, double(layers) - 0.4);
    double top = 1.0;
    for (int64_t i = 0; i < layers * heads; ++i)
        top = std::max(top, double(mean.values[size_t(i)]) +
                                (stats->images > 1 ? double(deviation.values[size_t(i)]) : 0.0));
    plot->yAxis->setRange(0.0, top * 1.08);
    plot->replot();
    view.setFigureTitle(tr("Mean attention distance (%1) per head, %2%3")
                            .arg(renormalized ? tr("renormalized") : tr("raw"), over,
                                 stats->images > 1 ? tr(", bars \u00b1 1 s.d. over images") : QString()));
    widgets::FigureTable table;
    table.columnNames = {"layer", "head", "raw_mean", "raw_sd", "renormalized_mean", "renormalized_sd", "images"};
    table.columns.assign(7, {});
    for (int64_t l = 0; l < layers; ++l)
        for (int64_t h = 0; h < heads; ++h) {
            const double row[7] = {double(l),
                                   double(h),
                                   stats->rawMean.at(l, h),
                                   stats->rawDeviation.at(l, h),
                                   stats->renormalizedMean.at(l, h),
                                   stats->renormalizedDeviation.at(l, h),
                                   double(stats->images)};
            for (int k = 0; k < 7; ++k)
                table.columns[size_t(k)].push_back(row[k]);
        }
    view.setTable(table);
}

QString predictionText(const ImageAnalysis &analysis)
{
    QStringList lines;
    for (const Prediction &p : analysis.predictions)
        lines << QStringLiteral("%1 %2").arg(text(p.label).toHtmlEscaped(), percent(p.probability));
    return lines.isEmpty() ? QString() : tr("Predicted: <b>%1</b>").arg(lines.join(QStringLiteral(" \u00b7 ")));
}

} // namespace tessera::vitlens
