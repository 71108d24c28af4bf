package io.tfjmnist.images.preprocessing;

import java.awt.image.BufferedImage;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The result of a {@link Preprocessing}: what to show and what to feed the model.
 * <ul>
 *   <li>{@code preprocessing}: which preprocessing made it;
 *   <li>{@code original}: the image as decoded ({@code TYPE_INT_ARGB}), for the "do not process" panel;
 *   <li>{@code gray}: the greyscale image the preprocessing worked from ({@code TYPE_BYTE_GRAY}), for
 *       the "process - gray" panel: the 28x28 'L' image for {@code predict-py}, the full greyscale
 *       picture for {@code mnist};
 *   <li>{@code input}: the model input: 784 floats in [0, 1], 28x28 row-major, white ink (1.0) on
 *       black (0.0) as in MNIST. Shared, not copied: do not modify it.
 * </ul>
 */
public final class PreprocessedImage {

  /** MNIST's side length. */
  public static final int SIDE = 28;

  private final Preprocessing preprocessing;
  private final BufferedImage gray;
  private final float[] input;
  private BufferedImage original;
  private Supplier<BufferedImage> originalSource;

  public PreprocessedImage(Preprocessing preprocessing, BufferedImage original, BufferedImage gray, float[] input) {
    this(preprocessing, gray, input);
    this.original = Objects.requireNonNull(original, "original");
  }

  private PreprocessedImage(Preprocessing preprocessing, BufferedImage gray, float[] input) {
    this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
    this.gray = Objects.requireNonNull(gray, "gray");
    this.input = Objects.requireNonNull(input, "input");
    if (input.length != SIDE * SIDE) {
      throw new IllegalArgumentException("input must hold 784 values, not " + input.length);
    }
    for (float v : input) {
      if (!(v >= 0f && v <= 1f)) {
        throw new IllegalArgumentException("input values must lie in [0, 1]: " + v);
      }
    }
  }

  /**
   * As the constructor, with the original made by {@code original} when first asked for: only a
   * figure shows it, and making a photo's colours costs about as much as its {@code predict-py}
   * preprocessing.
   */
  static PreprocessedImage withOriginalOnDemand(Preprocessing preprocessing, Supplier<BufferedImage> original,
      BufferedImage gray, float[] input) {
    PreprocessedImage p = new PreprocessedImage(preprocessing, gray, input);
    p.originalSource = Objects.requireNonNull(original, "original");
    return p;
  }

  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** The image as decoded ({@code TYPE_INT_ARGB}). Synchronized: a figure may be drawn on another thread. */
  public synchronized BufferedImage original() {
    if (original == null) {
      original = Objects.requireNonNull(originalSource.get(), "original");
      originalSource = null;
    }
    return original;
  }

  public BufferedImage gray() {
    return gray;
  }

  public float[] input() {
    return input;
  }

  /** The input value at row {@code y}, column {@code x}. */
  public float at(int y, int x) {
    return input[y * SIDE + x];
  }
}
