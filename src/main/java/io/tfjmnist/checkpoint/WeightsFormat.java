package io.tfjmnist.checkpoint;

import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The kinds of weight files the project reads, told apart by their first bytes rather than by
 * their names: Keras's HDF5 files ({@code .weights.h5}, legacy {@code .h5}) start with the HDF5
 * signature, {@code .keras} archives with the zip magic, and a TF checkpoint is a prefix whose
 * {@code .index} file exists.
 */
public enum WeightsFormat {
  /** A TensorFlow checkpoint: {@code PREFIX.index} + {@code PREFIX.data-*}. */
  TF_CHECKPOINT("TF checkpoint"),
  /** An HDF5 file: Keras 3 {@code .weights.h5}, or Keras 2's legacy {@code .h5} (weights or whole model). */
  HDF5("HDF5 file"),
  /** A Keras 3 {@code .keras} archive: zip of {@code config.json}, {@code metadata.json}, {@code model.weights.h5}. */
  KERAS_ARCHIVE(".keras archive");

  /** {@code \x89HDF\r\n\x1a\n}, at offset 0 in every file Keras writes. */
  static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  /** A zip's local file header. */
  static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

  private final String description;

  WeightsFormat(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  /** True for the names Keras gives its own files, which a user means as a file, not a checkpoint prefix. */
  public static boolean hasKerasSuffix(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".h5") || name.endsWith(".hdf5") || name.endsWith(".keras");
  }

  /**
   * The format of {@code path}, from its bytes when it is a file. A path that is no file (a
   * checkpoint prefix, or a folder holding a {@code checkpoint} file) is a TF checkpoint, except
   * when it carries a Keras suffix: then the file is simply missing, and the message says so
   * instead of asking for a {@code .index}.
   */
  public static WeightsFormat detect(Path path) {
    if (!Files.isRegularFile(path)) {
      if (hasKerasSuffix(path) && !Files.exists(path)) {
        throw new TfjMnistException("Keras file " + path + " does not exist.");
      }
      return TF_CHECKPOINT;
    }
    byte[] head = head(path);
    if (startsWith(head, HDF5_SIGNATURE)) {
      return HDF5;
    }
    if (startsWith(head, ZIP_MAGIC)) {
      return KERAS_ARCHIVE;
    }
    String name = path.getFileName().toString();
    if (name.endsWith(".index") || name.matches(".*\\.data-\\d+-of-\\d+") || Files.isRegularFile(
        path.resolveSibling(name + ".index"))) {
      return TF_CHECKPOINT;
    }
    if (head.length == 0) {
      throw new TfjMnistException(path + " is empty (0 bytes): not a Keras .weights.h5, .h5 or .keras file, nor a"
          + " TF checkpoint; save the weights again.");
    }
    throw new TfjMnistException(path + " is not a weights file this program reads: it is neither HDF5 (Keras"
        + " .weights.h5 / .h5), a .keras archive (zip) nor a TF checkpoint prefix (it starts with bytes "
        + hex(head) + "); give the file written by save_weights, model.save or train.");
  }

  private static byte[] head(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return in.readNBytes(8);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot read " + path + ": " + e.getMessage() + ".", e);
    }
  }

  static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x ", b & 0xff));
    }
    return sb.toString().trim();
  }
}
