#!/usr/bin/env python3
"""Keras 3 files both ways, for the Java port's KerasFilesIT (and by hand):

    # Python writes: train a few steps with compile/fit + Adam, save both Keras 3 files, and the
    # model's own probabilities on the first --count MNIST test images (export.py's golden format,
    # for `java -jar target/tfj-mnist.jar parity --weights FILE --golden FILE.json`)
    python keras3_files.py write --model mymodel --steps 50 \\
        --weights py.weights.h5 --keras py.keras --golden py.json
    python keras3_files.py write --model sequential --steps 50 --keras seq.keras --golden seq.json

    # Python reads what Java wrote, with the plain Keras 3 calls, and writes its probabilities
    python keras3_files.py read --weights java.weights.h5 --golden py-read.json   # MyModel().load_weights
    python keras3_files.py read --model sequential --weights seq-java.weights.h5 --golden s.json
    python keras3_files.py read --keras java.keras --golden py-read.json --expect-iterations 9375
                                                                   # keras.saving.load_model

`read --keras` prints `optimizer iterations: N` and, with --expect-iterations, fails unless the
restored Adam has that step count; it then runs one more `fit` step to show training continues.
Needs Keras 3 (TF >= 2.16).
"""

import argparse
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="train a few steps and save .weights.h5 / .keras")
    w.add_argument("--model", choices=["mymodel", "sequential"], default="mymodel")
    w.add_argument("--steps", type=int, default=50, help="Adam steps of batch 32 (default 50)")
    w.add_argument("--weights", help="NAME.weights.h5 to write (model.save_weights)")
    w.add_argument("--keras", help="NAME.keras to write (model.save)")
    r = sub.add_parser("read", help="load a Java-written file and write its outputs")
    g = r.add_mutually_exclusive_group(required=True)
    g.add_argument("--weights", help="NAME.weights.h5: MyModel().load_weights(...) (or the Sequential CNN's)")
    g.add_argument("--keras", help="NAME.keras: keras.saving.load_model(...)")
    r.add_argument("--model", choices=["mymodel", "sequential"], default="mymodel",
                   help="the model --weights belongs to (default mymodel)")
    r.add_argument("--expect-iterations", type=int, help="fail unless model.optimizer.iterations equals this")
    for p in (w, r):
        p.add_argument("--golden", required=True, help="probabilities JSON to write (export.py's format)")
        p.add_argument("--count", type=int, default=1000, help="test images (default 1000)")
        p.add_argument("--datasets", default=None, help="folder with mnist/*-ubyte.gz (default ../shared/datasets)")
    return ap.parse_args(argv)


def sequential_cnn(keras):
    """A Sequential CNN built only from layers the Java port rebuilds from config."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ], name="sequential_cnn")


def _extracted_weights(keras_file):
    """model.weights.h5 of a .keras archive, as an in-memory file for h5py."""
    import io
    import zipfile
    with zipfile.ZipFile(keras_file) as z:
        return io.BytesIO(z.read("model.weights.h5"))


def write_golden(path, source, model, x, y):
    import tensorflow as tf
    import jsonfmt
    probs = model(x, training=False).numpy()
    pred = probs.argmax(axis=1)
    jsonfmt.write(path, {
        "source": source,
        "tf_version": tf.__version__,
        "keras_version": tf.keras.__version__ if hasattr(tf.keras, "__version__") else "3",
        "dataset": "mnist",
        "split": "test",
        "indices": list(range(len(x))),
        "labels": [int(v) for v in y],
        "predictions": [int(v) for v in pred],
        "probabilities": [[float(v) for v in row] for row in probs],
    })
    print(f"wrote {path}: {len(x)} images, accuracy {float(np.mean(pred == y)) * 100:.2f}%")


def main(argv=None):
    args = parse_args(argv)
    import keras
    from model import MyModel, load_mnist, preprocess, DEFAULT_DATASETS

    if int(keras.__version__.split(".")[0]) < 3:
        raise SystemExit(f"needs Keras 3 (TF >= 2.16); this is Keras {keras.__version__}")
    (x_train, y_train), (x_test, y_test) = load_mnist(args.datasets or DEFAULT_DATASETS)
    x = preprocess(x_test[:args.count])
    y = y_test[:args.count]

    if args.command == "write":
        model = MyModel() if args.model == "mymodel" else sequential_cnn(keras)
        model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.SparseCategoricalCrossentropy(),
                      metrics=["accuracy"])
        n = args.steps * 32
        model.fit(preprocess(x_train[:n]), y_train[:n], batch_size=32, epochs=1, shuffle=False, verbose=0)
        print(f"trained {args.model}: optimizer iterations {int(model.optimizer.iterations.numpy())}")
        if args.weights:
            model.save_weights(args.weights)
            print(f"wrote {args.weights}")
        if args.keras:
            model.save(args.keras)
            print(f"wrote {args.keras}")
        write_golden(args.golden, f"keras3_files.py write --model {args.model}", model, x, y)
        return 0

    import h5py
    with h5py.File(args.weights or _extracted_weights(args.keras), "r") as f:
        f.visit(lambda name: f[name])  # every group and dataset header must be readable, not just the ones Keras opens
    if args.weights:
        model = MyModel() if args.model == "mymodel" else sequential_cnn(keras)
        model(x[:1])  # build, so that load_weights has variables to fill
        model.load_weights(args.weights)
        source = f"{type(model).__name__}().load_weights({args.weights!r})"
    else:
        model = keras.saving.load_model(args.keras)
        source = f"keras.saving.load_model({args.keras!r})"
        optimizer = getattr(model, "optimizer", None)
        iterations = int(optimizer.iterations.numpy()) if optimizer is not None else None
        print(f"optimizer iterations: {iterations}")
        if args.expect_iterations is not None:
            if iterations != args.expect_iterations:
                raise SystemExit(f"optimizer iterations {iterations}, expected {args.expect_iterations}")
    write_golden(args.golden, source, model, x, y)
    if args.keras and args.expect_iterations is not None:
        # Training continues from the restored Adam state (on a copy of the outputs already written).
        model.fit(preprocess(x_train[:32]), y_train[:32], batch_size=32, epochs=1, verbose=0)
        print(f"after one more fit step: optimizer iterations {int(model.optimizer.iterations.numpy())}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    raise SystemExit(main())
