package io.tfjmnist.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Native-leak checks: a probe class's {@code main} runs in a child JVM whose heap is fixed and
 * touched up front ({@code -Xms=-Xmx}, {@code AlwaysPreTouch}), so that its resident memory can
 * only grow through native allocations, and reports it with {@link #print}.
 */
public final class ResidentMemory {
  private ResidentMemory() {}

  /**
   * Runs {@code probe} with a heap of {@code heap} (e.g. "384m") and {@code args}; returns the KB of
   * its {@code rss LABEL KB} lines in order, after echoing them. Fails the test if the probe fails
   * or takes over five minutes.
   */
  public static long[] ofChild(Class<?> probe, String heap, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch", "-cp", System.getProperty("java.class.path"),
        probe.getName()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("leak", ".txt");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "probe timed out");
    List<String> lines = Files.readAllLines(out);
    Files.delete(out);
    assertEquals(0, p.exitValue(), String.join("\n", lines));
    lines.stream().filter(l -> l.startsWith("rss ")).forEach(System.out::println);
    return lines.stream().filter(l -> l.startsWith("rss ")).mapToLong(l -> Long.parseLong(l.split(" ")[2])).toArray();
  }

  /** In the probe: prints {@code rss LABEL KB}, the resident size after a collection. */
  public static void print(String label) throws Exception {
    System.gc();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        System.out.println("rss " + label + " " + line.replaceAll("[^0-9]", ""));
      }
    }
  }
}
