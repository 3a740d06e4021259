#!/usr/bin/env bash
# Failures must cost what successes cost, not O(n^2): times a batch of N
# tiny good images against one of N/2 good and N/2 bad files (text named
# .png), and prints both and their ratio. Usage: bench/failures.sh [N] (20000).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
pixpool=build/cli/pixpool
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$n" <<'PY'
import os, struct, sys, zlib
work, n = sys.argv[1], int(sys.argv[2])
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(b"\x00" + b"\x80" * 8 * 8)) + chunk(b"IEND", b""))
for folder, bad_every in (("good", 0), ("half", 2)):
    os.makedirs(os.path.join(work, folder))
    for i in range(n):
        bad = bad_every and i % bad_every == 1
        with open(os.path.join(work, folder, "f%06d.png" % i), "wb") as f:
            f.write(b"not an image\n" if bad else png)
PY
time_run() {  # seconds for one batch, its exit status ignored (1 when files fail)
  local start end
  start=$(date +%s.%N)
  "$pixpool" run "$work/$1" -o "$work/out-$1" -q -f invert >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
good=$(time_run good)
half=$(time_run half)
echo "files: $n; all good: $good s; half bad: $half s; ratio half/good: $(echo "scale=2; $half / $good" | bc)"
