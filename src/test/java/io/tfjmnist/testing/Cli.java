package io.tfjmnist.testing;

import io.tfjmnist.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the CLI in this JVM ({@link #run}) or as {@code java -jar} in a child process ({@link #exec}). */
public final class Cli {
  private Cli() {}

  public record Outcome(int exitCode, String out, String err) {
    /** stderr without TF's native start-up logging, which the CLI cannot silence from Java. */
    public List<String> errLines() {
      List<String> lines = new ArrayList<>();
      for (String l : err.split("\\R")) {
        if (!l.isBlank() && !isNativeLog(l)) {
          lines.add(l);
        }
      }
      return lines;
    }
  }

  static boolean isNativeLog(String line) {
    return line.matches("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: [IWE] |I0000|W0000|WARNING: All log messages|To enable the following instructions).*");
  }

  public static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, o, e);
    }
    return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** As {@link #run}, with stdout and stderr in one stream, in the order they were written. */
  public static Outcome runMerged(String... args) {
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    int code;
    try (PrintStream s = new PrintStream(both, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, s, s);
    }
    String text = both.toString(StandardCharsets.UTF_8);
    return new Outcome(code, text, text);
  }

  /** {@code java -jar target/tfj-mnist.jar args...} in {@code workDir}, killed after {@code timeoutSeconds}. */
  public static Outcome exec(Path workDir, long timeoutSeconds, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", TestData.jar().toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    Path out = java.nio.file.Files.createTempFile("cli-out", ".txt");
    Path err = java.nio.file.Files.createTempFile("cli-err", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("timed out after " + timeoutSeconds + " s: " + cmd + "\n" + java.nio.file.Files.readString(err));
      }
      return new Outcome(p.exitValue(), java.nio.file.Files.readString(out), java.nio.file.Files.readString(err));
    } finally {
      java.nio.file.Files.deleteIfExists(out);
      java.nio.file.Files.deleteIfExists(err);
    }
  }
}
