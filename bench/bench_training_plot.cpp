// Live plotting overhead of training: the reverse recipe trained on a worker thread while the
// GUI thread draws its curves as the Training panel does (reports arrive at most ~10 a second;
// the curve in view, a LinePlotView of 900 x 500, is given every point so far and repainted at
// most every 250 ms), against the same training with nobody drawing. Target: < 2% fewer steps
// per second. The first number is for the panel's policy; the second redraws three views at
// every report, the naive policy it replaced.
// Usage: bench_training_plot THREADS STEPS REPEATS   (offscreen Qt is fine)

#include "tessera/core/Job.h"
#include "tessera/core/Runtime.h"
#include "tessera/core/Training.h"
#include "tessera/widgets/LinePlotView.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <thread>

namespace {

double stepsPerSecond(int steps, int plot) // 0: none, 1: the panel's policy, 2: naive
{
    const std::filesystem::path folder = std::filesystem::temp_directory_path() / "tessera-bench-plot";
    std::filesystem::remove_all(folder);
    tessera::TrainingOptions o;
    o.recipe = "reverse";
    o.outputFolder = folder.string();
    o.steps = steps;
    o.snapshotEvery = steps + 1;
    o.evaluateEvery = steps + 1;
    o.checkpointEvery = steps + 1;
    tessera::widgets::LinePlotView loss, accuracy, rate;
    for (auto *view : {&loss, &accuracy, &rate}) {
        view->resize(900, 500);
        view->show();
    }
    loss.setLogY(true);
    QVector<double> x, y, a, r;
    QObject anchor;
    bool done = false;
    double seconds = 0.0;
    QElapsedTimer sinceDraw;
    sinceDraw.start();
    std::thread worker([&] {
        tessera::BasicJobContext context;
        QElapsedTimer clock;
        clock.start();
        tessera::train(o, context, [&](const tessera::TrainingReport &report) {
            if (!plot)
                return;
            QMetaObject::invokeMethod(
                &anchor,
                [&, report] {
                    for (const auto &p : report.points) {
                        x.append(double(p.step));
                        y.append(p.loss);
                        a.append(p.accuracy);
                        r.append(p.learningRate);
                    }
                    if (plot == 1) {
                        if (sinceDraw.elapsed() < 250)
                            return;
                        sinceDraw.restart();
                        loss.setSeries({{"loss", x, y}});
                        loss.plot()->replot(QCustomPlot::rpImmediateRefresh);
                        return;
                    }
                    loss.setSeries({{"loss", x, y}});
                    accuracy.setSeries({{"accuracy", x, a}});
                    rate.setSeries({{"learning rate", x, r}});
                    for (auto *view : {&loss, &accuracy, &rate})
                        view->plot()->replot(QCustomPlot::rpImmediateRefresh);
                },
                Qt::QueuedConnection);
        });
        seconds = clock.nsecsElapsed() / 1e9;
        QMetaObject::invokeMethod(
            &anchor, [&] { done = true; }, Qt::QueuedConnection);
    });
    while (!done)
        QApplication::processEvents(QEventLoop::WaitForMoreEvents);
    worker.join();
    std::filesystem::remove_all(folder);
    return steps / seconds;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication application(argc, argv);
    const int threads = argc > 1 ? std::atoi(argv[1]) : 0;
    const int steps = argc > 2 ? std::atoi(argv[2]) : 600;
    const int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
    const tessera::RuntimeInfo runtime = tessera::configureRuntime(threads);
    std::printf("runtime: %s · %d threads; reverse recipe, %d steps, %d alternating repeats\n",
                runtime.blasName.c_str(), runtime.threads, steps, repeats);
    std::vector<double> runs[3];
    for (int i = 0; i < repeats; ++i)
        for (int policy = 0; policy < 3; ++policy)
            runs[policy].push_back(stepsPerSecond(steps, policy));
    const char *names[3] = {"without plotting", "live, the panel's policy", "live, every view every report"};
    double medians[3];
    for (int policy = 0; policy < 3; ++policy) {
        std::sort(runs[policy].begin(), runs[policy].end());
        medians[policy] = runs[policy][runs[policy].size() / 2];
        std::printf("steps/s %-30s median %6.1f (runs:", names[policy], medians[policy]);
        for (double v : runs[policy])
            std::printf(" %.1f", v);
        std::printf(")");
        if (policy > 0)
            std::printf("  overhead %.1f%%", 100.0 * (1.0 - medians[policy] / medians[0]));
        std::printf("\n");
    }
    return 0;
}
