#!/usr/bin/env python3
"""Cross-checks src/test/resources/golden/quickstart_step.json (written by numpy_reference.py) against
real TensorFlow/Keras: the quickstart's MyModel with the deterministic weights, the quickstart's
loss_object (SparseCategoricalCrossentropy on the softmax output) and train_step with
tf.keras.optimizers.Adam(), two steps on MNIST test images #0..#3.

    python verify_quickstart_step.py [--golden PATH] [--datasets DIR]

Prints the largest deviations and exits non-zero when one exceeds the tolerances suggested in
the JSON's spec.  Needs TensorFlow (any 2.15+, Keras 2 or 3).
"""

import argparse
import json
import os
import sys

import numpy as np
import tensorflow as tf

from model import DEFAULT_DATASETS, REPO_ROOT, MyModel, build, keras_version, named_variables
import numpy_reference as ref


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--golden", default=os.path.join(REPO_ROOT, "src", "test", "resources",
                                                     "golden", "quickstart_step.json"))
    ap.add_argument("--datasets", default=DEFAULT_DATASETS)
    args = ap.parse_args(argv)
    with open(args.golden, encoding="utf-8") as f:
        gold = json.load(f)

    x, y = ref.load_batch(args.datasets)
    model = build(MyModel())
    named = dict(named_variables(model))
    for name, shape, scale, salt in ref.TENSORS:
        named[name].assign(ref.det_weights(shape, scale, salt))

    loss_object = tf.keras.losses.SparseCategoricalCrossentropy()
    optimizer = tf.keras.optimizers.Adam()

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss, predictions, gradients

    @tf.function
    def eval_loss(images, labels):
        return loss_object(labels, model(images, training=False))

    xs, ys = tf.constant(x), tf.constant(y)
    order = [n for n, _ in named_variables(model)]
    snap = lambda: {n: named[n].numpy().astype(np.float64) for n in order}  # noqa: E731

    h0 = model.d1(model.flatten(model.conv1(xs)))
    logits0 = (tf.matmul(h0, model.d2.kernel) + model.d2.bias).numpy()
    loss0, probs0, grads0 = train_step(xs, ys)
    w1 = snap()
    loss1, probs1, grads1 = train_step(xs, ys)
    w2 = snap()
    loss2 = float(eval_loss(xs, ys))
    g1 = dict(zip(order, [g.numpy().astype(np.float64) for g in grads0]))
    g2 = dict(zip(order, [g.numpy().astype(np.float64) for g in grads1]))

    worst = {}

    def check(what, got, want, tol):
        d = float(np.max(np.abs(np.asarray(got, np.float64) - np.asarray(want, np.float64))))
        worst[what] = (d, tol)

    check("probabilities", probs0.numpy(), gold["probabilities"], 1e-5)
    check("logits", logits0, gold["logits"], 1e-5)
    check("probabilities_after_step1", probs1.numpy(), gold["probabilities_after_step1"], 1e-5)
    check("loss", float(loss0), gold["loss"], 1e-5)
    check("loss_after_step1", float(loss1), gold["loss_after_step1"], 2e-5)
    check("loss_after_step2", loss2, gold["loss_after_step2"], 2e-5)
    for t in gold["tensors"]:
        n, s = t["name"], t["samples"]
        idx = s["indices"]
        gmax = t["grad_max_abs"]
        check(f"{n} grad", g1[n].reshape(-1)[idx], s["grad"], 1e-4 * gmax)
        check(f"{n} grad2", g2[n].reshape(-1)[idx], s["grad2"], 1e-4 * gmax)
        check(f"{n} after_step1", w1[n].reshape(-1)[idx], s["after_step1"], 1e-5)
        check(f"{n} after_step2", w2[n].reshape(-1)[idx], s["after_step2"], 1e-5)
        sum_tol = 2e-2 if n == "d1/kernel" else 2e-5
        for k, w in (("after_step1", w1[n]), ("after_step2", w2[n])):
            check(f"{n} {k} sum", w.sum(), t[k]["sum"], sum_tol)
            check(f"{n} {k} abs_sum", np.abs(w).sum(), t[k]["abs_sum"], sum_tol)

    # the stand-alone Adam case, with a real Keras Adam on a float32 variable
    st = gold["adam_standalone"]
    w = tf.Variable(np.array(st["w0"], np.float32))
    opt = tf.keras.optimizers.Adam()
    got = []
    for _ in range(st["steps"]):
        opt.apply_gradients([(tf.constant(np.array(st["g"], np.float32)), w)])
        got.append(w.numpy().astype(np.float64))
    check("adam_standalone w_after", got, st["w_after"], 2e-7)
    check("adam_standalone w_after[3] (eps-sensitive)", np.array(got)[:, 3],
          np.array(st["w_after"])[:, 3], 1e-10)
    worst["adam_standalone (eps 1e-8 contrast)"] = (
        float(np.max(np.abs(np.array(got) - np.array(st["w_after_eps_1e-8"])))), float("inf"))

    print(f"TensorFlow {tf.__version__}, Keras {keras_version()}")
    ok = True
    for what, (d, tol) in worst.items():
        flag = "ok" if d <= tol else "EXCEEDS"
        ok &= d <= tol
        print(f"  {what:32s} max |diff| {d:.2e}  (tol {tol:.1e}) {flag}")
    print("quickstart_step.json vs TensorFlow:", "AGREE" if ok else "DISAGREE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
