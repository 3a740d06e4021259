#!/usr/bin/python3
"""The classic tutorial batch blur: multiprocessing.Pool() with its default
number of processes, pool.map over the paths, each task opens, blurs and
saves one image.

  py_pool_blur.py pil|cv2 SIGMA OUT_DIR INPUT...

pil: Pillow, Image.open -> filter(ImageFilter.GaussianBlur(SIGMA)) -> save
     (Pillow's "radius" is the standard deviation; Pillow approximates the
     Gaussian with three box blurs, so its cost does not grow with sigma).
cv2: OpenCV, cv2.imread -> cv2.GaussianBlur(img, (0, 0), SIGMA) -> cv2.imwrite.
     OpenCV's own threading is left at its default, as tutorials leave it
     (no cv2.setNumThreads call).
JPEG and WebP outputs at quality 90; the output keeps the input's name and format.
"""

import multiprocessing
import os
import sys

BACKEND = sys.argv[1]
SIGMA = float(sys.argv[2])
OUT_DIR = sys.argv[3]

if BACKEND == "pil":
    from PIL import Image, ImageFilter

    def blur(path):
        out = os.path.join(OUT_DIR, os.path.basename(path))
        with Image.open(path) as im:
            im.filter(ImageFilter.GaussianBlur(SIGMA)).save(out, quality=90)
        return out

elif BACKEND == "cv2":
    import cv2

    def blur(path):
        out = os.path.join(OUT_DIR, os.path.basename(path))
        img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        blurred = cv2.GaussianBlur(img, (0, 0), SIGMA)
        params = []
        if out.lower().endswith((".jpg", ".jpeg")):
            params = [cv2.IMWRITE_JPEG_QUALITY, 90]
        elif out.lower().endswith(".webp"):
            params = [cv2.IMWRITE_WEBP_QUALITY, 90]
        if not cv2.imwrite(out, blurred, params):
            raise RuntimeError(f"cannot write {out}")
        return out

else:
    sys.exit(f"unknown backend {BACKEND!r}")


if __name__ == "__main__":
    os.makedirs(OUT_DIR, exist_ok=True)
    with multiprocessing.Pool() as pool:
        done = pool.map(blur, sys.argv[4:])
    print(f"{BACKEND}: {len(done)} images")
