package io.tfjmnist.checkpoint;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.files.AtomicFiles;
import io.tfjmnist.files.CrashPoints;
import io.tfjmnist.files.Notices;
import io.tfjmnist.files.OutputLock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A checkpoint is two files, {@code PREFIX.index} and {@code PREFIX.data-00000-of-00001}, and no
 * file system renames two files at once. Replacing an existing pair therefore first keeps the old
 * pair under the hidden prefix {@code .NAME.prev} (hard links, or copies where links are not
 * possible), then renames the new data and the new index into place, then drops the kept pair:
 *
 * <ul>
 *   <li>killed before the data moves: the old pair is intact; the kept pair is a leftover;
 *   <li>killed between the two renames: new data under the old index (a torn pair), and the kept
 *       pair is the complete old one;
 *   <li>killed after the index moves: the new pair is intact; the kept pair is a leftover.
 * </ul>
 *
 * Readers ({@link CheckpointIndex#open}) call {@link #forReading}: when a kept pair exists they
 * verify every checksum of the pair, and put the kept pair back when the pair is torn (or read it in
 * place while a writer holds the lock and may still finish), reporting what they did to
 * {@link Notices}.
 */
public final class TornPairs {
  private TornPairs() {}

  /** {@code DIR/.NAME.prev}: the old pair kept while a new one moves in. */
  public static Path previous(Path prefix) {
    Path abs = prefix.toAbsolutePath().normalize();
    return abs.resolveSibling("." + abs.getFileName() + ".prev");
  }

  /** Whether a kept pair (an interrupted or running replacement) lies beside {@code prefix}. */
  static boolean hasPrevious(Path prefix) {
    return Files.exists(CheckpointSaver.indexFile(previous(prefix)))
        || Files.exists(CheckpointSaver.dataFile(previous(prefix)));
  }

  /**
   * Moves the complete pair under {@code tmp} onto {@code prefix}, keeping the old pair until the
   * new one is whole. The caller is the one writer of {@code prefix} (it holds its lock or owns it).
   */
  static void replace(Path tmp, Path prefix) throws IOException {
    repair(prefix); // a previous interrupted replacement first, so the kept pair is this save's
    Path prev = previous(prefix);
    boolean hadOld = Files.isRegularFile(CheckpointSaver.indexFile(prefix))
        && Files.isRegularFile(CheckpointSaver.dataFile(prefix));
    if (hadOld) {
      keep(CheckpointSaver.dataFile(prefix), CheckpointSaver.dataFile(prev));
      keep(CheckpointSaver.indexFile(prefix), CheckpointSaver.indexFile(prev)); // the kept pair counts from here
    }
    CrashPoints.point("pair.after-keep");
    AtomicFiles.move(CheckpointSaver.dataFile(tmp), CheckpointSaver.dataFile(prefix));
    CrashPoints.point("pair.after-data");
    AtomicFiles.move(CheckpointSaver.indexFile(tmp), CheckpointSaver.indexFile(prefix));
    CrashPoints.point("pair.after-index");
    dropPrevious(prefix);
  }

  /**
   * The prefix to read for {@code prefix}: itself, unless a kept pair shows that a replacement was
   * interrupted (or is running) and the pair fails its checksums; then the kept old pair, put back
   * on disk when no writer holds the lock.
   */
  public static Path forReading(Path prefix) {
    if (!hasPrevious(prefix)) {
      return prefix;
    }
    boolean intact = isIntact(prefix);
    Path prev = previous(prefix);
    Optional<OutputLock> lock = OutputLock.tryAcquire(OutputLock.besides(prefix));
    if (lock.isEmpty()) { // a writer is at work: read what is whole, change nothing
      if (intact || !isIntact(prev)) {
        return prefix;
      }
      Notices.report("Checkpoint " + prefix + " is being replaced: reading the previous complete weights ("
          + prev.getFileName() + ").");
      return prev;
    }
    try (OutputLock held = lock.get()) {
      if (intact) {
        dropPrevious(prefix); // the replacement finished; only the kept pair was left
        return prefix;
      }
      repair(prefix);
      return prefix;
    } catch (IOException e) {
      throw new TfjMnistException("Checkpoint " + prefix + " was torn by an interrupted save, and putting back the"
          + " previous complete weights from " + prev.getFileName() + " failed: " + e.getMessage() + ".", e);
    }
  }

  /** Puts a torn pair right from the kept pair, or drops a kept pair that is no longer needed. */
  static void repair(Path prefix) throws IOException {
    if (!hasPrevious(prefix)) {
      return;
    }
    Path prev = previous(prefix);
    if (!isIntact(prefix) && isIntact(prev)) {
      // Data first: from then on the pair is the old one whole, and the kept index only a leftover.
      AtomicFiles.move(CheckpointSaver.dataFile(prev), CheckpointSaver.dataFile(prefix));
      AtomicFiles.move(CheckpointSaver.indexFile(prev), CheckpointSaver.indexFile(prefix));
      Notices.report("Checkpoint " + prefix + " was torn by an interrupted save (its data and index came from"
          + " different saves): put back the previous complete weights.");
      return;
    }
    dropPrevious(prefix);
  }

  private static void dropPrevious(Path prefix) {
    Path prev = previous(prefix);
    AtomicFiles.deleteQuietly(CheckpointSaver.indexFile(prev)); // index first: without it the pair is not kept
    AtomicFiles.deleteQuietly(CheckpointSaver.dataFile(prev));
  }

  /** Every tensor's checksum against the data it points at: a torn pair fails here. */
  static boolean isIntact(Path prefix) {
    if (!Files.isRegularFile(CheckpointSaver.indexFile(prefix)) || !Files.isRegularFile(CheckpointSaver.dataFile(prefix))) {
      return false;
    }
    try (CheckpointReader reader = new CheckpointReader(CheckpointIndex.openExact(prefix))) {
      reader.verifyAll();
      return true;
    } catch (RuntimeException e) { // any failure to read back means "not whole"
      return false;
    }
  }

  /** A second name for {@code file} that survives its replacement: a hard link, else a copy. */
  private static void keep(Path file, Path kept) throws IOException {
    Files.deleteIfExists(kept);
    try {
      Files.createLink(kept, file);
    } catch (UnsupportedOperationException | FileSystemException e) {
      Files.copy(file, kept, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel ch = FileChannel.open(kept, StandardOpenOption.WRITE)) {
        ch.force(false);
      }
    }
  }
}
