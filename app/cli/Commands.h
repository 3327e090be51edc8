#pragma once
// tessera-cli's commands: one file each, one table entry each (main.cpp dispatches and prints the help
// from the table, in its order).

#include <QStringList>

namespace tessera::app {

class Studio;

struct Command {
    const char *name;
    // Its lines of 'tessera-cli --help', as printed.
    const char *help;
    // The words after the command name; returns the exit status (0 done, 1 failed, 2 bad command line).
    int (*run)(Studio &studio, const QStringList &arguments);
};

extern const char exportHelp[];
extern const char runHelp[];
extern const char tokenizeHelp[];
extern const char trainHelp[];
extern const char sampleHelp[];
extern const char panelsHelp[];
extern const char infoHelp[];

int exportCommand(Studio &studio, const QStringList &arguments);
int runCommand(Studio &studio, const QStringList &arguments);
int tokenizeCommand(Studio &studio, const QStringList &arguments);
int trainCommand(Studio &studio, const QStringList &arguments);
int sampleCommand(Studio &studio, const QStringList &arguments);
int panelsCommand(Studio &studio, const QStringList &arguments);
int infoCommand(Studio &studio, const QStringList &arguments);

} // namespace tessera::app
