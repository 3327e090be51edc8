// tessera-cli export: a panel's figure (PNG, SVG, PDF) or its numbers (CSV), with the GUI's options.

#include "Arguments.h"
#include "Commands.h"
#include "Studio.h"

#include "tessera/widgets/FigureExporter.h"

#include <QFileInfo>
#include <QVariantMap>

#include <memory>

namespace tessera::app {

extern const char exportHelp[] =
    "  export PANEL [--OPTION VALUE ...] --format png|svg|pdf|csv --out FILE\n"
    "                 Render a panel's figure (the GUI's options) or write its numbers.\n"
    "                 --view NAME     which figure of the panel (see 'panels')\n"
    "                 --width W --height H   size in pixels at 96 dpi (default: the figure's)\n"
    "                 --dpi D         PNG resolution (default 192)\n"
    "                 e.g. export detr --model DIR --image FILE --view boxes|queries|classes|encoder|position|\n"
    "                 matching|cost [--threshold T] [--query Q] [--targets COCO.json|LABEL:X0,Y0,X1,Y1;...]\n";

int exportCommand(Studio &studio, const QStringList &arguments)
{
    if (arguments.isEmpty() || arguments.first().startsWith('-'))
        return usageError(QStringLiteral("export needs a panel name first, e.g. 'tessera-cli export pe ...'"));
    const QString panelId = arguments.first();
    const plugins::PanelDescriptor *descriptor = studio.plugins().panel(panelId);
    if (!descriptor) {
        QStringList ids;
        for (const plugins::PanelDescriptor &panel : studio.plugins().panels())
            ids << panel.id;
        return usageError(QStringLiteral("unknown panel \"%1\" (available: %2)").arg(panelId, ids.join(", ")));
    }
    QVariantMap panelOptions;
    QString format;
    QString out;
    int width = 0;
    int height = 0;
    int dpi = 192;
    const QStringList options = arguments.mid(1);
    Arguments reader(options);
    while (!reader.atEnd()) {
        QString name;
        QString value;
        if (const int status = reader.option(name, value))
            return status;
        bool ok = true;
        if (name == "format")
            format = value;
        else if (name == "out")
            out = value;
        else if (name == "width")
            ok = (width = value.toInt(&ok)) > 0 && ok;
        else if (name == "height")
            ok = (height = value.toInt(&ok)) > 0 && ok;
        else if (name == "dpi")
            ok = (dpi = value.toInt(&ok)) >= 24 && dpi <= 1200 && ok;
        else if (panelOptions.contains(name)) // given again: the panel takes several or refuses
            panelOptions[name] = panelOptions[name].toStringList() << value;
        else
            panelOptions[name] = value;
        if (!ok)
            return usageError(QStringLiteral("--%1: \"%2\" is not a valid number (width and height > 0, dpi 24-1200)")
                                  .arg(name, value));
    }
    if (out.isEmpty())
        return usageError(QStringLiteral("export needs --out FILE"));
    // The file name's extension decides; --format may only agree with it (a .png holding CSV
    // would mislead whoever opens it).
    widgets::ExportFormat exportFormat, named;
    const bool extensionNames = widgets::parseExportFormat(QFileInfo(out).suffix(), named);
    if (format.isEmpty())
        format = QFileInfo(out).suffix();
    if (!widgets::parseExportFormat(format, exportFormat))
        return usageError(QStringLiteral("--format: \"%1\" is not one of png, svg, pdf, csv").arg(format));
    if (extensionNames && named != exportFormat)
        return usageError(QStringLiteral("--format %1 disagrees with the file name %2: its extension decides (drop "
                                         "--format or rename the file)")
                              .arg(format, QFileInfo(out).fileName()));

    studio.jobs().setInline(true);
    std::unique_ptr<widgets::PanelWidget> panel(descriptor->create(studio.panelContext(), nullptr));
    QString error;
    if (!panel->setOptions(panelOptions, &error))
        return failure(error);
    widgets::Figure *figure = panel->currentFigure();
    if (!figure)
        return failure(QStringLiteral("panel %1 has no figure to export").arg(panelId));
    widgets::ExportOptions exportOptions;
    if (width > 0 || height > 0) {
        const QSize fallback = figure->defaultFigureSize();
        exportOptions.size = QSize(width > 0 ? width : fallback.width(), height > 0 ? height : fallback.height());
    }
    exportOptions.dpi = dpi;
    const QString message = widgets::exportFigure(*figure, out, exportFormat, exportOptions);
    if (!message.isEmpty())
        return failure(message);
    return 0;
}

} // namespace tessera::app
