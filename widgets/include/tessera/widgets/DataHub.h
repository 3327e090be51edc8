#pragma once
// Where plugins publish plain results for other panels, by topic. The [Models] plugins
// publish the learned position tables of loaded checkpoints under "position-table"; the
// positional-encoding lab lists whatever is there. GUI thread only.

#include "tessera/core/Matrix.h"

#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

namespace tessera::widgets {

class DataHub : public QObject {
    Q_OBJECT
public:
    static constexpr const char *PositionTables = "position-table";
    // Checkpoint folders loaded in the studio, by display name.
    static constexpr const char *ModelFolders = "model-folder";

    explicit DataHub(QObject *parent = nullptr) : QObject(parent) {}

    // Adds or replaces the matrix called name under topic.
    void publishMatrix(const QString &topic, const QString &name, MatrixPtr matrix);
    void removeMatrix(const QString &topic, const QString &name);
    QStringList matrixNames(const QString &topic) const;
    MatrixPtr matrix(const QString &topic, const QString &name) const;

    // Short texts by topic and name (paths, descriptions).
    void publishText(const QString &topic, const QString &name, const QString &text);
    QStringList textNames(const QString &topic) const;
    QString text(const QString &topic, const QString &name) const;

signals:
    void matricesChanged(const QString &topic, const QString &name);
    void textsChanged(const QString &topic, const QString &name);

private:
    QMap<QString, QMap<QString, MatrixPtr>> m_matrices;
    QMap<QString, QMap<QString, QString>> m_texts;
};

} // namespace tessera::widgets
