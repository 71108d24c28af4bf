package io.tfjmnist.training.callbacks;

import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * One TensorBoard event file ({@code events.out.tfevents.<secs>.<host>.<pid>.v2}) in a folder,
 * written the way TF's {@code EventsWriter} does: a first record carrying
 * {@code file_version: "brain.Event:2"}, then one TFRecord per {@link Event}. Records are buffered
 * and reach the disk on {@link #flush()} (TensorBoard polls files, so a flush per epoch is plenty).
 * Not thread-safe; a training loop writes from one thread.
 */
public final class EventFileWriter implements AutoCloseable {
  /** What TensorBoard expects in the first record of a file written by TF 2. */
  public static final String FILE_VERSION = "brain.Event:2";
  private static final int BUFFER_BYTES = 64 * 1024;

  private final Path file;
  private final OutputStream out;
  private boolean closed;

  private EventFileWriter(Path file, OutputStream out) {
    this.file = file;
    this.out = out;
  }

  /** Creates {@code dir} if needed and a new event file in it; never overwrites an existing one. */
  public static EventFileWriter create(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot create the TensorBoard log folder " + dir + ": " + e.getMessage() + ".", e);
    }
    long seconds = System.currentTimeMillis() / 1000;
    String base = "events.out.tfevents." + seconds + "." + Hostname.get() + "." + ProcessHandle.current().pid();
    for (int attempt = 0; ; attempt++) {
      // Two writers of one process in one second would collide; TensorBoard reads any name
      // containing "tfevents", so a counter before ".v2" keeps both.
      Path file = dir.resolve(base + (attempt == 0 ? "" : "." + attempt) + ".v2");
      try {
        OutputStream os = new java.io.BufferedOutputStream(
            Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), BUFFER_BYTES);
        EventFileWriter w = new EventFileWriter(file, os);
        w.write(Event.newBuilder().setWallTime(wallTime()).setFileVersion(FILE_VERSION).build());
        w.flush(); // the file is a valid (empty) event file from the start
        return w;
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 100) {
          throw new TfjMnistException("Cannot create a new TensorBoard event file in " + dir + ": too many files named " + base + ".*.", e);
        }
      } catch (IOException e) {
        throw new TfjMnistException("Cannot create TensorBoard event file " + file + ": " + e.getMessage() + ".", e);
      }
    }
  }

  public Path file() {
    return file;
  }

  /** Appends one event as a framed record (buffered). */
  public void write(Event event) {
    try {
      out.write(TfRecord.frame(event.toByteArray()));
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write TensorBoard event file " + file + ": " + e.getMessage() + ".", e);
    }
  }

  /**
   * A scalar as a {@code simple_value}: TensorBoard's scalars dashboard reads these directly (TF 2
   * writes tensors with plugin metadata instead, which TensorBoard converts back to the same).
   */
  public void writeScalar(String tag, long step, float value) {
    write(Event.newBuilder()
        .setWallTime(wallTime())
        .setStep(step)
        .setSummary(Summary.newBuilder().addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue(value)))
        .build());
  }

  public void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write TensorBoard event file " + file + ": " + e.getMessage() + ".", e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.close();
    } catch (IOException e) {
      throw new TfjMnistException("Cannot finish TensorBoard event file " + file + ": " + e.getMessage() + ".", e);
    }
  }

  static double wallTime() {
    return System.currentTimeMillis() / 1000.0;
  }

  /** The host name as TF puts it in event file names, reduced to characters safe in a file name. */
  static final class Hostname {
    private static String cached;

    private Hostname() {}

    static synchronized String get() {
      if (cached == null) {
        cached = sanitize(lookup());
      }
      return cached;
    }

    private static String lookup() {
      // The environment and /etc/hostname first: a reverse DNS lookup can stall for seconds.
      String env = System.getenv("HOSTNAME");
      if (env != null && !env.isBlank()) {
        return env;
      }
      try {
        Path etc = Path.of("/etc/hostname");
        if (Files.isRegularFile(etc)) {
          String s = Files.readString(etc, StandardCharsets.UTF_8).trim();
          if (!s.isEmpty()) {
            return s;
          }
        }
      } catch (IOException | RuntimeException ignored) {
        // fall through
      }
      try {
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException | RuntimeException e) {
        return "localhost";
      }
    }

    static String sanitize(String s) {
      String t = s.replaceAll("[^A-Za-z0-9._-]", "_");
      return t.isEmpty() ? "localhost" : t;
    }
  }
}
