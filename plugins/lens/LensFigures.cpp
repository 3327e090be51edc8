#include "LensFigures.h"

#include "tessera/widgets/BarChartView.h"
#include "tessera/widgets/HeatmapView.h"

#include <qcustomplot.h>

#include <algorithm>
#include <memory>

namespace tessera::lenspanel {
namespace {

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

QString quoted(const std::string &s)
{
    return QStringLiteral("\u201c%1\u201d").arg(text(s));
}

QStringList positionLabels(const std::vector<std::string> &tokens)
{
    QStringList labels;
    for (const std::string &token : tokens)
        labels << text(token);
    return labels;
}

QStringList layerLabels(int64_t layers)
{
    QStringList labels;
    for (int64_t l = 0; l < layers; ++l)
        labels << QObject::tr("layer %1").arg(l);
    return labels;
}

QStringList headLabels(int64_t heads)
{
    QStringList labels;
    for (int64_t h = 0; h < heads; ++h)
        labels << QObject::tr("head %1").arg(h);
    return labels;
}

// A [layers, heads] map, diverging around 0.
void showLayerHeadMap(widgets::HeatmapView &view, const FloatTensor &values, const QString &title,
                      const QString &valueName)
{
    auto matrix = std::make_shared<Matrix>(values.toMatrix("heads"));
    view.setColorMap(widgets::ColorMap::Diverging);
    view.setSymmetricRange(true);
    view.setAxisTitles(QObject::tr("head"), QObject::tr("layer"));
    view.setValueName(valueName);
    view.setCsvHeader(headLabels(matrix->cols));
    view.setMatrix(matrix, layerLabels(matrix->rows), headLabels(matrix->cols));
    view.setFigureTitle(title);
}

} // namespace

QString metricName(const LensResult &result)
{
    if (result.contrastText.empty())
        return QObject::tr("logit(%1)").arg(quoted(result.targetText));
    return QObject::tr("logit(%1) \u2212 logit(%2)").arg(quoted(result.targetText), quoted(result.contrastText));
}

void showLogitLens(widgets::HeatmapView &view, const LensResult &result)
{
    const lens::LogitLens &r = *result.logitLens;
    const int64_t rows = r.topProbabilities.shape.at(0), positions = r.topProbabilities.shape.at(1),
                  k = r.topProbabilities.shape.at(2);
    auto matrix = std::make_shared<Matrix>(rows, positions);
    for (int64_t l = 0; l < rows; ++l)
        for (int64_t p = 0; p < positions; ++p)
            matrix->at(l, p) = r.topProbabilities.values[size_t((l * positions + p) * k)];
    QStringList layers;
    for (const std::string &label : r.layerLabels)
        layers << text(label);
    view.setColorMap(widgets::ColorMap::Viridis);
    view.setSymmetricRange(false);
    view.setValueRange(0.0, 0.0); // automatic: a small model's probabilities stay far below 1
    view.setAxisTitles(QObject::tr("position"), QObject::tr("residual stream"));
    view.setValueName(QObject::tr("p(top token)"));
    const QStringList tokens = positionLabels(result.tokens);
    view.setCsvHeader(tokens); // the CSV writer quotes the "," token
    view.setMatrix(matrix, layers, tokens);
    const float finalProbability = r.targetProbability.values.empty() ? 0.0f : r.targetProbability.values.back();
    view.setFigureTitle(QObject::tr("Logit lens: the top token's probability \u00b7 p(%1) = %2 at the last position, "
                                    "rank %3")
                            .arg(quoted(result.targetText))
                            .arg(finalProbability, 0, 'g', 3)
                            .arg(r.targetRank.values.empty() ? 0 : r.targetRank.values.back()));
}

QString topTokenAt(const LensResult &result, int row, int column)
{
    if (!result.logitLens)
        return {};
    const int64_t positions = result.logitLens->topProbabilities.shape.at(1);
    const size_t index = size_t(row * positions + column);
    if (row < 0 || column < 0 || column >= positions || index >= result.topTokenTexts.size())
        return {};
    const int64_t k = result.logitLens->topProbabilities.shape.at(2);
    return QObject::tr("%1 \u00b7 %2: top token %3 (p = %4)")
        .arg(text(result.logitLens->layerLabels.at(size_t(row))))
        .arg(column < int(result.tokens.size()) ? quoted(result.tokens[size_t(column)]) : QString::number(column))
        .arg(quoted(result.topTokenTexts[index]))
        .arg(result.logitLens->topProbabilities.values[index * size_t(k)], 0, 'g', 3);
}

void showDirectLogitAttribution(widgets::HeatmapView &view, const LensResult &result)
{
    const lens::DirectLogitAttribution &r = *result.attribution;
    showLayerHeadMap(view, r.heads,
                     QObject::tr("Direct logit attribution of %1 \u00b7 parts sum to %2, total %3")
                         .arg(metricName(result))
                         .arg(r.sumOfParts(), 0, 'f', 4)
                         .arg(r.total, 0, 'f', 4),
                     QObject::tr("attribution"));
}

void showAblation(widgets::HeatmapView &view, const LensResult &result)
{
    const lens::HeadAblation &r = *result.ablation;
    showLayerHeadMap(view, r.heads,
                     QObject::tr("Head ablation (zeroed): change in %1 \u00b7 unablated %2")
                         .arg(metricName(result))
                         .arg(r.baseline, 0, 'f', 4),
                     QObject::tr("change"));
}

void showPatching(widgets::HeatmapView &view, const LensResult &result, bool heads, bool normalised)
{
    const lens::ActivationPatching &r = *result.patching;
    const FloatTensor &raw = heads ? r.heads : r.residual;
    const FloatTensor values = normalised ? r.normalised(raw) : raw;
    // The normalised map's definition is in the colour bar's name, so the title stays short.
    const QString what = normalised ? QObject::tr("normalised") : metricName(result);
    const QString normalisedName = QObject::tr("(patched \u2212 corrupted) / (clean \u2212 corrupted)");
    const QString title = QObject::tr("Activation patching, %1: %2 \u00b7 clean %3, corrupted %4")
                              .arg(heads ? QObject::tr("every head") : QObject::tr("residual stream"), what)
                              .arg(r.clean, 0, 'f', 4)
                              .arg(r.corrupted, 0, 'f', 4);
    if (heads) {
        showLayerHeadMap(view, values, title, normalised ? normalisedName : QObject::tr("metric"));
        return;
    }
    auto matrix = std::make_shared<Matrix>(values.toMatrix("patching"));
    view.setColorMap(widgets::ColorMap::Diverging);
    view.setSymmetricRange(true);
    view.setAxisTitles(QObject::tr("position"), QObject::tr("residual entering"));
    view.setValueName(normalised ? normalisedName : QObject::tr("metric"));
    const QStringList tokens = positionLabels(result.tokens);
    view.setCsvHeader(tokens); // the CSV writer quotes the "," token
    view.setMatrix(matrix, layerLabels(matrix->rows), tokens.size() == matrix->cols ? tokens : QStringList());
    view.setFigureTitle(title);
}

void showSaliency(widgets::BarChartView &view, const LensResult &result, bool integrated)
{
    const lens::InputAttribution &r = *result.inputs;
    const FloatTensor &values = integrated ? r.integrated : r.gradientTimesInput;
    QStringList labels;
    QVector<double> bars, ids;
    for (size_t i = 0; i < values.values.size(); ++i) {
        labels << QStringLiteral("%1 %2").arg(i).arg(i < result.tokens.size() ? text(result.tokens[i]) : QString());
        bars << values.values[i];
        ids << double(i < r.subject.tokenIds.size() ? r.subject.tokenIds[i] : -1);
    }
    view.setBars(labels, bars, ids);
    // The bars may be negative: the range covers both signs.
    double low = 0.0, high = 0.0;
    for (double v : bars) {
        low = std::min(low, v);
        high = std::max(high, v);
    }
    const double margin = 0.08 * std::max(high - low, 1e-9);
    view.plot()->xAxis->setRange(low - (low < 0.0 ? margin : 0.0), high + margin);
    view.plot()->replot();
    const QString target = QObject::tr("log p(%1)").arg(quoted(result.targetText));
    view.setValueTitle(integrated ? QObject::tr("integrated gradients of %1").arg(target)
                                  : QObject::tr("gradient \u00d7 input of %1").arg(target));
    view.setFigureTitle(integrated ? QObject::tr("Integrated gradients, %1 steps \u00b7 completeness gap %2 "
                                                 "(F(x) \u2212 F(0) = %3)")
                                         .arg(r.steps)
                                         .arg(r.completenessGap(), 0, 'g', 3)
                                         .arg(r.integratedTotal, 0, 'f', 4)
                                   : QObject::tr("Gradient \u00d7 input per token of %1").arg(target));
}

void showPatchMap(widgets::HeatmapView &view, const LensResult &result, bool flow)
{
    const int64_t grid = result.patchGrid;
    // Relevance's cls row leaves [CLS] out already; the flow has it first.
    const std::vector<float> &values = flow ? result.flow->flow.values : result.relevance->cls.values;
    const size_t first = flow ? 1 : 0;
    auto matrix = std::make_shared<Matrix>(grid, grid);
    for (int64_t i = 0; i < grid * grid && first + size_t(i) < values.size(); ++i)
        matrix->values[size_t(i)] = values[first + size_t(i)];
    view.setColorMap(widgets::ColorMap::Magma);
    view.setSymmetricRange(false);
    view.setValueRange(0.0, 0.0);
    view.setAxisTitles(QObject::tr("patch column"), QObject::tr("patch row"));
    view.setValueName(flow ? QObject::tr("flow") : QObject::tr("relevance"));
    view.setCsvHeader({});
    view.setMatrix(matrix);
    view.setFigureTitle(
        flow ? QObject::tr("Attention flow (Abnar & Zuidema) from each patch to [CLS] \u00b7 %1 "
                           "predicted")
                   .arg(text(result.targetText))
             : QObject::tr("Chefer relevance of [CLS] over the patches for %1").arg(text(result.targetText)));
}

void clearHeatmap(widgets::HeatmapView &view, const QString &title)
{
    view.setMatrix({});
    view.setFigureTitle(title);
}

void clearBars(widgets::BarChartView &view, const QString &title)
{
    view.setBars({}, {});
    view.setFigureTitle(title);
}

} // namespace tessera::lenspanel
