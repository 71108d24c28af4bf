package io.tfjmnist.tensors;

import java.util.concurrent.atomic.AtomicInteger;
import org.tensorflow.TensorFlow;

/**
 * Loads TF's native library on a daemon thread so it overlaps the Java-only work a command does
 * first. The load (a 630 MB {@code dlopen}, kernel registration, JavaCPP's checks) takes 0.75-1 s
 * on 2 cores and reading a checkpoint about 0.35 s: one after the other they made {@code predict}
 * of one image take 1.8 s end to end. (Warming ImageIO the same way measured no gain.)
 *
 * <p>Purely an optimisation: whichever thread touches TF first loads it (the JVM serialises class
 * initialisation), and a failure here surfaces again, with its message, where TF is really used.
 */
public final class NativeWarmUp {
  /** Background loads started and not yet over (loaded or failed). */
  private static final AtomicInteger LOADING = new AtomicInteger();

  private NativeWarmUp() {}

  /** Starts loading TF's natives in the background; returns at once. */
  public static void start() {
    LOADING.incrementAndGet();
    Thread t = new Thread(() -> {
      try {
        TensorFlow.version();
      } catch (Throwable ignored) {
        // Reported where the library is used for real; a warm-up has nobody to tell.
      } finally {
        LOADING.decrementAndGet();
      }
    }, "tf-native-load");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Runs {@code warmUp} on a daemon thread of its own once TF's natives are loaded (loading them
   * itself if nobody has started to): work that needs the natives and would otherwise land on a
   * command's first real use of them, done while the command still reads files. Returns at once.
   * Purely an optimisation too: whatever {@code warmUp} throws is dropped, and a part of it that
   * failed fails again, with its message, where that part is used for real.
   */
  public static void after(String name, Runnable warmUp) {
    Thread t = new Thread(() -> {
      try {
        TensorFlow.version(); // waits for a load under way on another thread (class initialisation)
        warmUp.run();
      } catch (Throwable ignored) {
        // As in start(): reported where it is used for real.
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  /**
   * Whether a load {@link #start}ed is still under way: while it is, anything that needs TF waits
   * for it, and the load keeps only one core busy, so other Java work can use the rest.
   */
  public static boolean loading() {
    return LOADING.get() > 0;
  }
}
