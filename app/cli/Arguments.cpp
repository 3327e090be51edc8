#include "Arguments.h"

#include <cstdio>

namespace tessera::app {

int usageError(const QString &message)
{
    std::fprintf(stderr, "tessera-cli: %s\nTry 'tessera-cli --help'.\n", message.toLocal8Bit().constData());
    return 2;
}

int failure(const QString &message)
{
    std::fprintf(stderr, "tessera-cli: %s\n", message.toLocal8Bit().constData());
    return 1;
}

bool Arguments::value(const char *name, QString &target)
{
    if (atEnd() || current() != QLatin1String(name) || at_ + 1 >= arguments_.size())
        return false;
    name_ = current();
    value_ = arguments_[at_ + 1];
    target = value_;
    at_ += 2;
    return true;
}

bool Arguments::value(const char *name, std::string &target)
{
    QString text;
    if (!value(name, text))
        return false;
    target = text.toStdString();
    return true;
}

bool Arguments::flag(const char *name)
{
    if (atEnd() || current() != QLatin1String(name))
        return false;
    name_ = current();
    value_.clear();
    ++at_;
    return true;
}

bool Arguments::anyValue(QString &name, QString &target)
{
    if (atEnd() || !current().startsWith(QLatin1String("--")) || at_ + 1 >= arguments_.size())
        return false;
    name = name_ = current();
    target = value_ = arguments_[at_ + 1];
    at_ += 2;
    return true;
}

int Arguments::option(QString &name, QString &target)
{
    if (!current().startsWith(QLatin1String("--")))
        return usageError(QStringLiteral("unexpected argument \"%1\"").arg(current()));
    name = current().mid(2);
    const qsizetype equals = name.indexOf('=');
    if (equals >= 0) {
        target = name.mid(equals + 1);
        name = name.left(equals);
        ++at_;
    } else {
        if (at_ + 1 >= arguments_.size())
            return usageError(QStringLiteral("--%1 needs a value").arg(name));
        // "--d-model --format csv": the value is missing, not "csv" unexpected. A value that
        // really starts with "--" is written --name=--value.
        if (arguments_[at_ + 1].startsWith(QLatin1String("--")))
            return usageError(QStringLiteral("--%1 needs a value (found the option %2 instead; write "
                                             "--%1=VALUE for a value starting with --)")
                                  .arg(name, arguments_[at_ + 1]));
        target = arguments_[at_ + 1];
        at_ += 2;
    }
    name_ = name;
    value_ = target;
    return 0;
}

int Arguments::unexpected(const QString &prefix, const QString &suffix) const
{
    return usageError(QStringLiteral("%1unexpected argument \"%2\"%3").arg(prefix, current(), suffix));
}

} // namespace tessera::app
