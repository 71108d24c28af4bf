#!/usr/bin/env python3
"""The quickstart training script (TF2 "quickstart for experts"), cleaned up, with flags.

    python train.py                         # 5 epochs, batch 32, shuffle buffer 10000 -> 'mnist'
    python train.py --epochs 1 --seed 42 --weights /tmp/mnist

Same computation as the seed: x / 255.0, channel axis, float32; shuffle(10000).batch(32) for
training and batch(32) for testing; SparseCategoricalCrossentropy() on the softmax output (inside
the tf.function Keras computes it from the logits); Adam() with Keras defaults (lr 1e-3,
beta_1 0.9, beta_2 0.999, epsilon 1e-7); Mean / SparseCategoricalAccuracy metrics reset every
epoch; one line per epoch in the quickstart's format; finally model.save_weights.

Weights: Keras 2 (TF <= 2.15, or TF_USE_LEGACY_KERAS=1 with tf_keras) writes the quickstart's TF
checkpoint 'mnist' (mnist.index, mnist.data-00000-of-00001, checkpoint); Keras 3 (TF >= 2.16)
only accepts '.weights.h5', so the file becomes 'mnist.weights.h5'.  export.py reads either.

--seed N makes the shuffle and the weight initialisation repeatable
(tf.keras.utils.set_random_seed + Dataset.shuffle(seed=N)); it does not make GPU kernels
deterministic (add tf.config.experimental.enable_op_determinism() for that).

Replaying this run in Java (scripts/parity-python; Java's train takes the same flags):
  --tf-shuffle G:S         tf.keras.utils.set_random_seed(G) and shuffle(..., seed=S)  (--seed N is N:N)
  --initial-weights FILE   start from these weights: a TF checkpoint prefix (Java's or Python's) or .weights.h5
  --write-initial-weights PREFIX   save the starting weights as a TF checkpoint (Java reads it) before training
  --step-log CSV           every step's loss: step,epoch,step_in_epoch,loss
  --max-steps N            stop after N steps in all (an epoch cut short is not evaluated); weights are saved
  --kernels eigen|onednn   TF's CPU kernels (TF_ENABLE_ONEDNN_OPTS); with eigen on both sides the replay is bit for bit
The training code itself is the quickstart's; train_step only also returns its loss.
"""

import argparse
import os

import kernels

kernels.apply_from_argv()  # --kernels must act before TensorFlow is imported

import tensorflow as tf  # noqa: E402

from model import DEFAULT_DATASETS, MyModel, build, keras_version, load_mnist, named_variables, preprocess, save_weights


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="Train the quickstart MNIST CNN (TF2 quickstart).")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--shuffle-buffer", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=None,
                    help="random seed for weights and shuffling (default: unseeded, like the seed)")
    ap.add_argument("--tf-shuffle", metavar="GLOBAL:OP", default=None,
                    help="tf.keras.utils.set_random_seed(GLOBAL) and shuffle(..., seed=OP) (Java: train --tf-shuffle)")
    ap.add_argument("--initial-weights", metavar="FILE", default=None,
                    help="start from these weights (TF checkpoint prefix or .weights.h5)")
    ap.add_argument("--write-initial-weights", metavar="PREFIX", default=None,
                    help="save the starting weights as a TF checkpoint before training")
    ap.add_argument("--step-log", metavar="CSV", default=None, help="every step's loss as CSV")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after N steps in all (0: no limit)")
    ap.add_argument("--weights", default="mnist",
                    help="weights path prefix (Keras 3 appends .weights.h5); default 'mnist'")
    ap.add_argument("--kernels", choices=kernels.CHOICES, default=None,
                    help="TF's CPU kernels: eigen (TF_ENABLE_ONEDNN_OPTS=0) or onednn (default: the environment's)")
    ap.add_argument("--datasets", default=DEFAULT_DATASETS,
                    help="folder with mnist/*-ubyte.gz; falls back to tf.keras.datasets.mnist")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    print(f"TensorFlow {tf.__version__}, Keras {keras_version()}, {kernels.active()} kernels")
    shuffle_seed = args.seed
    if args.tf_shuffle is not None:
        if args.seed is not None:
            raise SystemExit("error: give --seed or --tf-shuffle, not both")
        global_seed, shuffle_seed = (int(s) for s in args.tf_shuffle.split(":"))
        tf.keras.utils.set_random_seed(global_seed)
    if args.seed is not None:
        tf.keras.utils.set_random_seed(args.seed)

    (x_train, y_train), (x_test, y_test) = load_mnist(args.datasets)
    x_train, x_test = preprocess(x_train), preprocess(x_test)

    train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
                .shuffle(args.shuffle_buffer, seed=shuffle_seed)
                .batch(args.batch_size))
    test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(args.batch_size)

    model = MyModel()
    if args.initial_weights:
        read_weights(model, args.initial_weights)
    if args.write_initial_weights:
        write_checkpoint(model, args.write_initial_weights)

    loss_object = tf.keras.losses.SparseCategoricalCrossentropy()
    optimizer = tf.keras.optimizers.Adam()

    train_loss = tf.keras.metrics.Mean(name="train_loss")
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
    test_loss = tf.keras.metrics.Mean(name="test_loss")
    test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="test_accuracy")

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            # training=True is only needed if there are layers with different
            # behavior during training versus inference (e.g. Dropout).
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))

        train_loss(loss)
        train_accuracy(labels, predictions)
        return loss

    @tf.function
    def test_step(images, labels):
        predictions = model(images, training=False)
        t_loss = loss_object(labels, predictions)

        test_loss(t_loss)
        test_accuracy(labels, predictions)

    step_log = open(args.step_log + ".tmp", "w", encoding="utf-8") if args.step_log else None
    if step_log:
        step_log.write("step,epoch,step_in_epoch,loss\n")
    steps = 0
    for epoch in range(args.epochs):
        # Reset the metrics at the start of the next epoch
        # (reset_state: Keras >= 2.5 and Keras 3; the quickstart's reset_states is Keras-2-only).
        train_loss.reset_state()
        train_accuracy.reset_state()
        test_loss.reset_state()
        test_accuracy.reset_state()

        stopped = False
        for step_in_epoch, (images, labels) in enumerate(train_ds, start=1):
            loss = train_step(images, labels)
            steps += 1
            if step_log:
                step_log.write(f"{steps},{epoch + 1},{step_in_epoch},{float(loss.numpy())!r}\n")
            if args.max_steps and steps >= args.max_steps:
                stopped = True
                break
        if stopped and step_in_epoch < len(train_ds):
            break   # as Java's --max-steps: an epoch cut short is not evaluated

        for test_images, test_labels in test_ds:
            test_step(test_images, test_labels)

        print(
            f'Epoch {epoch + 1}, '
            f'Loss: {train_loss.result()}, '
            f'Accuracy: {train_accuracy.result() * 100}, '
            f'Test Loss: {test_loss.result()}, '
            f'Test Accuracy: {test_accuracy.result() * 100}'
        )

        if stopped:
            break
    if step_log:
        step_log.close()
        os.replace(args.step_log + ".tmp", args.step_log)   # never seen half-written

    path = save_weights(model, args.weights)
    print(f"saved weights to {path}")
    return 0


def read_weights(model, path):
    """Java's or Python's TF checkpoint (prefix or .index), or a Keras .weights.h5, into the model."""
    build(model)
    if path.endswith(".h5"):
        model.load_weights(path)
        return
    prefix = path[:-len(".index")] if path.endswith(".index") else path
    reader = tf.train.load_checkpoint(prefix)
    keys = reader.get_variable_to_shape_map()
    for name, var in named_variables(model):
        layer, attr = name.split("/")
        # Keras 2's layout, the model alone (tf.train.Checkpoint(model)), or Keras 3's
        # tf.train.Checkpoint(model=, optimizer=) (Java's default), whose keys start with model/.
        key = next((k for k in (f"{p}{layer}/{a}/.ATTRIBUTES/VARIABLE_VALUE" for p in ("", "model/")
                                for a in (attr, "_" + attr)) if k in keys), None)
        if key is None:
            raise SystemExit(f"error: {path} has no value for {name}")
        var.assign(reader.get_tensor(key))


def write_checkpoint(model, prefix):
    """The model's weights as a TF checkpoint under Keras's key names (conv1/_kernel/...), which Java reads."""
    build(model)
    tf.train.Checkpoint(model).write(prefix)


if __name__ == "__main__":
    raise SystemExit(main())
