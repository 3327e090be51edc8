#!/usr/bin/env bash
# Refreshes resources/translations/tessera_ko.ts from the sources (Qt's lupdate: new strings
# appear unfinished, removed ones become obsolete) and fills in the Korean kept in
# scripts/translations_ko.py. The build turns the .ts into tessera_ko.qm (lrelease).
set -euo pipefail
cd "$(dirname "$0")/.."
lupdate=$(command -v lupdate6 || echo /usr/lib/qt6/bin/lupdate)
"$lupdate" -silent -locations none -no-obsolete app widgets plugins -ts resources/translations/tessera_ko.ts
python3 scripts/translations_ko.py resources/translations/tessera_ko.ts
