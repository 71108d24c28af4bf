package io.tfjmnist.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tfjmnist.TfjMnistException;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** batch(32) with tf.data's default drop_remainder=False. */
class BatchesTest {

  @Test
  void keepsThePartialLastBatch() {
    assertEquals(1875, Batches.count(60_000, 32));
    assertEquals(313, Batches.count(10_000, 32));
    assertEquals(32, Batches.size(10_000, 32, 311));
    assertEquals(16, Batches.size(10_000, 32, 312));
    assertEquals(0, Batches.count(0, 32));
    assertEquals(1, Batches.count(1, 32));
    assertEquals(1, Batches.count(Integer.MAX_VALUE, Integer.MAX_VALUE));
    assertThrows(IndexOutOfBoundsException.class, () -> Batches.size(10_000, 32, 313));
  }

  @Test
  void iteratorCoversEveryElementOnceInOrder() {
    int[] order = ShuffleBuffer.epochOrder(10_000, 10_000, 3, 0);
    BatchIterator it = Batches.batch(order, 32);
    assertEquals(313, it.count());
    int batches = 0;
    int covered = 0;
    int last = -1;
    while (it.hasNext()) {
      last = it.next();
      assertEquals(batches, it.index());
      assertEquals(covered, it.start());
      batches++;
      covered += last;
    }
    assertEquals(313, batches);
    assertEquals(10_000, covered);
    assertEquals(16, last);
    assertThrows(NoSuchElementException.class, it::next);
    it.reset();
    assertEquals(32, it.next());
  }

  @Test
  void sixtyThousandMakeEighteenHundredSeventyFiveFullBatches() {
    BatchIterator it = Batches.inOrder(60_000, 32);
    int n = 0;
    while (it.hasNext()) {
      assertEquals(32, it.next());
      n++;
    }
    assertEquals(1875, n);
  }

  @Test
  void identityAndEmpty() {
    assertArrayEquals(new int[] {0, 1, 2, 3}, Batches.identity(4));
    assertFalse(Batches.inOrder(0, 32).hasNext());
  }

  @Test
  void misuse() {
    assertThrows(TfjMnistException.class, () -> Batches.count(10, 0));
    assertThrows(TfjMnistException.class, () -> Batches.batch(new int[3], -1));
    assertThrows(IllegalStateException.class, () -> Batches.inOrder(3, 2).size());
  }
}
