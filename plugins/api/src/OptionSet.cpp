#include "tessera/plugins/OptionSet.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QObject>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>

#include <cmath>
#include <stdexcept>

namespace tessera::plugins {
namespace {

// 100000 and 0.99 as written, never 1e+05.
QString numberText(double v)
{
    return v == std::floor(v) && std::abs(v) < 1e15 ? QString::number(qlonglong(v)) : QString::number(v, 'g', 10);
}

} // namespace

Option::Option(Kind kind, QString name, QString help, QString defaultValue)
    : m_kind(kind), m_name(std::move(name)), m_help(std::move(help)), m_default(std::move(defaultValue))
{
}

QStringList Option::choices() const
{
    return m_choices ? m_choices() : QStringList{};
}

Option &Option::range(double minimum, double maximum)
{
    m_minimum = minimum;
    m_maximum = maximum;
    m_hasRange = true;
    return *this;
}

Option &Option::rangeNotInHelp()
{
    m_rangeInHelp = false;
    return *this;
}

Option &Option::choices(QStringList choices)
{
    m_choices = [choices = std::move(choices)] { return choices; };
    return *this;
}

Option &Option::choices(std::function<QStringList()> choices)
{
    m_choices = std::move(choices);
    return *this;
}

Option &Option::expecting(QString phrase)
{
    m_expected = std::move(phrase);
    return *this;
}

Option &Option::checkedByPanel()
{
    m_checkedByPanel = true;
    return *this;
}

Option &Option::repeatable()
{
    m_repeatable = true;
    return *this;
}

Option &Option::bind(QSpinBox *box)
{
    box->setRange(int(m_minimum), int(m_maximum));
    box->setValue(m_default.toInt());
    m_read = [box] { return QString::number(box->value()); };
    m_write = [box](const QString &value) {
        const QSignalBlocker block(box);
        box->setValue(value.toInt());
    };
    return *this;
}

Option &Option::bind(QDoubleSpinBox *box)
{
    box->setRange(m_minimum, m_maximum);
    box->setValue(m_default.toDouble());
    m_read = [box] { return QString::number(box->value()); };
    m_write = [box](const QString &value) {
        const QSignalBlocker block(box);
        box->setValue(value.toDouble());
    };
    return *this;
}

Option &Option::bind(QSlider *slider, double scale)
{
    slider->setRange(int(std::lround(m_minimum * scale)), int(std::lround(m_maximum * scale)));
    slider->setValue(int(std::lround(m_default.toDouble() * scale)));
    m_read = [slider, scale] { return QString::number(slider->value() / scale); };
    m_write = [slider, scale](const QString &value) {
        const QSignalBlocker block(slider);
        slider->setValue(int(std::lround(value.toDouble() * scale)));
    };
    return *this;
}

Option &Option::bind(QComboBox *box)
{
    if (box->count() == 0)
        for (const QString &choice : choices())
            box->addItem(choice, choice);
    box->setCurrentIndex(std::max(0, box->findData(m_default)));
    m_read = [box] { return box->currentData().toString(); };
    m_write = [box](const QString &value) {
        const QSignalBlocker block(box);
        box->setCurrentIndex(box->findData(value));
    };
    return *this;
}

Option &Option::bind(QCheckBox *box)
{
    box->setChecked(m_default == QStringLiteral("yes"));
    m_read = [box] { return box->isChecked() ? QStringLiteral("yes") : QStringLiteral("no"); };
    m_write = [box](const QString &value) {
        const QSignalBlocker block(box);
        box->setChecked(value == QStringLiteral("yes"));
    };
    return *this;
}

QString Option::expected() const
{
    if (!m_expected.isEmpty())
        return m_expected.contains(QStringLiteral("%1"))
                   ? QString(m_expected).arg(numberText(m_minimum), numberText(m_maximum))
                   : m_expected;
    switch (m_kind) {
    case Kind::Int:
        return QObject::tr("a whole number from %1 to %2").arg(numberText(m_minimum), numberText(m_maximum));
    case Kind::Double:
        return QObject::tr("in [%1, %2]").arg(numberText(m_minimum), numberText(m_maximum));
    case Kind::Choice:
        return QObject::tr("one of %1").arg(choices().join(QStringLiteral(", ")));
    case Kind::YesNo:
        return QObject::tr("yes or no");
    case Kind::Text:
        break;
    }
    return {};
}

QString Option::check(const QString &value) const
{
    if (m_checkedByPanel)
        return {};
    bool good = true;
    switch (m_kind) {
    case Kind::Int: {
        const int v = value.toInt(&good);
        good = good && (!m_hasRange || (v >= m_minimum && v <= m_maximum));
        break;
    }
    case Kind::Double: {
        const double v = value.toDouble(&good);
        good = good && (!m_hasRange || (v >= m_minimum && v <= m_maximum));
        break;
    }
    case Kind::Choice:
        good = choices().contains(value);
        break;
    case Kind::YesNo:
        good = value == QStringLiteral("yes") || value == QStringLiteral("no");
        break;
    case Kind::Text:
        break;
    }
    return good ? QString() : QObject::tr("--%1: \"%2\" is not %3").arg(m_name, value, expected());
}

QString Option::value() const
{
    return m_read ? m_read() : QString();
}

void Option::apply(const QString &value) const
{
    if (m_write)
        m_write(value);
}

widgets::OptionSpec Option::spec() const
{
    QString help = m_help;
    if (m_hasRange && m_rangeInHelp)
        help += m_kind == Kind::Double ? QObject::tr(" in [%1, %2]").arg(numberText(m_minimum), numberText(m_maximum))
                                       : QObject::tr(" (%1 to %2)").arg(numberText(m_minimum), numberText(m_maximum));
    return {m_name, help, m_default, m_kind == Kind::Choice ? choices() : QStringList{}};
}

Option &OptionSet::add(std::unique_ptr<Option> option)
{
    m_options.push_back(std::move(option));
    return *m_options.back();
}

Option &OptionSet::addText(const QString &name, const QString &help, const QString &defaultValue)
{
    return add(std::make_unique<Option>(Option::Kind::Text, name, help, defaultValue));
}

Option &OptionSet::addInt(const QString &name, const QString &help, int defaultValue, int minimum, int maximum)
{
    return add(std::make_unique<Option>(Option::Kind::Int, name, help, QString::number(defaultValue)))
        .range(minimum, maximum);
}

Option &OptionSet::addDouble(const QString &name, const QString &help, double defaultValue, double minimum,
                             double maximum)
{
    return add(std::make_unique<Option>(Option::Kind::Double, name, help, QString::number(defaultValue)))
        .range(minimum, maximum);
}

Option &OptionSet::addChoice(const QString &name, const QString &help, const QStringList &choices,
                             const QString &defaultValue)
{
    return add(std::make_unique<Option>(Option::Kind::Choice, name, help, defaultValue)).choices(choices);
}

Option &OptionSet::addYesNo(const QString &name, const QString &help, bool defaultValue)
{
    return add(std::make_unique<Option>(Option::Kind::YesNo, name, help,
                                        defaultValue ? QStringLiteral("yes") : QStringLiteral("no")))
        .choices(QStringList{QStringLiteral("yes"), QStringLiteral("no")});
}

Option &OptionSet::operator[](const QString &name) const
{
    for (const auto &option : m_options)
        if (option->name() == name)
            return *option;
    throw std::logic_error("OptionSet: no option " + name.toStdString());
}

bool OptionSet::contains(const QString &name) const
{
    for (const auto &option : m_options)
        if (option->name() == name)
            return true;
    return false;
}

QStringList OptionSet::names() const
{
    QStringList names;
    for (const auto &option : m_options)
        names << option->name();
    return names;
}

QList<widgets::OptionSpec> OptionSet::specs() const
{
    QList<widgets::OptionSpec> specs;
    for (const auto &option : m_options)
        specs << option->spec();
    return specs;
}

bool OptionSet::check(const QVariantMap &options, QString *error) const
{
    for (const auto &option : m_options) {
        if (!options.contains(option->name()))
            continue;
        const QVariant &value = options[option->name()];
        if (value.typeId() == QMetaType::QStringList && !option->isRepeatable()) {
            if (value.toStringList().size() != 1) {
                if (error)
                    *error = QObject::tr("--%1 is given %n times; it takes one value", nullptr,
                                         int(value.toStringList().size()))
                                 .arg(option->name());
                return false;
            }
        }
        const QString problem =
            option->isRepeatable() ? QString() : option->check(value.toStringList().value(0, value.toString()));
        if (!problem.isEmpty()) {
            if (error)
                *error = problem;
            return false;
        }
    }
    return true;
}

void OptionSet::apply(const QVariantMap &options) const
{
    for (const auto &option : m_options)
        if (option->isBound() && options.contains(option->name()))
            option->apply(options[option->name()].toString());
}

void OptionSet::write(QVariantMap &values, const QStringList &names) const
{
    for (const QString &name : names)
        values[name] = (*this)[name].value();
}

} // namespace tessera::plugins
