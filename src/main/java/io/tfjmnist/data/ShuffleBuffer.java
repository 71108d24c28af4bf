package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;

/**
 * The order in which {@code tf.data.Dataset.shuffle(buffer_size, seed,
 * reshuffle_each_iteration=True)} emits elements, computed over element indices.
 *
 * <p>Semantics, as in TensorFlow's {@code ShuffleDatasetOp}: the buffer is first filled with the
 * first {@code bufferSize} elements; each output picks a uniformly random buffer slot, emits that
 * element and refills the slot with the next input element; once the input is exhausted the
 * remaining buffer is drained in random order. So a buffer smaller than the dataset only shuffles
 * locally: element {@code j} cannot be emitted before output {@code j - bufferSize + 1}, and
 * output {@code i} is always one of the elements {@code 0 .. i + bufferSize - 1}. The tutorial's
 * {@code shuffle(10000)} over MNIST's 60,000 images behaves exactly like that here too.
 *
 * <p>TensorFlow draws from a Philox generator seeded through its own seed-derivation rules, so
 * the exact order cannot match Python's; the semantics, and therefore the statistics of the
 * orders, do. (Python's exact order comes from TF's own kernel: {@code training.TfShuffle},
 * {@code train --tf-shuffle}.) The generator here is SplitMix64 with unbiased bounded draws (Lemire's method),
 * written out rather than taken from {@code java.util.Random*} so an order is reproducible across
 * JDK versions: same (seed, epoch), same order, forever.
 *
 * <p>{@code reshuffle_each_iteration=True} means each epoch gets a new order; here the epoch
 * number is mixed into the seed, so epoch {@code k} of a run can be recomputed on its own (for
 * instance when resuming from a checkpoint).
 */
public final class ShuffleBuffer {
  private final int bufferSize;
  private final long seed;

  public ShuffleBuffer(int bufferSize, long seed) {
    checkBufferSize(bufferSize);
    this.bufferSize = bufferSize;
    this.seed = seed;
  }

  public int bufferSize() {
    return bufferSize;
  }

  public long seed() {
    return seed;
  }

  /** The order of epoch {@code epoch} (0-based) over {@code n} elements. */
  public int[] epochOrder(int n, int epoch) {
    return epochOrder(n, bufferSize, seed, epoch);
  }

  /** A permutation of {@code 0..n-1}: the order a shuffle buffer emits them in. */
  public static int[] epochOrder(int n, int bufferSize, long seed, int epoch) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    int[] order = new int[n];
    epochOrder(n, bufferSize, seed, epoch, order);
    return order;
  }

  /** As {@link #epochOrder(int, int, long, int)}, writing into {@code order[0..n)}. */
  public static void epochOrder(int n, int bufferSize, long seed, int epoch, int[] order) {
    checkBufferSize(bufferSize);
    if (n < 0 || order.length < n) {
      throw new IllegalArgumentException(
          "need 0 <= n <= order.length, got n=" + n + ", order.length=" + order.length);
    }
    SplitMix64 rng = new SplitMix64(SplitMix64.mix(SplitMix64.mix(seed) + epoch));
    int live = Math.min(bufferSize, n);
    int[] buffer = new int[live];
    for (int i = 0; i < live; i++) {
      buffer[i] = i;
    }
    int next = live; // next input element not yet in the buffer
    for (int out = 0; out < n; out++) {
      int slot = rng.nextInt(live);
      order[out] = buffer[slot];
      if (next < n) {
        buffer[slot] = next++;
      } else {
        buffer[slot] = buffer[--live]; // input exhausted: the buffer shrinks
      }
    }
  }

  private static void checkBufferSize(int bufferSize) {
    if (bufferSize < 1) {
      throw new TfjMnistException(
          "The shuffle buffer size must be at least 1, but it is " + bufferSize + ".");
    }
  }

  /** SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and statistically sound for shuffling. */
  static final class SplitMix64 {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    SplitMix64(long seed) {
      this.state = seed;
    }

    static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    long nextLong() {
      return mix(state += GAMMA);
    }

    /** Uniform in {@code [0, bound)} without modulo bias (Lemire 2019). */
    int nextInt(int bound) {
      long m = (nextLong() >>> 32) * bound;
      long low = m & 0xFFFFFFFFL;
      if (low < bound) {
        long threshold = (0x1_0000_0000L - bound) % bound;
        while (low < threshold) {
          m = (nextLong() >>> 32) * bound;
          low = m & 0xFFFFFFFFL;
        }
      }
      return (int) (m >>> 32);
    }
  }
}
