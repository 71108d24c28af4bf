package io.tfjmnist.files;

/**
 * Named crash points for the kill tests: when the environment variable {@code TFJ_MNIST_FAULT}
 * names a point, the JVM halts there at once, as a power cut or {@code kill -9} would (no shutdown
 * hooks, no finally blocks). Unset, a point costs one string comparison. Kept here, in the lowest
 * layer, so that every save (checkpoint bundles, export folders) can name its windows.
 */
public final class CrashPoints {
  /** Exit status of an injected crash, as a shell reports a SIGKILLed process. */
  public static final int EXIT_STATUS = 137;
  private static final String FAULT = System.getenv("TFJ_MNIST_FAULT");

  private CrashPoints() {}

  public static void point(String name) {
    if (name.equals(FAULT)) {
      Runtime.getRuntime().halt(EXIT_STATUS);
    }
  }
}
