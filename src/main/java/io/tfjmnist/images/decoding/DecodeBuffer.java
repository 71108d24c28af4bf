package io.tfjmnist.images.decoding;

/**
 * One thread's reusable array for libjpeg-turbo's decoded samples, so that decoding photo after
 * photo does not leave a new array of half a megabyte or more per photo behind: in a fresh JVM
 * every such array lands on heap pages touched for the first time, each a page fault, until the
 * allocator has walked the whole heap once.
 *
 * <p>Each decode takes a new {@link Lease} on its thread's buffer, which ends every earlier lease on
 * it: a {@link DecodedImage} whose samples live here asks {@link Lease#holds} before each read and,
 * once the buffer has moved on to another photo (or the read comes from another thread, which must
 * never read an array its owner may be overwriting), decodes its file again into arrays of its own.
 * So a photo's data can never show through another's, whatever a caller keeps.
 *
 * <p>Only threads that keep their photo buffers ({@link PhotoBuffers}) have one; on the others
 * each decode gets an array of its own. Arrays above {@link #MAX_KEPT_BYTES} are not kept: one odd
 * huge photo must not pin its megabytes to the thread for good. Each such thread keeps at most that
 * much, and the array goes when its thread ends.
 */
final class DecodeBuffer {
  /** 4 MiB: an RGB photo of up to 1.4 megapixels, well past the usual scan or screenshot. */
  static final int MAX_KEPT_BYTES = 4 << 20;

  private static final ThreadLocal<DecodeBuffer> THREADS = ThreadLocal.withInitial(DecodeBuffer::new);

  private final Thread owner = Thread.currentThread();
  private byte[] array = new byte[0];
  private long leases;

  private DecodeBuffer() {}

  /** A new lease on the calling thread's buffer; every earlier lease on it ends. */
  static Lease lease() {
    if (!PhotoBuffers.reusedOnThisThread()) {
      return new Lease(null, 0); // this thread keeps no buffer: each decode gets an array of its own
    }
    DecodeBuffer b = THREADS.get();
    return new Lease(b, ++b.leases);
  }

  /** One decode's claim on its thread's buffer. */
  static final class Lease {
    private final DecodeBuffer buffer;
    private final long number;
    /** Whether {@link #array} handed out the thread's buffer (else an array of the decode's own). */
    private boolean shared;

    private Lease(DecodeBuffer buffer, long number) {
      this.buffer = buffer;
      this.number = number;
    }

    /**
     * An array of at least {@code n} bytes for this decode: the thread's buffer (grown if it must
     * be) while this lease is its latest, else, and above {@link #MAX_KEPT_BYTES}, a new array.
     */
    byte[] array(int n) {
      if (buffer == null || n > MAX_KEPT_BYTES || !current()) {
        return new byte[n];
      }
      shared = true;
      if (buffer.array.length < n) {
        // An eighth more than asked for, so that photos a little larger than the last do not
        // each grow it again.
        buffer.array = new byte[(int) Math.min(MAX_KEPT_BYTES, n + (long) n / 8)];
      }
      return buffer.array;
    }

    /**
     * Whether the array {@link #array} gave still holds this decode's data for the calling thread:
     * an array of the decode's own always; the thread's buffer only until the next lease on it, and
     * only on its owner thread (another thread could read it while the owner overwrites it).
     */
    boolean holds() {
      return !shared || current();
    }

    private boolean current() {
      return Thread.currentThread() == buffer.owner && buffer.leases == number;
    }
  }
}
