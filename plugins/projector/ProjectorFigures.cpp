#include "ProjectorFigures.h"

#include "tessera/core/TableIO.h"
#include "tessera/widgets/BarChartView.h"
#include "tessera/widgets/CompositeFigure.h"
#include "tessera/widgets/ScatterView.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QFormLayout>
#include <QRegularExpression>
#include <QTableWidget>

#include <cmath>

namespace tessera::projector {
namespace {
// The panel's strings, translated in the panel's context.
QString tr(const char *text)
{
    return QCoreApplication::translate("tessera::projector::ProjectorPanel", text);
}
} // namespace

QString methodTitle(projection::Method method)
{
    switch (method) {
    case projection::Method::Pca:
        return QStringLiteral("PCA");
    case projection::Method::Tsne:
        return QStringLiteral("t-SNE");
    case projection::Method::Umap:
        return QStringLiteral("UMAP");
    }
    return {};
}

std::vector<float> interleaved(const Matrix &coordinates)
{
    std::vector<float> xy(size_t(coordinates.rows) * 2);
    for (int64_t i = 0; i < coordinates.rows; ++i) {
        xy[size_t(2 * i)] = coordinates.at(i, 0);
        xy[size_t(2 * i + 1)] = coordinates.cols > 1 ? coordinates.at(i, 1) : 0.0f;
    }
    return xy;
}

QStringList labelList(const projection::EmbeddingSet &set)
{
    QStringList labels;
    labels.reserve(qsizetype(set.labels.size()));
    for (const std::string &label : set.labels)
        labels << QString::fromStdString(label);
    return labels;
}

// Colours by the set's categories, or one colour when it has none.
void colourByCategory(widgets::ScatterView *view, const projection::EmbeddingSet &set)
{
    if (!set.category.empty() && !set.categoryNames.empty()) {
        QStringList names;
        for (const std::string &name : set.categoryNames)
            names << QString::fromStdString(name);
        view->setCategories(set.category, names);
    } else {
        view->clearColouring();
    }
}

// Points, labels and colours of a set into a scatter.
void fillScatter(widgets::ScatterView *view, const projection::EmbeddingSet &set, const Matrix &coordinates)
{
    view->setPoints(interleaved(coordinates));
    view->setLabels(labelList(set));
    colourByCategory(view, set);
}

QString qualityText(const projection::Projection &p, int64_t k)
{
    if (p.trustworthiness < 0.0)
        return {};
    QString text = QObject::tr("trustworthiness %1 · %2-NN preserved %3")
                       .arg(p.trustworthiness, 0, 'f', 3)
                       .arg(k)
                       .arg(p.preservation, 0, 'f', 3);
    if (p.qualityQueries < p.coordinates.rows)
        text += QObject::tr(" (over %1 sampled points)").arg(p.qualityQueries);
    return text;
}

QString layoutDetail(const projection::Projection &p)
{
    QString detail = tr("%1 in %2 s").arg(methodTitle(p.method)).arg(p.seconds, 0, 'f', 1);
    if (p.method == projection::Method::Tsne)
        detail += tr(", KL %1 after %2 iterations").arg(p.klDivergence, 0, 'f', 3).arg(p.steps);
    if (p.method != projection::Method::Pca)
        detail += p.approximateNeighbours ? tr(", neighbours by HNSW (approximate)") : tr(", exact neighbours");
    return detail;
}

void showVariance(widgets::BarChartView *view, const projection::Projection &p, const QString &description)
{
    QStringList names;
    QVector<double> values;
    for (size_t i = 0; i < p.explainedRatio.size(); ++i) {
        names << tr("PC %1").arg(i + 1);
        values << 100.0 * p.explainedRatio[i];
    }
    view->setBars(names, values);
    view->setFigureTitle(p.explainedRatio.empty() ? tr("Explained variance (run PCA)")
                                                  : tr("Explained variance: %1").arg(description));
}

std::vector<float> colouringValues(const projection::EmbeddingSet &set, const QString &mode)
{
    std::vector<float> values(size_t(set.vectors.rows));
    for (int64_t i = 0; i < set.vectors.rows; ++i) {
        double norm = 0.0;
        if (mode == "norm")
            for (int64_t j = 0; j < set.vectors.cols; ++j)
                norm += double(set.vectors.at(i, j)) * double(set.vectors.at(i, j));
        values[size_t(i)] = mode == "norm" ? float(std::sqrt(norm)) : float(i);
    }
    return values;
}

QString writeCoordinates(const QString &path, const Matrix &c)
{
    try {
        if (QFileInfo(path).suffix().compare("csv", Qt::CaseInsensitive) == 0)
            writeCsv(path.toStdString(), c,
                     c.cols == 3 ? std::vector<std::string>{"x", "y", "z"} : std::vector<std::string>{"x", "y"});
        else
            writeNpy(path.toStdString(), FloatTensor{{c.rows, c.cols}, c.values});
    } catch (const std::exception &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

int64_t rowOfLabel(const projection::EmbeddingSet &set, const QString &label)
{
    const std::string wanted = label.trimmed().toStdString();
    for (size_t i = 0; i < set.labels.size(); ++i)
        if (set.labels[i] == wanted)
            return int64_t(i);
    // Token vocabularies: GPT-2's leading-space marker, case.
    for (size_t i = 0; i < set.labels.size(); ++i)
        if (QString::fromStdString(set.labels[i]).remove(QChar(0x0120)).compare(label.trimmed(), Qt::CaseInsensitive) ==
            0)
            return int64_t(i);
    bool isNumber = false;
    const int64_t row = label.trimmed().toLongLong(&isNumber);
    return isNumber && row >= 0 && row < set.vectors.rows ? row : -1;
}

QVector<int> showNeighbourRows(QTableWidget *table, widgets::BarChartView *chart, const projection::EmbeddingSet &set,
                               const std::vector<projection::Neighbour> &found, const QString &metricName,
                               bool similarity, const QString &title)
{
    table->setHorizontalHeaderLabels({tr("row"), tr("label"), similarity ? tr("similarity") : tr("distance")});
    table->setRowCount(int(found.size()));
    QStringList names;
    QVector<double> values, ids;
    QVector<int> rows;
    for (int i = 0; i < int(found.size()); ++i) {
        const projection::Neighbour &n = found[size_t(i)];
        const QString label = size_t(n.row) < set.labels.size() ? QString::fromStdString(set.labels[size_t(n.row)])
                                                                : QString::number(n.row);
        const double value = similarity ? n.similarity : n.distance;
        table->setItem(i, 0, new QTableWidgetItem(QString::number(n.row)));
        table->setItem(i, 1, new QTableWidgetItem(label));
        table->setItem(i, 2, new QTableWidgetItem(QString::number(value, 'f', 4)));
        names << label;
        values << value;
        ids << double(n.row);
        rows << int(n.row);
    }
    chart->setBars(names, values, ids);
    chart->setValueTitle(QStringLiteral("%1 %2").arg(metricName, similarity ? tr("similarity") : tr("distance")));
    chart->setFigureTitle(title);
    return rows;
}

QString defaultCorpus()
{
    return QStringLiteral("I deposited my salary at the bank this morning.\n"
                          "The bank raised its interest rates again.\n"
                          "She opened a savings account at the bank.\n"
                          "We had a picnic on the bank of the river.\n"
                          "The fisherman sat on the muddy bank all day.\n"
                          "Grass grew thick along the river bank.\n"
                          "The king spoke to the queen in the palace.\n"
                          "A man and a woman walked into the room.\n");
}

void showFormRow(QWidget *field, bool visible)
{
    field->setVisible(visible);
    auto *form = qobject_cast<QFormLayout *>(field->parentWidget() ? field->parentWidget()->layout() : nullptr);
    if (!form)
        return;
    if (QWidget *label = form->labelForField(field)) {
        label->setVisible(visible);
        return;
    }
    // A field inside a row's layout (the path and its Browse button).
    for (int row = 0; row < form->rowCount(); ++row)
        if (QLayoutItem *item = form->itemAt(row, QFormLayout::FieldRole);
            item && item->layout() && item->layout()->indexOf(field) >= 0)
            if (QLayoutItem *label = form->itemAt(row, QFormLayout::LabelRole); label && label->widget())
                label->widget()->setVisible(visible);
}

void showLayoutResult(widgets::ScatterView *view, const Layout &layout, int64_t k)
{
    const projection::Projection &p = layout.projection;
    const QString method = methodTitle(p.method);
    fillScatter(view, *layout.set, p.coordinates);
    view->setFigureTitle(layout.title);
    if (p.method == projection::Method::Pca && p.explainedRatio.size() >= 2)
        view->setAxisLabels(tr("PC 1 (%1%)").arg(100.0 * p.explainedRatio[0], 0, 'f', 1),
                            tr("PC 2 (%1%)").arg(100.0 * p.explainedRatio[1], 0, 'f', 1));
    else
        view->setAxisLabels(method + " 1", method + " 2");
    view->setFootnote(qualityText(p, k));
}

void showComparison(widgets::CompositeFigure *compare, widgets::ScatterView *left, widgets::ScatterView *right,
                    const Layout &pinned, const Layout *current, int64_t k)
{
    fillScatter(left, *pinned.set, pinned.projection.coordinates);
    left->setFigureTitle(pinned.title);
    left->setFootnote(qualityText(pinned.projection, k));
    if (current) {
        fillScatter(right, *current->set, current->projection.coordinates);
        right->setFigureTitle(current->title);
        right->setFootnote(qualityText(current->projection, k));
    }
    compare->setFigureTitle(tr("%1  |  %2").arg(pinned.title, current ? current->title : QString()));
}

bool parseAnalogy(const QString &text, const projection::EmbeddingSet &set, int64_t rows[3], QString terms[3],
                  QString *error)
{
    static const QRegularExpression pattern(QStringLiteral("^\\s*(.+?)\\s+-\\s+(.+?)\\s+\\+\\s+(.+?)\\s*$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch()) {
        if (error)
            *error = tr("Write the arithmetic as a - b + c, e.g. king - man + woman.");
        return false;
    }
    for (int i = 0; i < 3; ++i) {
        terms[i] = match.captured(i + 1);
        rows[i] = rowOfLabel(set, terms[i]);
        if (rows[i] < 0) {
            if (error)
                *error = tr("\"%1\" is not a label of the data (nor a row number).").arg(terms[i]);
            return false;
        }
    }
    return true;
}

void showLiveLayout(widgets::ScatterView *view, const projection::EmbeddingSet *set, const LiveFrame &frame)
{
    if (!set || frame.coordinates.rows != set->vectors.rows)
        return;
    if (view->pointCount() != frame.coordinates.rows) {
        fillScatter(view, *set, frame.coordinates);
        view->setFigureTitle(QString::fromStdString(set->description));
    } else {
        view->setPoints(interleaved(frame.coordinates));
    }
    view->setFootnote(tr("optimising: step %1 of %2").arg(frame.step).arg(frame.steps));
}

projection::ProjectionRequest layoutRequest(const QString &method, const QString &metric, double perplexity,
                                            int neighbours, double minDist, int iterations, int seed)
{
    projection::ProjectionRequest r;
    projection::parseMethod(method.toStdString(), r.method);
    r.tsne.perplexity = perplexity;
    r.umap.neighbours = neighbours;
    r.umap.minDist = minDist;
    projection::parseMetric(metric.toStdString(), r.tsne.metric);
    r.umap.metric = r.tsne.metric;
    if (iterations > 0) {
        r.tsne.iterations = iterations;
        r.umap.epochs = iterations;
    }
    r.tsne.seed = r.umap.seed = uint64_t(seed);
    r.qualityExactUpTo = 10000;
    return r;
}

} // namespace tessera::projector
