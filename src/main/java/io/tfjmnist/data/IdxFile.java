package io.tfjmnist.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The four files of the MNIST distribution format, under the names LeCun's site (and Keras's
 * Fashion-MNIST mirror) use. Both datasets share these names, so a folder is told apart by its
 * location and, when checksums are verified, by its contents.
 */
public enum IdxFile {
  TRAIN_IMAGES("train-images-idx3-ubyte", true, 60_000),
  TRAIN_LABELS("train-labels-idx1-ubyte", false, 60_000),
  TEST_IMAGES("t10k-images-idx3-ubyte", true, 10_000),
  TEST_LABELS("t10k-labels-idx1-ubyte", false, 10_000);

  private final String fileName;
  private final boolean images;
  private final int knownCount;

  IdxFile(String fileName, boolean images, int knownCount) {
    this.fileName = fileName;
    this.images = images;
    this.knownCount = knownCount;
  }

  /**
   * How many examples this file holds in both MNIST and Fashion-MNIST (60,000 train, 10,000 test):
   * a file verified against their checksums can hold no other count, so a header saying otherwise
   * is refused before anything is read.
   */
  public int knownCount() {
    return knownCount;
  }

  /** Uncompressed size of this file in both data sets: header plus payload. */
  public long knownBytes() {
    return images ? 16 + (long) knownCount * Dataset.PIXELS : 8 + knownCount;
  }

  /** The uncompressed file name, e.g. {@code train-images-idx3-ubyte}. */
  public String fileName() {
    return fileName;
  }

  /** The name Keras downloads and caches, e.g. {@code train-images-idx3-ubyte.gz}. */
  public String gzFileName() {
    return fileName + ".gz";
  }

  public boolean isImages() {
    return images;
  }

  /**
   * Names this file is accepted under, in order of preference. The dotted spelling
   * ({@code train-images.idx3-ubyte}) is how several popular re-distributions (Kaggle among them)
   * ship the same bytes; accepting it costs nothing and saves users a rename.
   */
  public List<String> acceptedNames() {
    String dotted = fileName.replace("-idx", ".idx");
    return List.of(fileName, fileName + ".gz", dotted, dotted + ".gz");
  }

  /** The first accepted name that is a regular file in {@code dir}, if any. */
  public Optional<Path> findIn(Path dir) {
    for (String name : acceptedNames()) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return fileName;
  }
}
