#!/usr/bin/env bash
# pixpool against its peers, in one command (issue 6, the measuring half).
#
#   bench/compare.sh [--reps N] [--only WORKLOAD[,WORKLOAD]] [--no-docs]
#
# 1. installs the peers if missing (Debian packages via apt-get, as root or
#    through sudo; sharp from npm into bench/peers/node_modules, from the
#    committed package-lock.json); idempotent, no network when all is there
# 2. builds pixpool and bench/pool_roundtrip (scripts/build.sh into build/,
#    or PIXPOOL_BUILD_DIR=DIR for a separate build directory)
# 3. builds the deterministic corpus in bench/corpus/ (bench/make_corpus.py)
# 4. times pixpool, Python multiprocessing.Pool + Pillow, the same + OpenCV,
#    GNU parallel + vips, GNU parallel + ImageMagick, and sharp, alternating
#    tools across repetitions (median), then pixpool's parallel efficiency,
#    its stage-timing floor and the pool round-trip micro-benchmark
# 5. prints the tables and rewrites docs/benchmarks.md (unless --no-docs)
#
# Environment: REPS (default 3); PIXPOOL_BUILD_DIR (default build: built by
# scripts/build.sh; any other folder is configured and built here, from
# PIXPOOL_SOURCE_DIR, default this checkout, e.g. a clean `git archive HEAD`).
# Takes about 15-20 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

orig_args="$*"
reps=${REPS:-3}
only=""
docs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --no-docs) docs=0; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

# --- 1. peers ---------------------------------------------------------------
packages=(python3-pil python3-opencv python3-skimage python3-numpy libvips-tools imagemagick parallel time nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from elsewhere than Debian; only install them if absent
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=($(printf '%s\n' "${missing[@]}" | grep -vx -e nodejs -e npm || true))
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "compare: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d bench/peers/node_modules/sharp ] || ! (cd bench/peers && node -e "require('sharp')" 2>/dev/null); then
  echo "compare: installing sharp into bench/peers/node_modules (npm ci)" >&2
  if ! (cd bench/peers && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
    echo "compare: sharp could not be installed; measuring without it" >&2
    rm -rf bench/peers/node_modules
  fi
fi

# --- 2. pixpool -------------------------------------------------------------
build_dir=${PIXPOOL_BUILD_DIR:-build}
source_dir=${PIXPOOL_SOURCE_DIR:-$root}
if [ "$build_dir" = build ] && [ "$source_dir" = "$root" ]; then
  ./scripts/build.sh >/dev/null
else
  ./scripts/setup.sh
  cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DPIXPOOL_BENCHMARKS=ON >/dev/null
  cmake --build "$build_dir" -j"$(nproc)" --target pixpool pool_roundtrip >/dev/null
fi
build_dir=$(cd "$build_dir" && pwd)
pixpool=$build_dir/cli/pixpool
roundtrip=$build_dir/bench/pool_roundtrip
[ -x "$pixpool" ] && [ -x "$roundtrip" ] || { echo "compare: $pixpool or $roundtrip missing" >&2; exit 1; }

if git -C "$source_dir" rev-parse --git-dir >/dev/null 2>&1; then
  rev="$(git -C "$source_dir" log -1 --format='%h %s')"
  git -C "$source_dir" diff --quiet HEAD -- pool filters src cli 2>/dev/null || rev="$rev (+ uncommitted changes)"
elif [ -f "$source_dir/COMMIT" ]; then
  rev="$(cat "$source_dir/COMMIT") (clean export)"
else
  rev="unknown"
fi

# --- 3. corpus --------------------------------------------------------------
/usr/bin/python3 bench/make_corpus.py --out bench/corpus

# --- 4./5. measure and report -------------------------------------------------
echo "compare: $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
args=(--pixpool "$pixpool" --roundtrip "$roundtrip" --corpus bench/corpus --reps "$reps"
      --pixpool-rev "$rev" --json bench/corpus/last-results.json --command-line "bench/compare.sh${orig_args:+ $orig_args}")
[ -n "$only" ] && args+=(--only "$only")
[ "$docs" -eq 1 ] && args+=(--md docs/benchmarks.md)
/usr/bin/python3 bench/peers/compare.py "${args[@]}"
