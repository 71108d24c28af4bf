package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelWeights;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The batch policy a served checkpoint gets. Which policy that is depends on the CPU's kernels, so
 * the test asserts what the product promises on the machine at hand: whatever was chosen, every
 * image gets the same bits alone and inside requests of every size, at every place.
 */
@Tag("kernel-paths")
class ServedModelTest {
  @Test
  void thePolicyChosenAtLoadKeepsEveryImagesBitsInRequestsOfEverySize() {
    for (ModelWeights weights : new ModelWeights[] {ServingFixtures.random(), ServingFixtures.trained()}) {
      try (ServedModel served = ServedModel.fromWeights("mnist", 1, weights, 1, true)) {
        BatchPolicy policy = served.policy();
        assertTrue(policy.exact(), policy.describe());
        assertTrue(policy.probeSeconds() > 0, "the policy was measured: " + policy.describe());
        int modelRows = ((DigitClassifier) served.model()).runSize();
        assertEquals(policy.modelPads() ? policy.maxRows() : 0, modelRows, policy.describe());
        System.out.println("[figures] batch policy on this CPU: " + policy.describe());
        assertEveryRequestGivesEachImageItsOwnBits(served, policy);
      }
    }
  }

  /** Requests of 1 to maxRows + 1 images and some large ones, from several places of a pool, through the batcher. */
  static void assertEveryRequestGivesEachImageItsOwnBits(ServedModel served, BatchPolicy policy) {
    int pool = 2 * policy.maxRows() + 3;
    int size = served.inputSize();
    float[] images = RunSize.sparseInk(pool, size, 2024);
    MicroBatcher batcher = new MicroBatcher(served.model(), 64, policy, 1, (n, nanos) -> {});
    float[][] alone = new float[pool][];
    for (int i = 0; i < pool; i++) {
      alone[i] = batcher.run(Arrays.copyOfRange(images, i * size, (i + 1) * size), 1, 60_000);
    }
    int classes = alone[0].length;
    int rows = 0;
    for (int n = 2; n <= pool; n = n <= policy.maxRows() ? n + 1 : n + policy.maxRows() / 2 + 1) {
      for (int from : new int[] {0, (pool - n) / 3, pool - n}) {
        float[] p = batcher.run(Arrays.copyOfRange(images, from * size, (from + n) * size), n, 60_000);
        for (int i = 0; i < n; i++) {
          int image = from + i;
          assertTrue(Arrays.equals(alone[image], 0, classes, p, i * classes, (i + 1) * classes),
              "image " + image + " as row " + i + " of a request of " + n + " under " + policy.describe() + ": "
                  + Arrays.toString(Arrays.copyOfRange(p, i * classes, (i + 1) * classes)) + " vs alone "
                  + Arrays.toString(alone[image]));
          rows++;
        }
      }
    }
    assertTrue(rows > 3 * policy.maxRows(), "rows compared: " + rows);
  }

  @Test
  void withoutExactBatchingTheTrainingGraphRunsCallsOfAnySize() {
    try (ServedModel served = ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1, false)) {
      assertEquals(BatchPolicy.Kind.ANY_SIZE, served.policy().kind());
      assertFalse(served.policy().exact());
      assertEquals(0, served.policy().probeSeconds(), "nothing is probed");
      assertEquals(0, ((DigitClassifier) served.model()).runSize());
    }
  }
}
