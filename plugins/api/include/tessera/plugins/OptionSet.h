#pragma once
// A panel's options declared once: name, help, default and what a value may be (a whole number
// or a number in a range, one of some choices, yes/no, free text such as a path). From that one
// declaration come the option list of --help and sessions (specs()), the check of a value with
// the message tessera-cli prints (check()), and, for an option bound to its widget, the widget's
// range and default, the current value as text (value()) and setting it (apply()).
// GUI thread only.

#include "tessera/widgets/PanelWidget.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <functional>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSlider;
class QSpinBox;
class QWidget;

namespace tessera::plugins {

class Option {
public:
    enum class Kind { Text, Int, Double, Choice, YesNo };

    Option(Kind kind, QString name, QString help, QString defaultValue);

    Kind kind() const { return m_kind; }
    const QString &name() const { return m_name; }
    const QString &defaultValue() const { return m_default; }
    double minimum() const { return m_minimum; }
    double maximum() const { return m_maximum; }
    QStringList choices() const;

    // Numbers in [minimum, maximum]; the range is added to the help text ("in [0, 1]").
    Option &range(double minimum, double maximum);
    // The help text without the range (for options whose help says the range its own way).
    Option &rangeNotInHelp();
    Option &choices(QStringList choices);
    Option &choices(std::function<QStringList()> choices); // the views, known only later
    // What a good value is, for the message `--NAME: "VALUE" is not EXPECTED`: "a ratio in
    // [0, 0.99]". %1 and %2 are replaced by the range. Defaults: "in [MIN, MAX]", "a whole
    // number from MIN to MAX", "one of A, B, C", "yes or no".
    Option &expecting(QString phrase);
    // The panel checks the value itself (in checkOptions(): leniently, or against other
    // options); check() accepts any value. The declaration still gives --help its line.
    Option &checkedByPanel();
    // It may be given several times (tessera-cli export tokenizers --tokenizer A --tokenizer B);
    // the panel reads the values with toStringList(). Other options given twice are refused.
    Option &repeatable();
    bool isRepeatable() const { return m_repeatable; }

    // Binds the widget: its range, default and tooltip come from the declaration.
    Option &bind(QSpinBox *box);
    Option &bind(QDoubleSpinBox *box);
    Option &bind(QSlider *slider, double scale); // the slider holds value * scale
    Option &bind(QComboBox *box);                // items (data = choice) added when it is empty
    Option &bind(QCheckBox *box);
    bool isBound() const { return bool(m_read); }

    // The value as the user wrote it is acceptable: an empty string; else the sentence.
    QString check(const QString &value) const;
    // The bound widget's value as text (QString::number for numbers).
    QString value() const;
    // Sets the bound widget to a value that passed check(); its signals are blocked.
    void apply(const QString &value) const;

    widgets::OptionSpec spec() const;

private:
    QString expected() const;

    Kind m_kind;
    QString m_name, m_help, m_default, m_expected;
    double m_minimum = 0.0, m_maximum = 0.0;
    bool m_hasRange = false, m_rangeInHelp = true, m_checkedByPanel = false, m_repeatable = false;
    std::function<QStringList()> m_choices;
    std::function<QString()> m_read;
    std::function<void(const QString &)> m_write;
};

class OptionSet {
public:
    // Declarations, in the order --help lists them.
    Option &addText(const QString &name, const QString &help, const QString &defaultValue = {});
    Option &addInt(const QString &name, const QString &help, int defaultValue, int minimum, int maximum);
    Option &addDouble(const QString &name, const QString &help, double defaultValue, double minimum, double maximum);
    Option &addChoice(const QString &name, const QString &help, const QStringList &choices,
                      const QString &defaultValue);
    Option &addYesNo(const QString &name, const QString &help, bool defaultValue);

    Option &operator[](const QString &name) const; // a declared name
    bool contains(const QString &name) const;
    QStringList names() const;
    QList<widgets::OptionSpec> specs() const;

    // Checks every declared option present in options (in declaration order); on the first bad
    // value returns false with error set.
    bool check(const QVariantMap &options, QString *error) const;
    // Applies the present options bound to widgets (checked before).
    void apply(const QVariantMap &options) const;
    // Writes the bound values of names into values.
    void write(QVariantMap &values, const QStringList &names) const;

private:
    Option &add(std::unique_ptr<Option> option);
    std::vector<std::unique_ptr<Option>> m_options;
};

} // namespace tessera::plugins
