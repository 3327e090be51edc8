#include "ProjectCommand.h"

#include "Arguments.h"

#include "tessera/core/EmbeddingSources.h"
#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Projection.h"
#include "tessera/core/TableIO.h"
#include "tessera/widgets/FigureExporter.h"
#include "tessera/widgets/ScatterView.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tessera::app {
namespace {

int usage(const QString &message)
{
    std::fprintf(stderr, "tessera-cli: project: %s\nTry 'tessera-cli --help'.\n", message.toLocal8Bit().constData());
    return 2;
}

int failed(const QString &message)
{
    std::fprintf(stderr, "tessera-cli: project: %s\n", message.toLocal8Bit().constData());
    return 1;
}

// FILE or FILE:TENSOR; a path that exists as given wins over a split at its last colon.
void splitSource(const QString &source, QString &path, QString &tensor)
{
    path = source;
    tensor.clear();
    const int colon = source.lastIndexOf(':');
    if (colon > 0 && !QFileInfo::exists(source) && QFileInfo::exists(source.left(colon))) {
        path = source.left(colon);
        tensor = source.mid(colon + 1);
    }
}

} // namespace

extern const char projectHelp[] =
    "  project --source FILE[:TENSOR] --method pca|tsne|umap --out COORDS.npy|.csv [--figure FIG.svg|.png|.pdf]\n"
    "                 [--perplexity P] [--n-neighbors K] [--min-dist D] [--metric euclidean|cosine|pearson|manhattan]\n"
    "                 [--iterations N] [--seed S] [--dimensions 2|3] [--labels FILE] [--search auto|exact|hnsw] "
    "[--quality-k K]\n"
    "                 [--repeat N]\n"
    "                 Lay out the rows of an N x D matrix (.npy, .safetensors, CSV) and write the N x 2 (or 3)\n"
    "                 float32 coordinates in the input's row order; prints trustworthiness and k-NN\n"
    "                 preservation (k 10). --labels: one label per line, colours the figure. --repeat N runs\n"
    "                 the layout N times in one process and prints each time (benchmarks: warm runs).\n";

int projectCommand(const QStringList &arguments)
{
    QString source, out, figure, labelsPath;
    projection::ProjectionRequest request;
    bool methodGiven = false;
    int repeat = 1;
    Arguments reader(arguments);
    while (!reader.atEnd()) {
        QString argument, value;
        if (!reader.anyValue(argument, value))
            return usage(QStringLiteral("unexpected argument \"%1\"").arg(reader.current()));
        bool ok = true;
        if (argument == "--source")
            source = value;
        else if (argument == "--out")
            out = value;
        else if (argument == "--figure")
            figure = value;
        else if (argument == "--labels")
            labelsPath = value;
        else if (argument == "--search") {
            projection::NeighbourSearch search = projection::NeighbourSearch::Auto;
            if (value == "exact")
                search = projection::NeighbourSearch::Exact;
            else if (value == "hnsw")
                search = projection::NeighbourSearch::Hnsw;
            else
                ok = value == "auto";
            request.tsne.search = request.umap.search = search;
        } else if (argument == "--method") {
            ok = projection::parseMethod(value.toStdString(), request.method);
            methodGiven = ok;
        } else if (argument == "--metric") {
            ok = projection::parseMetric(value.toStdString(), request.tsne.metric);
            request.umap.metric = request.tsne.metric;
        } else if (argument == "--perplexity") {
            request.tsne.perplexity = value.toDouble(&ok);
            ok = ok && request.tsne.perplexity > 0.0;
        } else if (argument == "--n-neighbors") {
            request.umap.neighbours = value.toInt(&ok);
            ok = ok && request.umap.neighbours >= 2;
        } else if (argument == "--min-dist") {
            request.umap.minDist = value.toDouble(&ok);
            ok = ok && request.umap.minDist >= 0.0;
        } else if (argument == "--iterations") {
            const int n = value.toInt(&ok);
            ok = ok && n > 0;
            request.tsne.iterations = n;
            request.umap.epochs = n;
        } else if (argument == "--seed") {
            const qulonglong seed = value.toULongLong(&ok);
            request.tsne.seed = request.umap.seed = seed;
        } else if (argument == "--dimensions") {
            request.dimensions = value.toInt(&ok);
            ok = ok && (request.dimensions == 2 || request.dimensions == 3);
        } else if (argument == "--repeat") {
            repeat = value.toInt(&ok);
            ok = ok && repeat >= 1 && repeat <= 100;
        } else if (argument == "--quality-k") {
            request.qualityNeighbours = value.toInt(&ok);
            ok = ok && request.qualityNeighbours >= 0;
        } else
            return usage(QStringLiteral("unexpected argument \"%1\"").arg(argument));
        if (!ok)
            return usage(QStringLiteral("%1: \"%2\" is not a valid value").arg(argument, value));
    }
    if (source.isEmpty() || out.isEmpty() || !methodGiven)
        return usage(
            QStringLiteral("project needs --source FILE[:TENSOR], --method pca|tsne|umap and --out COORDS.npy"));
    const QString outSuffix = QFileInfo(out).suffix().toLower();
    if (outSuffix != "npy" && outSuffix != "csv")
        return usage(QStringLiteral("--out: \"%1\" should end in .npy or .csv").arg(out));
    widgets::ExportFormat figureFormat = widgets::ExportFormat::Svg;
    if (!figure.isEmpty() && (!widgets::parseExportFormat(QFileInfo(figure).suffix(), figureFormat) ||
                              figureFormat == widgets::ExportFormat::Csv))
        return usage(QStringLiteral("--figure: \"%1\" should end in .png, .svg or .pdf").arg(figure));
    // The coordinates and the axis labels need only the plotted components (the panel's variance
    // view asks for ten).
    request.pcaComponents = request.dimensions;
    QString path, tensor;
    splitSource(source, path, tensor);
    try {
        // The panel's reader: labels one a line (a CSV's first field, a header dropped), up to 50
        // distinct labels also colour the points.
        const projection::EmbeddingSet set =
            projection::matrixFile(path.toStdString(), tensor.toStdString(), labelsPath.toStdString());
        const Matrix &data = set.vectors;
        std::fprintf(stderr, "%s: %lld x %lld, %s\n", path.toLocal8Bit().constData(), (long long)data.rows,
                     (long long)data.cols, projection::methodName(request.method).c_str());
        int lastPercent = -1;
        BasicJobContext context([&](double fraction, const std::string &message) {
            const int percent = int(std::floor(fraction * 100.0));
            if (percent / 10 != lastPercent / 10) {
                lastPercent = percent;
                std::fprintf(stderr, "  %3d%%  %s\n", percent, message.c_str());
            }
        });
        projection::Projection p = projection::project(data, request, &context);
        // Benchmarks: the same layout again in this process (warm), each run's time printed.
        std::vector<double> times{p.seconds};
        for (int run = 1; run < repeat; ++run) {
            p = projection::project(data, request, &context);
            times.push_back(p.seconds);
        }
        if (repeat > 1) {
            std::printf("runs");
            for (double t : times)
                std::printf(" %.3f", t);
            std::sort(times.begin() + 1, times.end());
            std::printf("  warm median %.3f s\n", times[1 + (times.size() - 2) / 2]);
        }
        if (outSuffix == "npy")
            writeNpy(out.toStdString(), FloatTensor{{p.coordinates.rows, p.coordinates.cols}, p.coordinates.values});
        else
            writeCsv(out.toStdString(), p.coordinates,
                     request.dimensions == 3 ? std::vector<std::string>{"x", "y", "z"}
                                             : std::vector<std::string>{"x", "y"});
        std::printf("method %s  points %lld  seconds %.3f", projection::methodName(request.method).c_str(),
                    (long long)data.rows, p.seconds);
        if (request.method == projection::Method::Tsne)
            std::printf("  kl %.4f  iterations %d", p.klDivergence, p.steps);
        if (request.method != projection::Method::Pca)
            std::printf("  neighbours %.3f s%s", p.neighbourSeconds,
                        p.approximateNeighbours ? " (HNSW, approximate)" : " (exact)");
        if (p.trustworthiness >= 0.0)
            std::printf("\ntrustworthiness@%lld %.4f  knn-preservation@%lld %.4f  over %lld points",
                        (long long)request.qualityNeighbours, p.trustworthiness, (long long)request.qualityNeighbours,
                        p.preservation, (long long)p.qualityQueries);
        std::printf("\n");
        if (!figure.isEmpty()) {
            widgets::ScatterView view;
            std::vector<float> xy(size_t(data.rows) * 2);
            for (int64_t i = 0; i < data.rows; ++i) {
                xy[size_t(2 * i)] = p.coordinates.at(i, 0);
                xy[size_t(2 * i + 1)] = p.coordinates.at(i, 1);
            }
            view.setPoints(std::move(xy));
            if (!labelsPath.isEmpty()) {
                QStringList labels, names;
                for (const std::string &label : set.labels)
                    labels << QString::fromStdString(label);
                view.setLabels(labels);
                for (const std::string &name : set.categoryNames)
                    names << QString::fromStdString(name);
                if (!set.category.empty())
                    view.setCategories(set.category, names);
            }
            const QString name = QFileInfo(path).fileName() + (tensor.isEmpty() ? QString() : ":" + tensor);
            const QString methodTitle = request.method == projection::Method::Pca    ? "PCA"
                                        : request.method == projection::Method::Tsne ? "t-SNE"
                                                                                     : "UMAP";
            view.setFigureTitle(QStringLiteral("%1 of %2 (%3 points)").arg(methodTitle, name).arg(data.rows));
            if (request.method == projection::Method::Pca && p.explainedRatio.size() >= 2)
                view.setAxisLabels(QStringLiteral("PC 1 (%1%)").arg(100.0 * p.explainedRatio[0], 0, 'f', 1),
                                   QStringLiteral("PC 2 (%1%)").arg(100.0 * p.explainedRatio[1], 0, 'f', 1));
            else
                view.setAxisLabels(methodTitle + " 1", methodTitle + " 2");
            if (p.trustworthiness >= 0.0)
                view.setFootnote(QStringLiteral("trustworthiness %1 · %2-NN preserved %3")
                                     .arg(p.trustworthiness, 0, 'f', 3)
                                     .arg(request.qualityNeighbours)
                                     .arg(p.preservation, 0, 'f', 3));
            const QString error = widgets::exportFigure(view, figure, figureFormat);
            if (!error.isEmpty())
                return failed(error);
        }
    } catch (const std::exception &error) {
        return failed(QString::fromStdString(error.what()));
    }
    return 0;
}

} // namespace tessera::app
