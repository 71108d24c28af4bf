"""Reads a TF checkpoint Java wrote into Keras 3 the way Keras 3 checkpoints a model and its optimizer.

    python check_keras3_checkpoint.py --prefix DIR/NAME --weights-h5 DIR/NAME.weights.h5 \
                                      (--keras FILE.keras [--compiled] | --quickstart) \
                                      [--java-keras JAVA.keras] [--write-back PREFIX]

Builds the model twice (from FILE.keras with keras.saving.load_model and no custom objects, or the
quickstart's MyModel), compiles each with Adam() (with --compiled: with FILE.keras's own compile
config, Adam, SGD or RMSprop) and builds the optimizer on its trainable variables.
The first restores the checkpoint with

    tf.train.Checkpoint(model=model, optimizer=model.optimizer).read(prefix).assert_consumed()

and the second loads NAME.weights.h5 (Keras 3's own format, the same values Java wrote) with
model.load_weights. Every model weight and every optimizer variable (iterations, learning rate,
Adam's momentums and velocities) must be equal bit for bit. Prints one JSON line; exits 1 on a
difference, and fails (assert_consumed's AssertionError) on any object the checkpoint leaves unmatched.
With --java-keras, the .keras Java wrote is loaded too, compiled from its own config and optimizer
state, and its weights and optimizer variables must equal the restored ones as well; it is then fitted
one batch, to show that fit continues from that state (iterations goes one up).
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
    elif args.compiled:
        model = keras.saving.load_model(args.keras)  # the file's own optimizer and loss
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        return model
    else:
        model = keras.saving.load_model(args.keras, compile=False)
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
    model.optimizer.build(model.trainable_variables)
    return model


def differences(a_model, b_model):
    """Paths of the weights and optimizer variables that differ, and the largest difference."""
    if len(a_model.optimizer.variables) != len(b_model.optimizer.variables):
        raise AssertionError("the two optimizers differ in their number of variables: %d and %d"
                             % (len(a_model.optimizer.variables), len(b_model.optimizer.variables)))
    pairs = [(a.path, a, b) for a, b in zip(a_model.weights, b_model.weights)]
    pairs += [("optimizer/" + a.path, a, b)
              for a, b in zip(a_model.optimizer.variables, b_model.optimizer.variables)]
    differing = [p for p, a, b in pairs
                 if a.shape != b.shape or not np.array_equal(np.asarray(a), np.asarray(b))]
    max_delta = max(float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)), initial=0))
                    for _, a, b in pairs if a.shape == b.shape)
    return pairs, differing, max_delta


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--weights-h5", required=True)
    ap.add_argument("--write-back")
    ap.add_argument("--java-keras")
    ap.add_argument("--compiled", action="store_true")
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

    pairs, differing, max_delta = differences(restored, reference)
    result = {
        "model": type(restored).__name__,
        "optimizer": type(restored.optimizer).__name__,
        "variables": len(pairs),
        "model_weights": len(restored.weights),
        "optimizer_variables": [v.path.split("/")[-1] for v in restored.optimizer.variables],
        "iterations": int(restored.optimizer.iterations.numpy()),
        "max_abs_delta": max_delta,
        "differing": differing,
    }
    if args.java_keras:
        java = keras.saving.load_model(args.java_keras)
        _, java_differing, java_delta = differences(restored, java)
        result["java_keras_max_abs_delta"] = java_delta
        result["java_keras_differing"] = java_differing
        differing = differing + java_differing
        shape = (8,) + tuple(java.input_shape[1:])
        java.fit(np.zeros(shape, "float32"), np.zeros((8,), "int64"), batch_size=8, epochs=1, verbose=0)
        result["java_keras_iterations_after_fit"] = int(java.optimizer.iterations.numpy())
    print(json.dumps(result))
    if args.write_back:
        tf.train.Checkpoint(model=restored, optimizer=restored.optimizer).write(args.write_back)
    # Unmatched checkpoint values would be reported as warnings when the status goes away: let it go now.
    del status, checkpoint
    gc.collect()
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
