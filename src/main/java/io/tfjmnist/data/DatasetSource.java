package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A place that holds one dataset, found by {@link DatasetLocator}: either the four IDX files
 * or a Keras {@code mnist.npz}. Loading is separate from finding so the CLI can report where
 * the data is before spending a second on decompression.
 */
public sealed interface DatasetSource permits DatasetSource.IdxFiles, DatasetSource.Npz {

  DatasetName dataset();

  /** Where the data is, for messages: a folder or a file. */
  String describe();

  /**
   * Reads the data. With {@code verifyChecksums}, IDX files must match the published contents
   * of {@link #dataset()} byte for byte, which also catches a Fashion-MNIST folder passed off as
   * MNIST (both use the same file names).
   */
  MnistData load(boolean verifyChecksums);

  /** Reads the data, verifying checksums. */
  default MnistData load() {
    return load(true);
  }

  /** The four IDX files (each raw or gzip) of one dataset. */
  record IdxFiles(DatasetName dataset, Map<IdxFile, Path> files) implements DatasetSource {
    public IdxFiles {
      Objects.requireNonNull(dataset, "dataset");
      files = Map.copyOf(files);
      for (IdxFile f : IdxFile.values()) {
        if (!files.containsKey(f)) {
          throw new IllegalArgumentException("no path for " + f);
        }
      }
    }

    /** The complete set in {@code dir}, if all four files are there. */
    public static Optional<IdxFiles> in(DatasetName dataset, Path dir) {
      Map<IdxFile, Path> found = new EnumMap<>(IdxFile.class);
      for (IdxFile f : IdxFile.values()) {
        f.findIn(dir).ifPresent(p -> found.put(f, p));
      }
      return found.size() == IdxFile.values().length
          ? Optional.of(new IdxFiles(dataset, found))
          : Optional.empty();
    }

    /** Which of the four files {@code dir} lacks (all four if it holds none). */
    public static List<IdxFile> missingIn(Path dir) {
      List<IdxFile> missing = new ArrayList<>();
      for (IdxFile f : IdxFile.values()) {
        if (f.findIn(dir).isEmpty()) {
          missing.add(f);
        }
      }
      return missing;
    }

    public Path path(IdxFile file) {
      return files.get(file);
    }

    @Override
    public String describe() {
      Path dir = path(IdxFile.TRAIN_IMAGES).toAbsolutePath().getParent();
      if (dir.getFileSystem() != java.nio.file.FileSystems.getDefault()) {
        return "the " + dataset + " copy packaged in tfj-mnist.jar (" + dir + ")";
      }
      return "the IDX files in " + dir;
    }

    @Override
    public MnistData load(boolean verifyChecksums) {
      Dataset train = read(IdxFile.TRAIN_IMAGES, IdxFile.TRAIN_LABELS, verifyChecksums);
      Dataset test = read(IdxFile.TEST_IMAGES, IdxFile.TEST_LABELS, verifyChecksums);
      return new MnistData(dataset, train, test, describe());
    }

    private Dataset read(IdxFile images, IdxFile labels, boolean verify) {
      return IdxReader.read(
          path(images),
          verify ? IdxReader.Expected.of(dataset, images) : null,
          path(labels),
          verify ? IdxReader.Expected.of(dataset, labels) : null);
    }
  }

  /**
   * A Keras {@code mnist.npz}. Its checksum is checked when it is downloaded, not on every load:
   * an .npz's bytes depend on how numpy zipped it, so a valid copy made elsewhere (for example
   * with {@code np.savez}) may not match Keras's file.
   */
  record Npz(DatasetName dataset, Path file) implements DatasetSource {
    public Npz {
      Objects.requireNonNull(dataset, "dataset");
      Objects.requireNonNull(file, "file");
      if (dataset.npzFileName().isEmpty()) {
        throw new TfjMnistException("Keras has no .npz file for " + dataset + ".");
      }
    }

    @Override
    public String describe() {
      return file.toAbsolutePath().toString();
    }

    @Override
    public MnistData load(boolean verifyChecksums) {
      MnistData data = NpzReader.read(file, dataset);
      return new MnistData(dataset, data.train(), data.test(), describe());
    }
  }
}
