#!/usr/bin/env python3
"""Writes a Keras 3 model that is not the quickstart, in every form a user brings it, for the tests
of `--model` (ModelOptionPythonCliTest):

    python python-reference/keras_user_model.py OUT_DIR

The model: Conv2D(16, 3, relu) -> MaxPooling2D -> Conv2D(32, 3, relu) -> MaxPooling2D -> Flatten
-> Dropout(0.25) -> Dense(10, softmax), fitted one epoch on 2,000 MNIST-shaped random images (the
weights need only differ from an untrained model's; their accuracy does not matter). Written:

* cnn2.keras (model.save), cnn2.weights.h5 (save_weights), cnn2_config.json (model.to_json());
* cnn2_export/, a SavedModel from model.export(), which keeps no Keras config.

Seeded with keras.utils.set_random_seed(1). About 15 s on 2 cores.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import keras  # noqa: E402


def main(out):
    os.makedirs(out, exist_ok=True)
    keras.utils.set_random_seed(1)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x = rng.random((2000, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, 2000)
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    model.save(os.path.join(out, "cnn2.keras"))
    model.save_weights(os.path.join(out, "cnn2.weights.h5"))
    with open(os.path.join(out, "cnn2_config.json"), "w") as f:
        f.write(model.to_json())
    model.export(os.path.join(out, "cnn2_export"), verbose=False)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: keras_user_model.py OUT_DIR")
    main(sys.argv[1])
