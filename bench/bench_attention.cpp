// The attention explorer's interactive costs at BERT-base scale (12 layers x 12 heads x 512
// tokens of captured attention): switching the head shown (slice + exact heatmap update +
// repaint) and building the model view of all 144 heads. Targets: < 16 ms and < 100 ms.

#include "tessera/core/AttentionAnalysis.h"
#include "tessera/widgets/AttentionGridView.h"
#include "tessera/widgets/HeatmapView.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <random>

namespace {
template <class F>
void measure(const char *name, int runs, F f)
{
    f();
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        f();
        times.push_back(timer.nsecsElapsed() / 1e6);
    }
    std::sort(times.begin(), times.end());
    std::printf("%-44s median %8.2f ms   max %8.2f ms   (%d runs)\n", name, times[times.size() / 2], times.back(), runs);
}
} // namespace

int main(int argc, char **argv)
{
    QApplication application(argc, argv);
    const int layers = 12, heads = 12, n = 512;
    std::mt19937 generator(3);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    std::vector<tessera::FloatTensor> attentions;
    for (int l = 0; l < layers; ++l) {
        tessera::FloatTensor t;
        t.shape = {1, heads, n, n};
        t.values.resize(size_t(heads) * n * n);
        for (size_t row = 0; row < size_t(heads) * n; ++row) {
            float sum = 0.0f;
            for (int k = 0; k < n; ++k)
                sum += t.values[row * n + k] = uniform(generator);
            for (int k = 0; k < n; ++k)
                t.values[row * n + k] /= sum;
        }
        attentions.push_back(std::move(t));
    }
    QStringList labels;
    for (int i = 0; i < n; ++i)
        labels << QStringLiteral("tok%1").arg(i);
    tessera::widgets::HeatmapView view;
    view.resize(1000, 800);
    view.show();
    QApplication::processEvents();
    int step = 0;
    measure("switch head (12x12x512): slice + map + repaint", 30, [&] {
        const int layer = step % layers, head = (step * 5) % heads;
        ++step;
        view.setMatrix(std::make_shared<tessera::Matrix>(tessera::attention::head(attentions[size_t(layer)], head)), labels, labels);
        view.plot()->replot(QCustomPlot::rpImmediateRefresh);
    });
    tessera::widgets::AttentionGridView grid;
    grid.resize(1200, 1000);
    grid.show();
    QApplication::processEvents();
    measure("model view, 144 heads: thumbnails + repaint", 10, [&] {
        grid.setAttentions(attentions);
        grid.repaint();
    });
    measure("mean over heads (one layer)", 10, [&] { (void)tessera::attention::meanOverHeads(attentions[0]); });
    return 0;
}
