package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;

import java.awt.image.BufferedImage;

/**
 * Applies a JPEG's EXIF orientation, because phones store photos sideways and only record how
 * to turn them; a "7" photographed in portrait would otherwise reach the model lying down.
 * (Pillow's {@code Image.open} ignores the tag, so the {@code predict-py} preprocessing does too.)
 */
final class Orientation {
  private Orientation() {}

  /** The upright view of {@code argb} (TYPE_INT_ARGB) for EXIF orientation 1..8. */
  static BufferedImage upright(BufferedImage argb, int orientation) {
    if (orientation == 1) {
      return argb;
    }
    int w = argb.getWidth();
    int h = argb.getHeight();
    boolean swap = orientation >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    int[] src = DecodedImage.argbPixels(argb);
    int[] dst = new int[w * h];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        dst[y * ow + x] = src[stored(orientation, x, y, w, h)];
      }
    }
    return DecodedImage.argbImage(ow, oh, dst);
  }

  /**
   * The row-major index, in the stored w x h picture, of the pixel shown at (x, y) in the upright
   * one (w x h too for orientations 1-4, h x w for 5-8).
   */
  static int stored(int orientation, int x, int y, int w, int h) {
    int sx;
    int sy;
    switch (orientation) {
      case 1 -> { sx = x; sy = y; }
      case 2 -> { sx = w - 1 - x; sy = y; }
      case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
      case 4 -> { sx = x; sy = h - 1 - y; }
      case 5 -> { sx = y; sy = x; }
      case 6 -> { sx = y; sy = h - 1 - x; }
      case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
      case 8 -> { sx = w - 1 - y; sy = x; }
      default -> throw new IllegalArgumentException("EXIF orientation " + orientation);
    }
    return sy * w + sx;
  }
}
