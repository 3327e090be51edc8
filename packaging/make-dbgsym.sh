#!/usr/bin/env bash
# Makes tessera-dbgsym_VERSION_ARCH.deb, the debug information of the tessera package, from a
# build tree whose binaries still carry it (the release preset is RelWithDebInfo), as Debian's
# dh_strip lays it out: /usr/lib/debug/.build-id/NN/REST.debug, matched by build id to the
# stripped files of the .deb CPack made from the same tree.
#
#   packaging/make-dbgsym.sh BUILD_DIR OUT_DIR
set -euo pipefail
build=${1:?usage: make-dbgsym.sh BUILD_DIR OUT_DIR}
out=${2:?usage: make-dbgsym.sh BUILD_DIR OUT_DIR}
version=$(sed -n 's/^CPACK_PACKAGE_VERSION:STRING=//p; s/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt" | head -1)
arch=$(dpkg --print-architecture)
[[ -n $version ]] || { echo "make-dbgsym.sh: no project version in $build/CMakeCache.txt" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
ids=()
# The files the package installs: the programs, the private libraries and the plugins.
while IFS= read -r -d '' file; do
    id=$(LC_ALL=C readelf -n "$file" | sed -n 's/^ *Build ID: \([0-9a-f]*\)$/\1/p')
    [[ -n $id ]] || { echo "make-dbgsym.sh: $file has no build id" >&2; exit 1; }
    LC_ALL=C readelf -S "$file" | grep -q '\.debug_info' || continue
    mkdir -p "$root/usr/lib/debug/.build-id/${id:0:2}"
    objcopy --only-keep-debug --compress-debug-sections "$file" "$root/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
    chmod 0644 "$root/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
    ids+=("$id")
done < <(find "$build/bin" -maxdepth 1 -type f \( -name tessera -o -name tessera-cli \) -print0
         find "$build/lib/tessera" -type f -name '*.so*' -print0)
((${#ids[@]})) || { echo "make-dbgsym.sh: no debug information in $build (a build without -g?)" >&2; exit 1; }

mkdir -p "$root/usr/share/doc" "$root/DEBIAN"
ln -s tessera "$root/usr/share/doc/tessera-dbgsym"
installed=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: tessera-dbgsym
Source: tessera
Version: $version
Architecture: $arch
Maintainer: Tessera developers <maintainers@tessera.invalid>
Installed-Size: $installed
Depends: tessera (= $version)
Section: debug
Priority: optional
Auto-Built-Package: debug-symbols
Build-Ids: ${ids[*]}
Description: debug symbols for tessera
CONTROL
(cd "$root" && find usr -type f -printf '%P\n' | sort | sed 's|^|usr/|' | xargs md5sum > DEBIAN/md5sums)
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/tessera-dbgsym_${version}_${arch}.deb" >/dev/null
echo "$out/tessera-dbgsym_${version}_${arch}.deb"
