#!/usr/bin/python3
"""Builds the deterministic benchmark corpus for bench/compare.sh.

Sources: the colour photographs that Debian's python3-skimage ships in
skimage/data (CC0 / public domain, see skimage/data/README.txt and
scikit-image's data licences). Only photographs are used, no synthetic images.

Layout (under OUT, default bench/corpus):
  photos48/  48 JPEGs (quality 90): 12 each at ~2, 3.7, 8.3 and 12 megapixels,
             landscape and portrait, each a different crop of a source photo
             upscaled with Lanczos, plus a faint fixed-seed sensor grain so the
             JPEGs carry the detail (and the entropy-coded size) of a real
             camera photo rather than that of a smooth upscale.
  small600/  600 JPEGs of 320x240 (quality 90), crops at several scales.
  mixed24/   24 files, 8 JPEG (q 90), 8 PNG, 8 WebP (q 90), ~2 and 3.7 MP.

Deterministic: fixed inputs, fixed seeds (numpy PCG64), fixed encoder
settings, so a run produces the same bytes as the last one on the same
Debian packages. A manifest (MANIFEST.sha256) is written and, when it already
matches, nothing is regenerated.

Usage: make_corpus.py [--out DIR] [--force] [--check]
"""

import argparse
import hashlib
import io
import os
import sys

import numpy as np
from PIL import Image

SKIMAGE_DATA = "/usr/lib/python3/dist-packages/skimage/data"
# Colour photographs only (no drawings, charts, synthetic or grey images).
SOURCES = [
    "astronaut.png",
    "chelsea.png",
    "coffee.png",
    "rocket.jpg",
    "motorcycle_left.png",
    "motorcycle_right.png",
    "hubble_deep_field.jpg",
    "retina.jpg",
]
# width x height for the four photo sizes (landscape; some are turned portrait)
PHOTO_SIZES = [
    (1632, 1224),  # 2.0 MP
    (2560, 1440),  # 3.7 MP
    (3840, 2160),  # 8.3 MP
    (4000, 3000),  # 12.0 MP
]
PHOTOS_PER_SIZE = 12
SMALL_COUNT = 600
SMALL_SIZE = (320, 240)
MIXED_SIZES = [(1632, 1224), (2560, 1440)]
MIXED_PER_FORMAT = 8
QUALITY = 90
VERSION = "corpus-v1"  # bump when the recipe changes


def load_sources():
    images = []
    for name in SOURCES:
        path = os.path.join(SKIMAGE_DATA, name)
        with Image.open(path) as im:
            images.append((name, im.convert("RGB")))
    return images


def random_crop(rng, src, aspect, min_frac):
    """A crop of `src` with the given aspect (w/h) covering a random fraction
    (min_frac..1) of the largest such crop, at a random position."""
    sw, sh = src.size
    if sw / sh > aspect:
        ch_max, cw_max = sh, sh * aspect
    else:
        cw_max, ch_max = sw, sw / aspect
    frac = rng.uniform(min_frac, 1.0)
    cw, ch = cw_max * frac, ch_max * frac
    x0 = rng.uniform(0, sw - cw)
    y0 = rng.uniform(0, sh - ch)
    return (x0, y0, x0 + cw, y0 + ch)


def render(rng, src, size, min_frac, grain):
    w, h = size
    box = random_crop(rng, src, w / h, min_frac)
    out = src.resize((w, h), Image.LANCZOS, box=box)
    if rng.random() < 0.5:
        out = out.transpose(Image.FLIP_LEFT_RIGHT)
    if grain > 0:
        a = np.asarray(out, dtype=np.int16)
        # luminance grain shared by the channels plus a little chroma grain
        luma = rng.normal(0.0, grain, size=(h, w, 1))
        chroma = rng.normal(0.0, grain * 0.4, size=(h, w, 3))
        a = a + np.rint(luma + chroma).astype(np.int16)
        out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")
    return out


def encode(im, fmt):
    buf = io.BytesIO()
    if fmt == "jpg":
        # fixed settings: baseline, 4:2:0, no optimize pass, no EXIF
        im.save(buf, "JPEG", quality=QUALITY, subsampling=2, optimize=False)
    elif fmt == "png":
        im.save(buf, "PNG", compress_level=6)
    elif fmt == "webp":
        im.save(buf, "WEBP", quality=QUALITY, method=4)
    else:
        raise ValueError(fmt)
    return buf.getvalue()


def plan():
    """Yields (relative path, size, fmt, min_frac, grain, seed, source index)."""
    n = 0
    for s, (w, h) in enumerate(PHOTO_SIZES):
        for i in range(PHOTOS_PER_SIZE):
            portrait = i % 4 == 3  # a quarter of them portrait
            size = (h, w) if portrait else (w, h)
            src = (s * PHOTOS_PER_SIZE + i) % len(SOURCES)
            mp = w * h / 1e6
            yield (f"photos48/p{n:02d}_{mp:.1f}mp.jpg", size, "jpg", 0.55, 3.0, 1000 + n, src)
            n += 1
    for i in range(SMALL_COUNT):
        size = SMALL_SIZE if i % 5 else (SMALL_SIZE[1], SMALL_SIZE[0])
        yield (f"small600/s{i:03d}.jpg", size, "jpg", 0.2, 1.5, 5000 + i, i % len(SOURCES))
    n = 0
    for f, fmt in enumerate(["jpg", "png", "webp"]):
        for i in range(MIXED_PER_FORMAT):
            size = MIXED_SIZES[i % len(MIXED_SIZES)]
            yield (f"mixed24/m{n:02d}.{fmt}", size, fmt, 0.5, 3.0, 9000 + n, (n + 3) % len(SOURCES))
            n += 1


def recipe_digest():
    h = hashlib.sha256(VERSION.encode())
    for item in plan():
        h.update(repr(item).encode())
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))
    ap.add_argument("--force", action="store_true", help="regenerate even if the manifest matches")
    args = ap.parse_args()

    out = args.out
    manifest_path = os.path.join(out, "MANIFEST.sha256")
    stamp_path = os.path.join(out, "RECIPE")
    digest = recipe_digest()
    if not args.force and os.path.exists(manifest_path) and os.path.exists(stamp_path):
        with open(stamp_path) as f:
            same_recipe = f.read().strip() == digest
        if same_recipe and verify(out, manifest_path):
            print(f"corpus: {out} is up to date")
            return 0

    sources = load_sources()
    lines = []
    for rel, size, fmt, min_frac, grain, seed, src in plan():
        rng = np.random.Generator(np.random.PCG64(seed))
        im = render(rng, sources[src][1], size, min_frac, grain)
        data = encode(im, fmt)
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {rel}")
    # remove strays from an older recipe
    wanted = {rel for rel, *_ in plan()}
    for sub in ("photos48", "small600", "mixed24"):
        d = os.path.join(out, sub)
        for name in os.listdir(d):
            if f"{sub}/{name}" not in wanted:
                os.remove(os.path.join(d, name))
    with open(manifest_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(stamp_path, "w") as f:
        f.write(digest + "\n")
    total = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    print(f"corpus: wrote {len(lines)} files under {out} (manifest digest {total})")
    return 0


def verify(out, manifest_path):
    with open(manifest_path) as f:
        for line in f:
            digest, rel = line.rstrip("\n").split("  ", 1)
            path = os.path.join(out, rel)
            try:
                with open(path, "rb") as g:
                    if hashlib.sha256(g.read()).hexdigest() != digest:
                        return False
            except OSError:
                return False
    return True


if __name__ == "__main__":
    sys.exit(main())
