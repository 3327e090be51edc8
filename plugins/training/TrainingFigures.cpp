#include "TrainingFigures.h"

#include "tessera/core/Error.h"
#include "tessera/widgets/HeatmapView.h"
#include "tessera/widgets/LinePlotView.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace tessera::training {
namespace {
// The panel's strings, translated in the panel's context.
QString tr(const char *text)
{
    return QCoreApplication::translate("tessera::training::TrainingPanel", text);
}

// Whole numbers (steps, parameter counts) as they are, fractions to five significant digits.
QString formatMetric(double value)
{
    if (std::abs(value) < 1e15 && value == std::floor(value))
        return QLocale().toString(qint64(value));
    return QString::number(value, 'g', 5);
}
} // namespace

CurveViews makeCurveViews()
{
    CurveViews views;
    views.loss = new widgets::LinePlotView;
    views.loss->setFigureTitle(tr("Loss"));
    views.loss->setAxisTitles(tr("step"), tr("cross-entropy"));
    views.loss->setLogY(true);
    views.accuracy = new widgets::LinePlotView;
    views.accuracy->setFigureTitle(tr("Accuracy"));
    views.accuracy->setAxisTitles(tr("step"), tr("accuracy"));
    views.rate = new widgets::LinePlotView;
    views.rate->setFigureTitle(tr("Learning rate"));
    views.rate->setAxisTitles(tr("step"), tr("learning rate"));
    views.gradients = new widgets::LinePlotView;
    views.gradients->setFigureTitle(tr("Gradient norm per layer group (before clipping)"));
    views.gradients->setAxisTitles(tr("step"), tr("‖g‖₂"));
    views.gradients->setLogY(true);
    return views;
}

widgets::HeatmapView *makeTimelineView()
{
    auto *view = new widgets::HeatmapView;
    view->setAxisTitles(tr("key"), tr("query"));
    view->setValueName(tr("weight"));
    view->setValueRange(0.0, 1.0);
    return view;
}

void showCurves(const CurveViews &views, const TrainingCurves &curves, const QString &shown, bool all)
{
    QVector<double> steps, losses, accuracies, rates, heldSteps, heldLosses, heldAccuracies;
    for (const TrainingPoint &p : curves.points) {
        steps.append(double(p.step));
        losses.append(p.loss);
        accuracies.append(p.accuracy);
        rates.append(p.learningRate);
    }
    for (const TrainingPoint &p : curves.evaluations) {
        heldSteps.append(double(p.step));
        heldLosses.append(p.loss);
        heldAccuracies.append(p.accuracy);
    }
    const QColor train = widgets::seriesColor(0), held = widgets::seriesColor(1);
    if (all || shown == "loss")
        views.loss->setSeries(
            {{tr("training batch"), steps, losses, train}, {tr("held out"), heldSteps, heldLosses, held, false, true}});
    if (all || shown == "accuracy") {
        views.accuracy->setSeries({{tr("training batch"), steps, accuracies, train},
                                   {tr("held out"), heldSteps, heldAccuracies, held, false, true}});
        const bool none = !accuracies.isEmpty() && std::isnan(accuracies.back());
        views.accuracy->setFigureTitle(none ? tr("Accuracy: none for this recipe (a denoiser is judged by its loss; "
                                                 "open it in the Diffusion lab to see its samples)")
                                            : tr("Accuracy"));
    }
    if (all || shown == "schedule")
        views.rate->setSeries({{tr("learning rate"), steps, rates, train}});
    if (!all && shown != "gradients")
        return;
    QVector<widgets::Series> groups;
    int colour = 0;
    for (const auto &[group, values] : curves.groupNorms) {
        QVector<double> x, y;
        for (int i = 0; i < values.size() && i < curves.groupSteps.size(); ++i)
            if (std::isfinite(values[i]) && values[i] > 0) {
                x.append(curves.groupSteps[i]);
                y.append(values[i]);
            }
        groups.append({QString::fromStdString(group), x, y, widgets::seriesColor(colour++)});
    }
    if (groups.isEmpty() && !steps.isEmpty()) {
        // A run opened from disk keeps only the total norm.
        QVector<double> norms;
        for (const TrainingPoint &p : curves.points)
            norms.append(std::max(p.gradientNorm, 1e-12));
        groups.append({tr("all parameters"), steps, norms, train});
    }
    views.gradients->setSeries(groups);
}

Matrix snapshotAttention(const FloatTensor &attentions, const QString &head, bool causal)
{
    const int64_t heads = attentions.shape[0], rows = attentions.shape[1], cols = attentions.shape[2];
    Matrix matrix(rows, cols);
    for (int64_t q = 0; q < rows; ++q)
        for (int64_t k = 0; k < cols; ++k) {
            double value = 0.0;
            if (head == "mean") {
                for (int64_t h = 0; h < heads; ++h)
                    value += attentions.values[size_t((h * rows + q) * cols + k)];
                value /= double(heads);
            } else {
                const int64_t h = std::clamp<int64_t>(head.toLongLong(), 0, heads - 1);
                value = attentions.values[size_t((h * rows + q) * cols + k)];
            }
            matrix.at(q, k) = float(value);
        }
    // Causal models: the future is not zero but absent.
    if (causal)
        for (int64_t q = 0; q < rows; ++q)
            for (int64_t k = q + 1; k < cols; ++k)
                matrix.at(q, k) = std::nanf("");
    return matrix;
}

void showSnapshotAttention(widgets::HeatmapView *view, const SnapshotIndex &index,
                           const std::map<std::string, FloatTensor> &snapshot, int64_t step, int layer,
                           const QString &head, const QString &headName)
{
    auto labelsOf = [](const std::vector<std::string> &tokens) {
        QStringList labels;
        for (const std::string &token : tokens)
            labels << QString::fromStdString(token);
        return labels;
    };
    QStringList rows = labelsOf(index.probeTokens), columns = rows;
    // An encoder-decoder's run shows its alignment: target tokens over the source.
    auto found = snapshot.find("cross_attentions." + std::to_string(layer));
    const bool cross = found != snapshot.end();
    if (cross)
        rows = labelsOf(index.probeTargetTokens);
    else
        found = snapshot.find("attentions." + std::to_string(layer));
    if (found == snapshot.end())
        throw Error("snapshot has no attentions." + std::to_string(layer));
    const FloatTensor &a = found->second; // [heads, queries, keys]
    auto matrix =
        std::make_shared<Matrix>(snapshotAttention(a, head, !cross && index.capabilities().causalLanguageModel));
    view->setFigureTitle(tr("%1 · step %2 · layer %3 · %4")
                             .arg(QString::fromStdString(index.recipe))
                             .arg(step)
                             .arg(layer)
                             .arg(headName) +
                         (cross ? tr(" \u00b7 cross-attention (target \u2192 source)") : QString()));
    view->setMatrix(matrix, rows.size() == a.shape[1] ? rows : QStringList(),
                    columns.size() == a.shape[2] ? columns : QStringList());
}

QString snapshotCaption(int index, int count, int64_t step, double loss, double accuracy)
{
    return std::isfinite(loss)
               ? tr("snapshot %1 of %2 · step %3 · held-out loss %4 · accuracy %5")
                     .arg(index + 1)
                     .arg(count)
                     .arg(step)
                     .arg(loss, 0, 'f', 4)
                     .arg(accuracy, 0, 'f', 3)
               : tr("snapshot %1 of %2 · step %3 (the untrained model)").arg(index + 1).arg(count).arg(step);
}

QString progressLine(const QVector<TrainingPoint> &points, const QVector<TrainingPoint> &evaluations,
                     int64_t totalSteps)
{
    const TrainingPoint &last = points.back();
    // Diffusion recipes have no accuracy (NaN): their held-out number is the loss.
    const bool accuracy = std::isfinite(last.accuracy);
    QString line = tr("step %1 of %2 · loss %3").arg(last.step).arg(totalSteps).arg(last.loss, 0, 'f', 4);
    if (accuracy)
        line += tr(" · accuracy %1").arg(last.accuracy, 0, 'f', 3);
    line += tr(" · %1 steps/s").arg(last.seconds > 0 ? double(points.size()) / last.seconds : 0.0, 0, 'f', 1);
    if (!evaluations.isEmpty())
        line += accuracy ? tr(" · held-out %1").arg(evaluations.back().accuracy, 0, 'f', 3)
                         : tr(" · held-out loss %1").arg(evaluations.back().loss, 0, 'f', 4);
    return line;
}

int snapshotPosition(const SnapshotIndex &index, const QString &snapshot)
{
    if (snapshot == "last")
        return int(index.steps.size()) - 1;
    bool ok = true;
    const auto found = std::find(index.steps.begin(), index.steps.end(), snapshot.toLongLong(&ok));
    return ok && found != index.steps.end() ? int(found - index.steps.begin()) : -1;
}

QString snapshotSteps(const SnapshotIndex &index)
{
    QStringList steps;
    for (int64_t s : index.steps)
        steps << QString::number(s);
    return steps.join(", ");
}

QString metricLines(const std::map<std::string, double> &metrics)
{
    QStringList lines;
    for (const auto &[key, value] : metrics)
        lines << QStringLiteral("%1: %2").arg(QString::fromStdString(key), formatMetric(value));
    return lines.join("\n");
}

} // namespace tessera::training
