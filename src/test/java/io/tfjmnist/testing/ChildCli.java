package io.tfjmnist.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The CLI in a child JVM on this test's own class path (no packaged jar needed), for tests that
 * kill it, signal it or run two at once. Output goes to {@code out.txt} and {@code err.txt} in its
 * working folder.
 */
public final class ChildCli {
  private ChildCli() {}

  /** Starts {@code Main args} in {@code workDir} with {@code env} added to the environment. */
  public static Process start(Path workDir, Map<String, String> env, List<String> args) throws IOException {
    return start(workDir, env, List.of(), args);
  }

  /** As {@link #start(Path, Map, List)}, run through {@code wrapper} (a command that ends by exec'ing its arguments). */
  public static Process start(Path workDir, Map<String, String> env, List<String> wrapper, List<String> args)
      throws IOException {
    Files.createDirectories(workDir);
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // C1 only and the serial collector: a child starts in about half the time on a busy
        // machine, which the "refused in under 5 s" check counts; results do not depend on them.
        "-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "io.tfjmnist.cli.Main"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectOutput(workDir.resolve("out.txt").toFile()).redirectError(workDir.resolve("err.txt").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Runs to the end (killed after {@code timeoutSeconds}) and returns its exit status and streams. */
  public static Cli.Outcome run(Path workDir, Map<String, String> env, long timeoutSeconds, List<String> args)
      throws IOException, InterruptedException {
    return run(workDir, env, List.of(), timeoutSeconds, args);
  }

  /** As {@link #run(Path, Map, long, List)}, through {@code wrapper}. */
  public static Cli.Outcome run(Path workDir, Map<String, String> env, List<String> wrapper, long timeoutSeconds,
      List<String> args) throws IOException, InterruptedException {
    Process p = start(workDir, env, wrapper, args);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("timed out after " + timeoutSeconds + " s: " + args + "\n" + err(workDir));
    }
    return new Cli.Outcome(p.exitValue(), Files.readString(workDir.resolve("out.txt")), err(workDir));
  }

  public static String err(Path workDir) throws IOException {
    return Files.readString(workDir.resolve("err.txt"));
  }
}
