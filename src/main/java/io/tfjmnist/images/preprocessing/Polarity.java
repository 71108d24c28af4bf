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

  static boolean lightBackground(GrayPlane grey) {
    int w = grey.width;
    int h = grey.height;
    int bw = Math.max(1, w / 20);
    int bh = Math.max(1, h / 20);
    int[] all = grey.histogram256();
    // The frame, row by row: whole rows at the top and bottom, both ends of the rows between.
    int[] border = new int[256];
    for (int y = 0; y < h; y++) {
      if (y < bh || y >= h - bh) {
        grey.addToHistogram(border, 0, y, w, y + 1);
      } else {
        int left = Math.min(bw, w);
        grey.addToHistogram(border, 0, y, left, y + 1);
        grey.addToHistogram(border, Math.max(left, w - bw), y, w, y + 1);
      }
    }
    int dark = GrayPlane.percentile(all, 0.02);
    int bright = GrayPlane.percentile(all, 0.98);
    int background = GrayPlane.percentile(border, 0.5);
    return background - dark > bright - background;
  }

  /** Ink intensity 0..255 (paper low, ink high). */
  static GrayPlane ink(GrayPlane grey) {
    GrayPlane out = new GrayPlane(grey.width, grey.height, grey.v.clone());
    if (lightBackground(grey)) {
      for (int i = 0; i < out.v.length; i++) {
        out.v[i] = 255f - out.v[i];
      }
    }
    return out;
  }
}
