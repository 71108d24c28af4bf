"""scripts/bench-jpeg-decoders: the decoded pixels Java wrote, against Pillow's own.

For each photo-*.jpg in the folder, compares np.asarray(Image.open(p)) with photo-*.<decoder>.rgb
(ImageIO as ImageDecoder uses it; TF's DecodeJpeg with dct_method "" and "INTEGER_ACCURATE"), and
predict.py's 28x28 (Image.open(p).resize((28, 28)).convert('L')) with photo-*.predict-py.gray,
written by Java's predict-py preprocessing. Prints one line per comparison.
"""
import pathlib
import sys

import numpy as np
from PIL import Image


def main():
    folder = pathlib.Path(sys.argv[1])
    photos = sorted(folder.glob('photo-*.jpg'))
    for kind in ('imageio', 'tf-default', 'tf-accurate'):
        differ, worst = 0, 0
        for p in photos:
            pillow = np.asarray(Image.open(p)).astype(int)
            java = np.fromfile(p.with_suffix(f'.{kind}.rgb'), dtype=np.uint8).reshape(pillow.shape).astype(int)
            d = int(np.abs(pillow - java).max())
            differ += d > 0
            worst = max(worst, d)
        print(f'Pillow {Image.__version__} vs {kind}: {differ} of {len(photos)} photos differ, max |diff| {worst} levels')
    differ, worst = 0, 0
    for p in photos:
        pillow = np.asarray(Image.open(p).resize((28, 28)).convert('L')).astype(int)
        java = np.fromfile(p.with_suffix('.predict-py.gray'), dtype=np.uint8).reshape(28, 28).astype(int)
        d = int(np.abs(pillow - java).max())
        differ += d > 0
        worst = max(worst, d)
    print(f"Pillow resize((28, 28)).convert('L') vs Java predict-py: {differ} of {len(photos)} photos differ, max |diff| {worst}")


if __name__ == '__main__':
    main()
