package io.tfjmnist.tensors;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.tfjmnist.TfjMnistException;
import java.util.Locale;
import org.bytedeco.javacpp.Loader;

/**
 * Which CPU kernels TensorFlow's native runtime runs: oneDNN's custom operations (TF's default on
 * x86-64) or TF's own Eigen kernels.
 *
 * <p>The choice decides the last bits of results. oneDNN picks its code paths by the CPU's
 * instruction set (AVX2, AVX-512) as well as by shape, and TF 2.18 (this runtime) and the TF that
 * Python runs ship different oneDNN builds; the Eigen kernels sum in one fixed order on every x86-64
 * CPU. So a Java run replays a Python run bit for bit only when both run {@link #EIGEN}.
 *
 * <p>TF reads its switch, the environment variable {@value #VARIABLE}, once, when its native
 * library starts, and the JVM offers no way to change its own environment. {@link #select} therefore
 * sets the variable in the C environment of this process (libc's {@code setenv}, through JNA)
 * before TF is loaded, which is what TF's {@code getenv} reads; after TF has loaded, only the
 * setting it started with can be had.
 */
public enum Kernels {
  /** oneDNN's custom operations: TF's default on x86-64 Linux, fastest, bits depend on the CPU. */
  ONEDNN("onednn"),
  /** TF's Eigen kernels ({@code TF_ENABLE_ONEDNN_OPTS=0}): the same summation order on every x86-64 CPU. */
  EIGEN("eigen");

  /** The environment variable TF reads at start-up. */
  public static final String VARIABLE = "TF_ENABLE_ONEDNN_OPTS";

  private static Kernels selected;

  private final String label;

  Kernels(String label) {
    this.label = label;
  }

  /** The name the CLI and the provenance use: {@code onednn} or {@code eigen}. */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }

  /** {@code onednn} or {@code eigen} (any case). */
  public static Kernels parse(String text) {
    for (Kernels k : values()) {
      if (k.label.equalsIgnoreCase(text.trim())) {
        return k;
      }
    }
    throw new TfjMnistException("Unknown kernels '" + text + "': use eigen or onednn.");
  }

  /**
   * The kernels an environment value of {@value #VARIABLE} gives, as TF reads it: "0" or "false"
   * (any case) turns oneDNN off; unset or anything else leaves TF's default, oneDNN.
   */
  static Kernels fromEnvironmentValue(String value) {
    if (value == null) {
      return ONEDNN;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    return v.equals("0") || v.equals("false") ? EIGEN : ONEDNN;
  }

  /** The kernels TF runs in this process (or will run, if it has not started yet). */
  public static synchronized Kernels active() {
    return selected != null ? selected : fromEnvironmentValue(System.getenv(VARIABLE));
  }

  /** Whether TF's native library is already loaded in this process (then its kernels are fixed). */
  public static boolean runtimeStarted() {
    return Loader.getLoadedLibraries().keySet().stream().anyMatch(name -> name.startsWith("tensorflow"));
  }

  /**
   * Makes TF run {@code kernels} in this process. Call it before anything touches TensorFlow (a
   * service's {@code main}, the CLI's option parsing); a no-op when they are already active.
   *
   * @throws TfjMnistException if TF has already started with the other kernels
   */
  public static synchronized void select(Kernels kernels) {
    if (kernels == active()) {
      return;
    }
    if (runtimeStarted()) {
      throw new TfjMnistException("TensorFlow already started with its " + active() + " kernels in this process; "
          + "choose " + kernels + " before TensorFlow's first use, or start the process with " + VARIABLE + "="
          + (kernels == EIGEN ? "0" : "1") + ".");
    }
    int status;
    try {
      status = LibC.INSTANCE.setenv(VARIABLE, kernels == EIGEN ? "0" : "1", 1);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new TfjMnistException("Could not set " + VARIABLE + " in this process (" + e.getMessage()
          + "); start it with " + VARIABLE + "=" + (kernels == EIGEN ? "0" : "1") + " instead.");
    }
    if (status != 0) {
      throw new TfjMnistException("Could not set " + VARIABLE + " in this process (setenv failed); start it with "
          + VARIABLE + "=" + (kernels == EIGEN ? "0" : "1") + " instead.");
    }
    selected = kernels;
  }

  /** The C library's environment, which TF's native code reads (System.getenv is a copy made at JVM start). */
  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int setenv(String name, String value, int overwrite);
  }
}
