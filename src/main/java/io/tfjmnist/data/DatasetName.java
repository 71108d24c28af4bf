package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The two datasets this project trains on, named as {@code tf.keras.datasets} names them, with
 * everything needed to find, download and verify them.
 *
 * <p>The IDX checksums are SHA-256s of the <em>uncompressed</em> bytes (the canonical LeCun /
 * Zalando contents): a .gz file's own hash depends on the compressor that made it, so only the
 * uncompressed hash identifies the data wherever it came from. {@code mnist.npz} is only ever
 * obtained from Keras's bucket, so its whole-file hash (the one Keras itself checks) is used.
 */
public enum DatasetName {
  MNIST(
      "mnist",
      List.of("mnist"),
      "mnist.npz",
      "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
      "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
      "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
      "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
      "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
  FASHION_MNIST(
      "fashion_mnist",
      // Keras caches it as ~/.keras/datasets/fashion-mnist; the Python name uses an underscore.
      List.of("fashion-mnist", "fashion_mnist"),
      null,
      null,
      "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
      "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
      "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
      "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

  private final String kerasName;
  private final List<String> folderNames;
  private final String npzFileName;
  private final String npzSha256;
  private final Map<IdxFile, String> idxSha256 = new EnumMap<>(IdxFile.class);

  DatasetName(
      String kerasName,
      List<String> folderNames,
      String npzFileName,
      String npzSha256,
      String trainImagesSha256,
      String trainLabelsSha256,
      String testImagesSha256,
      String testLabelsSha256) {
    this.kerasName = kerasName;
    this.folderNames = folderNames;
    this.npzFileName = npzFileName;
    this.npzSha256 = npzSha256;
    idxSha256.put(IdxFile.TRAIN_IMAGES, trainImagesSha256);
    idxSha256.put(IdxFile.TRAIN_LABELS, trainLabelsSha256);
    idxSha256.put(IdxFile.TEST_IMAGES, testImagesSha256);
    idxSha256.put(IdxFile.TEST_LABELS, testLabelsSha256);
  }

  /**
   * The names of the ten classes, or empty for MNIST, whose classes are the digits themselves.
   * Fashion-MNIST's are Zalando's, as the Keras tutorial lists them ({@code class_names}).
   */
  public Optional<List<String>> classNames() {
    return this == FASHION_MNIST
        ? Optional.of(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot"))
        : Optional.empty();
  }

  /** {@code mnist} or {@code fashion_mnist}, as in {@code tf.keras.datasets.<name>}. */
  public String kerasName() {
    return kerasName;
  }

  /** Sub-folder names a data folder may keep this dataset under, e.g. {@code <dir>/mnist/}. */
  public List<String> folderNames() {
    return folderNames;
  }

  /** {@code mnist.npz} for MNIST; Keras has no .npz for Fashion-MNIST. */
  public Optional<String> npzFileName() {
    return Optional.ofNullable(npzFileName);
  }

  /** SHA-256 of Keras's whole {@code mnist.npz} file. */
  public Optional<String> npzSha256() {
    return Optional.ofNullable(npzSha256);
  }

  /** SHA-256 of the uncompressed bytes of one of this dataset's IDX files. */
  public String idxSha256(IdxFile file) {
    return idxSha256.get(file);
  }

  /**
   * Parses a user-given name. Accepts the Keras spelling and the hyphenated one people copy from
   * folder names ({@code fashion-mnist}), in any case.
   */
  public static DatasetName parse(String name) {
    if (name != null) {
      String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
      for (DatasetName d : values()) {
        if (d.kerasName.equals(n)) {
          return d;
        }
      }
    }
    throw new TfjMnistException(
        "Unknown dataset '" + name + "': use mnist or fashion_mnist.");
  }

  @Override
  public String toString() {
    return kerasName;
  }
}
