package io.tfjmnist.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;

/**
 * The project's one way to replace a file so that readers see either the old file or the complete
 * new one, never half of it: write a hidden temporary file in the same folder (so the rename stays
 * on one file system), force it to disk, then rename it over the target. A crash, Ctrl-C or full
 * disk leaves at most a hidden {@code .NAME.tmp-*} file behind, which nothing reads.
 *
 * <p>Errors are thrown as {@link IOException}s: each caller knows what it was writing and says so in
 * its own message.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the temporary file's content; the stream is closed by {@link #write(Path, Content)}. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Replaces {@code target} with {@code bytes}, atomically; creates missing parent folders. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /** Replaces {@code target} with what {@code content} writes, atomically; creates missing parent folders. */
  public static void write(Path target, Content content) throws IOException {
    Path abs = target.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = temporarySibling(abs);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = Channels.newOutputStream(ch); // closed with the channel
        content.writeTo(out);
        out.flush();
        ch.force(false); // on disk before the rename makes it visible
      }
      keepPermissions(abs, tmp);
      move(tmp, abs);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /** Writes a whole file at the path it is given: for libraries, such as jHDF, that write only to paths. */
  @FunctionalInterface
  public interface PathWriter {
    void writeTo(Path path) throws IOException;
  }

  /** Replaces {@code target} with the file {@code writer} writes at a temporary path beside it, atomically. */
  public static void writeWith(Path target, PathWriter writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = temporarySibling(abs);
    try {
      writer.writeTo(tmp);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(false); // on disk before the rename makes it visible
      }
      keepPermissions(abs, tmp);
      move(tmp, abs);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /** What {@code writer} writes, as bytes, through a temporary file that is always deleted. */
  public static byte[] bytesOf(PathWriter writer) throws IOException {
    Path tmp = Files.createTempFile("tfj-mnist-", ".tmp");
    try {
      writer.writeTo(tmp);
      return Files.readAllBytes(tmp);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * A hidden, unique name beside {@code target} for content that will be renamed over it:
   * {@code .NAME.tmp-PID-NANOS}, so leftovers of any process are recognisable and never collide.
   */
  public static Path temporarySibling(Path target) {
    Path abs = target.toAbsolutePath();
    return abs.resolveSibling("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
  }

  /**
   * Renames {@code from} to {@code to} (files or folders in the same folder), replacing a file at
   * {@code to}: atomically where the file system can, else as a plain replace.
   */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes {@code p} if it exists, ignoring failures: used for temporaries, whose leftovers are harmless. */
  public static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover hidden temporary costs disk space only
    }
  }

  /** A replaced file keeps its permissions (a figure someone made group-readable stays so). */
  private static void keepPermissions(Path target, Path tmp) throws IOException {
    if (Files.exists(target) && Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
    }
  }
}
