package io.tfjmnist.serving.bench;

import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tensorflow.proto.ConfigProto;

/**
 * Why exact serving runs 16 images at a time, and what that costs (a benchmark, not a test). With
 * the serving setting of one TF thread and random Glorot weights of the quickstart CNN:
 *
 * <ol>
 *   <li>which run sizes of 1 to 64 give every image the bits it gets in a run of 64 (images placed
 *       at three offsets): TF's oneDNN kernels take other code paths for other sizes;
 *   <li>the median time of a session run of 1, 2, 4, 8 and 16 images: the training graph's forward
 *       pass (what {@code --no-exact-batching} runs), that graph with the input padded to 16 images,
 *       and the graph padded after the convolution ({@code DigitClassifier.forRunsOf(16)}, what
 *       exact serving runs).
 * </ol>
 *
 * <p>Usage: {@code scripts/bench-run-sizes}
 */
public final class RunSizeBench {
  private static final int MOST = 64;

  private RunSizeBench() {}

  public static void main(String[] args) {
    ConfigProto oneThread = ConfigProto.newBuilder().setIntraOpParallelismThreads(1).setInterOpParallelismThreads(-1).build();
    ModelWeights weights = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 42);
    try (DigitClassifier plain = DigitClassifier.of(weights, oneThread);
        DigitClassifier padded = DigitClassifier.forRunsOf(weights, oneThread, 16)) {
      int size = plain.inputSize();
      SplittableRandom random = new SplittableRandom(5);
      float[] images = new float[MOST * size];
      for (int i = 0; i < images.length; i++) {
        images[i] = random.nextInt(5) == 0 ? (float) random.nextDouble() : 0f;
      }
      float[] reference = plain.probabilities(images, MOST);
      int classes = reference.length / MOST;
      StringBuilder same = new StringBuilder();
      StringBuilder differ = new StringBuilder();
      for (int n = 1; n <= MOST; n++) {
        int rows = 0;
        for (int offset : new int[] {0, 7, 31}) {
          float[] run = new float[n * size];
          for (int i = 0; i < n; i++) {
            System.arraycopy(images, ((offset + i) % MOST) * size, run, i * size, size);
          }
          float[] p = plain.probabilities(run, n);
          for (int i = 0; i < n; i++) {
            int at = (offset + i) % MOST;
            if (!Arrays.equals(p, i * classes, (i + 1) * classes, reference, at * classes, (at + 1) * classes)) {
              rows++;
            }
          }
        }
        (rows == 0 ? same : differ).append(' ').append(n).append(rows == 0 ? "" : "(" + rows + ")");
      }
      System.out.println("run sizes whose rows equal a run of 64 at every place:" + same);
      System.out.println("run sizes with rows that differ (rows of 3 runs):" + differ);
      System.out.println();
      System.out.println("| images | plain graph, ms | input padded to 16, ms | padded after the convolution, ms |");
      System.out.println("| ---: | ---: | ---: | ---: |");
      for (int n : new int[] {1, 2, 4, 8, 16}) {
        float[] run = Arrays.copyOf(images, n * size);
        float[] inputPadded = new float[16 * size];
        System.arraycopy(run, 0, inputPadded, 0, run.length);
        double a = median(() -> plain.probabilities(run, n));
        double b = median(() -> plain.probabilities(inputPadded, 16));
        double c = median(() -> padded.probabilities(run, n));
        System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2f |%n", n, a, b, c);
      }
      // What a lone request pays when short runs are padded to 2 rows (the policy an AVX-512 CPU
      // gets): a run of 2 against a run of 1, in alternating rounds so a noisy machine's slow
      // spells fall on both.
      float[] one = Arrays.copyOf(images, size);
      float[] two = Arrays.copyOf(images, 2 * size);
      double[] ratios = new double[6];
      for (int round = 0; round < ratios.length; round++) {
        double r1 = median(() -> plain.probabilities(one, 1), 1500);
        double r2 = median(() -> plain.probabilities(two, 2), 1500);
        ratios[round] = r2 / r1;
        System.out.printf(Locale.ROOT, "round %d: a run of 1 %.3f ms, a run of 2 %.3f ms (%.2fx)%n", round + 1, r1, r2,
            ratios[round]);
      }
      Arrays.sort(ratios);
      System.out.printf(Locale.ROOT, "a run of 2 costs %.2fx a run of 1 (median of %d rounds of 1,500 calls each)%n",
          (ratios[2] + ratios[3]) / 2, ratios.length);
    }
  }

  /** Median milliseconds of {@code calls} calls after 5 warm-up calls. */
  private static double median(Runnable call, int calls) {
    for (int i = 0; i < 5; i++) {
      call.run();
    }
    long[] t = new long[calls];
    for (int i = 0; i < t.length; i++) {
      long t0 = System.nanoTime();
      call.run();
      t[i] = System.nanoTime() - t0;
    }
    Arrays.sort(t);
    return t[t.length / 2] / 1e6;
  }

  /** Median milliseconds of 41 calls after 5 warm-up calls. */
  private static double median(Runnable call) {
    return median(call, 41);
  }
}
