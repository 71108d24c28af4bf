#!/usr/bin/env python3
"""The original predict script: classify one image file with the trained weights.

    python predict.py digit.png                      # prints the digit, shows the figure
    python predict.py digit.png --plot out.png       # saves the figure instead (no display)
    python predict.py digit.png --no-plot --probabilities

Preprocessing, exactly as the original (the Java port's `predict` must match it):
    img = Image.open(path)
    gray = img.resize((28, 28)).convert('L')      # resize FIRST, in the file's own mode
                                                  # (Pillow >= 7 default filter: BICUBIC;
                                                  # NEAREST for 'P'/'1' images), THEN luma
                                                  # L = (19595 R + 38470 G + 7471 B + 32768)
                                                  # >> 16 (ITU-R 601-2, alpha ignored)
    x = (255 - np.array(gray)) / 255.0           # invert: MNIST digits are white on black
    x = x.reshape(1, 28, 28, 1)                  # (cast to float32; the original relied on Keras
                                                  # casting the float64 array)
    digit = argmax(model(x))

The figure has three panels: 'do not process' (the original image), 'process - gray' (the
28x28 grayscale image) and 'predict:[d]' (the 28x28 inverted model input).
"""

import argparse
import json

import numpy as np


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="Predict the digit in an image (seed predict script).")
    ap.add_argument("image", help="image file (any format Pillow reads)")
    ap.add_argument("--weights", default="mnist",
                    help="weights path prefix written by train.py (Keras 3: + .weights.h5)")
    ap.add_argument("--plot", metavar="OUT.png", default=None,
                    help="save the 3-panel figure to this file instead of showing it")
    ap.add_argument("--no-plot", action="store_true", help="no figure at all")
    ap.add_argument("--probabilities", action="store_true",
                    help="also print the 10 probabilities as JSON (for parity checks)")
    return ap.parse_args(argv)


def preprocess(path):
    from PIL import Image

    img = Image.open(path)
    gray = img.resize((28, 28)).convert("L")
    x = (255 - np.array(gray)) / 255.0
    return img, gray, x.reshape(1, 28, 28, 1).astype("float32")


def main(argv=None):
    args = parse_args(argv)

    import matplotlib
    if args.plot:
        matplotlib.use("Agg")  # file output only; works without a display

    from model import MyModel, load_weights

    model = MyModel()
    load_weights(model, args.weights)

    img, gray, x = preprocess(args.image)
    prediction = model(x, training=False).numpy()
    digit = int(np.argmax(prediction))
    print(digit)
    if args.probabilities:
        print(json.dumps({"image": args.image, "digit": digit,
                          "probabilities": [float(p) for p in prediction[0]]}))

    if args.no_plot:
        return 0

    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(9, 3.4))
    shown = img if img.mode in ("RGB", "RGBA", "L") else img.convert("RGBA")
    axes[0].imshow(shown, cmap="gray" if shown.mode == "L" else None)
    axes[0].set_title("do not process")
    axes[1].imshow(gray, cmap="gray", vmin=0, vmax=255)
    axes[1].set_title("process - gray")
    axes[2].imshow(x.reshape(28, 28), cmap="gray", vmin=0.0, vmax=1.0)
    axes[2].set_title(f"predict:[{digit}]")
    for ax in axes:
        ax.axis("off")
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot, dpi=100)
        print(f"saved figure to {args.plot}")
    else:
        plt.show()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
