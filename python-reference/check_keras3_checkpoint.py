"""Reads a TF checkpoint Java wrote into Keras 3 the way Keras 3 checkpoints a model and its optimizer.

    python check_keras3_checkpoint.py --prefix DIR/NAME --weights-h5 DIR/NAME.weights.h5 \
                                      (--keras FILE.keras | --quickstart) [--write-back PREFIX]

Builds the model twice (from FILE.keras with keras.saving.load_model and no custom objects, or the
quickstart's MyModel), compiles each with Adam() and builds the optimizer on its trainable variables.
The first restores the checkpoint with

    tf.train.Checkpoint(model=model, optimizer=model.optimizer).read(prefix).assert_consumed()

and the second loads NAME.weights.h5 (Keras 3's own format, the same values Java wrote) with
model.load_weights. Every model weight and every optimizer variable (iterations, learning rate,
Adam's momentums and velocities) must be equal bit for bit. Prints one JSON line; exits 1 on a
difference, and fails (assert_consumed's AssertionError) on any object the checkpoint leaves unmatched.
With --write-back, Keras 3 then writes the restored model and optimizer with the same
tf.train.Checkpoint to PREFIX, for Java to read back.
"""

import argparse
import gc
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from model import MyModel  # noqa: E402


def build(args):
    if args.quickstart:
        model = MyModel()
        model(tf.zeros((1, 28, 28, 1)))
    else:
        model = keras.saving.load_model(args.keras, compile=False)
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
    model.optimizer.build(model.trainable_variables)
    return model


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--weights-h5", required=True)
    ap.add_argument("--write-back")
    which = ap.add_mutually_exclusive_group(required=True)
    which.add_argument("--keras")
    which.add_argument("--quickstart", action="store_true")
    args = ap.parse_args(argv)

    restored = build(args)
    checkpoint = tf.train.Checkpoint(model=restored, optimizer=restored.optimizer)
    status = checkpoint.read(args.prefix)
    status.assert_consumed()
    reference = build(args)
    reference.load_weights(args.weights_h5)

    if len(restored.optimizer.variables) != len(reference.optimizer.variables):
        raise AssertionError("the two optimizers differ in their number of variables")
    pairs = [(a.path, a, b) for a, b in zip(restored.weights, reference.weights)]
    pairs += [("optimizer/" + a.path, a, b)
              for a, b in zip(restored.optimizer.variables, reference.optimizer.variables)]
    differing = [p for p, a, b in pairs
                 if a.shape != b.shape or not np.array_equal(np.asarray(a), np.asarray(b))]
    max_delta = max(float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)), initial=0))
                    for _, a, b in pairs if a.shape == b.shape)
    print(json.dumps({
        "model": type(restored).__name__,
        "variables": len(pairs),
        "model_weights": len(restored.weights),
        "iterations": int(restored.optimizer.iterations.numpy()),
        "max_abs_delta": max_delta,
        "differing": differing,
    }))
    if args.write_back:
        tf.train.Checkpoint(model=restored, optimizer=restored.optimizer).write(args.write_back)
    # Unmatched checkpoint values would be reported as warnings when the status goes away: let it go now.
    del status, checkpoint
    gc.collect()
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
