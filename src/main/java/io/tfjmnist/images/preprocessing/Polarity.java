package io.tfjmnist.images.preprocessing;

/**
 * Turns a greyscale picture into "ink" (MNIST's white-on-black polarity), inverting only when
 * the background is light. A photo of pen on paper needs inverting; an image that is already
 * MNIST-like (light digit on black) must not be.
 *
 * <p>The background is what the border shows: the median of a thin frame around the picture
 * (digits rarely touch all four edges). It is light when it sits closer to the picture's
 * bright end (98th percentile) than to its dark end (2nd percentile); comparing with the
 * picture's own range, rather than with mid-grey, keeps dim photos of white paper working.
 */
final class Polarity {
  private Polarity() {}

  /** The ink plane and its 8-bit levels. */
  record Ink(GrayPlane plane, Levels levels) {}

  static boolean lightBackground(Levels grey) {
    int w = grey.width;
    int h = grey.height;
    int bw = Math.max(1, w / 20);
    int bh = Math.max(1, h / 20);
    int[] all = grey.histogram256();
    // The frame, row by row: whole rows at the top and bottom, both ends of the rows between.
    int[] border = new int[256];
    grey.addToHistogram(border, 0, 0, w, Math.min(bh, h));
    grey.addToHistogram(border, 0, Math.max(bh, h - bh), w, h);
    int left = Math.min(bw, w);
    grey.addToHistogram(border, 0, bh, left, h - bh);
    grey.addToHistogram(border, Math.max(left, w - bw), bh, w, h - bh);
    int dark = GrayPlane.percentile(all, 0.02);
    int bright = GrayPlane.percentile(all, 0.98);
    int background = GrayPlane.percentile(border, 0.5);
    return background - dark > bright - background;
  }

  /**
   * Ink intensity 0..255 (paper low, ink high) and its levels, from a grey plane and its levels.
   * A dark background keeps both as they are (nothing downstream writes to a plane).
   */
  static Ink ink(GrayPlane grey, Levels greyLevels) {
    return ink(grey, greyLevels, new float[grey.size()], new byte[grey.size()]);
  }

  /**
   * As {@link #ink(GrayPlane, Levels)}, an inverted plane written into {@code inverted} and its levels
   * into {@code levels} (each at least the plane's size, neither the grey plane's own array).
   */
  static Ink ink(GrayPlane grey, Levels greyLevels, float[] inverted, byte[] levels) {
    if (!lightBackground(greyLevels)) {
      return new Ink(grey, greyLevels);
    }
    int n = grey.size();
    for (int i = 0; i < n; i++) {
      float v = 255f - grey.v[i];
      inverted[i] = v;
      // Not 255 minus the grey level: a difference that lands exactly on a half rounds up both ways.
      levels[i] = (byte) GrayPlane.level(v);
    }
    return new Ink(new GrayPlane(grey.width, grey.height, inverted), new Levels(grey.width, grey.height, levels));
  }
}
