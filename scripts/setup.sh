#!/usr/bin/env bash
# Installs what pixpool needs to build and test, from Debian 12's packages.
# Idempotent: does nothing (and needs no network) when everything is there.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libopencv-dev libcli11-dev libspdlog-dev nlohmann-json3-dev libexiv2-dev libjpeg-dev
  libwebp-dev libheif-dev libgif-dev libheif-examples strace
  libpng-dev libtiff-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libopencv-videoio-dev ffmpeg
  # tests/fuzz: clang, its sanitizer and libFuzzer runtimes (only recommended by clang),
  # and llvm for llvm-symbolizer, which names the source lines in a report
  clang libclang-rt-14-dev libfuzzer-14-dev llvm
  # tests/cli: man -l for the man page, tmux for the progress bar, xmllint for the plot
  man-db tmux libxml2-utils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
