package io.tfjmnist.serving;

import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * TF Serving's layout of a model on disk: a base path whose sub-folders named by a whole number
 * ({@code mnist/1}, {@code mnist/2}, ...) are the model's versions; other names are ignored, as TF
 * Serving ignores them. A version folder holds a SavedModel ({@code saved_model.pb}), or one model
 * file this project reads ({@code .keras}, {@code .weights.h5}, {@code .h5}, or a TF checkpoint,
 * named by its {@code .index} file's prefix).
 */
public final class VersionFolders {
  /** One version folder: its number and where it is. */
  public record Version(long number, Path dir) {}

  private VersionFolders() {}

  /** The version folders under {@code base}, lowest number first; throws with a clear sentence when there is none. */
  public static List<Version> list(Path base) {
    List<Version> versions = scan(base);
    if (versions.isEmpty()) {
      throw new TfjMnistException("Model base path " + base + " holds no version folder (a sub-folder named by a"
          + " number, such as " + base.resolve("1") + ").");
    }
    return versions;
  }

  /** The version folders under {@code base} now, lowest number first, none included (a poll between versions). */
  public static List<Version> scan(Path base) {
    if (!Files.isDirectory(base)) {
      throw new TfjMnistException("Model base path " + base + " is not a folder.");
    }
    List<Version> versions = new ArrayList<>();
    try (Stream<Path> children = Files.list(base)) {
      for (Path p : (Iterable<Path>) children::iterator) {
        String name = p.getFileName().toString();
        if (Files.isDirectory(p) && name.matches("\\d{1,18}")) {
          versions.add(new Version(Long.parseLong(name), p));
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new TfjMnistException("Cannot list model base path " + base + ": " + e.getMessage(), e);
    }
    versions.sort(Comparator.comparingLong(Version::number));
    return versions;
  }

  /** The highest-numbered version, the one TF Serving's default policy ({@code latest}) serves. */
  public static Version latest(Path base) {
    List<Version> all = list(base);
    return all.get(all.size() - 1);
  }

  /** Whether the version folder holds a SavedModel (else {@link #modelFile(Path)} names its model file). */
  public static boolean isSavedModel(Path dir) {
    return Files.isRegularFile(dir.resolve("saved_model.pb"));
  }

  /** The one model file of a version folder that holds no SavedModel: a Keras file, or a checkpoint's prefix. */
  public static Path modelFile(Path dir) {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(p)) {
          continue;
        }
        if (lower.endsWith(".keras") || lower.endsWith(".h5")) {
          found.add(p);
        } else if (name.endsWith(".index")) {
          found.add(dir.resolve(name.substring(0, name.length() - ".index".length())));
        }
      }
    } catch (IOException e) {
      throw new TfjMnistException("Cannot list version folder " + dir + ": " + e.getMessage(), e);
    }
    if (found.size() != 1) {
      throw new TfjMnistException("Version folder " + dir + " holds " + (found.isEmpty() ? "no model" : found.size()
          + " models (" + found.stream().map(p -> p.getFileName().toString()).sorted().toList() + ")") + "; it must hold"
          + " a SavedModel (saved_model.pb) or one .keras, .weights.h5, .h5 file or TF checkpoint.");
    }
    return found.get(0);
  }
}
