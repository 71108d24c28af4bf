#!/usr/bin/env python3
"""Load what the Java port wrote with plain TensorFlow 2.21 / Keras 3 calls and check the numbers.

Usage (from the repository root):
    java -jar target/tfj-mnist.jar train                      # writes mnist.index / .data-*
    java -jar target/tfj-mnist.jar export --out saved_models/mnist/1
    python python-reference/check_java_artifacts.py --weights mnist --saved-model saved_models/mnist/1 \\
        [--golden java_outputs.json] [--iterations 9375] [--report report.json]

1. ``tf.saved_model.load(DIR).signatures['serving_default'](input=x)['probabilities']``.
2. The checkpoint: ``tf.train.load_checkpoint`` (keys, ``optimizer/_iterations``), then the quickstart's
   MyModel compiled with ``Adam()`` and restored object-based with
   ``tf.train.Checkpoint(model=model, optimizer=model.optimizer).read(PREFIX).assert_consumed()``:
   every weight and Adam's state (iterations, both moments) must come back, and nothing be left over. Keras 3's ``model.load_weights``
   reads only ``.weights.h5``/``.keras`` files; it must refuse a TF checkpoint loudly.
With ``--golden`` (Java's own probabilities in ``export.py``'s golden format) both outputs must
match it within 1e-6 with identical argmax; without it, the SavedModel is the reference for the
checkpoint. Exit status 1 on any mismatch; ``--report`` writes the figures as JSON.
"""
import argparse
import json
import os
import sys

import numpy as np
import tensorflow as tf

from model import MyModel, build, keras_version, load_mnist, preprocess

TOLERANCE = 1e-6


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="Check Java-written checkpoints and SavedModels with Python TF.")
    ap.add_argument("--weights", default="mnist", help="checkpoint prefix written by Java")
    ap.add_argument("--saved-model", default="saved_models/mnist/1", help="SavedModel written by Java's export")
    ap.add_argument("--golden", default=None, help="Java's probabilities (export.py's golden JSON format)")
    ap.add_argument("--count", type=int, default=10000, help="test images without --golden (default 10000)")
    ap.add_argument("--iterations", type=int, default=None, help="Adam steps the checkpoint must hold")
    ap.add_argument("--datasets", default=None, help="folder with mnist/*-ubyte.gz")
    ap.add_argument("--report", default=None, help="write the figures to this JSON file")
    return ap.parse_args(argv)


def compare(name, got, expected, failures):
    got = np.asarray(got, np.float64)
    expected = np.asarray(expected, np.float64)
    d = float(np.max(np.abs(got - expected)))
    agree = int(np.sum(got.argmax(1) == expected.argmax(1)))
    print(f"{name}: max |diff| {d:.3e}, argmax agreement {agree}/{len(got)}")
    if d > TOLERANCE or agree != len(got):
        failures.append(f"{name}: max |diff| {d} (tolerance {TOLERANCE}), argmax agreement {agree}/{len(got)}")
    return {"max_abs_diff": d, "argmax_agreement": agree, "images": len(got)}


def main(argv=None):
    args = parse_args(argv)
    print(f"TensorFlow {tf.__version__}, Keras {keras_version()}")
    _, (x_test, y_test) = load_mnist(*([args.datasets] if args.datasets else []))
    golden = None
    if args.golden:
        with open(args.golden) as f:
            golden = json.load(f)
        idx = np.array(golden["indices"])
    else:
        idx = np.arange(args.count)
    x = preprocess(x_test[idx])
    failures, report = [], {"tf_version": tf.__version__, "keras_version": keras_version()}

    # 1. The SavedModel, through TF2's loader and its serving signature.
    loaded = tf.saved_model.load(args.saved_model)
    sig = loaded.signatures["serving_default"]
    p = np.concatenate([sig(input=tf.constant(x[i:i + 500]))["probabilities"].numpy() for i in range(0, len(x), 500)])
    reference = np.asarray(golden["probabilities"]) if golden else p
    if golden:
        report["saved_model"] = compare("SavedModel (tf.saved_model.load) vs Java", p, reference, failures)
    report["saved_model_accuracy"] = float(np.mean(p.argmax(1) == y_test[idx]))

    # 2. The checkpoint, object-based into the quickstart model with Keras 3's Adam attached.
    reader = tf.train.load_checkpoint(args.weights)
    iter_key = "optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE"
    saved_iter = int(reader.get_tensor(iter_key)) if reader.has_tensor(iter_key) else None
    model = build(MyModel())
    optimizer = tf.keras.optimizers.Adam()
    model.compile(optimizer=optimizer)
    optimizer.build(model.trainable_variables)
    status = tf.train.Checkpoint(model=model, optimizer=model.optimizer).read(args.weights)
    try:
        status.assert_consumed()
        report["all_objects_matched"] = True
    except AssertionError as e:
        report["all_objects_matched"] = False
        failures.append(f"tf.train.Checkpoint(model=, optimizer=).read did not consume the checkpoint: {str(e)[:300]}")
    restored_iter = int(optimizer.iterations.numpy())
    report.update({"checkpoint_iterations": saved_iter, "restored_iterations": restored_iter})
    print(f"Adam iterations: checkpoint {saved_iter}, restored into Keras 3 {restored_iter}")
    if saved_iter is not None and restored_iter != saved_iter:
        failures.append(f"Adam iterations restored as {restored_iter}, the checkpoint holds {saved_iter}")
    if args.iterations is not None and saved_iter != args.iterations:
        failures.append(f"the checkpoint holds {saved_iter} Adam steps, expected {args.iterations}")
    if saved_iter is not None:
        moments = 0
        for i, var_path in enumerate(["conv1/kernel", "conv1/bias", "d1/kernel", "d1/bias", "d2/kernel", "d2/bias"]):
            # Keras 3's optimizer._variables: iterations, learning rate, then momentum and velocity per weight.
            for slot, k, restored in (("m", 2 + 2 * i, optimizer._momentums[i]), ("v", 3 + 2 * i, optimizer._velocities[i])):
                saved = reader.get_tensor(f"optimizer/_variables/{k}/.ATTRIBUTES/VARIABLE_VALUE")
                if not np.array_equal(saved, restored.numpy()):
                    failures.append(f"Adam's {slot} of {var_path} was not restored")
                moments += 1
        report["moments_checked"] = moments
    q = model.predict(x, batch_size=500, verbose=0)
    report["checkpoint"] = compare("checkpoint (tf.train.Checkpoint(model=, optimizer=).read) vs " + ("Java" if golden else "SavedModel"),
                                   q, reference, failures)

    # Keras 3's load_weights knows no TF checkpoints: it must say so, not load nothing silently.
    try:
        build(MyModel()).load_weights(args.weights)
        failures.append("Keras 3 model.load_weights accepted a TF checkpoint")
    except ValueError as e:
        report["load_weights_refusal"] = str(e).splitlines()[0][:200]
        print(f"model.load_weights refuses the TF checkpoint: {report['load_weights_refusal']}")

    report["failures"] = failures
    if args.report:
        os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
        with open(args.report, "w") as f:
            json.dump(report, f, indent=1)
    for msg in failures:
        print("FAIL:", msg, file=sys.stderr)
    print("OK" if not failures else f"{len(failures)} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
