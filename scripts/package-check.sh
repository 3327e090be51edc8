#!/usr/bin/env bash
# Builds Tessera's Debian packages and checks them as a maintainer and a new user would:
#   1. the release build (cmake --preset release), CPack's tessera and tessera-data packages and
#      packaging/make-dbgsym.sh's tessera-dbgsym;
#   2. lintian on all three (an error or warning fails; packaging/README.md lists the rest);
#   3. a clean Debian 12 root made with debootstrap (Debian's mirror), the packages installed
#      into it with apt, which resolves every dependency from the archive;
#   4. inside it: tessera-cli --version, tessera-cli info (every plugin found), an export of
#      every panel's default view, the studio's --screenshot under xvfb-run; then the packages
#      purged and nothing of them left behind.
# It prints one summary line at the end. Needs root (debootstrap, chroot) and the network to
# Debian's mirror; takes minutes (the base root is cached in $TESSERA_PACKAGE_ROOT_CACHE).
# TESSERA_PACKAGE_BUILD names another build folder to package (default build/release).
#
#   bash scripts/package-check.sh [--no-build]   (--no-build: package the existing build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$PWD

build=1
case "${1:-}" in
  "") ;;
  --no-build) build=0 ;;
  -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
  *) echo "package-check.sh: unknown option '$1' (use --no-build or nothing)" >&2; exit 2 ;;
esac
[[ $EUID -eq 0 ]] || { echo "package-check.sh: run as root (debootstrap and chroot need it)" >&2; exit 1; }

tools=(lintian debootstrap help2man dpkg-dev fakeroot)
missing=()
for package in "${tools[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" == "install ok installed" ]] || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "== installing ${missing[*]}"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

release=${TESSERA_PACKAGE_BUILD:-$source_dir/build/release}
out=$release/packages
if ((build)); then
  echo "== release build"
  export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)"
fi
[[ -f $release/CPackConfig.cmake ]] || { echo "package-check.sh: no release build in $release" >&2; exit 1; }

echo "== packages"
rm -rf "$out" && mkdir -p "$out"
(cd "$release" && cpack --config CPackConfig.cmake -B "$out" >"$out/cpack.log") ||
  { cat "$out/cpack.log"; exit 1; }
dbgsym_status=ok
packaging/make-dbgsym.sh "$release" "$out" >/dev/null || dbgsym_status=FAILED
debs=("$out"/tessera_*.deb "$out"/tessera-data_*.deb)
dbgsym=()
[[ $dbgsym_status == ok ]] && dbgsym=("$out"/tessera-dbgsym_*.deb)
ls -l "${debs[@]}" "${dbgsym[@]}" | awk '{print "  " $5 "  " $9}'

echo "== lintian"
lintian_out=$out/lintian.txt
lintian --display-info --pedantic "${debs[@]}" "${dbgsym[@]}" >"$lintian_out" 2>&1 || true
lintian_errors=$(grep -c '^[EW]: ' "$lintian_out" || true)
lintian_infos=$(grep -c '^[IP]: ' "$lintian_out" || true)
sed 's/^/  /' "$lintian_out"
installed_kb=$(dpkg-deb -f "${debs[0]}" Installed-Size)
data_kb=$(dpkg-deb -f "${debs[1]}" Installed-Size)

echo "== clean Debian 12 root"
cache=${TESSERA_PACKAGE_ROOT_CACHE:-/var/tmp/tessera-pkgcheck/base}
if [[ ! -x $cache/usr/bin/apt-get ]]; then
  rm -rf "$cache" && mkdir -p "$(dirname "$cache")"
  debootstrap --variant=minbase bookworm "$cache" http://deb.debian.org/debian >/dev/null
fi
root=$(mktemp -d /var/tmp/tessera-root.XXXXXX)
cleanup() {
  for mount in dev/pts dev proc sys; do umount -l "$root/$mount" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
cp -a "$cache/." "$root/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount --bind /dev "$root/dev"; mount --bind /dev/pts "$root/dev/pts"
mount -t proc proc "$root/proc"; mount -t sysfs sys "$root/sys"
mkdir -p "$root/tmp/packages"
cp "${debs[@]}" "$root/tmp/packages/"

cat >"$root/tmp/check.sh" <<'INSIDE'
set -u
export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
fail=0
check() { # check NAME COMMAND...: runs it, prints ok/FAIL
  local name=$1; shift
  if "$@" >/tmp/check.log 2>&1; then echo "  ok    $name"; else echo "  FAIL  $name"; sed 's/^/        /' /tmp/check.log | tail -15; fail=1; fi
}
apt-get update -q >/dev/null
# apt resolves the packages' dependencies (and recommends) from Debian's archive.
check "apt install" apt-get install -y -q /tmp/packages/*.deb
# The check's own tools, not the package's dependencies.
apt-get install -y -q --no-install-recommends xvfb xauth file >/dev/null 2>&1
check "tessera-cli --version" sh -c 'tessera-cli --version | grep -q "^tessera-cli "'
plugins=$(tessera-cli info 2>/dev/null | grep -c '(libtessera_.*\.so)')
check "tessera-cli info: $plugins plugins" test "$plugins" -eq "$EXPECTED_PLUGINS"
mkdir -p /tmp/exports
exported=0
for panel in $(tessera-cli panels | grep -E '^[a-z]+  ' | awk '{print $1}'); do
  if tessera-cli export "$panel" --format png --out "/tmp/exports/$panel.png" >/tmp/exports/$panel.log 2>&1 &&
     file "/tmp/exports/$panel.png" | grep -q 'PNG image'; then
    exported=$((exported + 1))
  else
    echo "  FAIL  export $panel"; sed 's/^/        /' "/tmp/exports/$panel.log"; fail=1
  fi
done
echo "  ok    export of $exported panels' default views"
check "studio --screenshot under xvfb-run" sh -c \
  'xvfb-run -a -s "-screen 0 1280x800x24" tessera --fresh --screenshot /tmp/studio.png && file /tmp/studio.png | grep -q "PNG image"'
check "man pages" sh -c 'test -s /usr/share/man/man1/tessera.1.gz && test -s /usr/share/man/man1/tessera-cli.1.gz'
check "MIME type of a .tessera session" sh -c \
  'echo "{}" > /tmp/s.tessera && grep -q "x-tessera-session" /usr/share/mime/globs2'
dpkg -L tessera tessera-data | sort -u >/tmp/installed.txt
check "apt purge" apt-get purge -y -q tessera tessera-data
left=$(while read -r path; do [ -e "$path" ] && [ ! -d "$path" ] && echo "$path"; done </tmp/installed.txt
       for d in /usr/lib/*/tessera /usr/share/tessera /usr/share/doc/tessera /usr/share/doc/tessera-data; do
         [ -e "$d" ] && echo "$d"; done)
check "nothing left after purge ($(wc -l </tmp/installed.txt) paths)" test -z "$left"
[ -n "$left" ] && echo "$left" | head -5 | sed 's/^/        left: /'
exit $fail
INSIDE
expected_plugins=$(find "$release/lib/tessera/plugins" -name 'libtessera_*.so' | wc -l)
echo "  installing into $root (apt downloads the dependencies)"
set +e
chroot "$root" env EXPECTED_PLUGINS="$expected_plugins" PATH=/usr/sbin:/usr/bin:/sbin:/bin bash /tmp/check.sh
inside=$?
set -e
mkdir -p "$out/from-root"
cp "$root"/tmp/exports/*.png "$root/tmp/studio.png" "$out/from-root/" 2>/dev/null || true

status=passed
((inside == 0 && lintian_errors == 0)) && [[ $dbgsym_status == ok ]] || status=FAILED
echo "package-check: $status; dbgsym: $dbgsym_status; lintian: $lintian_errors errors/warnings, $lintian_infos info tags;" \
     "tessera ${installed_kb} KiB + tessera-data ${data_kb} KiB installed; clean Debian 12 root: $([[ $inside == 0 ]] && echo ok || echo FAILED);" \
     "exports and screenshot in $out/from-root"
[[ $status == passed ]]
