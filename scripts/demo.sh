#!/usr/bin/env bash
# The main job on sample_images/: blur every photo into out/, then show what
# the pool buys (the same batch inline and on the pool, timed).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
echo "== pixpool run: blur sample_images/ into out/ (corrupt.jpg fails on purpose)"
build/cli/pixpool run sample_images -o out -f gaussian_blur:sigma=3 --log-dir out/logs || true
echo
echo "== pixpool bench: sequential vs parallel on the same files"
build/cli/pixpool bench sample_images -f gaussian_blur:sigma=3 || true
