package io.tfjmnist.serving;

import io.tfjmnist.inference.ProbabilityModel;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures, at load, how the session runs of a model must be sized so that an image's
 * probabilities are bit for bit the same whatever it is batched with, and picks the cheapest
 * {@link BatchPolicy} that achieves it on this CPU.
 *
 * <p>TF's CPU kernels pick their code paths by the CPU's instruction set as well as by shape: a
 * run of one image may use another kernel than larger runs, and in some run sizes the last rows
 * (a kernel's remainder) are summed in another order than the others. Which sizes agree differs
 * from one CPU to the next ({@code scripts/bench-run-sizes} prints them; {@code docs/exactness.md}
 * lists what was measured), so nothing here assumes a list: every policy is checked on the model
 * itself, with {@code k} random images at several places of runs of every size it will use.
 *
 * <p>The candidates, cheapest first:
 * <ol>
 *   <li>runs as they come, those shorter than {@code m} padded up to {@code m}, when every size
 *       from {@code m} to {@link #MAX_ROWS} gives each image the rows of a run of {@code MAX_ROWS}
 *       (m = 2 on an AVX-512 CPU, where only a lone image takes another path); taken at once when
 *       {@code m} is no more than the smallest padded size below;
 *   <li>the layers before the first Dense per image and the Dense layers on {@code R} rows (a
 *       model that pads itself: {@link #firstSelfPadding}), for {@code R} in {@link #CANDIDATES};
 *   <li>the input padded to {@code R} images;
 *   <li>every image alone.
 * </ol>
 */
final class RunSize {
  private static final Logger LOG = LoggerFactory.getLogger(RunSize.class);
  /** Padded run sizes tried, cheapest first. */
  static final int[] CANDIDATES = {16, 24, 32, 48, 64};
  /** The most images of one exact run: larger batches are split into runs of this size. */
  static final int MAX_ROWS = 64;

  private RunSize() {}

  /** The policy for a model that cannot pad itself (a SavedModel, a model given by a test). */
  static BatchPolicy choose(ProbabilityModel model) {
    long t0 = System.nanoTime();
    return withoutSelfPadding(model, shortRunFloor(model, MAX_ROWS), t0);
  }

  /** Policies 1, 3 and 4 for a model whose short-run floor {@code m} is known (measured from {@code t0}). */
  private static BatchPolicy withoutSelfPadding(ProbabilityModel model, int m, long t0) {
    if (m <= CANDIDATES[0]) {
      return shortRuns(m, t0);
    }
    int r = paddedInput(model);
    if (m <= MAX_ROWS && (r == 1 || m <= r)) {
      return shortRuns(m, t0);
    }
    return new BatchPolicy(BatchPolicy.Kind.PAD_INPUT, r, r, floorReason(m) + "; "
        + (r == 1 ? "no padded run size tried gives every place the same bits either" : "runs of " + r + " images do"),
        seconds(t0));
  }

  /**
   * The policy for a model that can also be built to pad itself after its convolution
   * ({@code selfPadding.apply(R)}, like {@link io.tfjmnist.inference.DigitClassifier#forRunsOf}).
   * Returns the chosen policy and the model that serves it: {@code plain}, or a self-padding model
   * (then {@code plain} is closed).
   */
  static <M extends ProbabilityModel> Chosen<ProbabilityModel> choose(M plain, IntFunction<? extends M> selfPadding) {
    long t0 = System.nanoTime();
    int m = shortRunFloor(plain, MAX_ROWS);
    if (m <= CANDIDATES[0]) {
      return new Chosen<>(shortRuns(m, t0), plain);
    }
    Chosen<M> padded;
    try {
      padded = firstSelfPadding(selfPadding);
    } catch (RuntimeException e) {
      // a layer TF cannot run per image this way: the other policies remain
      LOG.warn("Padding after the convolution failed ({}); trying the other batch policies.", e.toString());
      padded = null;
    }
    if (padded != null) {
      plain.close();
      int r = padded.policy().maxRows();
      return new Chosen<>(new BatchPolicy(BatchPolicy.Kind.PAD_AFTER_CONVOLUTION, 0, r,
          floorReason(m) + "; Dense layers on " + r + " rows give every call and place the same bits", seconds(t0)),
          padded.model());
    }
    return new Chosen<>(withoutSelfPadding(plain, m, t0), plain); // the floor measured above, not again
  }

  /** A policy and the model that serves it. */
  record Chosen<M extends ProbabilityModel>(BatchPolicy policy, M model) {}

  private static BatchPolicy shortRuns(int m, long t0) {
    return new BatchPolicy(BatchPolicy.Kind.PAD_SHORT_RUNS, m <= 1 ? 0 : m, MAX_ROWS, floorReason(m), seconds(t0));
  }

  private static String floorReason(int m) {
    if (m <= 1) {
      return "every run of 1 to " + MAX_ROWS + " images gives each image the same bits on this CPU";
    }
    if (m > MAX_ROWS) {
      return "runs of " + MAX_ROWS + " images give an image other bits at other places on this CPU";
    }
    if (m == MAX_ROWS) {
      return "of runs of up to " + MAX_ROWS + " images, only full ones give each image the same bits on this CPU";
    }
    return "every run of " + m + " to " + MAX_ROWS + " images gives each image the same bits on this CPU, a run of "
        + (m - 1) + " does not";
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** The first candidate giving position-independent rows on this machine, or 1 (every image alone) if none does. */
  static int paddedInput(ProbabilityModel model) {
    for (int k : CANDIDATES) {
      if (positionIndependent(model, k)) {
        return k;
      }
    }
    return 1;
  }

  /**
   * The smallest {@code m} such that every run of {@code m} to {@code maxRows} images gives each
   * image the bits it gets in one run of {@code maxRows}, tried at the start, the middle and the end
   * of that run; {@code maxRows + 1} if runs of {@code maxRows} already differ by place.
   */
  static int shortRunFloor(ProbabilityModel model, int maxRows) {
    int size = model.inputSize();
    float[] images = sparseInk(maxRows, size, 97);
    if (!positionIndependent(model, images, maxRows, new int[] {1, maxRows / 2, maxRows - 1})) {
      return maxRows + 1;
    }
    float[] reference = model.probabilities(images, maxRows);
    int classes = reference.length / maxRows;
    for (int s = maxRows - 1; s >= 1; s--) {
      for (int from : new int[] {0, (maxRows - s) / 2, maxRows - s}) {
        float[] p = model.probabilities(Arrays.copyOfRange(images, from * size, (from + s) * size), s);
        if (!Arrays.equals(reference, from * classes, (from + s) * classes, p, 0, s * classes)) {
          return s + 1;
        }
      }
    }
    return 1;
  }

  /**
   * The first candidate size {@code r} for which {@code build.apply(r)} (a model that pads each
   * call to {@code r} rows itself, like {@link io.tfjmnist.inference.DigitClassifier#forRunsOf})
   * gives every image the same bits at every place of a call and in calls of any size up to
   * {@code r}, with that model (a policy of {@code r} rows); the others are closed. Null if none does.
   */
  static <M extends ProbabilityModel> Chosen<M> firstSelfPadding(IntFunction<? extends M> build) {
    for (int r : CANDIDATES) {
      M model = build.apply(r);
      boolean keep = false;
      try {
        keep = positionIndependent(model, r) && partialCallsAgree(model, r);
        if (keep) {
          return new Chosen<>(new BatchPolicy(BatchPolicy.Kind.PAD_AFTER_CONVOLUTION, 0, r, "", 0), model);
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
  static float[] sparseInk(int k, int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] images = new float[k * size];
    for (int i = 0; i < images.length; i++) {
      images[i] = random.nextInt(5) == 0 ? (float) random.nextDouble() : 0f;
    }
    return images;
  }

  /** Whether each of {@code k} images gets the same bits at every place of a {@code k}-image run. */
  static boolean positionIndependent(ProbabilityModel model, int k) {
    int[] shifts = new int[k - 1];
    for (int s = 1; s < k; s++) {
      shifts[s - 1] = s;
    }
    return positionIndependent(model, sparseInk(k, model.inputSize(), k), k, shifts);
  }

  /** Whether each of the {@code k} images gets the same bits when the run is rotated by each of {@code shifts}. */
  private static boolean positionIndependent(ProbabilityModel model, float[] images, int k, int[] shifts) {
    int size = model.inputSize();
    float[] reference = model.probabilities(images, k);
    int classes = reference.length / k;
    float[] rotated = new float[images.length];
    for (int shift : shifts) {
      if (shift <= 0 || shift >= k) {
        continue;
      }
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
