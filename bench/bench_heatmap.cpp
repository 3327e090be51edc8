// Repaint time of the exact heatmap at 512, 2048 and 4096 cells a side: setting the matrix
// (once per new data) and a full repaint (every pan, zoom or hover highlight).
// Prints one line per measurement: name, median and min over repeats, in milliseconds.

#include "tessera/widgets/HeatmapView.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

namespace {

template <class Function> void measure(const char *name, int repeats, Function function)
{
    std::vector<double> times;
    function(); // warm-up
    for (int i = 0; i < repeats; ++i) {
        QElapsedTimer timer;
        timer.start();
        function();
        times.push_back(timer.nsecsElapsed() / 1e6);
    }
    std::sort(times.begin(), times.end());
    std::printf("%-34s median %8.2f ms   min %8.2f ms   (%d runs)\n", name, times[times.size() / 2], times.front(),
                repeats);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication application(argc, argv);
    std::mt19937 generator(1);
    std::uniform_real_distribution<float> uniform;
    for (int n : {512, 2048, 4096}) {
        auto matrix = std::make_shared<tessera::Matrix>(n, n);
        for (float &v : matrix->values)
            v = uniform(generator);
        tessera::widgets::HeatmapView view;
        view.resize(1000, 800);
        view.show();
        QApplication::processEvents();
        const QByteArray label = QByteArray::number(n) + "x" + QByteArray::number(n);
        measure(("set matrix " + label).constData(), 10, [&] { view.setMatrix(matrix); });
        measure(("repaint " + label).constData(), 20, [&] {
            view.plot()->xAxis->moveRange(0.0); // the next replot redraws everything, as after a pan
            view.plot()->replot(QCustomPlot::rpImmediateRefresh);
        });
        measure(("pan + repaint " + label).constData(), 20, [&] {
            view.plot()->xAxis->moveRange(1.0);
            view.plot()->replot(QCustomPlot::rpImmediateRefresh);
        });
        // Zoom to a 256-cell window and pan across it: for matrices beyond the level-of-detail
        // threshold this switches from the pooled overview to exact cells (processed events
        // included, as in the app), then pans by a quarter window each step.
        view.plot()->xAxis->setRange(n / 2.0, n / 2.0 + 256);
        view.plot()->yAxis->setRange(n / 2.0, n / 2.0 + 256);
        QApplication::processEvents();
        int step = 0;
        measure(("zoomed pan + repaint " + label).constData(), 20, [&] {
            const double shift = (++step % 8 < 4) ? 64.0 : -64.0;
            view.plot()->xAxis->moveRange(shift);
            view.plot()->yAxis->moveRange(shift);
            QApplication::processEvents();
            view.plot()->replot(QCustomPlot::rpImmediateRefresh);
        });
        measure(("zoom out to overview " + label).constData(), 10, [&] {
            view.plot()->xAxis->setRange(-0.5, n - 0.5);
            view.plot()->yAxis->setRange(-0.5, n - 0.5);
            QApplication::processEvents();
            view.plot()->replot(QCustomPlot::rpImmediateRefresh);
            view.plot()->xAxis->setRange(n / 2.0, n / 2.0 + 256);
            view.plot()->yAxis->setRange(n / 2.0, n / 2.0 + 256);
            QApplication::processEvents();
            view.plot()->replot(QCustomPlot::rpImmediateRefresh);
        });
    }
    return 0;
}
