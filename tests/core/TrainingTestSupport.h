#pragma once
// What the training tests share: the per-step losses a checkpoint's trainer_state.json records.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <vector>

inline std::vector<double> lossHistory(const QString &checkpointFolder)
{
    QFile file(checkpointFolder + "/trainer_state.json");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    std::vector<double> losses;
    for (const QJsonValue &entry : QJsonDocument::fromJson(file.readAll()).object()["history"].toArray())
        losses.push_back(entry.toObject()["loss"].toDouble());
    return losses;
}
