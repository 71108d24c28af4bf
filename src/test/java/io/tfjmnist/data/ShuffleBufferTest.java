package io.tfjmnist.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** tf.data shuffle-buffer semantics over indices. */
class ShuffleBufferTest {

  @Test
  void everyOrderIsAPermutation() {
    int[][] cases = {{0, 5}, {1, 1}, {1, 10}, {7, 1}, {7, 3}, {100, 10}, {100, 100}, {100, 1000}, {60_000, 10_000}};
    for (int[] c : cases) {
      int[] order = ShuffleBuffer.epochOrder(c[0], c[1], 123, 0);
      assertPermutation(order, c[0]);
    }
  }

  @Test
  void deterministicPerSeedAndEpochAndDifferentAcrossEpochs() {
    int[] a = ShuffleBuffer.epochOrder(60_000, 10_000, 42, 0);
    assertArrayEquals(a, ShuffleBuffer.epochOrder(60_000, 10_000, 42, 0));
    assertArrayEquals(a, new ShuffleBuffer(10_000, 42).epochOrder(60_000, 0));
    int[] into = new int[60_001];
    ShuffleBuffer.epochOrder(60_000, 10_000, 42, 0, into);
    assertArrayEquals(a, Arrays.copyOf(into, 60_000));

    int[] epoch1 = ShuffleBuffer.epochOrder(60_000, 10_000, 42, 1);
    int[] epoch2 = ShuffleBuffer.epochOrder(60_000, 10_000, 42, 2);
    int[] otherSeed = ShuffleBuffer.epochOrder(60_000, 10_000, 43, 0);
    assertFalse(Arrays.equals(a, epoch1));
    assertFalse(Arrays.equals(epoch1, epoch2));
    assertFalse(Arrays.equals(a, otherSeed));
    // Not just different somewhere: different almost everywhere.
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      same += a[i] == epoch1[i] ? 1 : 0;
    }
    assertTrue(same < 600, same + " positions agree between epochs");
  }

  @Test
  void orderIsPinnedAcrossJdkVersions() {
    // The generator is written out (SplitMix64), so these exact values must never change:
    // a changed order would silently change every training run.
    assertArrayEquals(
        new int[] {2, 0, 4, 3, 6, 1, 8, 7, 9, 5},
        ShuffleBuffer.epochOrder(10, 3, 2024, 0));
  }

  @Test
  void bufferOfOneKeepsTheInputOrder() {
    int[] order = ShuffleBuffer.epochOrder(50, 1, 9, 3);
    for (int i = 0; i < 50; i++) {
      assertEquals(i, order[i]);
    }
  }

  @Test
  void aSmallBufferOnlyShufflesLocally() {
    int n = 1000;
    int buffer = 10;
    for (int epoch = 0; epoch < 50; epoch++) {
      int[] order = ShuffleBuffer.epochOrder(n, buffer, 7, epoch);
      int[] position = positions(order);
      // Element 999 enters the buffer only after 990 outputs, so it can't come out earlier.
      assertTrue(position[999] >= 990, "element 999 at " + position[999]);
      for (int j = 0; j < n; j++) {
        // Element j enters after output j - buffer, so it is emitted at j - buffer + 1 or later.
        assertTrue(position[j] >= j - buffer + 1, "element " + j + " at " + position[j]);
      }
      for (int i = 0; i < n; i++) {
        // Output i is drawn from a buffer holding only elements below i + buffer.
        assertTrue(order[i] < i + buffer, "output " + i + " is element " + order[i]);
      }
    }
  }

  @Test
  void eachOutputIsAUniformlyRandomSlot() {
    // The first output is uniform over the first bufferSize elements.
    int trials = 20_000;
    int buffer = 10;
    int[] firstCounts = new int[buffer];
    double sumPositionOfElement0 = 0;
    for (int epoch = 0; epoch < trials; epoch++) {
      int[] order = ShuffleBuffer.epochOrder(200, buffer, 11, epoch);
      firstCounts[order[0]]++;
      sumPositionOfElement0 += positions(order)[0];
    }
    for (int c : firstCounts) {
      // expected 2000, sd ~42
      assertEquals(trials / (double) buffer, c, 250, Arrays.toString(firstCounts));
    }
    // Element 0 survives each draw with probability 1 - 1/buffer: its position is geometric
    // with mean buffer - 1 = 9 (sd 9.5, standard error 0.07 over 20,000 epochs).
    assertEquals(buffer - 1, sumPositionOfElement0 / trials, 0.4);
  }

  @Test
  void aBufferAsLargeAsTheDataIsAFullUniformShuffle() {
    int n = 8;
    int trials = 40_000;
    int[][] counts = new int[n][n];
    for (int epoch = 0; epoch < trials; epoch++) {
      int[] order = ShuffleBuffer.epochOrder(n, 100, 5, epoch);
      for (int i = 0; i < n; i++) {
        counts[order[i]][i]++;
      }
    }
    for (int[] row : counts) {
      for (int c : row) {
        assertEquals(trials / (double) n, c, 300); // expected 5000, sd ~66
      }
    }
  }

  @Test
  void rejectsBadArguments() {
    TfjMnistException e =
        assertThrows(TfjMnistException.class, () -> ShuffleBuffer.epochOrder(10, 0, 1, 0));
    assertEquals("The shuffle buffer size must be at least 1, but it is 0.", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ShuffleBuffer.epochOrder(-1, 5, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> ShuffleBuffer.epochOrder(10, 5, 1, 0, new int[9]));
  }

  private static int[] positions(int[] order) {
    int[] pos = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      pos[order[i]] = i;
    }
    return pos;
  }

  private static void assertPermutation(int[] order, int n) {
    assertEquals(n, order.length);
    boolean[] seen = new boolean[n];
    for (int v : order) {
      assertTrue(v >= 0 && v < n && !seen[v], "not a permutation of 0.." + (n - 1));
      seen[v] = true;
    }
  }
}
