#!/usr/bin/env python3
"""Pure-numpy (float64) reference of the quickstart MNIST CNN: forward pass, loss, gradients and two
Keras-Adam steps.  Writes ``src/test/resources/golden/quickstart_step.json`` for the Java unit tests.

Needs only Python 3 + numpy (no TensorFlow).  Run from anywhere:

    python3 python-reference/numpy_reference.py                # writes the golden file
    python3 python-reference/numpy_reference.py --self-check   # + finite-difference checks

THE SITUATION (the Java tests rebuild exactly this; the same text is stored in the JSON "spec")
-----------------------------------------------------------------------------------------------
Model (the quickstart's MyModel): Conv2D(32, 3, relu) -> Flatten -> Dense(128, relu) -> Dense(10, softmax).

Inputs: MNIST *test* images #0..#3 (t10k-images-idx3-ubyte.gz / t10k-labels-idx1-ubyte.gz, read
  with gzip + numpy); labels are 7, 2, 1, 0.  x = (pixels / 255.0).astype(float32), NHWC
  [4, 28, 28, 1].  (float32(p / 255.0) equals the float32 division p / 255f for every byte p.)

Deterministic weights: flat C-order element k (k = 0, 1, ...) of each tensor is
  float32(scale * sin(0.7 * k + salt)), computed in float64 and then cast (Java:
  (float) (scale * Math.sin(0.7 * k + salt)) with k a double).
      tensor         shape (Keras layout)   scale  salt
      conv1/kernel   [3, 3, 1, 32]  (HWIO)  0.3    1
      conv1/bias     [32]                   0.05   2
      d1/kernel      [21632, 128]           0.02   3
      d1/bias        [128]                  0.05   4
      d2/kernel      [128, 10]              0.2    5
      d2/bias        [10]                   0.05   6

Forward: conv 3x3, stride 1, VALID, NHWC input, HWIO kernel, cross-correlation like
  tf.nn.conv2d: z0[n,i,j,c] = sum_{di,dj,ci} x[n,i+di,j+dj,ci] * K[di,dj,ci,c] + b0[c];
  a0 = relu(z0) [4,26,26,32]; flatten in C order (NHWC: index = (i*26 + j)*32 + c) -> [4,21632];
  h = relu(a0 @ W1 + b1) [4,128]; logits = h @ W2 + b2 [4,10]; probabilities = softmax(logits).

Loss: Keras SparseCategoricalCrossentropy() on the softmax output.  Keras reaches through the
  Softmax op and uses the logits, so the loss is the sparse softmax cross-entropy of the LOGITS,
  averaged over the batch of 4 (no 1e-7 clipping of probabilities):
  loss = mean_n( logsumexp(logits[n]) - logits[n, label[n]] ).

Gradients: of that loss w.r.t. all 6 tensors, analytic backprop in float64.  relu'(z) = 1 if
  z > 0 else 0 (as TF's ReluGrad).

Keras Adam: learning_rate 1e-3, beta_1 0.9, beta_2 0.999, epsilon 1e-7 (the Keras default; TF's
  raw tf.raw_ops.ApplyAdam has no default and tf.compat.v1 AdamOptimizer uses 1e-8); m = v = 0 at
  the start; for step t = 1, 2, ...:
      m = beta_1 * m + (1 - beta_1) * g
      v = beta_2 * v + (1 - beta_2) * g^2
      lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
      w = w - lr_t * m / (sqrt(v) + epsilon)
  (exactly TF's ApplyAdam kernel, which the Keras 2 OptimizerV2 Adam calls; the TF >= 2.11 Keras
  optimizer and Keras 3 compute the same formula.)
  Step 1 on the batch; then forward + gradient again on the same batch with the updated weights,
  and step 2.  All math after the float32 inputs/initial weights is float64; the updated weights
  are NOT rounded to float32 between steps.

Stand-alone Adam case (independent of the model): w = [0.5, -0.3, 0.0, 1e-8],
  g = [1e-3, -2.0, 0.0, 1e-9], the same g for 3 steps, same hyper-parameters; w after each step.
  The last element separates epsilon 1e-7 from 1e-8 (the 1e-8 result is stored as a contrast:
  it differs by 2.8e-6 after step 1, 1.2e-5 after step 3).  A float32 Keras Adam reproduces
  "w_after" within ~5e-8 absolute (float32 rounding near 0.5) and the last element within 1e-10.

Samples: for each tensor, values at a fixed list of flat C-order indices (stored in the JSON):
  0, the last index, evenly spread indices, the 6 entries with the largest |step-1 gradient| and
  entries spread over those with a clearly nonzero gradient (|g| > 1e-3 * max|g|).  For d1/kernel
  this puts indices into rows that receive a nonzero gradient.

Tolerances: an all-float32 rerun of this very computation, done the way TF does it (numpy
  float32 BLAS; Adam's beta powers, lr_t and updates in float32), is compared with the float64
  values in "float32_emulation_deviation".  It lands within ~1e-7 of the initial logits and
  loss, ~1e-6 of max|g| for gradients, ~1e-6 absolute for weights after a step (the largest
  deviations sit in d1/kernel entries whose |g| is below ~1e-6, where Adam's epsilon makes the
  update proportional to g) and ~3e-6 for the losses after the steps.  One deviation is
  systematic: float32(1 - 0.999f^t) is off by ~1.3e-5 relative, so a float32 Adam's lr_t is
  0.9999933x (step 1) / 0.9999900x (step 2) the exact value; every ~1e-3 update shrinks by
  that factor, which shifts the full d1/kernel sum (~1e6 updates, net -317) by ~2e-3 after
  step 1 and ~5e-3 after step 2.  Real TF 2.21 / Keras 3.15 (verify_quickstart_step.py) matched all
  of this.  Suggested Java tolerances: 1e-5 absolute for logits, probabilities and the initial
  loss, 2e-5 for the losses after steps; 1e-4 * grad_max_abs for gradients; 1e-5 absolute for
  sampled weights, m and updates, relative 1e-4 (+1e-12 absolute) for v; 2e-2 absolute for the
  d1/kernel full sums, 2e-5 for the other sums.  Full-tensor sums are float64 sums of all
  elements: accumulate them in double.

JSON schema (all numbers are float64 values written with Python's shortest round-trip repr):
  { "spec": str, "generator": str, "numpy_version": str,
    "dataset": "mnist", "split": "test", "indices": [0,1,2,3], "labels": [7,2,1,0],
    "input": {"shape": [4,28,28,1], "sum": f, "sha256_f32le": hex},
    "adam": {"learning_rate", "beta_1", "beta_2", "epsilon"},
    "logits": [[10 f] x4], "probabilities": [[10 f] x4], "loss": f,
    "logits_after_step1": [[10 f] x4], "probabilities_after_step1": [[10 f] x4],
    "loss_after_step1": f, "loss_after_step2": f,
    "tensors": [ { "name": "conv1/kernel", "shape": [...], "size": int, "scale": f, "salt": int,
                   "init_sha256_f32le": hex, "sum": f, "abs_sum": f,
                   "grad_sum": f, "grad_abs_sum": f, "grad_max_abs": f,
                   "grad2_sum": f, "grad2_abs_sum": f,
                   "after_step1": {"sum": f, "abs_sum": f},
                   "after_step2": {"sum": f, "abs_sum": f},
                   "samples": { "indices": [int...], "initial": [...], "grad": [...],
                                "after_step1": [...], "update1": [...], "m1": [...], "v1": [...],
                                "grad2": [...], "m2": [...], "v2": [...], "after_step2": [...] } },
                 ... 6 tensors in model.trainable_variables order ... ],
    "adam_standalone": { "w0": [4 f], "g": [4 f], "steps": 3, "epsilon": 1e-7,
                         "w_after": [[4 f] x3], "w_after_eps_1e-8": [[4 f] x3] },
    "float32_emulation_deviation": { "logits_max_abs", "probabilities_max_abs", "loss_abs",
        "loss_after_step1_abs", "loss_after_step2_abs",
        "tensors": { "<name>": { "grad_max_abs_rel_to_grad_max", "after_step1_max_abs",
                     "after_step2_max_abs", "after_step1_sum_abs", "after_step2_sum_abs" } } } }
  "sum"/"abs_sum" are full-tensor float64 sums of the (float32-valued) initial weights.
"""

import argparse
import gzip
import hashlib
import os
import sys

import numpy as np

import jsonfmt

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name, shape (Keras layout), scale, salt -- in model.trainable_variables order
TENSORS = [
    ("conv1/kernel", (3, 3, 1, 32), 0.3, 1),
    ("conv1/bias", (32,), 0.05, 2),
    ("d1/kernel", (21632, 128), 0.02, 3),
    ("d1/bias", (128,), 0.05, 4),
    ("d2/kernel", (128, 10), 0.2, 5),
    ("d2/bias", (10,), 0.05, 6),
]
NAMES = [t[0] for t in TENSORS]

LR, BETA_1, BETA_2, EPSILON = 1e-3, 0.9, 0.999, 1e-7
IMAGE_INDICES = [0, 1, 2, 3]
N_SAMPLES = 24


def spec_text():
    """The module docstring up to (not including) the JSON schema: the normative spec."""
    doc = __doc__
    start = doc.index("THE SITUATION")
    end = doc.index("JSON schema")
    return doc[start:end].strip()


# ----------------------------------------------------------------------------------- data

def read_idx(path):
    """Reads a (gzip-compressed) IDX file into a numpy array (uint8 data)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic >> 8 != 0x08:  # 0x08 = unsigned byte
        raise ValueError(f"{path}: unsupported IDX magic {magic:#010x}")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    offset = 4 + 4 * ndim
    arr = np.frombuffer(data, dtype=np.uint8, offset=offset)
    if arr.size != int(np.prod(dims)):
        raise ValueError(f"{path}: expected {dims} bytes, found {arr.size}")
    return arr.reshape(dims)


def load_batch(datasets_dir):
    d = os.path.join(datasets_dir, "mnist")
    images = read_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))
    pix = images[IMAGE_INDICES]                                  # [4, 28, 28] uint8
    x = (pix / 255.0).astype(np.float32)[..., np.newaxis]        # [4, 28, 28, 1] float32
    y = labels[IMAGE_INDICES].astype(np.int64)
    if list(y) != [7, 2, 1, 0]:
        raise ValueError(f"unexpected labels {list(y)} (expected 7, 2, 1, 0)")
    return x, y


def det_weights(shape, scale, salt):
    k = np.arange(int(np.prod(shape)), dtype=np.float64)
    return (scale * np.sin(0.7 * k + salt)).astype(np.float32).reshape(shape)


def sha256_f32le(a):
    return hashlib.sha256(np.ascontiguousarray(a, dtype="<f4").tobytes()).hexdigest()


# ------------------------------------------------------------------------------ the model

def im2col(x):
    """[N,H,W,C] -> [N,H-2,W-2,9*C], the last axis in HWIO order (di, dj, ci)."""
    n, h, w, c = x.shape
    oh, ow = h - 2, w - 2
    cols = np.stack([x[:, di:di + oh, dj:dj + ow, :] for di in range(3) for dj in range(3)],
                    axis=3)                                       # [N,oh,ow,9,C]
    return cols.reshape(n, oh, ow, 9 * c)


def forward(p, x, y):
    """p: dict name -> float64 array.  Returns a cache dict with logits, probs, loss, ..."""
    n = x.shape[0]
    dt = p["conv1/kernel"].dtype                                  # float64 (float32 only in --self-check)
    cols = im2col(x.astype(dt))                                   # [N,26,26,9]
    k2 = p["conv1/kernel"].reshape(-1, p["conv1/kernel"].shape[-1])  # [9,32]
    z0 = cols @ k2 + p["conv1/bias"]                              # [N,26,26,32]
    a0 = np.maximum(z0, 0.0)
    f = a0.reshape(n, -1)                                         # [N,21632]
    z1 = f @ p["d1/kernel"] + p["d1/bias"]
    h = np.maximum(z1, 0.0)
    logits = h @ p["d2/kernel"] + p["d2/bias"]
    mx = logits.max(axis=1, keepdims=True)
    e = np.exp(logits - mx)
    probs = e / e.sum(axis=1, keepdims=True)
    lse = mx[:, 0] + np.log(e.sum(axis=1))
    loss = float(np.mean((lse - logits[np.arange(n), y]).astype(np.float64)))
    return dict(cols=cols, z0=z0, f=f, z1=z1, h=h, logits=logits, probs=probs, loss=loss)


def backward(p, c, y):
    n = c["logits"].shape[0]
    dlogits = c["probs"].copy()
    dlogits[np.arange(n), y] -= 1.0
    dlogits /= n
    g = {}
    g["d2/kernel"] = c["h"].T @ dlogits
    g["d2/bias"] = dlogits.sum(axis=0)
    dz1 = (dlogits @ p["d2/kernel"].T) * (c["z1"] > 0)
    g["d1/kernel"] = c["f"].T @ dz1
    g["d1/bias"] = dz1.sum(axis=0)
    dz0 = (dz1 @ p["d1/kernel"].T).reshape(c["z0"].shape) * (c["z0"] > 0)
    cout = dz0.shape[-1]
    g["conv1/kernel"] = (c["cols"].reshape(-1, c["cols"].shape[-1]).T
                         @ dz0.reshape(-1, cout)).reshape(p["conv1/kernel"].shape)
    g["conv1/bias"] = dz0.reshape(-1, cout).sum(axis=0)
    return g


class Adam:
    """Keras Adam == TF ApplyAdam kernel.  float64 math for float64 weights (the reference).
    For float32 weights (the emulation only) it mimics TF: beta powers, lr_t and the updates are
    float32, as in Keras 2 / Keras 3 / ApplyAdam, where float32(1 - 0.999f^t) carries a relative
    error of ~1.3e-5 at t = 1 (so lr_t is ~6.4e-6 smaller than the exact value)."""

    def __init__(self, lr=LR, beta_1=BETA_1, beta_2=BETA_2, epsilon=EPSILON):
        self.lr, self.b1, self.b2, self.eps = lr, beta_1, beta_2, epsilon
        self.t = 0
        self.m, self.v = {}, {}

    def lr_t(self, dtype=np.float64):
        if dtype == np.float32:
            f, t = np.float32, np.float32(self.t)
            b1p, b2p = np.power(f(self.b1), t), np.power(f(self.b2), t)
            return f(self.lr) * np.sqrt(f(1) - b2p) / (f(1) - b1p)
        return self.lr * np.sqrt(1.0 - self.b2 ** self.t) / (1.0 - self.b1 ** self.t)

    def step(self, params, grads):
        self.t += 1
        out = {}
        for k, w in params.items():
            g = grads[k]
            if w.dtype == np.float32:
                f = np.float32
                m = self.m.get(k, np.zeros_like(w))
                v = self.v.get(k, np.zeros_like(w))
                m = m + (g - m) * f(1 - self.b1)
                v = v + (g * g - v) * f(1 - self.b2)
                upd = (m * self.lr_t(np.float32)) / (np.sqrt(v) + f(self.eps))
            else:
                m = self.b1 * self.m.get(k, 0.0) + (1.0 - self.b1) * g
                v = self.b2 * self.v.get(k, 0.0) + (1.0 - self.b2) * g * g
                upd = self.lr_t() * m / (np.sqrt(v) + self.eps)
            self.m[k], self.v[k] = m, v
            out[k] = w - upd
        return out


# ---------------------------------------------------------------------------- the output

def pick_indices(name, size, grad):
    """Fixed, deterministic sample indices (recorded in the JSON, so Java just reads them)."""
    if size <= N_SAMPLES:
        return list(range(size))
    flat = np.abs(grad.reshape(-1))
    chosen = set(int(i) for i in np.round(np.linspace(0, size - 1, 12)).astype(np.int64))
    chosen.update({0, size - 1})
    # largest |g| (ties broken by the lower index)
    order = np.lexsort((np.arange(size), -flat))
    for i in order[:6]:
        chosen.add(int(i))
    # spread over the entries with a clearly nonzero gradient
    gmax = float(flat.max())
    strong = np.nonzero(flat > 1e-3 * gmax)[0]
    if strong.size:
        for i in strong[np.round(np.linspace(0, strong.size - 1, 8)).astype(np.int64)]:
            if len(chosen) >= N_SAMPLES:
                break
            chosen.add(int(i))
    # top up with more evenly spread indices if duplicates made the list short
    extra = np.round(np.linspace(0, size - 1, 2 * N_SAMPLES + 3)).astype(np.int64)
    for i in extra:
        if len(chosen) >= N_SAMPLES:
            break
        chosen.add(int(i))
    return sorted(chosen)


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).reshape(-1)]


def adam_standalone(epsilon):
    w = np.array([0.5, -0.3, 0.0, 1e-8], dtype=np.float64)
    g = np.array([1e-3, -2.0, 0.0, 1e-9], dtype=np.float64)
    opt = Adam(epsilon=epsilon)
    params = {"w": w}
    hist = []
    for _ in range(3):
        params = opt.step(params, {"w": g})
        hist.append(floats(params["w"]))
    return hist


def run_pipeline(p0, x, y):
    """Forward, gradient, Adam step 1, forward, gradient, Adam step 2, forward."""
    r = {"p0": p0}
    r["c0"] = forward(p0, x, y)
    r["g1"] = backward(p0, r["c0"], y)
    opt = Adam()
    r["p1"] = opt.step(p0, r["g1"])
    r["m1"] = {k: v.copy() for k, v in opt.m.items()}
    r["v1"] = {k: v.copy() for k, v in opt.v.items()}
    r["c1"] = forward(r["p1"], x, y)
    r["g2"] = backward(r["p1"], r["c1"], y)
    r["p2"] = opt.step(r["p1"], r["g2"])
    r["m2"], r["v2"] = opt.m, opt.v
    r["c2"] = forward(r["p2"], x, y)
    return r


def _adam_at(t):
    a = Adam()
    a.t = t
    return a


def float32_deviation(r64, r32):
    """How far an all-float32 run (numpy float32 BLAS, like TF on CPU) lands from float64.
    Stored in the JSON as guidance for the Java tolerances."""
    d = lambda a, b: float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))  # noqa: E731
    out = {
        "logits_max_abs": d(r64["c0"]["logits"], r32["c0"]["logits"]),
        "probabilities_max_abs": d(r64["c0"]["probs"], r32["c0"]["probs"]),
        "loss_abs": abs(r64["c0"]["loss"] - r32["c0"]["loss"]),
        "loss_after_step1_abs": abs(r64["c1"]["loss"] - r32["c1"]["loss"]),
        "loss_after_step2_abs": abs(r64["c2"]["loss"] - r32["c2"]["loss"]),
        "lr_t_float32_over_float64": [float(a.lr_t(np.float32)) / a.lr_t()
                                      for a in (_adam_at(1), _adam_at(2))],
        "tensors": {},
    }
    for name in NAMES:
        g64 = r64["g1"][name]
        out["tensors"][name] = {
            "grad_max_abs_rel_to_grad_max": d(g64, r32["g1"][name]) / float(np.abs(g64).max()),
            "after_step1_max_abs": d(r64["p1"][name], r32["p1"][name]),
            "after_step2_max_abs": d(r64["p2"][name], r32["p2"][name]),
            "after_step1_sum_abs": abs(float(r64["p1"][name].sum())
                                       - float(r32["p1"][name].astype(np.float64).sum())),
            "after_step2_sum_abs": abs(float(r64["p2"][name].sum())
                                       - float(r32["p2"][name].astype(np.float64).sum())),
        }
    return out


def compute(datasets_dir):
    x, y = load_batch(datasets_dir)
    init32 = {name: det_weights(shape, scale, salt) for name, shape, scale, salt in TENSORS}
    r = run_pipeline({k: v.astype(np.float64) for k, v in init32.items()}, x, y)
    r32 = run_pipeline({k: v.copy() for k, v in init32.items()}, x, y)
    p0, c0, g1, p1, m1, v1 = r["p0"], r["c0"], r["g1"], r["p1"], r["m1"], r["v1"]
    c1, g2, p2, m2, v2, c2 = r["c1"], r["g2"], r["p2"], r["m2"], r["v2"], r["c2"]

    tensors = []
    for name, shape, scale, salt in TENSORS:
        size = int(np.prod(shape))
        idx = pick_indices(name, size, g1[name])
        sel = lambda a: floats(np.asarray(a).reshape(-1)[idx])  # noqa: E731
        tensors.append({
            "name": name,
            "shape": list(shape),
            "size": size,
            "scale": scale,
            "salt": salt,
            "init_sha256_f32le": sha256_f32le(init32[name]),
            "sum": float(p0[name].sum()),
            "abs_sum": float(np.abs(p0[name]).sum()),
            "grad_sum": float(g1[name].sum()),
            "grad_abs_sum": float(np.abs(g1[name]).sum()),
            "grad_max_abs": float(np.abs(g1[name]).max()),
            "grad2_sum": float(g2[name].sum()),
            "grad2_abs_sum": float(np.abs(g2[name]).sum()),
            "after_step1": {"sum": float(p1[name].sum()), "abs_sum": float(np.abs(p1[name]).sum())},
            "after_step2": {"sum": float(p2[name].sum()), "abs_sum": float(np.abs(p2[name]).sum())},
            "samples": {
                "indices": idx,
                "initial": sel(p0[name]),
                "grad": sel(g1[name]),
                "after_step1": sel(p1[name]),
                "update1": sel(p1[name] - p0[name]),
                "m1": sel(m1[name]),
                "v1": sel(v1[name]),
                "grad2": sel(g2[name]),
                "m2": sel(m2[name]),
                "v2": sel(v2[name]),
                "after_step2": sel(p2[name]),
            },
        })

    doc = {
        "spec": spec_text(),
        "generator": "python-reference/numpy_reference.py (numpy, float64)",
        "numpy_version": np.__version__,
        "dataset": "mnist",
        "split": "test",
        "indices": IMAGE_INDICES,
        "labels": [int(v) for v in y],
        "input": {"shape": list(x.shape), "sum": float(x.astype(np.float64).sum()),
                  "sha256_f32le": sha256_f32le(x)},
        "adam": {"learning_rate": LR, "beta_1": BETA_1, "beta_2": BETA_2, "epsilon": EPSILON},
        "logits": [floats(r) for r in c0["logits"]],
        "probabilities": [floats(r) for r in c0["probs"]],
        "loss": c0["loss"],
        "logits_after_step1": [floats(r) for r in c1["logits"]],
        "probabilities_after_step1": [floats(r) for r in c1["probs"]],
        "loss_after_step1": c1["loss"],
        "loss_after_step2": c2["loss"],
        "tensors": tensors,
        "adam_standalone": {
            "w0": [0.5, -0.3, 0.0, 1e-8],
            "g": [1e-3, -2.0, 0.0, 1e-9],
            "steps": 3,
            "epsilon": EPSILON,
            "w_after": adam_standalone(EPSILON),
            "w_after_eps_1e-8": adam_standalone(1e-8),
        },
        "float32_emulation_deviation": float32_deviation(r, r32),
    }
    state = dict(x=x, y=y, p0=p0, g1=g1, c0=c0, p1=p1, g2=g2)
    return doc, state


# ----------------------------------------------------------------------------- self-check

def self_check(state):
    """Finite differences (float64, central) against the analytic gradients, plus a direct
    loop convolution and an alternative-form Adam.  Returns True when everything passes."""
    x, y, p0, g1 = state["x"], state["y"], state["p0"], state["g1"]
    ok = True
    h = 1e-6

    def loss_at(params):
        return forward(params, x, y)["loss"]

    print("finite-difference check (central, h=1e-6, float64):")
    rng = np.random.default_rng(1234)
    for name in NAMES:
        flat_g = g1[name].reshape(-1)
        top = list(np.argsort(-np.abs(flat_g), kind="stable")[:3])
        nz = np.nonzero(flat_g)[0]
        rand = list(rng.choice(nz, size=min(2, nz.size), replace=False)) if nz.size else []
        zero = np.nonzero(flat_g == 0)[0]
        zpick = [int(zero[len(zero) // 2])] if zero.size else []
        worst = 0.0
        for i in [int(v) for v in top + rand + zpick]:
            pp = {k: v.copy() for k, v in p0.items()}
            pp[name].reshape(-1)[i] += h
            lp = loss_at(pp)
            pp[name].reshape(-1)[i] -= 2 * h
            lm = loss_at(pp)
            fd = (lp - lm) / (2 * h)
            an = float(flat_g[i])
            err = abs(fd - an) / max(abs(an), abs(fd), 1e-6)
            worst = max(worst, err)
            flag = "ok" if err < 1e-4 else "MISMATCH"
            if err >= 1e-4:
                ok = False
            print(f"  {name:13s} [{i:8d}] analytic {an: .10e}  fd {fd: .10e}  rel {err:.1e} {flag}")
        print(f"  {name:13s} worst relative error {worst:.2e}")

    # direct-loop convolution at a few output positions
    k = p0["conv1/kernel"]
    z0 = forward(p0, x, y)["z0"]
    worst = 0.0
    for (n, i, j, c) in [(0, 0, 0, 0), (1, 13, 7, 5), (2, 25, 25, 31), (3, 10, 20, 17), (0, 12, 14, 9)]:
        s = p0["conv1/bias"][c]
        for di in range(3):
            for dj in range(3):
                s += float(x[n, i + di, j + dj, 0]) * k[di, dj, 0, c]
        worst = max(worst, abs(s - z0[n, i, j, c]))
    print(f"direct-loop conv vs im2col: max abs diff {worst:.1e}")
    ok &= worst < 1e-12

    # Adam in the assign_add form used by the Keras optimizers
    g = state["g1"]["d2/kernel"]
    w = p0["d2/kernel"]
    m = np.zeros_like(w) + (g - 0.0) * (1 - BETA_1)
    v = np.zeros_like(w) + (g * g - 0.0) * (1 - BETA_2)
    alpha = LR * np.sqrt(1 - BETA_2) / (1 - BETA_1)
    w1 = w - (m * alpha) / (np.sqrt(v) + EPSILON)
    d = float(np.abs(w1 - state["p1"]["d2/kernel"]).max())
    print(f"Adam assign_add form vs reference (d2/kernel, step 1): max abs diff {d:.1e}")
    ok &= d < 1e-15

    print("self-check:", "PASSED" if ok else "FAILED")
    return ok


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", default=os.path.join(REPO_ROOT, "..", "shared", "datasets"),
                    help="folder holding mnist/t10k-*.gz (default: ../shared/datasets from the repo root)")
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "src", "test", "resources", "golden",
                                                  "quickstart_step.json"),
                    help="output JSON (default: src/test/resources/golden/quickstart_step.json)")
    ap.add_argument("--self-check", action="store_true",
                    help="also verify the backprop by finite differences (slower)")
    args = ap.parse_args(argv)

    doc, state = compute(os.path.normpath(args.datasets))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    jsonfmt.write(args.out, doc)
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)")
    print(f"labels {doc['labels']}  loss {doc['loss']:.10f}  after step 1 {doc['loss_after_step1']:.10f}"
          f"  after step 2 {doc['loss_after_step2']:.10f}")
    if args.self_check:
        return 0 if self_check(state) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
