package io.tfjmnist.checkpoint;

import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a checkpoint's files are: every spelling a user may give (a prefix, its {@code .index}, a
 * data shard, a folder with a {@code checkpoint} state file or a single checkpoint, a SavedModel
 * folder) turned into the prefix, and the file names TF derives from it.
 */
public final class CheckpointPaths {
  private static final Pattern DATA_SUFFIX = Pattern.compile("\\.data-\\d{5}-of-\\d{5}$");

  private CheckpointPaths() {}

  /**
   * Turns any of the accepted spellings (see {@link CheckpointIndex#open}) into the checkpoint prefix, without
   * checking that the index exists.
   */
  public static Path resolvePrefix(Path path) {
    Path p = path.toAbsolutePath().normalize();
    String name = p.getFileName() == null ? "" : p.getFileName().toString();
    if (name.endsWith(".index") && !Files.isDirectory(p)) {
      return p.resolveSibling(name.substring(0, name.length() - ".index".length()));
    }
    Matcher m = DATA_SUFFIX.matcher(name);
    if (m.find() && !Files.isDirectory(p)) {
      return p.resolveSibling(name.substring(0, m.start()));
    }
    if (Files.isDirectory(p)) {
      Path savedModelVars = p.resolve("variables").resolve("variables");
      if (Files.isRegularFile(indexPath(savedModelVars))) {
        return savedModelVars;
      }
      Path latest = latestFromStateFile(p);
      if (latest != null) {
        return latest;
      }
      return onlyCheckpointIn(p);
    }
    return p;
  }

  /**
   * A folder without a {@code checkpoint} state file: its one checkpoint, whatever the prefix
   * ({@code w1.index} is as good as {@code mnist.index}); with several, the user must choose and
   * the message lists them by name.
   */
  private static Path onlyCheckpointIn(Path dir) {
    List<String> prefixes = new ArrayList<>();
    try (var files = Files.list(dir)) {
      files.map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".index") && n.length() > ".index".length())
          .map(n -> n.substring(0, n.length() - ".index".length()))
          .sorted()
          .forEach(prefixes::add);
    } catch (IOException e) {
      throw new TfjMnistException("Directory " + dir + " cannot be listed: " + e.getMessage() + ".", e);
    }
    if (prefixes.size() == 1) {
      return dir.resolve(prefixes.get(0));
    }
    if (prefixes.isEmpty()) {
      throw new TfjMnistException(
          "Directory " + dir + " holds no checkpoint (no .index file): give a checkpoint prefix such as "
              + dir.resolve("mnist") + " (the path of its .index file without the extension).");
    }
    throw new TfjMnistException(
        "Directory " + dir + " holds " + prefixes.size() + " checkpoints (" + String.join(", ", prefixes)
            + ") and no checkpoint state file naming the latest: give one as a prefix, such as "
            + dir.resolve(prefixes.get(0)) + ".");
  }

  /** The newest checkpoint the folder's state file names; null when there is none or it is unreadable. */
  private static Path latestFromStateFile(Path dir) {
    try {
      return CheckpointState.read(dir).latestPrefix(dir);
    } catch (RuntimeException e) {
      return null; // reported as "holds no checkpoint" by the caller
    }
  }

  /** {@code prefix.index}. */
  public static Path indexPath(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".index");
  }

  /** {@code prefix.data-0000K-of-0000N}, TensorFlow's {@code DataFilename}. */
  public static Path dataPath(Path prefix, int shard, int numShards) {
    return prefix.resolveSibling(
        String.format("%s.data-%05d-of-%05d", prefix.getFileName(), shard, numShards));
  }
}
