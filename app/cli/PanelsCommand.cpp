// tessera-cli panels: the panels, their figures and options.

#include "Commands.h"
#include "Studio.h"

#include "tessera/widgets/FigureExporter.h"

#include <cstdio>
#include <memory>

namespace tessera::app {

extern const char panelsHelp[] = "  panels         List the panels, their figures and options.\n";

int panelsCommand(Studio &studio, const QStringList &)
{
    for (const plugins::PanelDescriptor &descriptor : studio.plugins().panels()) {
        std::unique_ptr<widgets::PanelWidget> panel(descriptor.create(studio.panelContext(), nullptr));
        std::printf("%s  %s\n  %s\n  figures: %s\n  options:\n", descriptor.id.toUtf8().constData(),
                    descriptor.title.toUtf8().constData(), descriptor.description.toUtf8().constData(),
                    panel->figureNames().join(", ").toUtf8().constData());
        for (const widgets::OptionSpec &spec : panel->optionSpecs()) {
            QString line = QStringLiteral("    --%1  %2").arg(spec.name, spec.help);
            if (!spec.defaultValue.isEmpty())
                line += QStringLiteral(" [default %1]").arg(spec.defaultValue);
            if (!spec.choices.isEmpty())
                line += QStringLiteral(" {%1}").arg(spec.choices.join("|"));
            std::printf("%s\n", line.toUtf8().constData());
        }
    }
    return 0;
}

} // namespace tessera::app
