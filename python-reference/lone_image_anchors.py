"""One 28x28 image through the Python anchors, with the weights the Java side runs: TF's own
``tf.function`` and ONNX Runtime on the same arithmetic (scripts/bench-predict).

    python lone_image_anchors.py --write-weights W.weights.h5   # random (Glorot) weights, seed 1
    python lone_image_anchors.py --weights W.weights.h5 [--datasets DIR]

The ONNX graph is built here from the Keras weights with ``onnx.helper`` (no converter): Conv
(NCHW, kernel HWIO -> OIHW), Relu, a transpose back to NHWC so that Flatten keeps Keras's order,
Gemm-free MatMul + Add + Relu, MatMul + Add, Softmax. Its probabilities are compared with Keras's
on the same image (max |diff| printed), so the timing is of the same function. Latencies: p50 and
p99 of 10,000 calls after 3,000 for warm-up, as the Java benchmark measures them.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import model as quickstart  # noqa: E402

WARM_UP = 3_000
CALLS = 10_000


def latencies(fn):
    for _ in range(WARM_UP):
        fn()
    out = np.empty(CALLS)
    for i in range(CALLS):
        t0 = time.perf_counter_ns()
        fn()
        out[i] = time.perf_counter_ns() - t0
    return np.percentile(out, 50) / 1e6, np.percentile(out, 99) / 1e6


def onnx_model(m):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def const(name, array):
        return numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name)

    shape = lambda name, dims: numpy_helper.from_array(np.array(dims, dtype=np.int64), name)  # noqa: E731
    conv_kernel = np.transpose(m.conv1.kernel.numpy(), (3, 2, 0, 1))  # HWIO -> OIHW
    initializers = [
        const("conv_w", conv_kernel), const("conv_b", m.conv1.bias.numpy()),
        const("d1_w", m.d1.kernel.numpy()), const("d1_b", m.d1.bias.numpy()),
        const("d2_w", m.d2.kernel.numpy()), const("d2_b", m.d2.bias.numpy()),
        shape("nchw", [-1, 1, 28, 28]), shape("flat", [-1, 26 * 26 * 32]),
    ]
    nodes = [
        helper.make_node("Reshape", ["x", "nchw"], ["x4"]),
        helper.make_node("Conv", ["x4", "conv_w", "conv_b"], ["c"], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c"], ["cr"]),
        helper.make_node("Transpose", ["cr"], ["nhwc"], perm=[0, 2, 3, 1]),  # Keras flattens NHWC
        helper.make_node("Reshape", ["nhwc", "flat"], ["f"]),
        helper.make_node("MatMul", ["f", "d1_w"], ["h"]),
        helper.make_node("Add", ["h", "d1_b"], ["hb"]),
        helper.make_node("Relu", ["hb"], ["hr"]),
        helper.make_node("MatMul", ["hr", "d2_w"], ["l"]),
        helper.make_node("Add", ["l", "d2_b"], ["lb"]),
        helper.make_node("Softmax", ["lb"], ["probabilities"], axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "mnist_quickstart",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 28, 28, 1])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 10])],
        initializers)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    return proto.SerializeToString()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", help="a .weights.h5 file to run")
    ap.add_argument("--write-weights", help="write random (Glorot, seed 1) weights here and exit")
    ap.add_argument("--datasets", default=quickstart.DEFAULT_DATASETS)
    args = ap.parse_args()
    m = quickstart.MyModel()
    if args.write_weights:
        tf.keras.utils.set_random_seed(1)
        quickstart.build(m)
        m.save_weights(args.write_weights)
        return
    quickstart.load_weights(m, args.weights)
    (_, _), (x_test, _) = quickstart.load_mnist(args.datasets)
    image = quickstart.preprocess(x_test[:1])  # test image #0, as the Java benchmark uses

    fn = tf.function(lambda x: m(x, training=False))
    x_tf = tf.constant(image)
    expected = fn(x_tf).numpy()
    p50, p99 = latencies(lambda: fn(x_tf).numpy())
    print(f"{'single 28x28 image, TF ' + tf.__version__ + ' tf.function':<48} p50 {p50:.3f} ms, p99 {p99:.3f} ms"
          f" ({CALLS} calls)")

    import onnxruntime as ort
    session = ort.InferenceSession(onnx_model(m), providers=["CPUExecutionProvider"])
    got = session.run(["probabilities"], {"x": image})[0]
    p50, p99 = latencies(lambda: session.run(["probabilities"], {"x": image}))
    print(f"{'single 28x28 image, ONNX Runtime ' + ort.__version__:<48} p50 {p50:.3f} ms, p99 {p99:.3f} ms"
          f" ({CALLS} calls); max |diff| from TF {np.max(np.abs(got - expected)):.1e}")


if __name__ == "__main__":
    main()
