package io.tfjmnist.tensors;

import io.tfjmnist.TfjMnistException;
import java.util.Locale;

/**
 * Large arrays that a file asks for, allocated so that running out of Java heap becomes a sentence
 * naming the file and the {@code -Xmx} that would have been needed, never a stack trace.
 *
 * <p>Catching {@link OutOfMemoryError} right at one big {@code new byte[n]} is safe: the failed
 * allocation left the heap as it was. Readers call this only after they have checked the size
 * against what the file really holds, so a refusal here means the data is real and the heap small.
 */
public final class HeapLimit {
  private static final long MIB = 1L << 20;
  /** Room the rest of the program (TensorFlow's Java side, the model, the other arrays) needs beside one array. */
  private static final long HEADROOM = 256 * MIB;

  private HeapLimit() {}

  /**
   * A new {@code byte[bytes]} holding {@code what} (e.g. "the 60000 images of
   * train-images-idx3-ubyte.gz"), or a {@link TfjMnistException} saying how much heap it needs.
   */
  public static byte[] bytes(long bytes, String what) {
    return bytes(bytes, bytes, what);
  }

  /**
   * As {@link #bytes(long, String)}, for one step of a buffer that grows towards {@code needed}
   * bytes: a refusal names what the whole needs, not the step.
   */
  public static byte[] bytes(long bytes, long needed, String what) {
    if (bytes < 0 || bytes > Integer.MAX_VALUE - 8) {
      throw new TfjMnistException(what + " would need " + megabytes(bytes)
          + ", more than one Java array can hold (2 GiB).");
    }
    if (bytes > maxHeap()) {
      throw tooLarge(Math.max(bytes, needed), what); // certain to fail: say so without trying
    }
    try {
      return new byte[(int) bytes];
    } catch (OutOfMemoryError e) {
      throw tooLarge(Math.max(bytes, needed), what);
    }
  }

  /** The exception {@link #bytes} throws when {@code what} does not fit in the heap. */
  public static TfjMnistException tooLarge(long bytes, String what) {
    return new TfjMnistException(what + " needs " + megabytes(bytes) + " of memory, but the Java heap is limited to "
        + megabytes(maxHeap()) + "; run Java with at least " + xmxFor(bytes) + " (java " + xmxFor(bytes)
        + " -jar ...).");
  }

  /** The {@code -Xmx} flag for a heap that holds an array of {@code bytes} beside what the program already uses. */
  public static String xmxFor(long bytes) {
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    long need = Math.max(bytes, 0) + used + HEADROOM;
    long gib = (need + (1L << 30) - 1) >> 30;
    return "-Xmx" + gib + "g";
  }

  /** The most heap this JVM will use ({@code -Xmx}). */
  public static long maxHeap() {
    return Runtime.getRuntime().maxMemory();
  }

  /** {@code 1,568 MB} for messages. */
  public static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%,d MB", (bytes + MIB - 1) / MIB);
  }
}
