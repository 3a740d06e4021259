#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (GoogleTest under CTest),
# in three stages, each in a build folder of its own:
#   plain  build/       the Release build and the whole suite
#   asan   build-asan/  the same suite built with AddressSanitizer + UndefinedBehaviorSanitizer
#                       (what cannot hold there is skipped, saying why; see that stage)
#   fuzz   build-fuzz/  each libFuzzer harness of tests/fuzz for 30 s (clang)
# PIXPOOL_TEST_STAGES="plain asan" runs only those. Arguments go to every cmake
# configure (e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=ccache).
# Suite tests run one at a time: several kill processes and time their deaths.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=${PIXPOOL_TEST_STAGES:-plain asan fuzz}
jobs=$(nproc)

stage() { echo "== test.sh: $1 ($(date -u +%H:%M:%S))" >&2; }

for s in $stages; do
  case $s in
    plain)
      stage "plain build and suite"
      ./scripts/build.sh "$@"
      (cd build && ctest --output-on-failure --timeout 300)
      ;;
    asan)
      stage "ASan + UBSan build and suite"
      ./scripts/setup.sh
      # No install test here: it links outside projects, built without ASan,
      # against these libraries; the plain stage runs it.
      cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DPIXPOOL_SANITIZE=ON -DPIXPOOL_INSTALL=OFF "$@" >/dev/null
      cmake --build build-asan -j"$jobs"
      # The whole suite again: a leak, an overflow or undefined behaviour
      # fails the test that hit it. What cannot hold under ASan is visible:
      # gtest cases are disabled with the reason in their names
      # (PIXPOOL_UNLESS_ASAN, tests/sanitized_build.hpp), and the label
      # excluded here:
      #   slurm  starts Slurm's own daemons (munged, slurmctld, slurmd) and
      #          sbatch jobs; the plain stage runs it, and it checks the job
      #          array's recipe, not pixpool's memory.
      # PIXPOOL_ASAN_TESTS narrows it (a ctest -R regex, e.g. '^(Pool|frames[.])').
      # Leaks inside other projects' libraries are suppressed, each saying why,
      # in tests/lsan_suppressions.txt.
      (cd build-asan &&
        ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
        LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/../tests/lsan_suppressions.txt} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
        ctest --output-on-failure --timeout 600 -LE slurm -R "${PIXPOOL_ASAN_TESTS:-.}")
      ;;
    fuzz)
      stage "fuzzers"
      ./scripts/setup.sh
      cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
        -DPIXPOOL_FUZZ=ON -DPIXPOOL_BUILD_TESTS=OFF -DPIXPOOL_BUILD_CLI=OFF -DPIXPOOL_INSTALL=OFF "$@" >/dev/null
      cmake --build build-fuzz -j"$jobs" --target fuzzers
      (cd build-fuzz && ctest -L fuzz -j"$jobs" --output-on-failure)
      ;;
    *) echo "test.sh: unknown stage '$s' (plain, asan, fuzz)" >&2; exit 2 ;;
  esac
done
stage "done"
