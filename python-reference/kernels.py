"""--kernels eigen|onednn, as Java's train/eval/predict/parity/serve take it.

TensorFlow reads TF_ENABLE_ONEDNN_OPTS once, when it is imported, so the flag must act before
`import tensorflow`: call `apply_from_argv()` first thing. eigen (TF_ENABLE_ONEDNN_OPTS=0) runs TF's
own Eigen kernels, which sum in the same order on every x86-64 CPU and in TF 2.18 (Java) and 2.21
(Python) alike; that is what makes a Java run replay a Python run bit for bit. onednn is TF's default.
"""

import os
import sys

CHOICES = ("eigen", "onednn")


def apply_from_argv(argv=None):
    """Sets TF_ENABLE_ONEDNN_OPTS from --kernels in argv (before TensorFlow is imported)."""
    argv = sys.argv[1:] if argv is None else argv
    for i, arg in enumerate(argv):
        value = None
        if arg == "--kernels" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--kernels="):
            value = arg.split("=", 1)[1]
        if value is not None:
            if value not in CHOICES:
                raise SystemExit(f"error: --kernels must be eigen or onednn, got {value!r}")
            if "tensorflow" in sys.modules:
                raise SystemExit("error: --kernels must be applied before TensorFlow is imported")
            os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0" if value == "eigen" else "1"


def active():
    """eigen or onednn, as this process's environment makes TF run."""
    return "eigen" if os.environ.get("TF_ENABLE_ONEDNN_OPTS", "").strip().lower() in ("0", "false") else "onednn"
