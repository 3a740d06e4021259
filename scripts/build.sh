#!/usr/bin/env bash
# Installs what is missing, then configures and builds pixpool into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPIXPOOL_BENCHMARKS=ON "$@" >/dev/null
cmake --build build -j"$(nproc)"
