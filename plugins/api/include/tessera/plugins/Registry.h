#pragma once
// The narrow interface through which a plugin adds what it offers: panels, model families,
// training recipes. A plugin never sees the main window. GUI thread only.

#include "tessera/widgets/DataHub.h"
#include "tessera/widgets/JobRunner.h"
#include "tessera/widgets/PanelWidget.h"

#include <QKeySequence>
#include <QString>
#include <QStringList>

#include <functional>

namespace tessera::plugins {

// What a panel is given when it is created: the shared job runner and data hub.
struct PanelContext {
    widgets::JobRunner *jobs = nullptr;
    widgets::DataHub *hub = nullptr;
};

struct PanelDescriptor {
    QString id;          // "pe": stable, used by tessera-cli export and sessions
    QString title;       // "Positional encodings"
    QString description; // one sentence for menus and --help
    QKeySequence shortcut;
    int order = 100; // position among the panels (lower first)
    std::function<widgets::PanelWidget *(const PanelContext &, QWidget *parent)> create;
};

// A family of checkpoints the studio can open (BERT, GPT-2, ViT, ...).
struct ModelFamilyDescriptor {
    QString id;
    QString title;
    QStringList modelTypes; // config.json "model_type" values handled
};

// A training recipe (copy task, tiny GPT, ...).
struct RecipeDescriptor {
    QString id;
    QString title;
    QString description;
};

class Registry {
public:
    virtual ~Registry() = default;
    virtual void registerPanel(PanelDescriptor descriptor) = 0;
    virtual void registerModelFamily(ModelFamilyDescriptor descriptor) = 0;
    virtual void registerRecipe(RecipeDescriptor descriptor) = 0;
};

} // namespace tessera::plugins
