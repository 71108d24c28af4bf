package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An immutable set of labelled 28x28 grayscale images, the Java counterpart of the
 * {@code (x, y)} numpy pair {@code tf.keras.datasets.mnist.load_data()} returns: {@code x} is
 * {@code uint8[n, 28, 28]}, {@code y} is {@code uint8[n]}.
 *
 * <p>Pixels stay as the raw bytes (47 MB for the MNIST training set instead of 188 MB as floats);
 * {@link BatchFiller} scales them to [0, 1] one batch at a time, which is all training needs.
 * Sub-ranges ({@link #subset}, {@link #take}, {@link #split}) share the parent's storage, so
 * carving out a validation set copies nothing.
 */
public final class Dataset {
  public static final int ROWS = 28;
  public static final int COLS = 28;
  /** Pixels per image: one image is 784 consecutive bytes, row-major. */
  public static final int PIXELS = ROWS * COLS;
  /** Both MNIST and Fashion-MNIST have ten classes, labelled 0 to 9. */
  public static final int NUM_CLASSES = 10;

  private final byte[] images;
  private final byte[] labels;
  private final int offset;
  private final int size;

  private Dataset(byte[] images, byte[] labels, int offset, int size) {
    this.images = images;
    this.labels = labels;
    this.offset = offset;
    this.size = size;
  }

  /**
   * A dataset over copies of the given arrays: {@code images} holds {@code n * 784} bytes
   * (row-major, image after image), {@code labels} holds {@code n} labels in 0..9.
   */
  public static Dataset of(byte[] images, byte[] labels) {
    return wrap(images.clone(), labels.clone(), "the given arrays");
  }

  /** Takes ownership of the arrays without copying; for the readers, which just made them. */
  static Dataset wrap(byte[] images, byte[] labels, String where) {
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(labels, "labels");
    if (images.length != (long) labels.length * PIXELS) {
      throw new TfjMnistException(
          "The images and labels in "
              + where
              + " do not match: "
              + labels.length
              + " labels need "
              + (long) labels.length * PIXELS
              + " pixel bytes but there are "
              + images.length
              + ".");
    }
    checkLabels(labels, where);
    return new Dataset(images, labels, 0, labels.length);
  }

  /** Labels index a softmax over ten classes; anything else would only fail deep in training. */
  static void checkLabels(byte[] labels, String where) {
    for (int i = 0; i < labels.length; i++) {
      int label = labels[i] & 0xFF;
      if (label >= NUM_CLASSES) {
        throw new TfjMnistException(
            where
                + " has label "
                + label
                + " at index "
                + i
                + ", but labels must be 0 to "
                + (NUM_CLASSES - 1)
                + ".");
      }
    }
  }

  /** Number of examples. */
  public int size() {
    return size;
  }

  /** The label of example {@code i}, 0..9. */
  public int label(int i) {
    return labels[offset + checkIndex(i)] & 0xFF;
  }

  /** One pixel of example {@code i}, 0..255. */
  public int pixel(int i, int row, int col) {
    Objects.checkIndex(row, ROWS);
    Objects.checkIndex(col, COLS);
    return images[imageOffset(checkIndex(i)) + row * COLS + col] & 0xFF;
  }

  /** A copy of image {@code i}: 784 bytes, row-major (read them with {@code & 0xFF}). */
  public byte[] image(int i) {
    byte[] out = new byte[PIXELS];
    copyImage(i, out, 0);
    return out;
  }

  /** Copies image {@code i} into {@code dst[dstOffset .. dstOffset + 784)} without allocating. */
  public void copyImage(int i, byte[] dst, int dstOffset) {
    System.arraycopy(images, imageOffset(checkIndex(i)), dst, dstOffset, PIXELS);
  }

  /**
   * A copy of all pixels, {@code size() * 784} bytes, like numpy's {@code x.tobytes()}. This
   * copies 47 MB for the MNIST training set: for batches use {@link BatchFiller}, to read
   * without copying use {@link #imageBytes()}.
   */
  public byte[] copyImages() {
    byte[] out = new byte[size * PIXELS];
    System.arraycopy(images, offset * PIXELS, out, 0, out.length);
    return out;
  }

  /** A copy of all labels. */
  public byte[] copyLabels() {
    byte[] out = new byte[size];
    System.arraycopy(labels, offset, out, 0, size);
    return out;
  }

  /**
   * A read-only view of this dataset's pixels without copying: index {@code i * 784 + r * 28 + c}
   * is pixel (r, c) of image i (read it with {@code & 0xFF}).
   */
  public ByteBuffer imageBytes() {
    return ByteBuffer.wrap(images, offset * PIXELS, size * PIXELS).slice().asReadOnlyBuffer();
  }

  /** A read-only view of this dataset's labels without copying; index i is label i. */
  public ByteBuffer labelBytes() {
    return ByteBuffer.wrap(labels, offset, size).slice().asReadOnlyBuffer();
  }

  /** Examples {@code [from, to)}, like {@code x[from:to]}; shares storage, copies nothing. */
  public Dataset subset(int from, int to) {
    Objects.checkFromToIndex(from, to, size);
    return new Dataset(images, labels, offset + from, to - from);
  }

  /** The first {@code n} examples (all of them if there are fewer), like tf.data's take(n). */
  public Dataset take(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("take(" + n + "): n must be >= 0");
    }
    return subset(0, Math.min(n, size));
  }

  /** All but the first {@code n} examples, like tf.data's skip(n). */
  public Dataset skip(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("skip(" + n + "): n must be >= 0");
    }
    return subset(Math.min(n, size), size);
  }

  /** Splits at index {@code at}: train is {@code [0, at)}, validation is {@code [at, size)}. */
  public Split split(int at) {
    Objects.checkFromToIndex(0, at, size);
    return new Split(subset(0, at), subset(at, size));
  }

  /**
   * Keras's {@code fit(..., validation_split=fraction)}: the <em>last</em> fraction of the
   * examples, taken before any shuffling, becomes the validation set. The split point is
   * computed exactly as Keras does, {@code floor(n * (1 - fraction))}, so both sides get the
   * same examples (54000 / 6000 for MNIST with 0.1).
   */
  public Split validationSplit(double fraction) {
    if (!(fraction >= 0.0 && fraction < 1.0)) {
      throw new TfjMnistException(
          "The validation split must be at least 0 and below 1, but it is " + fraction + ".");
    }
    return split((int) Math.floor(size * (1.0 - fraction)));
  }

  /** Start of image {@code i} (already range-checked) in {@link #imageArray()}. */
  int imageOffset(int i) {
    return (offset + i) * PIXELS;
  }

  /** Index of label {@code i} in {@link #labelArray()}. */
  int labelOffset(int i) {
    return offset + i;
  }

  /** The shared backing arrays, for the allocation-free batch path; never written to. */
  byte[] imageArray() {
    return images;
  }

  byte[] labelArray() {
    return labels;
  }

  private int checkIndex(int i) {
    return Objects.checkIndex(i, size);
  }

  @Override
  public String toString() {
    return "Dataset[" + size + " images of " + ROWS + "x" + COLS + "]";
  }

  /** Two consecutive parts of one dataset, e.g. the result of {@link #validationSplit}. */
  public record Split(Dataset train, Dataset validation) {}
}
