#pragma once
// Finds and loads plugins, and keeps what they registered. A plugin that fails to load (not a
// Tessera plugin, a wrong interface version, a missing library, an exception while
// registering) is reported in failures() and the log, and skipped. GUI thread only.

#include "tessera/plugins/Registry.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace tessera::plugins {

struct PluginRecord {
    QString fileName;
    QString name;
    QString version;
    QString description;
};

class PluginManager : public Registry {
public:
    // The folders searched, in order: $TESSERA_PLUGIN_PATH (colon-separated), the build tree
    // (<bin>/../lib/tessera/plugins) and the installed layout (<bin>/../<libdir>/tessera/plugins).
    static QStringList defaultSearchPaths();

    // Loads every plugin in the folders; returns how many loaded.
    int loadAll(const QStringList &folders = defaultSearchPaths());
    // Loads one plugin file; on failure records it and returns false.
    bool load(const QString &filePath);

    const QList<PanelDescriptor> &panels() const { return m_panels; } // sorted by order
    const PanelDescriptor *panel(const QString &id) const;
    const QList<ModelFamilyDescriptor> &modelFamilies() const { return m_models; }
    const QList<RecipeDescriptor> &recipes() const { return m_recipes; }
    const QList<PluginRecord> &loaded() const { return m_loaded; }
    const QStringList &failures() const { return m_failures; }

    void registerPanel(PanelDescriptor descriptor) override;
    void registerModelFamily(ModelFamilyDescriptor descriptor) override;
    void registerRecipe(RecipeDescriptor descriptor) override;

private:
    QList<PanelDescriptor> m_panels;
    QList<ModelFamilyDescriptor> m_models;
    QList<RecipeDescriptor> m_recipes;
    QList<PluginRecord> m_loaded;
    QStringList m_failures;
    QStringList m_loadedFiles;
};

} // namespace tessera::plugins
