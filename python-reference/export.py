#!/usr/bin/env python3
"""Export the trained quickstart model for the Java port: a SavedModel plus golden outputs.

    python export.py                                     # weights 'mnist' -> saved_models/mnist/1
    python export.py --weights mnist --out saved_models/mnist/1 --golden golden.json --count 100
    python export.py --step-golden golden_step.json      # + one Adam step from the weights

1. SavedModel (``--out``, default ``saved_models/mnist/1``), tag ``serve``, one signature:

       serving_default
         inputs:  'input'          float32 [None, 28, 28, 1]   NHWC, pixels / 255.0, MNIST
                                                               polarity (white digit on black)
         outputs: 'probabilities'  float32 [None, 10]          softmax output of MyModel

   Java (TF Java 1.x): ``SavedModelBundle.load(dir, "serve")`` then
   ``bundle.function("serving_default").call(Map.of("input", x))`` -> map key
   ``"probabilities"``.  Graph-level tensor names (for a raw Session runner) are printed at the
   end of the export and by ``saved_model_cli show --dir DIR --tag_set serve
   --signature_def serving_default``; they are normally ``serving_default_input:0`` and
   ``StatefulPartitionedCall:0``.

2. Golden outputs (``--golden``, default ``golden.json``) for ``java -jar target/tfj-mnist.jar
   parity --golden FILE``: the SavedModel's probabilities for the first ``--count`` MNIST test
   images, preprocessed like the original (x / 255.0 -> float32):

       {"source": str, "tf_version": str, "keras_version": str, "dataset": "mnist",
        "split": "test", "indices": [0, 1, ...], "labels": [7, 2, ...],
        "predictions": [7, 2, ...], "probabilities": [[10 floats], ...],
        "signature": {"name": "serving_default", "input": "input", "output": "probabilities"}}

   The probabilities come from the reloaded SavedModel (what Java will run) and are checked
   against the in-memory Keras model.

3. Optional (``--step-golden FILE``): one Keras Adam step (fresh Adam(), Keras defaults) from
   the loaded weights on the first ``--step-batch`` (32) *training* images, unshuffled, in the
   quickstart's train_step (GradientTape + SparseCategoricalCrossentropy on the softmax output):
   loss before/after and, per tensor (conv1/kernel, conv1/bias, d1/kernel, d1/bias, d2/kernel,
   d2/bias in Keras layout), shape, full sums / sums of |w| before and after, and the values at
   fixed evenly spread flat indices before and after.  It also lists the optimizer's variable
   names, because they differ between Keras generations (match them by role, never by name):
     * Keras 2 legacy OptimizerV2 (tf.keras.optimizers.legacy.Adam): slots 'm' and 'v' named
       '<var name>/m', '<var name>/v'; counter 'Adam/iter' (int64).
     * Keras 2.11-2.15 default optimizer: 'm/<var name>', 'v/<var name>'; counter 'iteration'.
     * Keras 3 (TF >= 2.16): 'adam/<var path with / -> _>_momentum' and '..._velocity';
       counter 'adam/iteration' (int64) and a 'adam/learning_rate' variable.
   All three compute the same update: m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
   w -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + 1e-7), t = iterations + 1.

Uses only public TF 2.x APIs; targets TF 2.15-2.18 (Keras 2 or Keras 3 as tf.keras).
"""

import argparse
import os

import numpy as np
import tensorflow as tf

import jsonfmt
from model import (DEFAULT_DATASETS, MyModel, is_keras3, keras_version, load_mnist,
                   load_weights, named_variables, preprocess)

INPUT_KEY = "input"
OUTPUT_KEY = "probabilities"
SIGNATURE = "serving_default"


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="Export SavedModel + golden outputs for the Java port.")
    ap.add_argument("--weights", default="mnist",
                    help="weights written by train.py (prefix; Keras 3 appends .weights.h5)")
    ap.add_argument("--out", default=os.path.join("saved_models", "mnist", "1"),
                    help="SavedModel directory (default saved_models/mnist/1)")
    ap.add_argument("--golden", default="golden.json", help="golden outputs JSON (default golden.json)")
    ap.add_argument("--count", type=int, default=100, help="number of MNIST test images (default 100)")
    ap.add_argument("--datasets", default=DEFAULT_DATASETS,
                    help="folder with mnist/*-ubyte.gz; falls back to tf.keras.datasets.mnist")
    ap.add_argument("--step-golden", default=None, metavar="FILE",
                    help="also write one Adam training step's weights to FILE")
    ap.add_argument("--step-batch", type=int, default=32,
                    help="training images for --step-golden (default 32)")
    return ap.parse_args(argv)


# ------------------------------------------------------------------------------ SavedModel

def export_saved_model(model, out):
    spec = tf.TensorSpec([None, 28, 28, 1], tf.float32, name=INPUT_KEY)

    if is_keras3():
        # Keras 3: the supported route to a plain TF SavedModel is ExportArchive.
        def serve(input):  # noqa: A002  (the argument name is the signature's input key)
            return {OUTPUT_KEY: model(input, training=False)}

        try:
            export_archive = tf.keras.export.ExportArchive
        except AttributeError:  # tf.keras proxy without the export module
            import keras
            export_archive = keras.export.ExportArchive
        archive = export_archive()
        archive.track(model)
        archive.add_endpoint(name=SIGNATURE, fn=serve, input_signature=[spec])
        archive.write_out(out)
    else:
        @tf.function(input_signature=[spec])
        def serve(input):  # noqa: A002
            return {OUTPUT_KEY: model(input, training=False)}

        tf.saved_model.save(model, out, signatures={SIGNATURE: serve.get_concrete_function()})


def describe_signature(out):
    """Prints the signature; graph tensor names too when the SavedModel proto is readable."""
    loaded = tf.saved_model.load(out)
    fn = loaded.signatures[SIGNATURE]
    print(f"{SIGNATURE}: inputs {fn.structured_input_signature[1]}")
    print(f"{SIGNATURE}: outputs {fn.structured_outputs}")
    try:  # the protos ship with every TF wheel; informational only
        from tensorflow.core.protobuf import saved_model_pb2

        sm = saved_model_pb2.SavedModel()
        with open(os.path.join(out, "saved_model.pb"), "rb") as f:
            sm.ParseFromString(f.read())
        sig = sm.meta_graphs[0].signature_def[SIGNATURE]
        for k, v in sig.inputs.items():
            print(f"  graph input  {k!r}: {v.name}")
        for k, v in sig.outputs.items():
            print(f"  graph output {k!r}: {v.name}")
    except Exception as e:  # pragma: no cover - purely informational
        print(f"  (graph tensor names not read: {e}; use saved_model_cli show)")
    return loaded, fn


# ---------------------------------------------------------------------------------- golden

def write_golden(fn, model, x, y, path, args):
    probs = fn(**{INPUT_KEY: tf.constant(x)})[OUTPUT_KEY].numpy()
    direct = model(x, training=False).numpy()
    diff = float(np.max(np.abs(probs - direct)))
    print(f"SavedModel vs in-memory model: max |diff| = {diff:.3e}")
    if diff > 1e-5:
        raise SystemExit(f"SavedModel output differs from the Keras model by {diff}")
    pred = probs.argmax(axis=1)
    doc = {
        "source": (f"python-reference/export.py: SavedModel {args.out} signature {SIGNATURE}, "
                   f"weights {args.weights}"),
        "tf_version": tf.__version__,
        "keras_version": keras_version(),
        "dataset": "mnist",
        "split": "test",
        "indices": list(range(len(x))),
        "labels": [int(v) for v in y],
        "predictions": [int(v) for v in pred],
        "probabilities": [[float(v) for v in row] for row in probs],
        "signature": {"name": SIGNATURE, "input": INPUT_KEY, "output": OUTPUT_KEY},
    }
    _write_json(path, doc)
    acc = float(np.mean(pred == y))
    print(f"wrote {path}: {len(x)} images, accuracy {acc * 100:.2f}%")


def write_step_golden(args, x_train, y_train):
    model = MyModel()
    load_weights(model, args.weights)
    x, y = x_train[:args.step_batch], y_train[:args.step_batch]

    loss_object = tf.keras.losses.SparseCategoricalCrossentropy()
    optimizer = tf.keras.optimizers.Adam()

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    @tf.function
    def eval_loss(images, labels):
        return loss_object(labels, model(images, training=False))

    named = named_variables(model)
    before = {n: np.array(v.numpy(), dtype=np.float32) for n, v in named}
    loss = float(train_step(tf.constant(x), tf.constant(y)))
    after = {n: np.array(v.numpy(), dtype=np.float32) for n, v in named}
    loss_after = float(eval_loss(tf.constant(x), tf.constant(y)))

    tensors = []
    for name, _ in named:
        b, a = before[name], after[name]
        idx = sorted(set(int(i) for i in np.round(np.linspace(0, b.size - 1, min(24, b.size)))))
        tensors.append({
            "name": name,
            "shape": list(b.shape),
            "sum_before": float(b.astype(np.float64).sum()),
            "abs_sum_before": float(np.abs(b.astype(np.float64)).sum()),
            "sum_after": float(a.astype(np.float64).sum()),
            "abs_sum_after": float(np.abs(a.astype(np.float64)).sum()),
            "samples": {"indices": idx,
                        "before": [float(v) for v in b.reshape(-1)[idx]],
                        "after": [float(v) for v in a.reshape(-1)[idx]]},
        })

    opt_vars = optimizer.variables
    opt_vars = opt_vars() if callable(opt_vars) else opt_vars   # a method in legacy Keras 2
    cfg = optimizer.get_config()
    doc = {
        "source": f"python-reference/export.py --step-golden, weights {args.weights}",
        "tf_version": tf.__version__,
        "keras_version": keras_version(),
        "dataset": "mnist",
        "split": "train",
        "indices": list(range(len(x))),
        "labels": [int(v) for v in y],
        "optimizer": {k: cfg.get(k) for k in ("name", "learning_rate", "beta_1", "beta_2",
                                               "epsilon", "amsgrad")},
        "optimizer_variables": [str(getattr(v, "path", None) or v.name) for v in opt_vars],
        "loss": loss,
        "loss_after": loss_after,
        "tensors": tensors,
    }
    _write_json(args.step_golden, doc)
    print(f"wrote {args.step_golden}: loss {loss:.6f} -> {loss_after:.6f}")


def _write_json(path, doc):
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    jsonfmt.write(path, doc)


def main(argv=None):
    args = parse_args(argv)
    print(f"TensorFlow {tf.__version__}, Keras {keras_version()}")

    model = MyModel()
    path = load_weights(model, args.weights)
    print(f"loaded weights from {path}")

    export_saved_model(model, args.out)
    print(f"saved SavedModel to {args.out}")
    loaded, fn = describe_signature(args.out)   # keep `loaded` alive while fn is used

    (x_train, y_train), (x_test, y_test) = load_mnist(args.datasets)
    x = preprocess(x_test[:args.count])
    y = y_test[:args.count]
    write_golden(fn, model, x, y, args.golden, args)

    if args.step_golden:
        write_step_golden(args, preprocess(x_train[:args.step_batch]), y_train)
    del loaded
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
