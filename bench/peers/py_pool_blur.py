#!/usr/bin/python3
"""The classic tutorial batch: multiprocessing.Pool() with its default
number of processes, pool.map over the paths, each task opens, processes and
saves one image.

  py_pool_blur.py pil|cv2|cv2-1t SIGMA|thumb800 OUT_DIR INPUT...

SIGMA, a Gaussian blur:
  pil: Pillow, Image.open -> filter(ImageFilter.GaussianBlur(SIGMA)) -> save
       (Pillow's "radius" is the standard deviation; Pillow approximates the
       Gaussian with three box blurs, so its cost does not grow with sigma).
  cv2: OpenCV, cv2.imread -> cv2.GaussianBlur(img, (0, 0), SIGMA) -> cv2.imwrite.
       OpenCV's own threading is left at its default, as tutorials leave it.
  cv2-1t: the same with cv2.setNumThreads(1) in each pool worker (the Pool's
       initializer), as a user tunes it: one busy core per process, no
       oversubscription. JPEG and WebP outputs at quality 90.
thumb800, fit within 800x800 (never enlarging), JPEG quality 85:
  pil: Image.thumbnail((800, 800)) (which asks the JPEG decoder for a reduced
       size first, Image.draft, then resamples), save(quality=85).
  cv2, cv2-1t: cv2.imread, cv2.resize(INTER_AREA) to the fitted size, imwrite q85.
The output keeps the input's name and format.
"""

import multiprocessing
import os
import sys

BACKEND = sys.argv[1]
OP = sys.argv[2]
OUT_DIR = sys.argv[3]
THUMB = OP == "thumb800"
QUALITY = 85 if THUMB else 90


def fitted(width, height, box=800):
    scale = min(box / width, box / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


if BACKEND == "pil":
    from PIL import Image, ImageFilter

    def work(path):
        out = os.path.join(OUT_DIR, os.path.basename(path))
        with Image.open(path) as im:
            if THUMB:
                im.thumbnail((800, 800))
                im.save(out, quality=QUALITY)
            else:
                im.filter(ImageFilter.GaussianBlur(float(OP))).save(out, quality=QUALITY)
        return out

    initializer = None

elif BACKEND in ("cv2", "cv2-1t"):
    import cv2

    def work(path):
        out = os.path.join(OUT_DIR, os.path.basename(path))
        img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        if THUMB:
            h, w = img.shape[:2]
            result = cv2.resize(img, fitted(w, h), interpolation=cv2.INTER_AREA)
        else:
            result = cv2.GaussianBlur(img, (0, 0), float(OP))
        params = []
        if out.lower().endswith((".jpg", ".jpeg")):
            params = [cv2.IMWRITE_JPEG_QUALITY, QUALITY]
        elif out.lower().endswith(".webp"):
            params = [cv2.IMWRITE_WEBP_QUALITY, QUALITY]
        if not cv2.imwrite(out, result, params):
            raise RuntimeError(f"cannot write {out}")
        return out

    def one_thread():
        cv2.setNumThreads(1)

    initializer = one_thread if BACKEND == "cv2-1t" else None

else:
    sys.exit(f"unknown backend {BACKEND!r}")


if __name__ == "__main__":
    os.makedirs(OUT_DIR, exist_ok=True)
    with multiprocessing.Pool(initializer=initializer) as pool:
        done = pool.map(work, sys.argv[4:])
    print(f"{BACKEND}: {len(done)} images")
