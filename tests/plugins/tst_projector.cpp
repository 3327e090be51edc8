// The projector driven by its options (as sessions and tessera-cli export do): a matrix file
// with labels laid out by PCA (coordinates worked out by hand), neighbours by the four
// similarities and word arithmetic against hand calculations, t-SNE and UMAP separating three
// clusters, every view exported, and bad options refused with nothing changed.

#include "tessera/plugins/PluginManager.h"
#include "tessera/widgets/FigureExporter.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace tessera;

namespace {

void writeText(const QString &path, const QString &text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text.toUtf8());
}

// The layout's rows (index, x, y, category, selected) from the figure's table.
std::vector<std::array<double, 2>> points(widgets::Figure *figure)
{
    const widgets::FigureTable t = figure->figureTable();
    std::vector<std::array<double, 2>> out;
    if (t.columns.size() < 3)
        return out;
    for (size_t i = 0; i < t.columns[1].size(); ++i)
        out.push_back({t.columns[1][i], t.columns[2][i]});
    return out;
}

} // namespace

class TestProjectorPanel : public QObject {
    Q_OBJECT
private:
    plugins::PluginManager m_plugins;
    widgets::JobRunner m_jobs;
    widgets::DataHub m_hub;
    QTemporaryDir m_dir;

    std::unique_ptr<widgets::PanelWidget> create()
    {
        return std::unique_ptr<widgets::PanelWidget>(m_plugins.panel("projector")->create({&m_jobs, &m_hub}, nullptr));
    }

private slots:
    void initTestCase()
    {
        m_jobs.setInline(true);
        m_plugins.loadAll({TESSERA_PLUGIN_DIR});
        QVERIFY(m_plugins.panel("projector"));
    }

    void pcaOfALabelledMatrix()
    {
        // Rows t (1, 2, 0) for t = -1, 0, 1, 3: PC 1 = (t - 0.75) sqrt 5, the largest (t = 3)
        // positive; PC 2 = 0.
        const QString csv = m_dir.filePath("line.csv"), labels = m_dir.filePath("line.labels");
        writeText(csv, "-1,-2,0\n0,0,0\n1,2,0\n3,6,0\n");
        writeText(labels, "a\nb\nc\nd\n");
        auto panel = create();
        QString error;
        const QString saved = m_dir.filePath("line-xy.csv");
        QVERIFY2(
            panel->setOptions(
                {{"source-kind", "matrix"}, {"source", csv}, {"labels", labels}, {"method", "pca"}, {"save", saved}},
                &error),
            qPrintable(error));
        const auto p = points(panel->figure("layout"));
        QCOMPARE(p.size(), size_t(4));
        const double t[4] = {-1, 0, 1, 3};
        for (int i = 0; i < 4; ++i) {
            QVERIFY(std::abs(p[size_t(i)][0] - (t[i] - 0.75) * std::sqrt(5.0)) < 1e-4);
            QVERIFY(std::abs(p[size_t(i)][1]) < 1e-4);
        }
        // The saved coordinates are the layout's, one row per input row after the header.
        QFile file(saved);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        QCOMPARE(lines[0], QStringLiteral("x,y"));
        QVERIFY(std::abs(lines[4].split(',')[0].toDouble() - 2.25 * std::sqrt(5.0)) < 1e-4);
        // Colour by vector norm: the table keeps the points, now with a value column.
        QVERIFY2(panel->setOptions({{"colour", "norm"}}, &error), qPrintable(error));
        QVERIFY(panel->figure("layout")->figureTable().columnNames.contains("vector norm"));
        // Explained variance: 100% on PC 1.
        const widgets::FigureTable variance = panel->figure("variance")->figureTable();
        QVERIFY(!variance.columns.empty());
        QVERIFY(std::abs(variance.columns.back()[0] - 100.0) < 1e-6);
    }

    void neighboursAndArithmetic()
    {
        // king (1,1,0), man (1,0,0), woman (0,0,1), queen (0,1,1), apple (1,0,0.1), pear (1,0,0.2).
        const QString csv = m_dir.filePath("words.csv"), labels = m_dir.filePath("words.labels");
        writeText(csv, "1,1,0\n1,0,0\n0,0,1\n0,1,1\n1,0,0.1\n1,0,0.2\n");
        writeText(labels, "king\nman\nwoman\nqueen\napple\npear\n");
        auto panel = create();
        QString error;
        QVERIFY2(panel->setOptions({{"source-kind", "matrix"},
                                    {"source", csv},
                                    {"labels", labels},
                                    {"method", "pca"},
                                    {"similarity", "cosine"},
                                    {"k", "2"},
                                    {"arithmetic", "king - man + woman"}},
                                   &error),
                 qPrintable(error));
        // king/|king| - man + woman = (1/sqrt2 - 1, 1/sqrt2, 1): queen first, cosine by hand.
        widgets::FigureTable t = panel->figure("neighbours")->figureTable();
        QVERIFY(!t.columns.empty());
        const double s = 1.0 / std::sqrt(2.0), norm = std::sqrt((s - 1) * (s - 1) + 0.5 + 1.0);
        const std::vector<double> &values = t.columns.back(); // rank, id, similarity
        QVERIFY2(std::abs(values[0] - (s + 1) / (norm * std::sqrt(2.0))) < 1e-5, qPrintable(t.columnNames.join(",")));
        QCOMPARE(panel->currentFigureName(), QStringLiteral("neighbours"));
        // An empty arithmetic is refused.
        QVERIFY(!panel->setOptions({{"arithmetic", ""}}, &error));
        // Pearson neighbours of apple (1, 0, 0.1): centred (19, -11, -8) / 30; man (1, 0, 0) centred
        // (2, -1, -1) / 3 gives r = (38 + 11 + 8) / (sqrt(546) sqrt 6) = 0.99582, pear (1, 0, 0.2)
        // centred (3, -2, -1) / 5 gives r = (57 + 22 + 8) / (sqrt(546) sqrt 14) = 0.99507: man first.
        QVERIFY2(panel->setOptions({{"similarity", "pearson"}, {"k", "2"}, {"neighbours-of", "apple"}}, &error),
                 qPrintable(error));
        t = panel->figure("neighbours")->figureTable();
        QCOMPARE(t.columns.back().size(), size_t(2));
        QCOMPARE(t.columns[1][0], 1.0); // the id column: row 1, man
        QVERIFY(std::abs(t.columns.back()[0] - 57.0 / (std::sqrt(546.0) * std::sqrt(6.0))) < 1e-5);
        QCOMPARE(t.columns[1][1], 5.0); // pear
        QVERIFY(std::abs(t.columns.back()[1] - 87.0 / (std::sqrt(546.0) * std::sqrt(14.0))) < 1e-5);
    }

    void layoutsSeparateClusters()
    {
        // Three clusters of 40 points in 8-D, centres 20 apart.
        std::mt19937 random(2);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        QString text, names;
        for (int i = 0; i < 120; ++i) {
            QStringList row;
            for (int j = 0; j < 8; ++j)
                row << QString::number(normal(random) + (j == i / 40 ? 20.0f : 0.0f));
            text += row.join(',') + "\n";
            names += QStringLiteral("c%1\n").arg(i / 40);
        }
        const QString csv = m_dir.filePath("clusters.csv"), labels = m_dir.filePath("clusters.labels");
        writeText(csv, text);
        writeText(labels, names);
        for (const QString method : {"tsne", "umap"}) {
            auto panel = create();
            QString error;
            QVERIFY2(panel->setOptions({{"source-kind", "matrix"},
                                        {"source", csv},
                                        {"labels", labels},
                                        {"method", method},
                                        {"perplexity", "10"},
                                        {"n-neighbors", "10"}},
                                       &error),
                     qPrintable(error));
            const auto p = points(panel->figure("layout"));
            QCOMPARE(p.size(), size_t(120));
            int same = 0;
            for (size_t i = 0; i < p.size(); ++i) {
                double best = INFINITY;
                size_t nearest = 0;
                for (size_t j = 0; j < p.size(); ++j) {
                    const double d = std::hypot(p[i][0] - p[j][0], p[i][1] - p[j][1]);
                    if (j != i && d < best) {
                        best = d;
                        nearest = j;
                    }
                }
                same += nearest / 40 == i / 40;
            }
            QCOMPARE(same, 120);
            // Every view exports.
            for (const QString &view : panel->figureNames()) {
                const QString path = m_dir.filePath(method + "-" + view + ".svg");
                QCOMPARE(widgets::exportFigure(*panel->figure(view), path, widgets::ExportFormat::Svg), QString());
                QVERIFY(QFileInfo(path).size() > 1000);
            }
            // The scatter's table: one row per point, categories from the labels file.
            const widgets::FigureTable table = panel->figure("layout")->figureTable();
            QCOMPARE(table.columns[0].size(), size_t(120));
        }
    }

    void badOptionsChangeNothing()
    {
        auto panel = create();
        const QVariantMap before = panel->options();
        QString error;
        QVERIFY(!panel->setOptions({{"method", "mds"}}, &error));
        QVERIFY(error.contains("mds"));
        QVERIFY(!panel->setOptions({{"perplexity", "0"}, {"method", "tsne"}}, &error));
        QVERIFY(error.contains("perplexity"));
        QVERIFY(!panel->setOptions({{"nonsense", "1"}}, &error));
        QCOMPARE(panel->options(), before);
        // A missing file: the message names it.
        QVERIFY(!panel->setOptions({{"source-kind", "matrix"}, {"source", m_dir.filePath("missing.npy")}}, &error));
        QVERIFY2(error.contains("missing.npy"), qPrintable(error));
        // Labels that do not match the rows.
        const QString csv = m_dir.filePath("three.csv"), labels = m_dir.filePath("two.labels");
        writeText(csv, "1,2\n3,4\n5,6\n");
        writeText(labels, "x\ny\n");
        QVERIFY(!panel->setOptions({{"source-kind", "matrix"}, {"source", csv}, {"labels", labels}}, &error));
        QVERIFY2(error.contains("2") && error.contains("3"), qPrintable(error));
    }
};

QTEST_MAIN(TestProjectorPanel)
#include "tst_projector.moc"
