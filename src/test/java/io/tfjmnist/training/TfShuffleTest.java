package io.tfjmnist.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.tfjmnist.TfjMnistException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * TF's shuffle kernel driven from Java yields the orders Python's {@code tf.data} loop saw (TF 2.21,
 * {@code golden/replay.json}): whole orders for small cases, SHA-256 of MNIST-sized ones, and a run
 * started after k epochs continues with epoch k+1's order.
 */
class TfShuffleTest {
  private static final JsonNode GOLDEN = ReplayGolden.read().get("tf_shuffle");

  @Test
  void smallOrdersEqualPythonsEpochByEpoch() {
    for (JsonNode c : GOLDEN.get("small")) {
      TfShuffle.Seeds seeds = new TfShuffle.Seeds(c.get("global_seed").asLong(), c.get("op_seed").asLong());
      try (TfShuffle shuffle = new TfShuffle(c.get("n").asInt(), c.get("buffer").asInt(), seeds, 0)) {
        for (int e = 0; e < c.get("orders").size(); e++) {
          assertArrayEquals(ints(c.get("orders").get(e)), shuffle.nextEpoch(), seeds + " epoch " + (e + 1));
        }
      }
    }
  }

  @Test
  void mnistSizedOrdersEqualPythonsAndResumeAtAnyEpoch() throws Exception {
    for (JsonNode c : GOLDEN.get("mnist")) {
      TfShuffle.Seeds seeds = new TfShuffle.Seeds(c.get("global_seed").asLong(), c.get("op_seed").asLong());
      int n = c.get("n").asInt();
      int buffer = c.get("buffer").asInt();
      try (TfShuffle shuffle = new TfShuffle(n, buffer, seeds, 0)) {
        for (int e = 0; e < c.get("sha256").size(); e++) {
          int[] order = shuffle.nextEpoch();
          assertArrayEquals(ints(c.get("head").get(e)), Arrays.copyOf(order, 16), seeds + " epoch " + (e + 1));
          assertEquals(c.get("sha256").get(e).asText(), sha256(order), seeds + " epoch " + (e + 1));
        }
      }
      try (TfShuffle resumed = new TfShuffle(n, buffer, seeds, 1)) {
        assertEquals(c.get("sha256").get(1).asText(), sha256(resumed.nextEpoch()), seeds + " resumed at epoch 2");
      }
    }
  }

  @Test
  void seedsAreParsedAndTruncatedAsPythonDoes() {
    assertEquals(new TfShuffle.Seeds(42, 7), TfShuffle.Seeds.parse(" 42:7 "));
    assertArrayEquals(new long[] {0, (1L << 31) - 1}, new TfShuffle.Seeds(0, 0).kernelSeeds());
    assertArrayEquals(new long[] {1, (1L << 31) - 2}, new TfShuffle.Seeds((1L << 31), -1).kernelSeeds());
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> TfShuffle.Seeds.parse("42"));
    assertEquals("TF shuffle seeds are written GLOBAL:OP, the two seeds of Python's tf.random.set_seed(GLOBAL) and "
        + "shuffle(..., seed=OP), e.g. 42:42; got '42'.", e.getMessage());
    e = assertThrows(TfjMnistException.class, () -> TfShuffle.Seeds.parse("a:b"));
    assertEquals("TF shuffle seeds are two whole numbers GLOBAL:OP, e.g. 42:42; got 'a:b'.", e.getMessage());
  }

  private static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }

  /** SHA-256 of the order as int64 little-endian, as the golden script hashes numpy's array. */
  private static String sha256(int[] order) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(order.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i : order) {
      b.putLong(i);
    }
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
  }
}
