#include "DiffusionFigures.h"

#include "tessera/widgets/CompositeFigure.h"
#include "tessera/widgets/ImageGridView.h"
#include "tessera/widgets/LinePlotView.h"

#include <QColor>
#include <QCoreApplication>
#include <QImage>
#include <QVector>

#include <algorithm>
#include <cmath>

namespace tessera::diffusionlab {
namespace {

constexpr int kFrames = 10; // filmstrip columns

QString tr(const char *text)
{
    return QCoreApplication::translate("tessera::diffusionlab::DiffusionPanel", text);
}

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

QImage toQImage(const FloatTensor &sample)
{
    return widgets::imageFromPixels(diffusion::toImage(sample));
}

// Noise is ~N(0, 1): shown over [-3, 3] so that it is not clipped at 1.
FloatTensor scaled(FloatTensor t, float factor)
{
    for (float &v : t.values)
        v *= factor;
    return t;
}

// x_t entering step i: x_T for the first, then the previous step's output.
const FloatTensor &inputOf(const diffusion::Trajectory &t, size_t step)
{
    return step == 0 ? t.start : t.previous[step - 1];
}

// Evenly spaced indices 0 .. count-1 (count of them at most), first and last included.
std::vector<size_t> frames(size_t count, size_t wanted)
{
    std::vector<size_t> out;
    if (count == 0)
        return out;
    const size_t n = std::min(count, wanted);
    for (size_t i = 0; i < n; ++i)
        out.push_back(n == 1 ? 0 : size_t(std::lround(double(i) * double(count - 1) / double(n - 1))));
    return out;
}

MatrixPtr rowsOf(const std::vector<const FloatTensor *> &tensors)
{
    if (tensors.empty())
        return {};
    auto m = std::make_shared<Matrix>(int64_t(tensors.size()), int64_t(tensors.front()->values.size()));
    for (size_t i = 0; i < tensors.size(); ++i)
        std::copy_n(tensors[i]->values.begin(), std::min<size_t>(tensors[i]->values.size(), size_t(m->cols)),
                    m->values.begin() + long(i * size_t(m->cols)));
    return m;
}

} // namespace

QString seconds(double s)
{
    return s < 1.0 ? QStringLiteral("%1 ms").arg(s * 1000.0, 0, 'f', 0) : QStringLiteral("%1 s").arg(s, 0, 'f', 2);
}

void showFilmstrip(widgets::ImageGridView &view, const diffusion::Trajectory &t, const SamplingRequest &r)
{
    const std::vector<size_t> picks = frames(t.timesteps.size(), kFrames);
    QVector<widgets::ImageTile> tiles;
    std::vector<const FloatTensor *> numbers;
    for (int row = 0; row < 3; ++row)
        for (size_t i : picks) {
            widgets::ImageTile tile;
            if (row == 0) {
                tile.image = toQImage(inputOf(t, i));
                tile.caption = tr("x_t, t = %1").arg(t.timesteps[i]);
                numbers.push_back(&inputOf(t, i));
            } else if (row == 1) {
                tile.image = toQImage(t.predictedOriginal[i]);
                tile.caption = tr("predicted x\u2080");
            } else {
                tile.image = toQImage(scaled(t.modelOutputs[i], 1.0f / 3.0f));
                tile.caption = tr("predicted noise");
            }
            tiles.push_back(tile);
        }
    view.setTiles(tiles, int(picks.size()));
    view.setFigureTitle(
        tr("%1, %2 steps, seed %3: x_t entering each step, the predicted x\u2080 and noise (noise shown over \u00b13)")
            .arg(text(r.scheduler).toUpper())
            .arg(t.timesteps.size())
            .arg(r.seed));
    view.setTable({rowsOf(numbers), {}, {}, {}, {}, {}, {}, {}});
}

QString showStep(widgets::ImageGridView &view, const diffusion::Trajectory &t, const SamplingRequest &r, int index)
{
    const size_t i = size_t(std::clamp(index, 0, int(t.timesteps.size()) - 1));
    const QString label = (tr("step %1 of %2 \u00b7 t = %3").arg(i + 1).arg(t.timesteps.size()).arg(t.timesteps[i]));
    widgets::ImageTile in, x0, eps, out;
    in.image = toQImage(inputOf(t, i));
    in.caption = tr("x_t (t = %1)").arg(t.timesteps[i]);
    eps.image = toQImage(scaled(t.modelOutputs[i], 1.0f / 3.0f));
    eps.caption = tr("predicted noise \u03b5\u03b8(x_t, t)");
    x0.image = toQImage(t.predictedOriginal[i]);
    x0.caption = tr("predicted x\u2080");
    out.image = toQImage(t.previous[i]);
    out.caption =
        i + 1 < t.timesteps.size() ? tr("x_{t-1}, t-1 = %1").arg(t.timesteps[i + 1]) : tr("x\u2080, the sample");
    view.setTiles({in, eps, x0, out}, 4);
    view.setFigureTitle(tr("%1 step %2 of %3 at t = %4: x_t \u2192 noise \u2192 x\u2080 estimate \u2192 x_{t-1}")
                            .arg(text(r.scheduler).toUpper())
                            .arg(i + 1)
                            .arg(t.timesteps.size())
                            .arg(t.timesteps[i]));
    view.setTable({rowsOf({&inputOf(t, i), &t.modelOutputs[i], &t.predictedOriginal[i], &t.previous[i]}),
                   {},
                   {},
                   {},
                   {},
                   {},
                   {},
                   {}});
    return label;
}

void showSeeds(widgets::ImageGridView &view, const std::vector<FloatTensor> &samples, uint64_t firstSeed,
               const std::string &scheduler, int steps)
{
    QVector<widgets::ImageTile> tiles;
    std::vector<const FloatTensor *> numbers;
    for (size_t i = 0; i < samples.size(); ++i) {
        widgets::ImageTile tile;
        tile.image = toQImage(samples[i]);
        tile.caption = tr("seed %1").arg(firstSeed + i);
        tiles.push_back(tile);
        numbers.push_back(&samples[i]);
    }
    view.setTiles(tiles);
    view.setFigureTitle(tr("%1 seeds, %2, %3 steps").arg(tiles.size()).arg(text(scheduler).toUpper()).arg(steps));
    view.setTable({rowsOf(numbers), {}, {}, {}, {}, {}, {}, {}});
}

void showSchedules(widgets::CompositeFigure &view, widgets::LinePlotView &beta, widgets::LinePlotView &alpha,
                   widgets::LinePlotView &snr, const diffusion::Scheduler &current, const std::string &kind)
{
    const diffusion::SchedulerConfig &base = current.config();
    QVector<widgets::Series> betas, alphas, snrs;
    int colour = 0;
    widgets::FigureTable table;
    std::vector<std::string> names{base.betaSchedule};
    for (const char *other : {"linear", "scaled_linear", "squaredcos_cap_v2"})
        if (other != base.betaSchedule)
            names.push_back(other);
    for (const std::string &name : names) {
        const bool mine = name == base.betaSchedule;
        diffusion::SchedulerConfig config = base;
        config.betaSchedule = name;
        const diffusion::Scheduler s(config);
        widgets::Series b, a, r;
        b.name = a.name = r.name = text(name) + (mine ? tr(" (this model)") : QString());
        b.color = a.color = r.color = widgets::seriesColor(colour++);
        b.dashed = a.dashed = r.dashed = !mine;
        const std::vector<double> ratio = s.signalToNoise();
        for (int64_t t = 0; t < config.trainTimesteps; ++t) {
            b.x << double(t);
            b.y << s.betas()[size_t(t)];
            a.y << s.alphasCumprod()[size_t(t)];
            r.y << std::max(ratio[size_t(t)], 1e-12);
        }
        a.x = r.x = b.x;
        betas << b;
        alphas << a;
        snrs << r;
        if (mine) {
            table.columnNames = {"t", "beta", "alpha_bar", "snr"};
            table.columns = {std::vector<double>(b.x.begin(), b.x.end()), std::vector<double>(b.y.begin(), b.y.end()),
                             std::vector<double>(a.y.begin(), a.y.end()), std::vector<double>(r.y.begin(), r.y.end())};
        }
    }
    // The timesteps this sampler visits, on alpha-bar.
    widgets::Series visited;
    visited.name = tr("%1 steps of %2").arg(current.timesteps().size()).arg(text(kind).toUpper());
    visited.line = false;
    visited.color = QColor(Qt::black);
    for (int64_t t : current.timesteps()) {
        visited.x << double(t);
        visited.y << current.alphasCumprod()[size_t(t)];
    }
    alphas << visited;
    beta.setSeries(betas);
    alpha.setSeries(alphas);
    snr.setSeries(snrs);
    beta.setFigureTitle(tr("\u03b2_t"));
    alpha.setFigureTitle(tr("\u1fb1_t, signal kept"));
    snr.setFigureTitle(tr("signal-to-noise ratio"));
    view.setFigureTitle(tr("Noise schedule: %1 (%2 training steps), beside the other beta schedules")
                            .arg(text(base.betaSchedule))
                            .arg(base.trainTimesteps));
    beta.setTable(table);
}

QString showForward(widgets::CompositeFigure &view, widgets::ImageGridView &images,
                    widgets::LinePlotView &histogramView, const diffusion::Scheduler &ddpm, const FloatTensor &x0,
                    const QString &x0Name, int forwardT, int seed)
{
    const int64_t t = std::min<int64_t>(forwardT, ddpm.config().trainTimesteps - 1);
    const FloatTensor noise = diffusion::seededNoise(uint64_t(seed) + 7919)(0, x0.shape);
    const FloatTensor xt = ddpm.addNoise(x0, noise, t);
    const double a = ddpm.alphasCumprod()[size_t(t)];
    const QString label = (tr("t = %1 \u00b7 \u221a\u1fb1 = %2 \u00b7 \u221a(1\u2212\u1fb1) = %3")
                               .arg(t)
                               .arg(std::sqrt(a), 0, 'f', 3)
                               .arg(std::sqrt(1 - a), 0, 'f', 3));
    widgets::ImageTile original, drawn, noised;
    original.image = toQImage(x0);
    original.caption = x0Name.isEmpty() ? tr("x\u2080: the last sample") : tr("x\u2080: %1").arg(x0Name);
    drawn.image = toQImage(scaled(noise, 1.0f / 3.0f));
    drawn.caption = tr("\u03b5 ~ N(0, I)");
    noised.image = toQImage(xt);
    noised.caption = tr("x_t = \u221a\u1fb1 x\u2080 + \u221a(1\u2212\u1fb1) \u03b5");
    images.setTiles({original, drawn, noised}, 3);
    images.setFigureTitle(tr("q(x_t | x\u2080) at t = %1").arg(t));
    // Histograms of x0 and x_t (density), and the standard normal.
    constexpr int bins = 40;
    const double low = -4.0, high = 4.0, width = (high - low) / bins;
    auto histogram = [&](const FloatTensor &v, const QString &name, QColor colour) {
        widgets::Series s;
        s.name = name;
        s.color = colour;
        std::vector<double> counts(bins, 0.0);
        for (float x : v.values)
            counts[size_t(std::clamp(int((x - low) / width), 0, bins - 1))] += 1.0;
        for (int b = 0; b < bins; ++b) {
            s.x << low + (b + 0.5) * width;
            s.y << counts[size_t(b)] / (double(v.values.size()) * width);
        }
        return s;
    };
    widgets::Series normal;
    normal.name = tr("N(0, 1)");
    normal.dashed = true;
    normal.color = QColor(Qt::black);
    for (int i = 0; i <= 160; ++i) {
        const double x = low + i * (high - low) / 160.0;
        normal.x << x;
        normal.y << std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
    }
    histogramView.setSeries({histogram(x0, tr("x\u2080"), widgets::seriesColor(0)),
                             histogram(xt, tr("x_t"), widgets::seriesColor(1)), normal});
    histogramView.setFigureTitle(tr("values of x\u2080 and x_t"));
    view.setFigureTitle(tr("Forward noising at t = %1: \u1fb1_t = %2").arg(t).arg(a, 0, 'g', 4));
    return label;
}

void showComparison(widgets::ImageGridView &view, const Comparison &c, int seed)
{
    QVector<widgets::ImageTile> tiles;
    int columns = 0;
    for (const diffusion::Trajectory *t : {&c.ddpm, &c.ddim}) {
        const std::vector<size_t> picks = frames(t->timesteps.size(), kFrames);
        columns = int(picks.size()) + 1;
        for (size_t i : picks) {
            widgets::ImageTile tile;
            tile.image = toQImage(inputOf(*t, i));
            tile.caption = tr("%1 t = %2").arg(t == &c.ddpm ? tr("DDPM") : tr("DDIM")).arg(t->timesteps[i]);
            tiles.push_back(tile);
        }
        widgets::ImageTile last;
        last.image = toQImage(t->previous.back());
        last.caption = tr("%1: %2").arg(t == &c.ddpm ? tr("DDPM") : tr("DDIM"), seconds(t->seconds));
        tiles.push_back(last);
    }
    view.setTiles(tiles, columns);
    view.setFigureTitle(tr("%1 steps, seed %2: DDPM (top) %3, DDIM eta 0 (bottom) %4; the same x_T")
                            .arg(c.steps)
                            .arg(seed)
                            .arg(seconds(c.ddpm.seconds), seconds(c.ddim.seconds)));
    view.setTable({rowsOf({&c.ddpm.previous.back(), &c.ddim.previous.back()}), {}, {}, {}, {}, {}, {}, {}});
}

QString showParticles(widgets::LinePlotView &view, const diffusion::Trajectory &t, const SamplingRequest &r, int index,
                      int trailCount, const FloatTensor &dataPoints, const QString &dataName)
{
    const size_t i = size_t(std::clamp(index, 0, int(t.timesteps.size()) - 1));
    const int64_t count = t.start.shape[0], features = t.start.shape[1];
    // The first two coordinates of point p of a [points, features] tensor.
    auto xOf = [features](const FloatTensor &v, int64_t p) { return double(v.values[size_t(p * features)]); };
    auto yOf = [features](const FloatTensor &v, int64_t p) { return double(v.values[size_t(p * features + 1)]); };
    QVector<widgets::Series> series;
    if (!dataPoints.values.empty()) {
        widgets::Series data{tr("data (%1)").arg(dataName), {}, {}, QColor(150, 150, 150, 120)};
        for (int64_t p = 0; p < dataPoints.shape[0]; ++p) {
            data.x << xOf(dataPoints, p);
            data.y << yOf(dataPoints, p);
        }
        data.line = false;
        data.markerSize = 3;
        series << data;
    }
    const FloatTensor &now = t.previous[i];
    const int64_t after = i + 1 < t.timesteps.size() ? t.timesteps[i + 1] : 0;
    widgets::Series particles{i + 1 < t.timesteps.size() ? tr("x_t, t = %1").arg(after) : tr("x₀, the samples"),
                              {},
                              {},
                              QColor(33, 102, 172)};
    for (int64_t p = 0; p < count; ++p) {
        particles.x << xOf(now, p);
        particles.y << yOf(now, p);
    }
    particles.line = false;
    particles.markerSize = 3;
    series << particles;
    // Drawn last, over the particles.
    const int64_t trails = std::min<int64_t>(trailCount, count);
    for (int64_t p = 0; p < trails; ++p) {
        widgets::Series trail{tr("paths from x_T"), {xOf(t.start, p)}, {yOf(t.start, p)}, QColor(214, 96, 77, 190)};
        for (size_t k = 0; k <= i; ++k) {
            trail.x << xOf(t.previous[k], p);
            trail.y << yOf(t.previous[k], p);
        }
        trail.parametric = true;
        trail.width = 1.0;
        trail.legend = p == 0;
        series << trail;
    }
    view.setSeries(series);
    view.setFigureTitle(tr("%1, %2 steps, seed %3: %4 particles after step %5 (t = %6 → %7)")
                            .arg(text(r.scheduler).toUpper())
                            .arg(t.timesteps.size())
                            .arg(r.seed)
                            .arg(count)
                            .arg(i + 1)
                            .arg(t.timesteps[i])
                            .arg(after));
    view.setTable({nullptr,
                   {},
                   {QStringLiteral("x1"), QStringLiteral("x2")},
                   {std::vector<double>(particles.x.begin(), particles.x.end()),
                    std::vector<double>(particles.y.begin(), particles.y.end())},
                   {},
                   {},
                   {},
                   {}});
    return tr("step %1 of %2 · t = %3").arg(i + 1).arg(t.timesteps.size()).arg(t.timesteps[i]);
}

} // namespace tessera::diffusionlab
