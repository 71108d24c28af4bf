package io.tfjmnist.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's own leftovers of a killed or failed save: hidden {@code .NAME.tmp-PID-NANOS...}
 * files and folders ({@link AtomicFiles#temporarySibling}, and what TF writes under such a prefix).
 * Only names of that form whose PID is no longer running are removed, so another live run's
 * temporaries and anybody else's files are never touched.
 */
public final class StaleTemporaries {
  private static final Pattern OWN = Pattern.compile("^\\..+\\.tmp-(\\d{1,19})-\\d+.*$");

  private StaleTemporaries() {}

  /** Whether {@code fileName} is one of ours and its writer is gone. */
  public static boolean isStale(String fileName) {
    Matcher m = OWN.matcher(fileName);
    if (!m.matches()) {
      return false;
    }
    long pid;
    try {
      pid = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return false;
    }
    return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
  }

  /**
   * Removes the stale temporaries directly in {@code dir} (not below it).
   *
   * @return the names removed, for a notice; empty when there were none or {@code dir} is absent
   */
  public static List<String> clean(Path dir) {
    List<String> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return removed;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (isStale(p.getFileName().toString()) && deleteTree(p)) {
          removed.add(p.getFileName().toString());
        }
      }
    } catch (IOException e) {
      // an unreadable folder: the save itself will report it
    }
    return removed;
  }

  /** {@link #clean} with one notice naming the folder and how much was removed. */
  public static void cleanAndReport(Path dir) {
    List<String> removed = clean(dir);
    if (!removed.isEmpty()) {
      Notices.report("Removed " + removed.size() + " temporary file" + (removed.size() == 1 ? "" : "s")
          + " left in " + dir.toAbsolutePath() + " by an interrupted save.");
    }
  }

  private static boolean deleteTree(Path p) {
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
