#pragma once
// The Diffusion lab's figures, drawn from sampling results: each function fills one view (tiles
// or series, title and exported table). GUI thread only.

#include "DiffusionSampling.h"

#include <QString>

#include <vector>

namespace tessera::widgets {
class CompositeFigure;
class ImageGridView;
class LinePlotView;
} // namespace tessera::widgets

namespace tessera::diffusionlab {

QString seconds(double s); // "12 ms", "1.25 s"

// x_t entering evenly spaced steps, the predicted x0 and the predicted noise.
void showFilmstrip(widgets::ImageGridView &view, const diffusion::Trajectory &t, const SamplingRequest &r);
// Step index (0-based) large: x_t, noise, x0 estimate, x_{t-1}. Returns the scrubber's read-out.
QString showStep(widgets::ImageGridView &view, const diffusion::Trajectory &t, const SamplingRequest &r, int index);
void showSeeds(widgets::ImageGridView &view, const std::vector<FloatTensor> &samples, uint64_t firstSeed,
               const std::string &scheduler, int steps);
// beta, alpha-bar and SNR of current's schedule beside the other beta schedules, with the
// timesteps current visits.
void showSchedules(widgets::CompositeFigure &view, widgets::LinePlotView &beta, widgets::LinePlotView &alpha,
                   widgets::LinePlotView &snr, const diffusion::Scheduler &current, const std::string &kind);
// q(x_t | x0) at t with the noise of seed, and the histograms. Returns the t read-out.
QString showForward(widgets::CompositeFigure &view, widgets::ImageGridView &images,
                    widgets::LinePlotView &histogramView, const diffusion::Scheduler &ddpm, const FloatTensor &x0,
                    const QString &x0Name, int forwardT, int seed);
void showComparison(widgets::ImageGridView &view, const Comparison &c, int seed);
// A point model's particles after step index over the data (dataName), with trails paths.
// Returns the scrubber's read-out.
QString showParticles(widgets::LinePlotView &view, const diffusion::Trajectory &t, const SamplingRequest &r, int index,
                      int trailCount, const FloatTensor &dataPoints, const QString &dataName);

} // namespace tessera::diffusionlab
