package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;

/**
 * Batch arithmetic for {@code dataset.batch(batch_size)} with tf.data's default
 * {@code drop_remainder=False}: the last batch keeps whatever is left, so no example is skipped.
 * MNIST's 60,000 training images in batches of 32 make 1,875 full batches; its 10,000 test
 * images make 312 full batches and a last one of 16.
 */
public final class Batches {
  private Batches() {}

  /** How many batches {@code n} examples make: {@code ceil(n / batchSize)}. */
  public static int count(int n, int batchSize) {
    checkBatchSize(batchSize);
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    return (int) (((long) n + batchSize - 1) / batchSize);
  }

  /** Size of batch {@code index}: {@code batchSize}, except possibly for the last one. */
  public static int size(int n, int batchSize, int index) {
    int count = count(n, batchSize);
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException("batch " + index + " of " + count);
    }
    return Math.min(batchSize, n - index * batchSize);
  }

  /** Batches over {@code order} (e.g. a {@link ShuffleBuffer} epoch order). */
  public static BatchIterator batch(int[] order, int batchSize) {
    return new BatchIterator(order, batchSize);
  }

  /** Batches over all {@code n} examples in their stored order, as evaluation uses them. */
  public static BatchIterator inOrder(int n, int batchSize) {
    return new BatchIterator(identity(n), batchSize);
  }

  /** {@code 0, 1, ..., n-1}: the order of an unshuffled dataset. */
  public static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  static void checkBatchSize(int batchSize) {
    if (batchSize < 1) {
      throw new TfjMnistException("The batch size must be at least 1, but it is " + batchSize + ".");
    }
  }
}
