#include "tessera/widgets/DataHub.h"

namespace tessera::widgets {

void DataHub::publishMatrix(const QString &topic, const QString &name, MatrixPtr matrix)
{
    m_matrices[topic][name] = std::move(matrix);
    emit matricesChanged(topic, name);
}

void DataHub::removeMatrix(const QString &topic, const QString &name)
{
    if (m_matrices[topic].remove(name))
        emit matricesChanged(topic, name);
}

QStringList DataHub::matrixNames(const QString &topic) const
{
    return m_matrices.value(topic).keys();
}

MatrixPtr DataHub::matrix(const QString &topic, const QString &name) const
{
    return m_matrices.value(topic).value(name);
}

void DataHub::publishText(const QString &topic, const QString &name, const QString &text)
{
    m_texts[topic][name] = text;
    emit textsChanged(topic, name);
}

QStringList DataHub::textNames(const QString &topic) const
{
    return m_texts.value(topic).keys();
}

QString DataHub::text(const QString &topic, const QString &name) const
{
    return m_texts.value(topic).value(name);
}

} // namespace tessera::widgets
