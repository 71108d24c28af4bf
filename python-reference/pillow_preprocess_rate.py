"""The anchor for scripts/bench-predict-dir: images/s of predict.py's own preprocessing on a folder.

Exactly the quickstart's predict.py steps, on one core, files read from disk:
    img = Image.open(p).resize((28, 28)).convert('L'); x = (255 - np.array(img)) / 255.0
Prints one number: images per second (one warm-up pass over the folder, then the timed pass).
"""
import pathlib
import sys
import time

import numpy as np
from PIL import Image


def preprocess(path):
    img = Image.open(path).resize((28, 28)).convert('L')
    return (255 - np.array(img)) / 255.0


def main():
    files = sorted(p for p in pathlib.Path(sys.argv[1]).iterdir() if p.suffix == '.jpg')
    for p in files:
        preprocess(p)
    start = time.perf_counter()
    for p in files:
        preprocess(p)
    print(round(len(files) / (time.perf_counter() - start)))


if __name__ == '__main__':
    main()
