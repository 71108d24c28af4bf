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
"""

import argparse

import tensorflow as tf

from model import DEFAULT_DATASETS, MyModel, keras_version, load_mnist, preprocess, save_weights


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="Train the quickstart MNIST CNN (TF2 quickstart).")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--shuffle-buffer", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=None,
                    help="random seed for weights and shuffling (default: unseeded, like the seed)")
    ap.add_argument("--weights", default="mnist",
                    help="weights path prefix (Keras 3 appends .weights.h5); default 'mnist'")
    ap.add_argument("--datasets", default=DEFAULT_DATASETS,
                    help="folder with mnist/*-ubyte.gz; falls back to tf.keras.datasets.mnist")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    print(f"TensorFlow {tf.__version__}, Keras {keras_version()}")
    if args.seed is not None:
        tf.keras.utils.set_random_seed(args.seed)

    (x_train, y_train), (x_test, y_test) = load_mnist(args.datasets)
    x_train, x_test = preprocess(x_train), preprocess(x_test)

    train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
                .shuffle(args.shuffle_buffer, seed=args.seed)
                .batch(args.batch_size))
    test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(args.batch_size)

    model = MyModel()

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

    @tf.function
    def test_step(images, labels):
        predictions = model(images, training=False)
        t_loss = loss_object(labels, predictions)

        test_loss(t_loss)
        test_accuracy(labels, predictions)

    for epoch in range(args.epochs):
        # Reset the metrics at the start of the next epoch
        # (reset_state: Keras >= 2.5 and Keras 3; the quickstart's reset_states is Keras-2-only).
        train_loss.reset_state()
        train_accuracy.reset_state()
        test_loss.reset_state()
        test_accuracy.reset_state()

        for images, labels in train_ds:
            train_step(images, labels)

        for test_images, test_labels in test_ds:
            test_step(test_images, test_labels)

        print(
            f'Epoch {epoch + 1}, '
            f'Loss: {train_loss.result()}, '
            f'Accuracy: {train_accuracy.result() * 100}, '
            f'Test Loss: {test_loss.result()}, '
            f'Test Accuracy: {test_accuracy.result() * 100}'
        )

    path = save_weights(model, args.weights)
    print(f"saved weights to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
