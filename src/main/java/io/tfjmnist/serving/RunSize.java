package io.tfjmnist.serving;

import io.tfjmnist.inference.ProbabilityModel;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Chooses how many images every session run of a model gets, so that an image's probabilities are
 * bit for bit the same whatever it is batched with.
 *
 * <p>On the CPU, TF's oneDNN and Eigen kernels pick their code paths by batch size: a batch of
 * one differs from the same image in any larger batch by up to 2e-6, and in small batches the last
 * rows (a kernel's remainder) are summed in another order than the others. Measured on this
 * project's AMD EPYC (AVX2) machine with one TF thread, for 1,276 images in requests of 1 to 257:
 * runs padded to 2, 4, 6, 8, 12 or 32 images still gave 35 to 353 rows that differ from the same image
 * elsewhere; runs of exactly 16, 24 or 64 gave none. Which sizes are safe depends on the CPU's
 * instruction set, so the server does not assume: at load it runs {@code k} distinct images in
 * every rotation of their order and keeps the first candidate size whose rows never change.
 */
final class RunSize {
  /** Candidate sizes, cheapest first; a run of 16 costs about what a run of 1 does (the dense kernel is streamed once). */
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

  /** Whether each of {@code k} images gets the same bits at every place of a {@code k}-image run. */
  static boolean positionIndependent(ProbabilityModel model, int k) {
    int size = model.inputSize();
    SplittableRandom random = new SplittableRandom(k);
    float[] images = new float[k * size];
    for (int i = 0; i < images.length; i++) {
      images[i] = random.nextInt(5) == 0 ? (float) random.nextDouble() : 0f; // sparse ink, like a digit
    }
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
