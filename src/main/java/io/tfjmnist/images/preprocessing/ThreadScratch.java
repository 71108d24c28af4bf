package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.PhotoBuffers;
import java.util.function.Supplier;

/**
 * Arrays one thread reuses from photo to photo (a fresh JVM faults in every page a new array lands
 * on), taken for one call and released at its end; only on threads that keep their photo buffers
 * ({@link PhotoBuffers}), others get new arrays each call. A call that finds its thread's scratch taken
 * (a step within a step) gets a new one instead, so no two calls ever share it.
 */
abstract class ThreadScratch {
  private boolean inUse;

  /** The calling thread's scratch from {@code threads}, or {@code fresh}'s while that is in use. */
  static <S extends ThreadScratch> S take(ThreadLocal<S> threads, Supplier<S> fresh) {
    if (!PhotoBuffers.reusedOnThisThread()) {
      return fresh.get(); // a thread that keeps nothing between photos (PhotoBuffers)
    }
    S s = threads.get();
    ThreadScratch mine = s;
    if (mine.inUse) {
      return fresh.get();
    }
    mine.inUse = true;
    return s;
  }

  /** Gives the scratch back to its thread, for the next call. */
  final void release() {
    inUse = false;
  }
}
