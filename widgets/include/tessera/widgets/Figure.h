#pragma once
// The one interface every exportable view implements. FigureExporter renders any Figure to
// PNG (chosen DPI), SVG and PDF (vector: text stays text) and writes its numbers as CSV.
// GUI thread only.

#include "tessera/core/Matrix.h"

#include <QSize>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

class QCPPainter;

namespace tessera::widgets {

// The numbers behind a figure: a matrix (written as one CSV row per matrix row, with an
// optional header), named columns of equal length (a line plot's series), or rows of text
// cells under textHeader (tokens and their spans). Matrix rows and column entries may carry
// labels (rowLabels), which the CSV then starts with.
struct FigureTable {
    MatrixPtr matrix;
    QStringList matrixHeader;

    QStringList columnNames;
    std::vector<std::vector<double>> columns;

    // Labels of the matrix's rows or of the columns' entries (tokens, classes): written as the
    // first CSV column, headed rowLabelName.
    QStringList rowLabels;
    QString rowLabelName;

    QStringList textHeader;
    QList<QStringList> textRows;

    bool isEmpty() const { return !matrix && columns.empty() && textRows.isEmpty(); }
};

class Figure {
public:
    virtual ~Figure() = default;

    virtual QString figureTitle() const = 0;
    // Size in logical pixels (1/96 inch) the figure is laid out for when none is requested.
    virtual QSize defaultFigureSize() const { return {900, 650}; }
    // Paints the whole figure into a rectangle of size (logical pixels) at the painter's
    // origin; on vector devices text and lines stay vectors. Uses the light (paper) theme regardless of the screen's.
    virtual void renderFigure(QCPPainter &painter, const QSize &size) = 0;
    virtual FigureTable figureTable() const = 0;
};

} // namespace tessera::widgets
