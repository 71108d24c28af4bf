package io.tfjmnist.savedmodel;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.files.AtomicFiles;
import io.tfjmnist.files.CrashPoints;
import io.tfjmnist.files.Notices;
import io.tfjmnist.files.OutputLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Replacing an export folder takes two renames (old folder aside, new one in), and no file system
 * does both at once. The old folder is set aside under the fixed hidden name {@code .NAME.old}, so
 * that after a kill between the two renames the next export or reader of {@code NAME} finds it and
 * puts it back (saying so), and after a kill past the second one removes it. The writer holds
 * {@code .NAME.lock} throughout; readers repair only when they can take that lock.
 */
final class ExportFolders {
  private ExportFolders() {}

  /** {@code .NAME.old} beside {@code target}. */
  static Path previous(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    return abs.resolveSibling("." + abs.getFileName() + ".old");
  }

  /** Moves the complete folder {@code tmp} onto {@code target}, setting any old one aside until then. */
  static void replace(Path tmp, Path target) throws IOException {
    Path old = previous(target);
    boolean hadOld = Files.exists(target);
    if (hadOld) {
      AtomicFiles.move(target, old);
    }
    CrashPoints.point("export.after-set-aside");
    try {
      AtomicFiles.move(tmp, target);
    } catch (IOException e) {
      if (hadOld) {
        AtomicFiles.move(old, target);
      }
      throw e;
    }
    CrashPoints.point("export.after-move-in");
    deleteTree(old);
  }

  /** For a reader of {@code dir}: repairs an interrupted replacement when no export is running. */
  static void recoverForReading(Path dir) {
    if (dir == null || dir.getFileName() == null || !Files.exists(previous(dir))) {
      return;
    }
    Optional<OutputLock> lock = OutputLock.tryAcquire(OutputLock.besides(dir));
    if (lock.isEmpty()) {
      return; // an export is running (or the folder is read-only): change nothing
    }
    try (OutputLock held = lock.get()) {
      recover(dir);
    }
  }

  /** Puts a set-aside folder back when {@code target} is missing, else removes it. The caller holds the lock. */
  static void recover(Path target) {
    Path old = previous(target);
    if (!Files.exists(old)) {
      return;
    }
    if (Files.exists(target)) {
      deleteTree(old); // the new folder moved in; only the set-aside one was left
      return;
    }
    try {
      AtomicFiles.move(old, target);
    } catch (IOException e) {
      throw new TfjMnistException("Export folder " + target + " is missing after an interrupted export, and putting"
          + " back the previous one from " + old.getFileName() + " failed: " + e.getMessage() + ".", e);
    }
    Notices.report("Export folder " + target.toAbsolutePath().normalize() + " was missing after an interrupted export:"
        + " put back the previous one.");
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a leftover hidden folder is named for what it is, and the next export removes it
    }
  }
}
