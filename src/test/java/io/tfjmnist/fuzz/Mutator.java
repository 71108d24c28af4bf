package io.tfjmnist.fuzz;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Deterministic file mutants: the same seed gives the same mutants on every machine. */
final class Mutator {
  /** Values a corrupt or hostile length, count or offset field tends to hold. */
  private static final int[] HUGE = {0x7fffffff, 0xffffffff, 0x80000000, 0x00ffffff, 2_000_000, 0x01000000};

  private Mutator() {}

  /** {@code n} mutants of {@code original}, mutations anywhere in the file. */
  static List<byte[]> mutants(byte[] original, Random r, int n) {
    return mutants(original, r, n, original.length);
  }

  /**
   * {@code n} mutants of {@code original}; field overwrites and flips aim at the first {@code
   * headerBytes} bytes for half of them (where the lengths and counts are).
   */
  static List<byte[]> mutants(byte[] original, Random r, int n, int headerBytes) {
    List<byte[]> out = new ArrayList<>();
    out.add(new byte[0]);
    for (int i = 1; i < n; i++) {
      int span = i % 2 == 0 ? Math.min(headerBytes, original.length) : original.length;
      out.add(mutate(original, r, i % 8, span));
    }
    return out;
  }

  private static byte[] mutate(byte[] original, Random r, int kind, int span) {
    byte[] b = original.clone();
    int len = b.length;
    int at = r.nextInt(Math.max(1, span));
    switch (kind) {
      case 0 -> { // truncation
        return Arrays.copyOf(b, r.nextInt(len));
      }
      case 1 -> b[at] ^= (byte) (1 << r.nextInt(8)); // one bit
      case 2 -> { // a few bytes anywhere in the span
        for (int k = 1 + r.nextInt(8); k > 0; k--) {
          b[r.nextInt(Math.max(1, span))] = (byte) r.nextInt(256);
        }
      }
      case 3 -> { // a huge 32-bit field, either byte order
        int p = Math.min(at, len - 4);
        ByteBuffer.wrap(b, p, 4).order(r.nextBoolean() ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN)
            .putInt(HUGE[r.nextInt(HUGE.length)]);
      }
      case 4 -> { // garbage appended
        byte[] tail = new byte[1 + r.nextInt(1000)];
        r.nextBytes(tail);
        byte[] c = Arrays.copyOf(b, len + tail.length);
        System.arraycopy(tail, 0, c, len, tail.length);
        return c;
      }
      case 5 -> { // a slice repeated
        int from = r.nextInt(len);
        int n = Math.min(len - from, 1 + r.nextInt(64));
        byte[] c = new byte[len + n];
        System.arraycopy(b, 0, c, 0, from + n);
        System.arraycopy(b, from, c, from + n, len - from);
        return c;
      }
      case 6 -> { // a slice deleted
        int from = r.nextInt(len);
        int n = Math.min(len - from, 1 + r.nextInt(64));
        byte[] c = new byte[len - n];
        System.arraycopy(b, 0, c, 0, from);
        System.arraycopy(b, from + n, c, from, len - from - n);
        return c;
      }
      default -> Arrays.fill(b, at, Math.min(len, at + 1 + r.nextInt(32)), (byte) 0); // a zeroed run
    }
    return b;
  }
}
