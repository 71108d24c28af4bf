package io.tfjmnist.images.decoding;

/**
 * Which threads keep their photo buffers from one photo to the next: libjpeg-turbo's samples
 * ({@link DecodeBuffer}) and the preprocessing's working arrays, up to about 16 MiB a thread.
 *
 * <p>Reuse pays where a thread decodes photo after photo in a fresh JVM, whose every new array
 * lands on heap pages touched for the first time (a page fault each): {@code predict DIR}'s few
 * threads. It does not pay on the many threads of a server or of a caller's own pool, each of
 * which would pin its buffers for as long as it lives, while a long-running process has touched
 * its heap long ago. So a thread keeps nothing unless it asks to ({@link #reuseOnThisThread}); on
 * every other thread each photo gets arrays of its own, which the collector takes back.
 */
public final class PhotoBuffers {
  private static final ThreadLocal<Boolean> REUSED = ThreadLocal.withInitial(() -> Boolean.FALSE);

  private PhotoBuffers() {}

  /**
   * From now on the calling thread keeps its photo buffers between photos (until it ends). For the
   * threads of a bounded pool that decodes many photos, such as one per core.
   */
  public static void reuseOnThisThread() {
    REUSED.set(Boolean.TRUE);
  }

  /** Whether the calling thread keeps its photo buffers ({@link #reuseOnThisThread}). */
  public static boolean reusedOnThisThread() {
    return REUSED.get();
  }
}
