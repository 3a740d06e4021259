#!/usr/bin/env bash
# The main job on sample_images/: blur every photo into out/, then show what
# the pool buys on photo-sized work (the same batch inline and on the pool).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
pixpool=build/cli/pixpool

echo "== pixpool run: blur sample_images/ into out/ (corrupt.jpg fails on purpose)"
"$pixpool" run sample_images -o out -f gaussian_blur:sigma=3 --log-dir out/logs -q || true
echo

# The samples are small; for timing, make 48 photos of 4 to 7 megapixels
# from them with pixpool itself (a 5x upscale, kept as JPEG). A batch of a
# few seconds: a shorter one mostly measures starting the workers.
photos=build/demo-photos
for pass in a b c d e f g h; do
  "$pixpool" run sample_images --ext jpg,png,webp -o "$photos" --prefix "${pass}_" --format jpg --quality 92 \
    -f resize:scale=5,upscale=true,interpolation=cubic -q >/dev/null 2>&1 || true
done
echo "== pixpool bench: $(ls "$photos" | grep -c jpg) photos of 4-7 MP, sequential vs parallel"
"$pixpool" bench "$photos" -f gaussian_blur:sigma=3 --quality 90
