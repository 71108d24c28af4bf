package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;
import java.nio.file.Path;

/**
 * Reads MNIST-format IDX files (http://yann.lecun.com/exdb/mnist/), plain or gzip-compressed.
 *
 * <p>Compression is detected from the gzip magic bytes {@code 1f 8b}, not the file name: people
 * gunzip files and keep the name, or rename them, and both must still load. Everything that can
 * be checked is checked, because a short or mismatched file would otherwise surface much later as
 * a mysteriously bad accuracy: the magic number, the 28x28 dimensions, that the file holds
 * exactly the bytes its header declares, label range, and optionally the SHA-256 of the
 * uncompressed bytes (a gzip file's own hash depends on the compressor, the uncompressed one
 * does not). Each file is read in one pass by {@link IdxReading}; this class pairs the two files of
 * a split and checks them against what a known data set's files must be.
 */
public final class IdxReader {
  /** IDX magic for unsigned-byte data with three dimensions: images. */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** IDX magic for unsigned-byte data with one dimension: labels. */
  public static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /**
   * What a known data set's file must be, checked before its payload is read: the example count
   * its header must declare ({@link #ANY_COUNT} when not known) and the SHA-256 of its uncompressed
   * bytes (null when not checked).
   */
  public record Expected(int count, String sha256) {
    /** {@code file} of {@code dataset}: its fixed count and published checksum. */
    public static Expected of(DatasetName dataset, IdxFile file) {
      return new Expected(file.knownCount(), dataset.idxSha256(file));
    }

    static Expected checksumOnly(String sha256) {
      return sha256 == null ? null : new Expected(ANY_COUNT, sha256);
    }
  }

  /** {@link Expected#count()} when any count is acceptable. */
  public static final int ANY_COUNT = -1;

  /** Reads both files of a split and checks they describe the same number of examples. */
  public static Dataset read(Path images, Path labels) {
    return read(images, (Expected) null, labels, null);
  }

  /**
   * Reads both files of a split, verifying each against the SHA-256 of its uncompressed bytes
   * when the corresponding checksum is not null.
   */
  public static Dataset read(
      Path images, String imagesSha256, Path labels, String labelsSha256) {
    return read(images, Expected.checksumOnly(imagesSha256), labels, Expected.checksumOnly(labelsSha256));
  }

  /** Reads both files of a split, each checked against what it is expected to be (null: anything valid). */
  public static Dataset read(Path images, Expected imagesExpected, Path labels, Expected labelsExpected) {
    byte[] pixels = readImages(images, imagesExpected);
    byte[] labelBytes = readLabels(labels, labelsExpected);
    int imageCount = pixels.length / Dataset.PIXELS;
    if (imageCount != labelBytes.length) {
      throw new TfjMnistException(
          images
              + " holds "
              + imageCount
              + " images but "
              + labels
              + " holds "
              + labelBytes.length
              + " labels, so the two files do not belong together.");
    }
    return Dataset.wrap(pixels, labelBytes, labels.toString());
  }

  /** The pixels of an IDX image file: {@code n * 784} bytes, image after image, row-major. */
  public static byte[] readImages(Path file) {
    return readImages(file, (Expected) null);
  }

  /** As {@link #readImages(Path)}, also verifying the SHA-256 of the uncompressed file. */
  public static byte[] readImages(Path file, String expectedSha256) {
    return readImages(file, Expected.checksumOnly(expectedSha256));
  }

  /** As {@link #readImages(Path)}, checked against what the file is expected to be (null: anything valid). */
  public static byte[] readImages(Path file, Expected expected) {
    return new IdxReading(file, true).read(expected);
  }

  /** The labels of an IDX label file, one byte each, checked to be 0..9. */
  public static byte[] readLabels(Path file) {
    return readLabels(file, (Expected) null);
  }

  /** As {@link #readLabels(Path)}, also verifying the SHA-256 of the uncompressed file. */
  public static byte[] readLabels(Path file, String expectedSha256) {
    return readLabels(file, Expected.checksumOnly(expectedSha256));
  }

  /** As {@link #readLabels(Path)}, checked against what the file is expected to be (null: anything valid). */
  public static byte[] readLabels(Path file, Expected expected) {
    byte[] labels = new IdxReading(file, false).read(expected);
    Dataset.checkLabels(labels, file.toString());
    return labels;
  }
}
