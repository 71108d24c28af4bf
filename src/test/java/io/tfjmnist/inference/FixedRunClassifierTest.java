package io.tfjmnist.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.layers.Activation;
import io.tfjmnist.model.layers.Conv2D;
import io.tfjmnist.model.layers.Dense;
import io.tfjmnist.model.layers.Flatten;
import io.tfjmnist.model.layers.MaxPooling2D;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

/**
 * {@link DigitClassifier#forRunsOf}: the layers before the first Dense computed per image, the rest
 * on {@code runSize} rows. Every image must get the bits it gets in a full run, from calls of any
 * size and at any place, and the same function as the training graph's forward pass.
 */
class FixedRunClassifierTest {
  private static final ConfigProto ONE_THREAD =
      ConfigProto.newBuilder().setIntraOpParallelismThreads(1).setInterOpParallelismThreads(-1).build();
  private static final int RUN = 16;

  private static float[] sparseInk(int images, int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[images * size];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextInt(5) == 0 ? (float) random.nextDouble() : 0f;
    }
    return x;
  }

  /** Calls of every size from 1 to {@code RUN}, from several places, against one full call. */
  private static void assertEveryCallAgreesWithTheFullRun(ModelArchitecture arch) {
    ModelWeights weights = ModelWeights.glorotUniform(arch, 7);
    try (DigitClassifier fixed = DigitClassifier.forRunsOf(weights, ONE_THREAD, RUN);
        DigitClassifier plain = DigitClassifier.of(weights, ONE_THREAD)) {
      assertEquals(RUN, fixed.runSize());
      int size = fixed.inputSize();
      float[] images = sparseInk(RUN, size, 11);
      float[] full = fixed.probabilities(images, RUN);
      int classes = full.length / RUN;
      int rows = 0;
      for (int n = 1; n <= RUN; n++) {
        for (int from = 0; from + n <= RUN; from += Math.max(1, n / 2)) {
          float[] p = fixed.probabilities(Arrays.copyOfRange(images, from * size, (from + n) * size), n);
          for (int i = 0; i < n; i++) {
            int at = from + i;
            assertTrue(Arrays.equals(p, i * classes, (i + 1) * classes, full, at * classes, (at + 1) * classes),
                "image " + at + " as row " + i + " of a call of " + n + ": " + Arrays.toString(Arrays.copyOfRange(p,
                    i * classes, (i + 1) * classes)) + " vs " + Arrays.toString(Arrays.copyOfRange(full, at * classes,
                    (at + 1) * classes)));
            rows++;
          }
        }
      }
      assertTrue(rows > 200, "rows compared: " + rows);
      // the same function as the training graph's forward pass, summed in another order
      float[] reference = plain.probabilities(images, RUN);
      double worst = 0;
      for (int i = 0; i < full.length; i++) {
        worst = Math.max(worst, Math.abs(full[i] - reference[i]));
      }
      assertTrue(worst < 1e-6, "largest difference from the plain graph: " + worst);
    }
  }

  @Test
  void quickstartRowsDoNotDependOnTheCallOrTheirPlace() {
    assertEveryCallAgreesWithTheFullRun(ModelArchitecture.quickstartCnn());
  }

  @Test
  void convolutionsOfSeveralChannelsAndPoolingToo() {
    long[] in = {12, 12, 1};
    Conv2D c1 = new Conv2D("c1", 4, 3, 3, "SAME", Activation.RELU, in);
    Conv2D c2 = new Conv2D("c2", 6, 3, 3, 2, 2, "valid", Activation.RELU, c1.outputShape());
    MaxPooling2D pool = new MaxPooling2D("pool", 2, 2, 2, 2, "valid", c2.outputShape());
    Flatten flat = new Flatten("flatten", pool.outputShape());
    Dense d1 = new Dense("d1", 16, Activation.RELU, flat.outputShape()[0]);
    Dense d2 = new Dense("d2", 3, Activation.SOFTMAX, d1.outputShape()[0]);
    assertEveryCallAgreesWithTheFullRun(new ModelArchitecture("Small", in, List.of(c1, c2, pool, flat, d1, d2)));
  }

  @Test
  void aCallOfMoreThanTheRunSizeIsRefused() {
    ModelWeights weights = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 7);
    try (DigitClassifier fixed = DigitClassifier.forRunsOf(weights, ONE_THREAD, 4)) {
      TfjMnistException e = assertThrows(TfjMnistException.class,
          () -> fixed.probabilities(new float[5 * fixed.inputSize()], 5));
      assertTrue(e.getMessage().contains("at most 4 images"), e.getMessage());
    }
  }
}
