#!/usr/bin/env python3
"""Writes the tiny Keras 3 files that the pure-Java tests read (src/test/resources/keras3/), so that
`mvn test` checks the formats against files real Keras wrote, without Python:

    python python-reference/keras3_fixtures.py src/test/resources/keras3

* tiny_sequential.keras / .weights.h5: Sequential Conv2D(2, 3, relu) -> MaxPooling2D(4) -> Flatten
  -> Dense(10, softmax), compiled with Adam() and fitted 2 steps (so optimizer/vars is present);
* tiny_sequential_legacy.h5: the same model's legacy whole-model HDF5 (model.save('x.h5'));
* tiny_sequential_legacy_weights.h5: its Keras-2-layout weights only (layer_names / weight_names),
  written by Keras's own legacy save_weights_to_hdf5_group;
* tiny_subclassed.keras / .weights.h5: a subclassed model with the quickstart's attribute names
  (conv1 = Conv2D(1, 3, strides=3, relu), flatten, d1 = Dense(4, relu), d2 = Dense(10, softmax)),
  registered as tfj_mnist>TinyModel, compiled with Adam() and fitted 2 steps;
* expected.json: each model's probabilities on 3 fixed inputs, and the optimizer step count.
Tens of KB in all. Needs Keras 3 (TF >= 2.16).
"""

import json
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import h5py  # noqa: E402
import keras  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402


@keras.saving.register_keras_serializable(package="tfj_mnist")
class TinyModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = keras.layers.Conv2D(1, 3, strides=3, activation="relu")
        self.flatten = keras.layers.Flatten()
        self.d1 = keras.layers.Dense(4, activation="relu")
        self.d2 = keras.layers.Dense(10, activation="softmax")

    def call(self, x):
        return self.d2(self.d1(self.flatten(self.conv1(x))))


def inputs():
    """Three fixed 28x28x1 images in [0, 1] (the Java test builds the same ones)."""
    i = np.arange(3 * 784, dtype=np.int64)
    return (((i * 7919) % 256) / 255.0).astype("float32").reshape(3, 28, 28, 1)


def main(out):
    os.makedirs(out, exist_ok=True)
    keras.utils.set_random_seed(1)
    rng = np.random.RandomState(0)
    x_fit = rng.rand(64, 28, 28, 1).astype("float32")
    y_fit = np.arange(64) % 10
    x = inputs()
    expected = {"inputs": "((i * 7919) % 256) / 255 for i in 0..3*784, shape [3, 28, 28, 1]"}

    seq = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3, activation="relu"),
                            keras.layers.MaxPooling2D(4), keras.layers.Flatten(),
                            keras.layers.Dense(10, activation="softmax")])
    seq.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
    seq.fit(x_fit, y_fit, batch_size=32, epochs=1, shuffle=False, verbose=0)
    seq.save(os.path.join(out, "tiny_sequential.keras"))
    seq.save_weights(os.path.join(out, "tiny_sequential.weights.h5"))
    seq.save(os.path.join(out, "tiny_sequential_legacy.h5"))
    with h5py.File(os.path.join(out, "tiny_sequential_legacy_weights.h5"), "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, seq)
    expected["sequential"] = {"probabilities": seq(x).numpy().tolist(),
                              "iterations": int(seq.optimizer.iterations.numpy())}

    tiny = TinyModel()
    tiny.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
    tiny.fit(x_fit, y_fit, batch_size=32, epochs=1, shuffle=False, verbose=0)
    tiny.save(os.path.join(out, "tiny_subclassed.keras"))
    tiny.save_weights(os.path.join(out, "tiny_subclassed.weights.h5"))
    expected["subclassed"] = {"probabilities": tiny(x).numpy().tolist(),
                              "iterations": int(tiny.optimizer.iterations.numpy())}
    expected["keras_version"] = keras.__version__
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    for name in sorted(os.listdir(out)):
        print(f"{name}: {os.path.getsize(os.path.join(out, name))} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/keras3")
