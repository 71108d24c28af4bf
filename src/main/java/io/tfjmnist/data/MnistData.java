package io.tfjmnist.data;

import java.util.Objects;

/**
 * What {@code tf.keras.datasets.<name>.load_data()} returns, {@code (x_train, y_train),
 * (x_test, y_test)}, plus where it was read from so the CLI can say so.
 *
 * @param dataset which dataset this is
 * @param train the 60,000 training examples
 * @param test the 10,000 test examples
 * @param origin a human-readable description of where the data came from
 */
public record MnistData(DatasetName dataset, Dataset train, Dataset test, String origin) {
  public MnistData {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(origin, "origin");
  }

  /** The Keras name, {@code mnist} or {@code fashion_mnist}. */
  public String name() {
    return dataset.kerasName();
  }
}
