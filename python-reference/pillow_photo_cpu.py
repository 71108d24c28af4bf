"""The anchor for scripts/bench-photo-stages: CPU ms per photo of predict.py's own preprocessing.

Exactly the quickstart's predict.py steps, from the files' bytes in memory, on one thread:
    img = Image.open(p).resize((28, 28)).convert('L'); x = (255 - np.array(img)) / 255.0
Timed as bench-photo-stages times the Java stages: CPU time of the working thread (so waiting for
a core on a shared machine does not count), 5 rounds after 2 warm-up rounds, median of rounds.
"""
import io
import pathlib
import sys
import time

import numpy as np
import PIL
from PIL import Image


def preprocess(data):
    img = Image.open(io.BytesIO(data)).resize((28, 28)).convert('L')
    return (255 - np.array(img)) / 255.0


def main():
    photos = [p.read_bytes() for p in sorted(pathlib.Path(sys.argv[1]).glob('*.jpg'))]
    ms = []
    for r in range(7):
        start = time.thread_time()
        for data in photos:
            preprocess(data)
        if r >= 2:
            ms.append((time.thread_time() - start) * 1e3 / len(photos))
    ms.sort()
    print(f"Pillow {PIL.__version__}, open + resize + convert('L') + invert: "
          f"{ms[len(ms) // 2]:.3f} ms/image of CPU (median of {len(ms)} rounds; min {ms[0]:.3f})")


if __name__ == '__main__':
    main()
