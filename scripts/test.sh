#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (GoogleTest under CTest).
# Tests run one at a time: several kill processes and time their deaths.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
cd build
ctest --output-on-failure --timeout 300
