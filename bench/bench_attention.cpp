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
template <class F> void measure(const char *name, int runs, F f)
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
    std::printf("%-44s median %8.2f ms   max %8.2f ms   (%d runs)\n", name, times[times.size() / 2], times.back(),
                runs);
}
} // namespace

int main(int argc, char **argv)
{
    QApplication application(argc, argv);
    const int layers = 12, heads = 12, n = 512;
    std::mt19937 generator(3);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    std::vector<tessera::FloatTensor> attentions;
    // As the explorer keeps them: float16, decoded per use.
    auto compact = std::make_shared<std::vector<tessera::HalfTensor>>();
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
        compact->push_back(tessera::HalfTensor::fromFloat(attentions.back()));
    }
    QStringList labels;
    for (int i = 0; i < n; ++i)
        labels << QStringLiteral("tok%1").arg(i);
    tessera::widgets::HeatmapView view;
    view.resize(1000, 800);
    view.show();
    QApplication::processEvents();
    int step = 0;
    measure("switch head (12x12x512): decode float16 layer + slice + map + repaint", 30, [&] {
        const int layer = step % layers, head = (step * 5) % heads;
        ++step;
        const tessera::FloatTensor decoded = (*compact)[size_t(layer)].toFloat();
        view.setMatrix(std::make_shared<tessera::Matrix>(tessera::attention::head(decoded, head)), labels, labels);
        view.plot()->replot(QCustomPlot::rpImmediateRefresh);
    });
    tessera::widgets::AttentionGridView grid;
    grid.resize(1200, 1000);
    grid.show();
    QApplication::processEvents();
    measure("model view, 144 heads: thumbnails + repaint", 10, [&] {
        grid.setAttentions(compact);
        grid.repaint();
    });
    measure("mean over heads (one layer)", 10, [&] { (void)tessera::attention::meanOverHeads(attentions[0]); });
    std::size_t full = 0, half = 0;
    for (std::size_t l = 0; l < attentions.size(); ++l) {
        full += attentions[l].values.size() * sizeof(float);
        half += (*compact)[l].values.size() * sizeof(std::uint16_t);
    }
    std::printf("capture kept: %.1f MiB as float16 (float32 would be %.1f MiB)\n", half / 1048576.0, full / 1048576.0);
    return 0;
}
