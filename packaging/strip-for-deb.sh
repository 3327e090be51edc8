#!/bin/sh
# strip as Debian's dh_strip does it (CMAKE_STRIP of this project, used by "cmake --install
# --strip" and so by CPack): symbols not needed for relocation go, and with them the compiler's
# .comment and .note sections; the build id (.note.gnu.build-id) stays, so packaging/make-dbgsym.sh
# can match the debug information it keeps to the stripped file.
exec strip --strip-unneeded --remove-section=.comment --remove-section=.note "$@"
