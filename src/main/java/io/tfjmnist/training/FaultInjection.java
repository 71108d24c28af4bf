package io.tfjmnist.training;

import io.tfjmnist.files.CrashPoints;

/**
 * Named crash points for the kill-and-resume tests ({@link CrashPoints}, which the lower layers'
 * saves call directly): when {@code TFJ_MNIST_FAULT} names a point, the JVM halts there at once.
 */
public final class FaultInjection {
  /** Exit status of an injected crash, as a shell reports a SIGKILLed process. */
  public static final int EXIT_STATUS = CrashPoints.EXIT_STATUS;

  private FaultInjection() {}

  public static void point(String name) {
    CrashPoints.point(name);
  }
}
