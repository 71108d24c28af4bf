#!/usr/bin/env python3
"""Compares a Java replay of a Python training run with the Python run (scripts/parity-python calls it).

Prints per-step training loss side by side, the largest relative difference, the first step at
which the two differ, max |diff| of every weight after the run and both runs' epoch lines; draws
|diff loss| per step (log scale) as a PNG. Exit status 1 when the first --tolerance-steps losses
differ by more than --tolerance (relative), or, for whole epochs, when train loss differs by more
than 0.5 % or test accuracy by more than 0.1 points (the goals of issue 13); 0 otherwise.
"""

import argparse
import csv
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

EPOCH_LINE = re.compile(r"^Epoch (\d+), Loss: ([^,]+), Accuracy: ([^,]+), Test Loss: ([^,]+), Test Accuracy: (\S+)")


def read_steps(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # float32 values written as decimal (Java: shortest float repr; Python: the float64 repr): compare as float32
    return np.array([int(r["step"]) for r in rows]), np.array([np.float32(float(r["loss"])) for r in rows])


def epoch_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [(line.rstrip(), EPOCH_LINE.match(line)) for line in f if EPOCH_LINE.match(line)]


def weights(path):
    import tensorflow as tf
    from model import MyModel, build, named_variables
    if path.endswith(".h5"):
        m = build(MyModel())
        m.load_weights(path)
        return {n: v.numpy() for n, v in named_variables(m)}
    reader = tf.train.load_checkpoint(path)
    keys = reader.get_variable_to_shape_map()
    out = {}
    for name in ["conv1/kernel", "conv1/bias", "d1/kernel", "d1/bias", "d2/kernel", "d2/bias"]:
        layer, attr = name.split("/")
        # Keras 2's layout (save_weights, Java's --checkpoint-layout keras2), the model alone
        # (tf.train.Checkpoint(model)), or Keras 3's tf.train.Checkpoint(model=, optimizer=) (Java's default).
        key = next(k for k in (f"{p}{layer}/{a}/.ATTRIBUTES/VARIABLE_VALUE" for p in ("", "model/") for a in (attr, "_" + attr))
                   if k in keys)
        out[name] = reader.get_tensor(key)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--python-steps", required=True)
    ap.add_argument("--java-steps", required=True)
    ap.add_argument("--python-weights")
    ap.add_argument("--java-weights")
    ap.add_argument("--python-log")
    ap.add_argument("--java-log")
    ap.add_argument("--png")
    ap.add_argument("--tolerance", type=float, default=1e-5)
    ap.add_argument("--tolerance-steps", type=int, default=100)
    ap.add_argument("--show", type=int, default=20, help="steps printed side by side (first and last)")
    args = ap.parse_args(argv)

    ps, pl = read_steps(args.python_steps)
    js, jl = read_steps(args.java_steps)
    n = min(len(pl), len(jl))
    if n == 0 or not np.array_equal(ps[:n], js[:n]):
        print(f"error: the step logs do not line up (python {len(pl)} steps, java {len(jl)})")
        return 1
    pl, jl = pl[:n], jl[:n]
    diff = np.abs(pl.astype(np.float64) - jl.astype(np.float64))
    rel = diff / np.maximum(np.abs(pl.astype(np.float64)), 1e-30)

    print(f"{'step':>6}  {'python loss':>14}  {'java loss':>14}  {'rel diff':>9}")
    shown = sorted(set(range(min(args.show, n))) | set(range(max(0, n - 3), n)) | {int(np.argmax(rel))})
    last = -1
    for i in shown:
        if i != last + 1:
            print(f"{'...':>6}")
        print(f"{ps[i]:>6}  {float(pl[i]):>14.9g}  {float(jl[i]):>14.9g}  {rel[i]:>9.2e}")
        last = i
    differs = np.nonzero(pl != jl)[0]
    first = int(ps[differs[0]]) if len(differs) else None
    k = min(args.tolerance_steps, n)
    worst_k = float(np.max(rel[:k]))
    print(f"steps compared: {n}; identical losses: {n - len(differs)}; first step that differs: {first if first else 'none'}")
    for at in sorted({1, 10, 100, 200, n}):
        if at <= n:
            print(f"  largest relative difference over the first {at:>5} steps: {float(np.max(rel[:at])):.3e}")
    print(f"largest relative difference: {float(np.max(rel)):.3e} at step {int(ps[int(np.argmax(rel))])}")

    ok = worst_k <= args.tolerance
    print(f"first {k} steps within {args.tolerance:g} relative: {'yes' if ok else 'NO'} (largest {worst_k:.3e})")

    if args.python_weights and args.java_weights:
        pw, jw = weights(args.python_weights), weights(args.java_weights)
        print("max |diff| of every weight after the run:")
        for name in pw:
            print(f"  {name:<13} {float(np.max(np.abs(pw[name] - jw[name]))):.3e}  (max |w| {float(np.max(np.abs(pw[name]))):.3g})")

    if args.python_log and args.java_log:
        pe, je = epoch_lines(args.python_log), epoch_lines(args.java_log)
        print("epoch lines:")
        for (pline, _), (jline, _) in zip(pe, je):
            print(f"  python: {pline}\n  java:   {jline}")
        for (_, pm), (_, jm) in zip(pe, je):
            loss_rel = abs(float(pm.group(2)) - float(jm.group(2))) / abs(float(pm.group(2)))
            acc_gap = abs(float(pm.group(5)) - float(jm.group(5)))
            good = loss_rel <= 0.005 and acc_gap <= 0.1
            ok = ok and good
            print(f"  epoch {pm.group(1)}: train loss differs by {loss_rel * 100:.3f} % (goal 0.5 %), test accuracy by "
                  f"{acc_gap:.3f} points (goal 0.1): {'met' if good else 'NOT met'}")

    if args.png:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(10, 4))
        shown_diff = np.where(diff > 0, diff, np.nan)
        ax.semilogy(ps, shown_diff, ".", markersize=2, label="|python loss - java loss| (identical steps not drawn)")
        if len(differs) == 0:   # a log axis with nothing on it would look like a failed plot
            ax.set_ylim(1e-9, 1)
            ax.text(0.5, 0.5, f"all {n} step losses identical (|Δ loss| = 0)", transform=ax.transAxes, ha="center")
        ax.set_xlabel("step")
        ax.set_ylabel("|Δ loss|")
        ax.set_title(f"Java replay vs Python: {n - len(differs)} of {n} step losses identical")
        ax.legend(loc="upper left")
        fig.tight_layout()
        tmp = args.png + ".tmp.png"
        fig.savefig(tmp, dpi=100)
        os.replace(tmp, args.png)
        print(f"wrote {args.png}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
