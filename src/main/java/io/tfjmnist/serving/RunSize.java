package io.tfjmnist.serving;

import io.tfjmnist.inference.ProbabilityModel;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Chooses how many images every session run of a model gets, so that an image's probabilities are
 * bit for bit the same whatever it is batched with.
 *
 * <p>On the CPU, TF's oneDNN kernels pick their code paths by batch size: a batch of one differs
 * from the same image in any larger batch by up to 2e-6, and in other batches the last rows (a
 * kernel's remainder) are summed in another order than the others. Measured on this project's AMD
 * EPYC (AVX2) machine with one TF thread ({@code scripts/bench-run-sizes}): of runs of 1 to 64
 * images of the quickstart CNN, only runs of 16, 24, 40, 48 and 64 give every image the bits it
 * gets at any other place. Which sizes are safe depends on the CPU's instruction set, so the server
 * does not assume: at load it runs {@code k} distinct images in every rotation of their order and
 * keeps the first candidate size whose rows never change.
 *
 * <p>A run of 16 costs more than a run of 1 (about 2.5 to 4 times on that machine: the matrix
 * product of one row is a different, memory-bound kernel), which is the price of exact answers when
 * few requests wait. A model that pads itself after its convolution
 * ({@link #firstSelfPadding}) pays it only in the Dense layers.
 */
final class RunSize {
  /** Candidate sizes, cheapest first. */
  static final int[] CANDIDATES = {16, 24, 32, 48, 64};

  private RunSize() {}

  /** The first candidate giving position-independent rows on this machine, or 1 (every image alone) if none does. */
  static int choose(ProbabilityModel model) {
    for (int k : CANDIDATES) {
      if (positionIndependent(model, k)) {
        return k;
      }
    }
    return 1;
  }

  /**
   * The first candidate size {@code r} for which {@code build.apply(r)} (a model that pads each
   * call to {@code r} rows itself, like {@link io.tfjmnist.inference.DigitClassifier#forRunsOf})
   * gives every image the same bits at every place of a call and in calls of any size up to
   * {@code r}; the others are closed. Null if none does.
   */
  static <M extends ProbabilityModel> M firstSelfPadding(IntFunction<M> build) {
    for (int r : CANDIDATES) {
      M model = build.apply(r);
      boolean keep = false;
      try {
        keep = positionIndependent(model, r) && partialCallsAgree(model, r);
        if (keep) {
          return model;
        }
      } finally {
        if (!keep) {
          model.close();
        }
      }
    }
    return null;
  }

  /** Whether calls of 1, 2, 3, k/2 and k-1 images give each image the bits it gets in a full call of {@code k}. */
  static boolean partialCallsAgree(ProbabilityModel model, int k) {
    int size = model.inputSize();
    float[] images = sparseInk(k, size, 31L * k);
    float[] reference = model.probabilities(images, k);
    int classes = reference.length / k;
    for (int n : new int[] {1, 2, 3, k / 2, k - 1}) {
      if (n < 1 || n >= k) {
        continue;
      }
      for (int from : new int[] {0, k - n}) {
        float[] p = model.probabilities(Arrays.copyOfRange(images, from * size, (from + n) * size), n);
        if (!Arrays.equals(reference, from * classes, (from + n) * classes, p, 0, n * classes)) {
          return false;
        }
      }
    }
    return true;
  }

  /** {@code k} random images, about a fifth of their pixels inked, like a digit. */
  private static float[] sparseInk(int k, int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] images = new float[k * size];
    for (int i = 0; i < images.length; i++) {
      images[i] = random.nextInt(5) == 0 ? (float) random.nextDouble() : 0f;
    }
    return images;
  }

  /** Whether each of {@code k} images gets the same bits at every place of a {@code k}-image run. */
  static boolean positionIndependent(ProbabilityModel model, int k) {
    int size = model.inputSize();
    float[] images = sparseInk(k, size, k);
    float[] reference = model.probabilities(images, k);
    int classes = reference.length / k;
    float[] rotated = new float[images.length];
    for (int shift = 1; shift < k; shift++) {
      // image i goes to place (i + shift) % k
      System.arraycopy(images, 0, rotated, shift * size, (k - shift) * size);
      System.arraycopy(images, (k - shift) * size, rotated, 0, shift * size);
      float[] p = model.probabilities(rotated, k);
      for (int i = 0; i < k; i++) {
        int at = (i + shift) % k;
        if (!Arrays.equals(reference, i * classes, (i + 1) * classes, p, at * classes, (at + 1) * classes)) {
          return false;
        }
      }
    }
    return true;
  }
}
