#!/usr/bin/env bash
# The code style checks CI runs after the tests.
#   bash scripts/check-style.sh [BASE]
# 1. clang-format (the repo's .clang-format): every C++ file changed since BASE (default HEAD~1)
#    must be formatted; one that is not fails the check, with the command that fixes it.
# 2. clang-tidy (.clang-tidy) on the .cpp files changed since BASE (default HEAD~1, at most 12), using
#    build/release/compile_commands.json. Advisory: its findings are printed, not fatal.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-HEAD~1}

if git rev-parse -q --verify "$base^{commit}" >/dev/null; then
  mapfile -t files < <(git diff --name-only --diff-filter=AM "$base" -- '*.cpp' '*.h' | grep -v '^tests/data/' || true)
else
  # A shallow clone has no BASE: nothing to compare with, so nothing counts as changed.
  echo "== check-style: no $base in this clone; nothing to check"
  exit 0
fi
unformatted=()
for f in "${files[@]}"; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if ((${#unformatted[@]})); then
  echo "check-style: ${#unformatted[@]} file(s) differ from .clang-format:" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  echo "fix with: clang-format -i ${unformatted[*]}" >&2
  exit 1
fi
echo "== clang-format: ${#files[@]} changed file(s) since $base formatted"

if ! command -v clang-tidy >/dev/null || [[ ! -f build/release/compile_commands.json ]]; then
  echo "== clang-tidy skipped (needs clang-tidy and build/release/compile_commands.json)"
  exit 0
fi
if ! git rev-parse -q --verify "$base^{commit}" >/dev/null; then
  echo "== clang-tidy skipped (no $base to compare with)"
  exit 0
fi
mapfile -t changed < <(git diff --name-only --diff-filter=AM "$base" -- '*.cpp' | grep -v '^tests/data/' || true)
# At most 12 files (a torch-heavy file takes clang-tidy about half a minute on 2 cores).
if ((${#changed[@]} > 12)); then
  echo "== clang-tidy: ${#changed[@]} files changed since $base; checking the first 12"
  changed=("${changed[@]:0:12}")
fi
findings=0
for f in "${changed[@]}"; do
  grep -q "\"file\": \"[^\"]*/$f\"" build/release/compile_commands.json || continue
  out=$(clang-tidy -p build/release --quiet "$f" 2>/dev/null | grep -E '^/.*: (warning|error):' || true)
  if [[ -n $out ]]; then
    echo "$out"
    findings=$((findings + $(wc -l <<<"$out")))
  fi
done
echo "== clang-tidy: ${#changed[@]} changed .cpp file(s) since $base, $findings finding(s) (advisory)"
