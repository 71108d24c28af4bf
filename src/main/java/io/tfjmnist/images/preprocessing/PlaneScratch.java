package io.tfjmnist.images.preprocessing;

/**
 * One thread's reusable working planes for the {@code mnist} preprocessing: two float planes that
 * the steps write in turn (each step's output goes to the plane its input is not in), and one
 * array of 8-bit levels. A photo's steps would otherwise leave four or five full-size planes
 * behind (some 4 MB for a 530 px photo), which a fresh JVM must fault in page by page.
 *
 * <p>Nothing in them outlives one {@link MnistPreprocessing#apply}: what it returns (the model's
 * input, the grey panel) is made in arrays of its own, and every step writes every value of its
 * output plane before a later step reads it, so no photo sees another's values. Planes above
 * {@link #MAX_KEPT_VALUES} values are not kept: one huge photo must not pin them to the thread.
 */
final class PlaneScratch extends ThreadScratch {
  /** 1 Mi values (4 MB a float plane): more than a working plane (at most 640x640) ever needs. */
  static final int MAX_KEPT_VALUES = 1 << 20;
  private static final ThreadLocal<PlaneScratch> THREADS = ThreadLocal.withInitial(PlaneScratch::new);

  private final float[][] planes = {new float[0], new float[0]};
  private byte[] levels = new byte[0];

  /** The calling thread's scratch, or a new one while that is in use. */
  static PlaneScratch take() {
    return take(THREADS, PlaneScratch::new);
  }

  /**
   * A plane of at least {@code n} values that is not {@code input} (the array the step reads):
   * its contents are left over from earlier steps or photos, so the step must write all n.
   */
  float[] planeOtherThan(float[] input, int n) {
    if (n > MAX_KEPT_VALUES) {
      return new float[n];
    }
    int slot = planes[0] == input ? 1 : 0;
    if (planes[slot].length < n) {
      planes[slot] = new float[n];
    }
    return planes[slot];
  }

  /** An array of at least {@code n} levels, which the caller must write in full. */
  byte[] levels(int n) {
    if (n > MAX_KEPT_VALUES) {
      return new byte[n];
    }
    if (levels.length < n) {
      levels = new byte[n];
    }
    return levels;
  }
}
