#!/usr/bin/env python3
"""The Python side of the Java port's interop tests: fresh artifacts of every kind today's
TensorFlow (2.21, Keras 3) writes for the quickstart's MyModel, with Python's own outputs.

    python python-reference/interop.py --out DIR [--count 1000] [--train-steps 20] [--seed 7]

The model is the quickstart's MyModel, seeded and trained for ``--train-steps`` Adam steps on the
first training images (so that the weights are not the initial ones and Adam has state). Written
under ``DIR``:

=============================  ==============================================================
``keras_export/``              ``model.export(DIR)`` (Keras 3's SavedModel route; ``serve``)
``export_py/``                 ``python-reference/export.py``'s SavedModel (``input`` ->
                               ``probabilities``)
``tf_saved_model_save/``       ``tf.saved_model.save(model, DIR, signatures=...)``: loads in TF2's
                               ``tf.saved_model.load`` only (no TF1-style session can run it)
``ckpt_positional/ckpt``       ``tf.train.Checkpoint(model).write`` (keys ``conv1/_kernel/...``,
                               Adam under ``optimizer/``)
``ckpt_keyword/ckpt``          ``tf.train.Checkpoint(model=model).write`` (keys under ``model/``)
``golden.json``                the model's probabilities on the first ``--count`` MNIST test
                               images (``export.py``'s golden format, for ``parity --golden``)
``digits/*.png``               three test digits drawn dark on light (as photos are), and
``digits.json``                the model's probabilities for them after ``predict.py``'s own
                               preprocessing (for ``predict --preprocess predict-py``)
=============================  ==============================================================

Each SavedModel is reloaded with ``tf.saved_model.load`` and each checkpoint read back into a
fresh model; the script fails unless they reproduce the golden outputs (max |diff| <= 1e-6).
"""

import argparse
import json
import os

import numpy as np
import tensorflow as tf

import jsonfmt
from export import export_saved_model
from model import MyModel, build, keras_version, load_mnist, preprocess
from predict import preprocess as predict_py_preprocess

TOLERANCE = 1e-6


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="Write every SavedModel / checkpoint kind plus Python's outputs.")
    ap.add_argument("--out", required=True, help="folder to write into (created)")
    ap.add_argument("--count", type=int, default=1000, help="MNIST test images for golden.json (default 1000)")
    ap.add_argument("--train-steps", type=int, default=20, help="Adam steps of 32 images before saving (default 20)")
    ap.add_argument("--seed", type=int, default=7, help="random seed for the initial weights (default 7)")
    ap.add_argument("--datasets", default=None, help="folder with mnist/*-ubyte.gz (default ../shared/datasets)")
    return ap.parse_args(argv)


def train(model, x, y, steps):
    """The quickstart's train_step, ``steps`` times on consecutive batches of 32."""
    optimizer = tf.keras.optimizers.Adam()
    model.compile(optimizer=optimizer)  # tracks the optimizer as the model's `optimizer`, as fit would
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy()

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            loss = loss_object(labels, model(images, training=True))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))

    for i in range(steps):
        train_step(tf.constant(x[i * 32:(i + 1) * 32]), tf.constant(y[i * 32:(i + 1) * 32]))
    return optimizer


def max_diff(a, b):
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def check(name, got, expected):
    d = max_diff(got, expected)
    same = bool(np.array_equal(np.argmax(got, 1), np.argmax(expected, 1)))
    print(f"{name}: max |diff| {d:.3e}, argmax identical {same}")
    if d > TOLERANCE or not same:
        raise SystemExit(f"{name} does not reproduce the model's outputs (max |diff| {d}, argmax identical {same})")


def main(argv=None):
    args = parse_args(argv)
    print(f"TensorFlow {tf.__version__}, Keras {keras_version()}")
    tf.keras.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_mnist(*([args.datasets] if args.datasets else []))
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)

    model = build(MyModel())
    optimizer = train(model, preprocess(x_train[:args.train_steps * 32]), y_train[:args.train_steps * 32],
                      args.train_steps)
    print(f"trained {int(optimizer.iterations.numpy())} Adam steps")
    x = preprocess(x_test[:args.count])
    y = y_test[:args.count]
    probs = model.predict(x, batch_size=250, verbose=0)

    paths = {k: os.path.join(out, k) for k in ("keras_export", "export_py", "tf_saved_model_save")}
    model.export(paths["keras_export"], verbose=False)
    export_saved_model(model, paths["export_py"])
    # With a serving signature for any batch, as users write it (without one, Keras 3's traced
    # call decides the signature's batch size).
    serve = tf.function(lambda inputs: model(inputs, training=False),
                        input_signature=[tf.TensorSpec([None, 28, 28, 1], tf.float32, name="inputs")])
    tf.saved_model.save(model, paths["tf_saved_model_save"], signatures={"serving_default": serve})
    ckpts = {"ckpt_positional": tf.train.Checkpoint(model), "ckpt_keyword": tf.train.Checkpoint(model=model)}
    for name, ckpt in ckpts.items():
        ckpt.write(os.path.join(out, name, "ckpt"))

    doc = {
        "source": f"python-reference/interop.py: MyModel, seed {args.seed}, {args.train_steps} Adam steps",
        "tf_version": tf.__version__, "keras_version": keras_version(), "dataset": "mnist", "split": "test",
        "indices": list(range(len(x))), "labels": [int(v) for v in y],
        "predictions": [int(v) for v in probs.argmax(1)],
        "probabilities": [[float(v) for v in row] for row in probs],
        "optimizer_iterations": int(optimizer.iterations.numpy()),
    }
    jsonfmt.write(os.path.join(out, "golden.json"), doc)

    # Three test digits as a photo of ink on paper would be, and what predict.py makes of them.
    from PIL import Image
    os.makedirs(os.path.join(out, "digits"), exist_ok=True)
    digits = {}
    for i in range(3):
        path = os.path.join(out, "digits", f"test{i}.png")
        Image.fromarray(255 - x_test[i]).save(path)
        _, _, xi = predict_py_preprocess(path)
        digits[os.path.basename(path)] = [float(v) for v in model.predict(xi, verbose=0)[0]]
    with open(os.path.join(out, "digits.json"), "w") as f:
        json.dump(digits, f)

    # What was written reproduces the model in Python itself.
    loaded = {k: tf.saved_model.load(p) for k, p in paths.items()}  # kept alive while their functions run
    check("keras_export (tf.saved_model.load, serve)", loaded["keras_export"].serve(x), probs)
    sig = loaded["export_py"].signatures["serving_default"]
    check("export_py (tf.saved_model.load, serving_default)", sig(input=tf.constant(x))["probabilities"], probs)
    sig = loaded["tf_saved_model_save"].signatures["serving_default"]
    check("tf_saved_model_save (tf.saved_model.load, serving_default)", next(iter(sig(inputs=x).values())), probs)
    for name in ckpts:
        fresh = build(MyModel())
        root = tf.train.Checkpoint(fresh) if name == "ckpt_positional" else tf.train.Checkpoint(model=fresh)
        root.read(os.path.join(out, name, "ckpt")).assert_existing_objects_matched()
        check(f"{name} (tf.train.Checkpoint.read)", fresh.predict(x, batch_size=250, verbose=0), probs)
    print(f"wrote {out}: accuracy {float(np.mean(probs.argmax(1) == y)) * 100:.2f}% on {len(x)} test images")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
