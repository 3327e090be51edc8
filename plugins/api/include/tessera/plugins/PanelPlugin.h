#pragma once
// The one call a panel plugin's registerAll() makes:
//   registry.registerPanel(panelDescriptor<VitPanel>("vit", tr("ViT lens"), tr("..."), Qt::ALT | Qt::Key_5, 70));
// GUI thread only.

#include "tessera/plugins/Registry.h"

namespace tessera::plugins {

// A descriptor whose create() makes a Panel(context, parent).
template <class Panel>
PanelDescriptor panelDescriptor(const QString &id, const QString &title, const QString &description,
                                const QKeySequence &shortcut, int order)
{
    PanelDescriptor panel;
    panel.id = id;
    panel.title = title;
    panel.description = description;
    panel.shortcut = shortcut;
    panel.order = order;
    panel.create = [](const PanelContext &context, QWidget *parent) -> widgets::PanelWidget * {
        return new Panel(context, parent);
    };
    return panel;
}

} // namespace tessera::plugins
