#!/usr/bin/env python3
"""Golden values for replaying a Python (Keras 3) training run in Java, measured with real TF/Keras.
Writes ``src/test/resources/golden/replay.json``; ``ReplayGoldenTest`` checks the Java side against it,
so ``mvn test`` needs no Python.

    python python-reference/replay_golden.py            # needs TF >= 2.16 (Keras 3)

Two parts:

* ``adam``: one weight [32, 64] and three gradients, updated by ``keras.optimizers.Adam()`` inside a
  ``tf.function`` (as the quickstart's ``train_step``), and by TF's fused ``ResourceApplyAdam`` fed
  the way Keras 2's OptimizerV2 feeds it (``beta ** (iterations + 1)`` in float32, epsilon 1e-7).
  Inputs are exact binary fractions built from integers, so Java rebuilds them bit for bit:
      w0[i]      = ((i * 7919) % 2001 - 1000) / 2**14
      g[s][i]    = ((i * 104729 + s * 31337) % 4001 - 2000) / 2**(10 + i % 8)     (s = 0, 1, 2)
  Results are float32 little-endian, base64.
* ``tf_shuffle``: the order in which ``tf.random.set_seed(G)`` +
  ``tf.data.Dataset.range(n).shuffle(buffer, seed=S).batch(32)`` yields the elements, epoch after
  epoch (a new iterator per epoch, as the quickstart's ``for images, labels in train_ds``).
  Small cases are stored whole; MNIST-sized ones as SHA-256 of the int64 little-endian order plus
  its first elements.
"""

import argparse
import base64
import hashlib
import os
import sys

import numpy as np
import tensorflow as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonfmt  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHAPE = (32, 64)
STEPS = 3


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def adam_inputs():
    n = SHAPE[0] * SHAPE[1]
    i = np.arange(n, dtype=np.int64)
    w0 = (((i * 7919) % 2001 - 1000) / 2.0 ** 14).astype(np.float32).reshape(SHAPE)
    grads = [(((i * 104729 + s * 31337) % 4001 - 2000) / 2.0 ** (10 + i % 8)).astype(np.float32).reshape(SHAPE)
             for s in range(STEPS)]
    return w0, grads


def keras3_adam(w0, grads):
    import keras
    var = keras.Variable(w0, dtype="float32")
    opt = keras.optimizers.Adam()

    @tf.function
    def step(g):
        opt.apply_gradients([(g, var)])

    after = []
    for g in grads:
        step(tf.constant(g))
        after.append(np.array(var.numpy()))
    m = opt._momentums[0].numpy()
    v = opt._velocities[0].numpy()
    return after, m, v, int(opt.iterations.numpy())


def fused_adam(w0, grads):
    """Keras 2's way: ResourceApplyAdam with beta^(iterations+1) in float32 (OptimizerV2._prepare_local)."""
    var = tf.Variable(w0)
    m = tf.Variable(tf.zeros(SHAPE))
    v = tf.Variable(tf.zeros(SHAPE))
    it = tf.Variable(0, dtype=tf.int64)

    @tf.function
    def step(g):
        local_step = tf.cast(it + 1, tf.float32)
        b1, b2 = tf.constant(0.9, tf.float32), tf.constant(0.999, tf.float32)
        tf.raw_ops.ResourceApplyAdam(var=var.handle, m=m.handle, v=v.handle,
                                     beta1_power=tf.pow(b1, local_step), beta2_power=tf.pow(b2, local_step),
                                     lr=tf.constant(0.001, tf.float32), beta1=b1, beta2=b2,
                                     epsilon=tf.constant(1e-7, tf.float32), grad=g)
        it.assign_add(1)

    after = []
    for g in grads:
        step(tf.constant(g))
        after.append(np.array(var.numpy()))
    return after


def shuffle_orders(global_seed, op_seed, n, buffer, epochs):
    tf.random.set_seed(global_seed)
    ds = tf.data.Dataset.range(n).shuffle(buffer, seed=op_seed).batch(32)
    return [np.concatenate([b.numpy() for b in ds]).astype("<i8") for _ in range(epochs)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "src/test/resources/golden/replay.json"))
    args = ap.parse_args(argv)
    import keras
    w0, grads = adam_inputs()
    k3, m, v, iterations = keras3_adam(w0, grads)
    fused = fused_adam(w0, grads)
    differing = [int(np.sum(a != b)) for a, b in zip(k3, fused)]
    print(f"TF {tf.__version__}, Keras {keras.__version__}: fused ResourceApplyAdam differs from Keras 3's Adam in "
          f"{differing} of {w0.size} elements after steps 1..{STEPS}; "
          f"max |diff| {[float(np.max(np.abs(a - b))) for a, b in zip(k3, fused)]}")

    small = []
    for g, s, n, buf in [(1234, 77, 1000, 100), (42, 42, 100, 10000)]:
        orders = shuffle_orders(g, s, n, buf, 3)
        small.append({"global_seed": g, "op_seed": s, "n": n, "buffer": buf, "orders": [o.tolist() for o in orders]})
    large = []
    for g, s in [(42, 42), (1234, 77)]:
        orders = shuffle_orders(g, s, 60000, 10000, 2)
        large.append({"global_seed": g, "op_seed": s, "n": 60000, "buffer": 10000,
                      "sha256": [hashlib.sha256(o.tobytes()).hexdigest() for o in orders],
                      "head": [o[:16].tolist() for o in orders]})

    jsonfmt.write(args.out, {
        "generator": "python-reference/replay_golden.py",
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "adam": {
            "shape": list(SHAPE),
            "learning_rate": 0.001,
            "keras3_after_step": [b64(a) for a in k3],
            "keras3_m": b64(m),
            "keras3_v": b64(v),
            "keras3_iterations": iterations,
            "fused_after_step": [b64(a) for a in fused],
            "fused_elements_differing_from_keras3": differing,
        },
        "tf_shuffle": {"small": small, "mnist": large},
    })
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
