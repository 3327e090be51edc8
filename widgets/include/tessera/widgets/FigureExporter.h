#pragma once
// Renders any Figure to a file. GUI thread (or the CLI's main thread) only.
//
// Sizes are logical pixels (CSS pixels, 1/96 inch): a W x H figure becomes a PNG of
// round(W * dpi / 96) x round(H * dpi / 96) pixels with its DPI recorded, an SVG with
// width W and height H, and a PDF page of W * 0.75 x H * 0.75 points.

#include "tessera/widgets/Figure.h"

#include <QImage>
#include <QSize>
#include <QString>

namespace tessera::widgets {

enum class ExportFormat { Png, Svg, Pdf, Csv };

struct ExportOptions {
    QSize size;    // logical pixels; empty: the figure's defaultFigureSize()
    int dpi = 192; // PNG only
    QString title; // SVG/PDF document title; empty: the figure's title
};

// "png", "svg", "pdf", "csv" (case-insensitive) or the file's suffix when format is empty.
bool parseExportFormat(const QString &text, ExportFormat &format);
QString exportFormatSuffix(ExportFormat format);

// Writes the figure; the file appears complete or not at all (written to a temporary file,
// then renamed). Returns an empty string on success, else a message naming the file.
QString exportFigure(Figure &figure, const QString &path, ExportFormat format, const ExportOptions &options = {});

// Renders the figure into an image of size * dpi / 96 pixels (PNG export, previews, tests).
QImage renderFigureImage(Figure &figure, const QSize &size, int dpi = 96);

} // namespace tessera::widgets
