#include "tessera/plugins/PluginManager.h"

#include "tessera/plugins/TesseraPlugin.h"

#include "tessera/core/Log.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QLibrary>
#include <QPluginLoader>

#include <algorithm>

#ifndef TESSERA_INSTALL_LIBDIR
#define TESSERA_INSTALL_LIBDIR "lib"
#endif

namespace tessera::plugins {

QStringList PluginManager::defaultSearchPaths()
{
    QStringList folders;
    const QString environment = qEnvironmentVariable("TESSERA_PLUGIN_PATH");
    for (const QString &folder : environment.split(':', Qt::SkipEmptyParts))
        folders << folder;
    const QString bin = QCoreApplication::applicationDirPath();
    folders << QDir::cleanPath(bin + "/../lib/tessera/plugins")
            << QDir::cleanPath(bin + "/../" TESSERA_INSTALL_LIBDIR "/tessera/plugins");
    folders.removeDuplicates();
    return folders;
}

int PluginManager::loadAll(const QStringList &folders)
{
    int count = 0;
    for (const QString &folder : folders) {
        const QDir dir(folder);
        if (!dir.exists())
            continue;
        const QFileInfoList files = dir.entryInfoList(QDir::Files, QDir::Name);
        for (const QFileInfo &file : files) {
            if (!QLibrary::isLibrary(file.fileName()) || m_loadedFiles.contains(file.fileName()))
                continue;
            if (load(file.absoluteFilePath()))
                ++count;
        }
    }
    return count;
}

bool PluginManager::load(const QString &filePath)
{
    const QString fileName = QFileInfo(filePath).fileName();
    auto fail = [&](const QString &reason) {
        const QString message = QStringLiteral("plugin %1 skipped: %2").arg(filePath, reason);
        m_failures << message;
        logWarning(message.toStdString());
        return false;
    };
    QPluginLoader loader(filePath);
    const QJsonObject metaData = loader.metaData();
    if (metaData.isEmpty())
        return fail(QStringLiteral("not a Qt plugin (%1)").arg(loader.errorString()));
    const QString iid = metaData.value("IID").toString();
    if (iid != QLatin1String(TesseraPlugin_iid))
        return fail(QStringLiteral("interface %1, this studio speaks %2").arg(iid, TesseraPlugin_iid));
    QObject *instance = loader.instance();
    if (!instance)
        return fail(loader.errorString());
    auto *plugin = qobject_cast<TesseraPlugin *>(instance);
    if (!plugin)
        return fail(QStringLiteral("does not implement %1").arg(TesseraPlugin_iid));
    try {
        plugin->registerAll(*this);
    } catch (const std::exception &e) {
        return fail(QStringLiteral("failed while registering: %1").arg(QString::fromUtf8(e.what())));
    }
    const QJsonObject data = metaData.value("MetaData").toObject();
    m_loaded.append({fileName, data.value("name").toString(fileName), data.value("version").toString(),
                     data.value("description").toString()});
    m_loadedFiles << fileName;
    return true;
}

const PanelDescriptor *PluginManager::panel(const QString &id) const
{
    for (const PanelDescriptor &descriptor : m_panels)
        if (descriptor.id == id)
            return &descriptor;
    return nullptr;
}

void PluginManager::registerPanel(PanelDescriptor descriptor)
{
    if (descriptor.id.isEmpty() || !descriptor.create)
        throw std::invalid_argument("a panel needs an id and a create function");
    if (panel(descriptor.id))
        throw std::invalid_argument("panel id \"" + descriptor.id.toStdString() + "\" is already registered");
    m_panels.append(std::move(descriptor));
    std::stable_sort(m_panels.begin(), m_panels.end(),
                     [](const PanelDescriptor &a, const PanelDescriptor &b) { return a.order < b.order; });
}

void PluginManager::registerModelFamily(ModelFamilyDescriptor descriptor)
{
    m_models.append(std::move(descriptor));
}

void PluginManager::registerRecipe(RecipeDescriptor descriptor)
{
    m_recipes.append(std::move(descriptor));
}

} // namespace tessera::plugins
