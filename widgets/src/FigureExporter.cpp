#include "tessera/widgets/FigureExporter.h"

#include "tessera/core/Error.h"
#include "tessera/core/TableIO.h"

#include <qcustomplot.h>

#include <QFileInfo>
#include <QImage>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTemporaryFile>

#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace tessera::widgets {
namespace {

QSize effectiveSize(Figure &figure, const ExportOptions &options)
{
    const QSize size = options.size.isValid() && !options.size.isEmpty() ? options.size : figure.defaultFigureSize();
    return size.boundedTo(QSize(20000, 20000));
}

std::vector<std::string> toStd(const QStringList &list)
{
    std::vector<std::string> out;
    for (const QString &s : list)
        out.push_back(s.toStdString());
    return out;
}

// Vector devices draw into a temporary file in the target folder which replaces the target
// only once complete; QSaveFile gives the same guarantee for the PNG.
QString renameOver(QTemporaryFile &temporary, const QString &path)
{
    temporary.close();
    // rename(2) replaces the target in one step: the old file stays until the new one is complete.
    if (std::rename(QFile::encodeName(temporary.fileName()).constData(), QFile::encodeName(path).constData()) != 0)
        return QStringLiteral("%1: cannot write file (%2)").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    temporary.setAutoRemove(false);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    return {};
}

// The shortest text that reads back as the same number (as core's CSV writers give it).
template <class Number> std::string shortest(Number value)
{
    char buffer[64];
    const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

} // namespace

bool parseExportFormat(const QString &text, ExportFormat &format)
{
    const QString lower = text.trimmed().toLower();
    if (lower == "png")
        format = ExportFormat::Png;
    else if (lower == "svg")
        format = ExportFormat::Svg;
    else if (lower == "pdf")
        format = ExportFormat::Pdf;
    else if (lower == "csv")
        format = ExportFormat::Csv;
    else
        return false;
    return true;
}

QString exportFormatSuffix(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Png:
        return QStringLiteral("png");
    case ExportFormat::Svg:
        return QStringLiteral("svg");
    case ExportFormat::Pdf:
        return QStringLiteral("pdf");
    case ExportFormat::Csv:
        return QStringLiteral("csv");
    }
    return {};
}

QImage renderFigureImage(Figure &figure, const QSize &size, int dpi)
{
    const double scale = dpi / 96.0;
    QImage image(QSize(int(std::lround(size.width() * scale)), int(std::lround(size.height() * scale))),
                 QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    // Paint at the logical 96 dpi (fonts keep their on-screen size relative to the figure) and
    // scale; the real resolution is recorded only afterwards, for viewers and print.
    image.setDotsPerMeterX(3780);
    image.setDotsPerMeterY(3780);
    {
        QCPPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        painter.scale(scale, scale);
        figure.renderFigure(painter, size);
    }
    QImage result = image.convertToFormat(QImage::Format_RGB32);
    const int dotsPerMeter = int(std::lround(dpi / 0.0254));
    result.setDotsPerMeterX(dotsPerMeter);
    result.setDotsPerMeterY(dotsPerMeter);
    return result;
}

QString exportFigure(Figure &figure, const QString &path, ExportFormat format, const ExportOptions &options)
{
    const QSize size = effectiveSize(figure, options);
    const QString title = options.title.isEmpty() ? figure.figureTitle() : options.title;
    const QFileInfo info(path);
    if (!info.absoluteDir().exists())
        return QStringLiteral("%1: the folder %2 does not exist").arg(path, info.absolutePath());

    switch (format) {
    case ExportFormat::Csv: {
        const FigureTable table = figure.figureTable();
        if (table.isEmpty())
            return QStringLiteral("%1: the figure \"%2\" has no numbers to export yet").arg(path, figure.figureTitle());
        try {
            if (!table.rowLabels.isEmpty() && (table.matrix || !table.columns.empty())) {
                // Labels first, then the numbers.
                QStringList header{table.rowLabelName};
                header << (table.matrix ? table.matrixHeader : table.columnNames);
                std::vector<std::vector<std::string>> rows;
                const int64_t count = table.matrix ? table.matrix->rows : int64_t(table.rowLabels.size());
                for (int64_t r = 0; r < count; ++r) {
                    std::vector<std::string> row{table.rowLabels.value(int(r)).toStdString()};
                    if (table.matrix)
                        for (int64_t c = 0; c < table.matrix->cols; ++c)
                            row.push_back(shortest(table.matrix->at(r, c)));
                    else
                        for (const std::vector<double> &column : table.columns)
                            row.push_back(size_t(r) < column.size() ? shortest(column[size_t(r)]) : std::string());
                    rows.push_back(std::move(row));
                }
                writeCsvText(path.toStdString(), toStd(header), rows);
            } else if (table.matrix) {
                writeCsv(path.toStdString(), *table.matrix, toStd(table.matrixHeader));
            } else if (!table.textRows.isEmpty()) {
                std::vector<std::vector<std::string>> rows;
                for (const QStringList &row : table.textRows)
                    rows.push_back(toStd(row));
                writeCsvText(path.toStdString(), toStd(table.textHeader), rows);
            } else {
                writeCsvColumns(path.toStdString(), toStd(table.columnNames), table.columns);
            }
        } catch (const std::exception &error) {
            return QString::fromStdString(error.what());
        }
        return {};
    }
    case ExportFormat::Png: {
        const int dpi = qBound(24, options.dpi, 1200);
        const QImage image = renderFigureImage(figure, size, dpi);
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit())
            return QStringLiteral("%1: cannot write PNG (%2)").arg(path, file.errorString());
        return {};
    }
    case ExportFormat::Svg: {
        QTemporaryFile temporary(info.absolutePath() + "/.tessera-export-XXXXXX.svg");
        if (!temporary.open())
            return QStringLiteral("%1: cannot write file (%2)").arg(path, temporary.errorString());
        {
            QSvgGenerator generator;
            generator.setOutputDevice(&temporary);
            generator.setSize(size);
            generator.setViewBox(QRect(QPoint(0, 0), size));
            generator.setResolution(96);
            generator.setTitle(title);
            generator.setDescription(QStringLiteral("Exported by Tessera"));
            QCPPainter painter(&generator);
            painter.setMode(QCPPainter::pmVectorized);
            figure.renderFigure(painter, size);
        }
        return renameOver(temporary, path);
    }
    case ExportFormat::Pdf: {
        QTemporaryFile temporary(info.absolutePath() + "/.tessera-export-XXXXXX.pdf");
        if (!temporary.open())
            return QStringLiteral("%1: cannot write file (%2)").arg(path, temporary.errorString());
        {
            QPdfWriter writer(&temporary);
            writer.setCreator(QStringLiteral("Tessera"));
            writer.setTitle(title);
            writer.setResolution(96);
            writer.setPageMargins(QMarginsF(0, 0, 0, 0));
            writer.setPageSize(QPageSize(QSizeF(size.width() * 0.75, size.height() * 0.75), QPageSize::Point, QString(),
                                         QPageSize::ExactMatch));
            QCPPainter painter(&writer);
            painter.setMode(QCPPainter::pmVectorized);
            figure.renderFigure(painter, size);
        }
        return renameOver(temporary, path);
    }
    }
    return QStringLiteral("%1: unknown export format").arg(path);
}

} // namespace tessera::widgets
