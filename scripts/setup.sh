#!/usr/bin/env bash
# Tessera's one set-up script for a fresh Debian 12 machine.
#
#   bash scripts/setup.sh          install what is missing, build, start the studio
#   bash scripts/setup.sh --test   install what is missing, build, run the whole test suite
#
# Runs as root or as a user with sudo (only apt-get needs it). Safe to run again: it
# installs nothing that is already there and rebuilds only what changed (ccache helps).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=run
case "${1:-}" in
  "") ;;
  --test) mode=test ;;
  -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
  *) echo "setup.sh: unknown option '$1' (use --test or nothing)" >&2; exit 2 ;;
esac

# Debian packages only. OpenBLAS matters: without it LibTorch falls back to the reference
# BLAS and matrix products are ~20x slower. fonts-nanum renders Hangul; the Fashion-MNIST
# dataset serves the training recipes; clang builds the fuzz targets of the test suite;
# clang-format and clang-tidy are the style checks (scripts/check-style.sh).
packages=(
  cmake g++ ninja-build ccache pkg-config clang clang-format clang-tidy
  qt6-base-dev qt6-charts-dev qt6-svg-dev qt6-tools-dev qt6-l10n-tools qt6-qpa-plugins libgl-dev
  libqcustomplot-dev libopencv-dev libtorch-dev libopenblas0-openmp nlohmann-json3-dev libicu-dev libpcre2-dev libhnswlib-dev
  zlib1g-dev fonts-nanum dataset-fashion-mnist xvfb xauth
)
missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "== installing ${#missing[@]} Debian packages: ${missing[*]}"
  sudo=""
  if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup.sh: run as root or install sudo" >&2; exit 1; }
    sudo=sudo
  fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc)
# core precompiles LibTorch's header; ccache caches those compiles only with this sloppiness.
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}
echo "== configuring and building (release preset, $jobs jobs)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"

if [[ $mode == test ]]; then
  echo "== running the test suite"
  ctest --preset release -j "$jobs"
  bash scripts/asan.sh
  exit 0
fi

echo "== starting Tessera"
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset)."
  echo "Start it from a desktop session with: build/release/bin/tessera"
  echo "or headless with a screenshot: xvfb-run -a build/release/bin/tessera --screenshot tessera.png"
  exit 0
fi
exec build/release/bin/tessera --panel pe
