package io.tfjmnist.checkpoint;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TF's {@code checkpoint} state file, the {@code CheckpointState} text proto that
 * {@code tf.train.latest_checkpoint(dir)} reads: {@code model_checkpoint_path} (the newest),
 * {@code all_model_checkpoint_paths} (oldest first) and, when every one is known,
 * {@code all_model_checkpoint_timestamps}. Paths are relative to the folder, as Keras writes them,
 * or absolute, as older Python code may. The one reader and writer of that file here.
 *
 * @param latest the newest checkpoint's path as written, or null when the file names none
 * @param entries the listed checkpoints, oldest first
 */
public record CheckpointState(String latest, List<Entry> entries) {
  public static final String FILE_NAME = "checkpoint";
  private static final Pattern LINE = Pattern.compile("^\\s*(\\w+)\\s*:\\s*(.*?)\\s*$");

  /** One listed checkpoint: its path as written, and its save time in seconds (NaN when not recorded). */
  public record Entry(String path, double timestamp) {}

  public CheckpointState {
    entries = List.copyOf(entries);
  }

  /** Nothing saved yet: no state file. */
  public static CheckpointState empty() {
    return new CheckpointState(null, List.of());
  }

  /** The state file of {@code dir}; {@link #empty()} when there is none. */
  public static CheckpointState read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return empty();
    }
    try {
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) { // RuntimeException: bytes that are not UTF-8
      throw new TfjMnistException("Cannot read checkpoint state file " + file + ": " + e.getMessage() + ".", e);
    }
  }

  /** Parses the text proto leniently: unknown fields and malformed lines are skipped, as nothing here depends on them. */
  static CheckpointState parse(List<String> lines) {
    String latest = null;
    List<String> paths = new ArrayList<>();
    List<Double> stamps = new ArrayList<>();
    for (String line : lines) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String value = m.group(2);
      switch (m.group(1)) {
        case "model_checkpoint_path" -> latest = unquote(value);
        case "all_model_checkpoint_paths" -> paths.add(unquote(value));
        case "all_model_checkpoint_timestamps" -> stamps.add(parseDouble(value));
        default -> { }
      }
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      if (paths.get(i) != null) {
        entries.add(new Entry(paths.get(i), stamps.size() == paths.size() ? stamps.get(i) : Double.NaN));
      }
    }
    return new CheckpointState(latest, entries);
  }

  /** The newest checkpoint's prefix resolved against {@code dir}, or null when the file names none. */
  public Path latestPrefix(Path dir) {
    return latest == null ? null : resolve(dir, latest);
  }

  /** A path from the state file resolved against its folder. */
  public static Path resolve(Path dir, String path) {
    Path p = Path.of(path);
    return (p.isAbsolute() ? p : dir.resolve(p)).normalize();
  }

  /** The file's text: timestamps only when every entry has one. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    if (latest != null) {
      sb.append("model_checkpoint_path: ").append(quote(latest)).append('\n');
    }
    for (Entry e : entries) {
      sb.append("all_model_checkpoint_paths: ").append(quote(e.path())).append('\n');
    }
    if (!entries.isEmpty() && entries.stream().noneMatch(e -> Double.isNaN(e.timestamp()))) {
      for (Entry e : entries) {
        sb.append("all_model_checkpoint_timestamps: ").append(String.format(Locale.ROOT, "%.6f", e.timestamp())).append('\n');
      }
    }
    return sb.toString();
  }

  /** Replaces {@code dir/checkpoint} atomically: readers see the old state or the new one. */
  public void write(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    try {
      AtomicFiles.write(file, toText().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    return null;
  }

  private static double parseDouble(String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
