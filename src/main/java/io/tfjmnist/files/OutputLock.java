package io.tfjmnist.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One writer per output: an OS file lock ({@link FileChannel#tryLock}) on a hidden lock file beside
 * what is written, holding the writer's PID so that a refused run can name it. The OS drops the lock
 * when the process dies, however it dies, so a killed run never blocks the next one. The lock file
 * stays (deleting it would let two runs lock two different files); it is a few bytes.
 */
public final class OutputLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private OutputLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** Thrown when another process (or this one) holds the lock. */
  public static final class HeldException extends Exception {
    private final String holder;

    HeldException(String holder) {
      super("held by " + holder);
      this.holder = holder;
    }

    /** "PID 1234", or "an unknown process" when the file does not say. */
    public String holder() {
      return holder;
    }
  }

  /**
   * Takes the lock in {@code lockFile} (created if missing, with its folder) and records this
   * process's PID there.
   *
   * @throws HeldException at once when another writer holds it
   * @throws IOException when the lock file cannot be created or locked (a read-only folder)
   */
  public static OutputLock acquire(Path lockFile) throws IOException, HeldException {
    Path abs = lockFile.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    FileChannel ch = FileChannel.open(abs, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this very JVM holds it: another job in the same process
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      String holder = holderOf(ch);
      ch.close();
      throw new HeldException(holder);
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    return new OutputLock(abs, ch, lock);
  }

  /**
   * For readers that repair on disk: the lock when nobody writes now, else empty (then the reader
   * must change nothing). Empty too when the lock file cannot be created (a read-only folder).
   */
  public static Optional<OutputLock> tryAcquire(Path lockFile) {
    try {
      return Optional.of(acquire(lockFile));
    } catch (IOException | HeldException e) {
      return Optional.empty();
    }
  }

  private static String holderOf(FileChannel ch) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      ch.read(buf, 0);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
      return text.matches("\\d{1,19}") ? "PID " + text : "an unknown process";
    } catch (IOException e) {
      return "an unknown process";
    }
  }

  /** The lock of a file or checkpoint prefix: {@code .NAME.lock} beside it. */
  public static Path besides(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    return abs.resolveSibling("." + abs.getFileName() + ".lock");
  }

  /** The lock of a whole output folder (a checkpoint folder): {@code DIR/.tfj-mnist.lock}. */
  public static Path inside(Path dir) {
    return dir.toAbsolutePath().normalize().resolve(".tfj-mnist.lock");
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // the channel's close below releases it too
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing was written that matters; the OS drops the lock with the descriptor
    }
  }
}
