package io.tfjmnist.images.preprocessing;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * The result of a {@link Preprocessing}: what to show and what to feed the model.
 *
 * @param preprocessing which preprocessing made it
 * @param original the image as decoded ({@code TYPE_INT_ARGB}), for the "do not process" panel
 * @param gray the greyscale image the preprocessing worked from ({@code TYPE_BYTE_GRAY}), for
 *     the "process - gray" panel: the 28x28 'L' image for {@code predict-py}, the full greyscale
 *     picture for {@code mnist}
 * @param input the model input: 784 floats in [0, 1], 28x28 row-major, white ink (1.0) on black
 *     (0.0) as in MNIST. Shared, not copied: do not modify it.
 */
public record PreprocessedImage(
    Preprocessing preprocessing, BufferedImage original, BufferedImage gray, float[] input) {

  /** MNIST's side length. */
  public static final int SIDE = 28;

  public PreprocessedImage {
    Objects.requireNonNull(preprocessing, "preprocessing");
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(gray, "gray");
    Objects.requireNonNull(input, "input");
    if (input.length != SIDE * SIDE) {
      throw new IllegalArgumentException("input must hold 784 values, not " + input.length);
    }
    for (float v : input) {
      if (!(v >= 0f && v <= 1f)) {
        throw new IllegalArgumentException("input values must lie in [0, 1]: " + v);
      }
    }
  }

  /** The input value at row {@code y}, column {@code x}. */
  public float at(int y, int x) {
    return input[y * SIDE + x];
  }
}
