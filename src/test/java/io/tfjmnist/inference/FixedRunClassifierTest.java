package io.tfjmnist.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

/**
 * {@link DigitClassifier#forRunsOf}: the layers before the first Dense computed per image, the rest
 * on {@code runSize} rows. On every CPU it must compute the training graph's function (to float
 * rounding) from calls of any size and at any place, and give the same bits for the same call.
 * Whether an image also keeps its bits across calls and places depends on the CPU's kernels: the
 * server measures that at load, and {@code RunSizeTest} checks that measurement.
 */
@Tag("kernel-paths")
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

  /** Calls of every size from 1 to {@code RUN}, from several places, against the plain graph's one call. */
  private static void assertEveryCallComputesTheTrainingGraphsFunction(ModelArchitecture arch) {
    ModelWeights weights = ModelWeights.glorotUniform(arch, 7);
    try (DigitClassifier fixed = DigitClassifier.forRunsOf(weights, ONE_THREAD, RUN);
        DigitClassifier plain = DigitClassifier.of(weights, ONE_THREAD)) {
      assertEquals(RUN, fixed.runSize());
      int size = fixed.inputSize();
      float[] images = sparseInk(RUN, size, 11);
      float[] reference = plain.probabilities(images, RUN);
      int classes = reference.length / RUN;
      double worst = 0;
      int rows = 0;
      for (int n = 1; n <= RUN; n++) {
        for (int from = 0; from + n <= RUN; from += Math.max(1, n / 2)) {
          float[] call = Arrays.copyOfRange(images, from * size, (from + n) * size);
          float[] p = fixed.probabilities(call, n);
          assertArrayEquals(p, fixed.probabilities(call, n), "the same call twice, " + n + " images from " + from);
          for (int i = 0; i < n * classes; i++) {
            worst = Math.max(worst, Math.abs(p[i] - reference[from * classes + i]));
          }
          rows += n;
        }
      }
      assertTrue(rows > 200, "rows compared: " + rows);
      // the same function as the training graph's forward pass, summed in another order
      assertTrue(worst < 1e-6, "largest difference from the plain graph: " + worst);
    }
  }

  @Test
  void quickstartCallsOfAnySizeAndPlaceComputeTheSameFunction() {
    assertEveryCallComputesTheTrainingGraphsFunction(ModelArchitecture.quickstartCnn());
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
    assertEveryCallComputesTheTrainingGraphsFunction(new ModelArchitecture("Small", in, List.of(c1, c2, pool, flat, d1, d2)));
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
