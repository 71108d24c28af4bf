#!/usr/bin/env python3
"""How Python's model.predict answers one image alone versus inside larger batches.

The quickstart's architecture (Conv2D(32, 3, relu), Flatten, Dense(128, relu), Dense(10, softmax)),
Glorot-initialised with a fixed seed, on 300 random sparse "digits". For each image, its
probabilities from predict() on that image alone are compared bit for bit with its row when it is
predicted inside batches of 2, 64 and 257 images (at every place), with predict's default
batch_size=32 and with batch_size equal to the batch. Prints how many rows differ and by how much.
The README's Serving section quotes this output; `serve` compares itself the same way in
ServerUnderAttackTest.anImageGetsBitIdenticalProbabilitiesAloneOrWithOthers.

Usage: TF_CPP_MIN_LOG_LEVEL=2 /path/to/python scripts/keras-batch-effect.py
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(42)
model = tf.keras.Sequential([
    tf.keras.Input((28, 28, 1)),
    tf.keras.layers.Conv2D(32, 3, activation="relu"),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10, activation="softmax"),
])
rng = np.random.default_rng(1)
images = np.where(rng.random((300, 28, 28, 1)) < 0.2, rng.random((300, 28, 28, 1)), 0).astype(np.float32)
alone = np.concatenate([model.predict(images[i:i + 1], verbose=0) for i in range(len(images))])
print(f"tensorflow {tf.__version__}, keras {tf.keras.__version__ if hasattr(tf.keras, '__version__') else '?'}")
for n in (2, 64, 257):
    for batch_size in (32, n):
        differ, rows, worst = 0, 0, 0.0
        for start in range(0, len(images) - n + 1, max(1, (len(images) - n) // 4 or 1)):
            p = model.predict(images[start:start + n], batch_size=batch_size, verbose=0)
            d = p != alone[start:start + n]
            differ += int(d.any(axis=1).sum())
            rows += n
            worst = max(worst, float(np.abs(p - alone[start:start + n]).max()))
        print(f"batch of {n:3d}, predict(batch_size={batch_size:3d}): {differ:4d} of {rows:4d} rows differ from"
              f" predict on the image alone; largest difference {worst:.2e}")
