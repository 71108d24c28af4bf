"""The quickstart's MyModel (TF2 "quickstart for experts") plus the small helpers the scripts share.

Targets TensorFlow 2.15-2.18.  ``tf.keras`` is Keras 2 up to TF 2.15 and Keras 3 from TF 2.16 on
(unless ``pip install tf_keras`` and ``TF_USE_LEGACY_KERAS=1``, which brings Keras 2 back).  The
helpers below hide the two differences that matter here:

* weight files: Keras 2 ``model.save_weights('mnist')`` writes a TensorFlow checkpoint
  (``mnist.index`` + ``mnist.data-00000-of-00001`` + ``checkpoint``), exactly as the quickstart did;
  Keras 3 only writes ``*.weights.h5``, so there the file becomes ``mnist.weights.h5``.
* version detection (``keras_version()``, ``is_keras3()``).
"""

import gzip
import os

import numpy as np
import tensorflow as tf
from tensorflow.keras import Model
from tensorflow.keras.layers import Conv2D, Dense, Flatten

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATASETS = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "datasets"))


# Registered so that keras.saving.load_model('mnist.keras') can rebuild it (Keras 3 records
# "registered_name": "tfj_mnist>MyModel" in config.json; the Java export writes the same).
@tf.keras.utils.register_keras_serializable(package="tfj_mnist")
class MyModel(Model):
    """Conv2D(32, 3, relu) -> Flatten -> Dense(128, relu) -> Dense(10, softmax), as in the seed."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = Conv2D(32, 3, activation="relu")
        self.flatten = Flatten()
        self.d1 = Dense(128, activation="relu")
        self.d2 = Dense(10, activation="softmax")

    def call(self, x):
        x = self.conv1(x)
        x = self.flatten(x)
        x = self.d1(x)
        return self.d2(x)


def named_variables(model):
    """The 6 trainable tensors under the names the Java port and the golden files use, in
    ``model.trainable_variables`` order.  Looked up by attribute, never by variable name (the
    names differ between Keras 2 and Keras 3)."""
    return [
        ("conv1/kernel", model.conv1.kernel),
        ("conv1/bias", model.conv1.bias),
        ("d1/kernel", model.d1.kernel),
        ("d1/bias", model.d1.bias),
        ("d2/kernel", model.d2.kernel),
        ("d2/bias", model.d2.bias),
    ]


# ------------------------------------------------------------------------------ Keras 2 / 3

def keras_version():
    v = getattr(tf.keras, "__version__", None)
    if v:
        return str(v)
    return "3" if hasattr(tf.keras, "ops") else "2"   # keras.ops exists only in Keras 3


def is_keras3():
    try:
        return int(keras_version().split(".")[0]) >= 3
    except ValueError:
        return hasattr(tf.keras, "ops")


def weights_file(base):
    """'mnist' -> 'mnist' (Keras 2, TF checkpoint) or 'mnist.weights.h5' (Keras 3)."""
    if is_keras3() and not base.endswith(".weights.h5"):
        return base + ".weights.h5"
    return base


def build(model):
    """Creates the variables (needed before load_weights; a no-op when already built)."""
    model(tf.zeros([1, 28, 28, 1], tf.float32))
    return model


def save_weights(model, base):
    path = weights_file(base)
    model.save_weights(path)
    return path


def load_weights(model, base):
    build(model)
    path = weights_file(base)
    status = model.load_weights(path)
    # Keras 2 + TF checkpoint returns a load status; fail loudly if a variable was not found.
    if status is not None and hasattr(status, "assert_existing_objects_matched"):
        status.assert_existing_objects_matched()
    return path


# ------------------------------------------------------------------------------------ data

def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_mnist(datasets_dir=DEFAULT_DATASETS):
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays, like tf.keras.datasets.mnist.
    Reads the local IDX copies (``DIR/mnist/*-ubyte.gz``) when present, else downloads."""
    d = os.path.join(datasets_dir, "mnist") if datasets_dir else None
    names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    if d and all(os.path.exists(os.path.join(d, n)) for n in names):
        xtr, ytr, xte, yte = (_read_idx(os.path.join(d, n)) for n in names)
        return (xtr, ytr), (xte, yte)
    return tf.keras.datasets.mnist.load_data()


def preprocess(images):
    """The quickstart's preprocessing: x / 255.0 (float64), add the channel axis, cast to float32."""
    x = images / 255.0
    return x[..., np.newaxis].astype("float32")
