package io.tfjmnist.tensors;

import javax.imageio.ImageIO;
import org.tensorflow.TensorFlow;

/**
 * Start-up work that does not depend on the user's input, begun on daemon threads so it overlaps
 * the Java-only work a command does first. Loading TF's native library (a 630 MB {@code dlopen}
 * plus JavaCPP's checks) takes about 1 s on 2 cores, reading a checkpoint about 0.35 s, and
 * ImageIO's plugin scan about 0.1 s: run one after the other they made {@code predict} of one
 * image take 1.8-2 s end to end.
 *
 * <p>Purely an optimisation: whichever thread touches TF first loads it (the JVM serialises class
 * initialisation), and a failure here surfaces again, with its message, where TF is really used.
 */
public final class NativeWarmUp {
  private NativeWarmUp() {}

  /** Starts loading TF's natives and ImageIO's readers in the background; returns at once. */
  public static void start() {
    daemon("tf-native-load", TensorFlow::version);
    daemon("imageio-scan", () -> ImageIO.getImageReadersByFormatName("jpeg").hasNext());
  }

  private static void daemon(String name, Runnable work) {
    Thread t = new Thread(() -> {
      try {
        work.run();
      } catch (Throwable ignored) {
        // Reported where the library is used for real; a warm-up has nobody to tell.
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }
}
