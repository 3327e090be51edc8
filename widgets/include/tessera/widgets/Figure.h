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

// The numbers behind a figure: either a matrix (written as one CSV row per matrix row, with
// an optional header) or named columns of equal length (a line plot's series).
struct FigureTable {
    MatrixPtr matrix;
    QStringList matrixHeader;

    QStringList columnNames;
    std::vector<std::vector<double>> columns;

    bool isEmpty() const { return !matrix && columns.empty(); }
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
