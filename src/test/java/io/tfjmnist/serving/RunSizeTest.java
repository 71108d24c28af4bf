package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.inference.ProbabilityModel;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

/**
 * The load-time probe tries a few places of each run size; these tests try every place and every
 * size on the CPU at hand and require the same verdicts. The verdicts themselves differ from one
 * CPU to the next (AVX2, AVX-512, Eigen), so none is asserted: only that the cheap probe never calls
 * a size safe that is not, nor misses one that is.
 */
@Tag("kernel-paths")
class RunSizeTest {
  private static final ConfigProto ONE_THREAD =
      ConfigProto.newBuilder().setIntraOpParallelismThreads(1).setInterOpParallelismThreads(-1).build();

  /** The smallest m such that every call of m..max images, at every offset of a pool of max, gives the pool run's rows. */
  private static int exhaustiveFloor(ProbabilityModel model, int max) {
    if (!RunSize.positionIndependent(model, max)) {
      return max + 1;
    }
    int size = model.inputSize();
    float[] images = RunSize.sparseInk(max, size, 97);
    float[] reference = model.probabilities(images, max);
    int classes = reference.length / max;
    for (int s = max - 1; s >= 1; s--) {
      for (int from = 0; from + s <= max; from++) {
        float[] p = model.probabilities(Arrays.copyOfRange(images, from * size, (from + s) * size), s);
        if (!Arrays.equals(reference, from * classes, (from + s) * classes, p, 0, s * classes)) {
          return s + 1;
        }
      }
    }
    return 1;
  }

  /** Whether every call of 1..r images at every offset of a run of r gives that run's rows. */
  private static boolean everyCallAgrees(ProbabilityModel model, int r) {
    int size = model.inputSize();
    float[] images = RunSize.sparseInk(r, size, 5);
    float[] full = model.probabilities(images, r);
    int classes = full.length / r;
    for (int n = 1; n < r; n++) {
      for (int from = 0; from + n <= r; from++) {
        float[] p = model.probabilities(Arrays.copyOfRange(images, from * size, (from + n) * size), n);
        if (!Arrays.equals(full, from * classes, (from + n) * classes, p, 0, n * classes)) {
          return false;
        }
      }
    }
    return RunSize.positionIndependent(model, r);
  }

  @Test
  void theShortRunFloorIsTheOneEveryPlaceGives() {
    ModelWeights weights = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 7);
    try (DigitClassifier plain = DigitClassifier.of(weights, ONE_THREAD)) {
      int probed = RunSize.shortRunFloor(plain, RunSize.MAX_ROWS);
      System.out.println("[figures] runs of " + probed + " to " + RunSize.MAX_ROWS
          + " images keep every row's bits on this CPU (quickstart CNN, one TF thread)");
      assertEquals(exhaustiveFloor(plain, RunSize.MAX_ROWS), probed);
    }
  }

  @Test
  void theSelfPaddingProbeAgreesWithEveryCallAndPlace() {
    ModelWeights weights = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 7);
    int r = RunSize.CANDIDATES[0];
    try (DigitClassifier padded = DigitClassifier.forRunsOf(weights, ONE_THREAD, r)) {
      boolean probed = RunSize.positionIndependent(padded, r) && RunSize.partialCallsAgree(padded, r);
      System.out.println("[figures] Dense layers padded to " + r + " rows keep every row's bits on this CPU: " + probed);
      assertEquals(everyCallAgrees(padded, r), probed);
    }
  }
}
