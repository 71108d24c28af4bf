package io.tfjmnist.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real Python TensorFlow for tests: the python named by {@code TFJ_MNIST_PYTHON} (system property,
 * else environment variable; {@code .ci/run} points it at {@code target/venv}) runs scripts from
 * {@code python-reference/}.
 *
 * <p>{@link #require()} skips the calling test (JUnit assumption, with the reason) when that python
 * is not set or cannot import TensorFlow, unless {@code TFJ_MNIST_REQUIRE_PYTHON=1}: then it fails,
 * so that CI cannot pass by skipping. Usage:
 *
 * <pre>
 * PythonTf py = PythonTf.require();
 * PythonTf.Run r = py.script("interop.py", Duration.ofMinutes(3), "write", "--out", dir.toString());
 * r.assertOk();   // fails with the exit code and stderr's tail otherwise
 * </pre>
 */
public final class PythonTf {
  /** Property / environment variable naming the python executable. */
  public static final String PYTHON = "TFJ_MNIST_PYTHON";
  /** Property / environment variable that turns a missing python from a skip into a failure. */
  public static final String REQUIRE = "TFJ_MNIST_REQUIRE_PYTHON";

  private static PythonTf found;
  private static String unusable;

  private final Path python;
  private final String versions;

  private PythonTf(Path python, String versions) {
    this.python = python;
    this.versions = versions;
  }

  /** The configured python with TensorFlow, checked once per JVM; skips or fails the test when absent. */
  public static synchronized PythonTf require() {
    if (found == null && unusable == null) {
      probe();
    }
    if (found != null) {
      return found;
    }
    if (required()) {
      fail(unusable + " " + REQUIRE + "=1 demands it (.ci/run installs python-reference/requirements.txt"
          + " into target/venv).");
    }
    Assumptions.abort(unusable + " Set " + PYTHON + " to a python with TensorFlow 2.21 to run this test.");
    throw new AssertionError("unreachable");
  }

  /** The python executable. */
  public Path python() {
    return python;
  }

  /** "TF 2.21.0, Keras 3.15.1" as the python reported it. */
  public String versions() {
    return versions;
  }

  /** {@code python-reference/}, from the project root (the tests' working directory). */
  public static Path scriptsDir() {
    return Path.of("python-reference").toAbsolutePath();
  }

  /**
   * Runs {@code python-reference/<script> args...} in the project root (pass absolute paths for
   * files), killing it after {@code timeout}; a timeout fails the test with stderr's tail.
   */
  public Run script(String script, java.time.Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(python.toString());
    cmd.add(scriptsDir().resolve(script).toString());
    cmd.addAll(List.of(args));
    return exec(cmd, timeout);
  }

  /** What a script run gave. */
  public record Run(List<String> command, int exitCode, String out, String err) {
    /** Fails the test, with the command and stderr's last lines, unless the exit code is 0. */
    public Run assertOk() {
      if (exitCode != 0) {
        fail(String.join(" ", command) + " exited with " + exitCode + ":\n" + tail(err, 40) + "\nstdout:\n"
            + tail(out, 20));
      }
      return this;
    }
  }

  private static boolean required() {
    return "1".equals(setting(REQUIRE));
  }

  private static String setting(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      v = System.getenv(name);
    }
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static void probe() {
    String p = setting(PYTHON);
    if (p == null) {
      unusable = PYTHON + " is not set, so there is no Python TensorFlow to test against.";
      return;
    }
    Path python = Path.of(p);
    if (!Files.isExecutable(python)) {
      unusable = PYTHON + "=" + p + " is not an executable file.";
      return;
    }
    Run r = exec(List.of(p, "-c", "import tensorflow as tf, keras; print('TF', tf.__version__ + ', Keras', keras.__version__)"),
        java.time.Duration.ofMinutes(2));
    if (r.exitCode() != 0) {
      unusable = PYTHON + "=" + p + " cannot import TensorFlow and Keras (exit " + r.exitCode() + "): "
          + tail(r.err(), 3);
      return;
    }
    String[] lines = r.out().strip().split("\\R");
    found = new PythonTf(python, lines[lines.length - 1]);
  }

  private static Run exec(List<String> cmd, java.time.Duration timeout) {
    try {
      Path out = Files.createTempFile("python-out", ".txt");
      Path err = Files.createTempFile("python-err", ".txt");
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(scriptsDir().getParent().toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // TF prints its native start-up lines on stderr; keep stderr for real errors.
        pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
        pb.environment().put("PYTHONUNBUFFERED", "1");
        Process proc = pb.start();
        if (!proc.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
          proc.destroyForcibly().waitFor();
          fail(String.join(" ", cmd) + " did not finish within " + timeout.toSeconds() + " s:\n"
              + tail(Files.readString(err, StandardCharsets.UTF_8), 30));
        }
        return new Run(List.copyOf(cmd), proc.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("could not run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + cmd, e);
    }
  }

  private static String tail(String s, int lines) {
    String[] all = s.split("\\R");
    int from = Math.max(0, all.length - lines);
    return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
  }
}
