#pragma once
// The one argument reader of tessera-cli's commands: a cursor over the words after the command name.
// Each command asks, in turn, whether the current word is one of its options; the first that matches
// takes it (and its value) and the loop goes on. A repeated option is simply read again (the last wins
// unless the command accumulates). An option that needs a value but is the last word matches nothing
// and so ends up an unexpected argument, as it always has.

#include <QString>
#include <QStringList>

#include <string>

namespace tessera::app {

// Exit status 2: the command line is wrong ("tessera-cli: MESSAGE" and a hint on stderr).
int usageError(const QString &message);
// Exit status 1: the work failed.
int failure(const QString &message);

class Arguments {
public:
    explicit Arguments(const QStringList &arguments) : arguments_(arguments) {}

    bool atEnd() const { return at_ >= arguments_.size(); }
    const QString &current() const { return arguments_[at_]; }

    // The current word is NAME and a value follows: takes both.
    bool value(const char *name, QString &target);
    bool value(const char *name, std::string &target);
    // The current word is NAME: takes it.
    bool flag(const char *name);
    // Any "--NAME VALUE" (NAME keeps its dashes); false when the word is no option or has no value.
    bool anyValue(QString &name, QString &target);
    // "--NAME=VALUE" or "--NAME VALUE" (NAME without dashes). 0 when read; otherwise the usage error's
    // status, its message printed ("unexpected argument", "--NAME needs a value").
    int option(QString &name, QString &target);

    // The option and value taken last, for "is not a valid value" messages.
    const QString &name() const { return name_; }
    const QString &taken() const { return value_; }

    // Exit status 2 for the current word: "PREFIXunexpected argument "WORD"SUFFIX".
    int unexpected(const QString &prefix = {}, const QString &suffix = {}) const;

private:
    const QStringList &arguments_;
    qsizetype at_ = 0;
    QString name_;
    QString value_;
};

} // namespace tessera::app
