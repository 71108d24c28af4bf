"""Keras 3's own model.fit on a zoo of small MNIST models, for Java's `train --model` to be held against.

    python fit_parity.py --model lenet --out DIR --tf-shuffle 1234:77 [--epochs 1] [--kernels eigen]
                         [--train-size N] [--test-size N]

With keras.utils.set_random_seed(G) the named model is built and compiled (each model of the zoo
with its own optimizer and loss, so that together they cover what Java reads from a compile config),
saved untrained as DIR/NAME.keras, then fitted with model.fit on
tf.data.Dataset.from_tensor_slices(train).shuffle(10000, seed=S).batch(32), validated on the test set
batch(32) after each epoch. Written:

    DIR/NAME.keras            the untrained, compiled model: Java's `train --model DIR/NAME.keras --tf-shuffle G:S`
    DIR/NAME.fit.json         Keras's epoch metrics (loss, accuracy, val_loss, val_accuracy) and, per step,
                              the running loss Keras logs (its Mean over the steps so far, weighted by batch size)
    DIR/NAME.fit.weights.h5   the weights after fit

--train-size/--test-size take the first N examples of each set, as Java's options of the same name do.

    python fit_parity.py --initial-only --out DIR --tf-shuffle G:S

builds every model of the zoo, and a model of every initializer Java draws with, each right after
keras.utils.set_random_seed(G), and saves it untrained and compiled as DIR/NAME.keras: Keras's initial
weights, for Java's `train --model DIR/NAME.keras --fresh-weights --tf-shuffle G:S` draw to be held against.

    python fit_parity.py --check-java FILE.keras [--test-size N] [--kernels eigen]

loads a .keras that Java's train wrote, with keras.saving.load_model and no custom objects, and prints
one JSON line: the model's class, its optimizer's class and iterations, and Keras's evaluate() on the test set.
"""

import argparse
import json
import os

import kernels

kernels.apply_from_argv()  # --kernels must act before TensorFlow is imported

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from model import DEFAULT_DATASETS, load_mnist, preprocess  # noqa: E402

L = keras.layers


def lenet():
    """LeNet-5-like: convolutions with average pooling (relu: see docs/training-keras-models.md on tanh); SGD with Nesterov momentum."""
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Conv2D(6, 5, padding="same", activation="relu"),
        L.AveragePooling2D(2),
        L.Conv2D(16, 5, activation="relu"),
        L.AveragePooling2D(2),
        L.Flatten(),
        L.Dense(120, activation="relu"),
        L.Dense(84, activation="relu"),
        L.Dense(10, activation="softmax"),
    ], name="lenet")
    return model, keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True), \
        keras.losses.SparseCategoricalCrossentropy()


def cnn_dropout():
    """The issue's user model: max pooling and Dropout; Adam."""
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Conv2D(16, 3, activation="relu"),
        L.MaxPooling2D(),
        L.Conv2D(32, 3, activation="relu"),
        L.MaxPooling2D(),
        L.Flatten(),
        L.Dropout(0.25),
        L.Dense(10, activation="softmax"),
    ], name="cnn_dropout")
    return model, keras.optimizers.Adam(), keras.losses.SparseCategoricalCrossentropy()


def mlp():
    """An MLP on logits: Rescaling, a bias-free layer, linear output with from_logits=True; RMSprop with momentum."""
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Rescaling(2.0, offset=-1.0),
        L.Flatten(),
        L.Dense(128, activation="relu"),
        L.Dense(64, activation="sigmoid", use_bias=False),
        L.Dense(10),
    ], name="mlp")
    return model, keras.optimizers.RMSprop(learning_rate=0.001, momentum=0.5), \
        keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def functional_bn():
    """A Functional model with BatchNormalization (training updates its moving statistics); SGD."""
    inputs = keras.Input((28, 28, 1))
    x = L.Conv2D(8, 3, strides=2, use_bias=False)(inputs)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    x = L.Flatten()(x)
    x = L.Dense(32, activation="relu")(x)
    outputs = L.Softmax()(L.Dense(10)(x))
    return keras.Model(inputs, outputs, name="functional_bn"), keras.optimizers.SGD(learning_rate=0.05), \
        keras.losses.SparseCategoricalCrossentropy()


def initializers():
    """Every initializer Java draws fresh weights with, seeded and not, a Dropout between (its seed comes
    from the same stream), and a seed above int32 (Keras maps it into int32); SGD. For the initial weights."""
    init = keras.initializers
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Conv2D(4, 3, activation="relu", kernel_initializer=init.HeNormal(), bias_initializer=init.Constant(0.1)),
        L.BatchNormalization(gamma_initializer=init.RandomUniform(0.9, 1.1, seed=5),
                             beta_initializer=init.RandomNormal(stddev=0.01), moving_variance_initializer=init.Ones()),
        L.Flatten(),
        L.Dense(16, activation="relu", kernel_initializer=init.GlorotNormal(seed=7),
                bias_initializer=init.TruncatedNormal()),
        L.Dense(16, activation="tanh", kernel_initializer=init.LecunUniform(), bias_initializer="zeros"),
        L.Dropout(0.1),
        L.Dense(16, activation="sigmoid", kernel_initializer=init.LecunNormal(seed=3),
                bias_initializer=init.RandomUniform()),
        L.Dense(16, activation="relu", kernel_initializer=init.HeUniform(), bias_initializer=init.RandomNormal(1.0, 0.5)),
        L.Dense(16, kernel_initializer=init.VarianceScaling(0.5, "fan_out", "uniform"),
                bias_initializer=init.TruncatedNormal(0.2, 1.0, seed=11)),
        L.Dense(16, kernel_initializer=init.VarianceScaling(2.0, "fan_avg", "untruncated_normal", seed=3_000_000_019)),
        L.Dense(10, activation="softmax", kernel_initializer=init.VarianceScaling(1.5, "fan_in", "normal"),
                bias_initializer=init.Constant(-0.25)),
    ], name="initializers")
    return model, keras.optimizers.SGD(learning_rate=0.01), keras.losses.SparseCategoricalCrossentropy()


ZOO = {"lenet": lenet, "cnn_dropout": cnn_dropout, "mlp": mlp, "functional_bn": functional_bn}


def functional_bn_with(optimizer):
    """functional_bn compiled with another optimizer: gamma's gradient meets each optimizer's update differently."""
    def build():
        model, _, loss = functional_bn()
        return model, optimizer(), loss
    return build


def functional_bn_named(name):
    """functional_bn under another model name: TF's graph optimizer orders gamma's update by op names, the model's among them."""
    def build():
        model, optimizer, loss = functional_bn()
        return keras.Model(model.inputs, model.outputs, name=name), optimizer, loss
    return build


# For --model only (docs/training-keras-models.md): the BatchNormalization model under every optimizer Java
# trains with, and under a model name that sorts before TF's AddN.
VARIANTS = {
    "functional_bn_momentum": functional_bn_with(lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)),
    "functional_bn_nesterov": functional_bn_with(
        lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True)),
    "functional_bn_rmsprop": functional_bn_with(lambda: keras.optimizers.RMSprop(learning_rate=0.001, momentum=0.5)),
    "functional_bn_adam": functional_bn_with(keras.optimizers.Adam),
    "functional_bn_abc": functional_bn_named("Abc"),
}

# Models only for the initial weights (--initial-only): Java's fresh draw is held against Keras's.
INITIAL_ZOO = {**ZOO, "initializers": initializers}


class RunningLoss(keras.callbacks.Callback):
    """The loss Keras logs after each step: the running mean of the epoch's step losses."""

    def __init__(self):
        super().__init__()
        self.losses = []

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(float(logs["loss"]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=sorted({**ZOO, **VARIANTS}))
    ap.add_argument("--out", help="folder for NAME.keras, NAME.fit.json, NAME.fit.weights.h5")
    ap.add_argument("--check-java", metavar="FILE.keras", help="load Java's .keras and evaluate it (see above)")
    ap.add_argument("--initial-only", action="store_true",
                    help="save every model (and the initializers model) untrained to DIR/NAME.keras and stop (see above)")
    ap.add_argument("--tf-shuffle", metavar="GLOBAL:OP", default="42:42")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--train-size", type=int, default=None)
    ap.add_argument("--test-size", type=int, default=None)
    ap.add_argument("--kernels", choices=kernels.CHOICES, default=None)
    ap.add_argument("--datasets", default=DEFAULT_DATASETS)
    args = ap.parse_args(argv)
    if args.check_java:
        return check_java(args)
    global_seed, shuffle_seed = (int(s) for s in args.tf_shuffle.split(":"))
    if args.initial_only:
        if not args.out:
            ap.error("--initial-only needs --out")
        return save_initial(args.out, global_seed)
    if not args.model or not args.out:
        ap.error("--model and --out are required (or --check-java, or --initial-only)")
    keras.utils.set_random_seed(global_seed)

    model, optimizer, loss = {**ZOO, **VARIANTS}[args.model]()
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    os.makedirs(args.out, exist_ok=True)
    base = os.path.join(args.out, args.model)
    model.save(base + ".keras")

    (x_train, y_train), (x_test, y_test) = load_mnist(args.datasets)
    x_train, x_test = preprocess(x_train[:args.train_size]), preprocess(x_test[:args.test_size])
    y_train, y_test = y_train[:args.train_size].astype("int64"), y_test[:args.test_size].astype("int64")
    train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(10000, seed=shuffle_seed).batch(32)
    test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)

    running = RunningLoss()
    history = model.fit(train_ds, epochs=args.epochs, validation_data=test_ds, callbacks=[running], verbose=0)
    epochs = [{k: float(v[i]) for k, v in history.history.items()} for i in range(args.epochs)]
    for i, e in enumerate(epochs, start=1):
        print(f"{args.model} epoch {i}: loss {e['loss']:.6f}, accuracy {e['accuracy'] * 100:.2f}, "
              f"val_loss {e['val_loss']:.6f}, val_accuracy {e['val_accuracy'] * 100:.2f}")
    with open(base + ".fit.json.tmp", "w", encoding="utf-8") as f:
        json.dump({"model": args.model, "tf_shuffle": args.tf_shuffle, "kernels": kernels.active(),
                   "keras": keras.__version__, "tensorflow": tf.__version__, "epochs": epochs,
                   "running_losses": running.losses}, f)
    os.replace(base + ".fit.json.tmp", base + ".fit.json")
    model.save_weights(base + ".fit.weights.h5")
    return 0


def save_initial(out, global_seed):
    """Each model built and compiled right after set_random_seed(G), as main() builds it, saved untrained."""
    os.makedirs(out, exist_ok=True)
    for name, build in INITIAL_ZOO.items():
        keras.utils.set_random_seed(global_seed)
        model, optimizer, loss = build()
        model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
        model.save(os.path.join(out, name + ".keras"))
        print(f"{name}: {model.count_params()} parameters saved to {os.path.join(out, name + '.keras')}")
    return 0


def check_java(args):
    model = keras.saving.load_model(args.check_java)  # no custom_objects: a plain Sequential/Functional config
    _, (x_test, y_test) = load_mnist(args.datasets)
    x_test, y_test = preprocess(x_test[:args.test_size]), y_test[:args.test_size].astype("int64")
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=32, verbose=0)
    print(json.dumps({"class": type(model).__name__, "optimizer": type(model.optimizer).__name__,
                      "iterations": int(model.optimizer.iterations.numpy()), "test_loss": float(loss),
                      "test_accuracy": float(accuracy)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
