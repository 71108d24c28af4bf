package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;

import java.awt.image.BufferedImage;

/**
 * Colour to grey for the {@code mnist} path: transparency is composited onto white first
 * (a digit drawn on a transparent canvas means ink on empty paper, whatever colour the
 * invisible pixels happen to store), then ITU-R 601 luma, as Pillow's 'L' uses.
 */
final class Luma {
  /** a / 255.0 for every alpha level a. */
  private static final double[] ALPHA = new double[256];

  /**
   * 0.299 r, 0.587 g and 0.114 b for every level: an opaque pixel's composite onto white is its
   * own colour ({@code c * 1.0 + 255 * 0.0} is exactly c), so its luma is the sum of three of
   * these, the same products added in the same order as the general formula.
   */
  private static final double[] RED = new double[256];
  private static final double[] GREEN = new double[256];
  private static final double[] BLUE = new double[256];

  static {
    for (int a = 0; a < 256; a++) {
      ALPHA[a] = a / 255.0;
      RED[a] = 0.299 * a;
      GREEN[a] = 0.587 * a;
      BLUE[a] = 0.114 * a;
    }
  }

  private Luma() {}

  static GrayPlane ofArgb(BufferedImage argb) {
    int w = argb.getWidth();
    int h = argb.getHeight();
    int[] px = DecodedImage.argbPixels(argb);
    GrayPlane out = new GrayPlane(w, h);
    for (int i = 0; i < px.length; i++) {
      int p = px[i];
      if (p >>> 24 == 0xFF) {
        out.v[i] = (float) (RED[p >> 16 & 0xFF] + GREEN[p >> 8 & 0xFF] + BLUE[p & 0xFF]);
        continue;
      }
      double a = ALPHA[p >>> 24]; // the division, once per level instead of once per pixel
      double r = (p >> 16 & 0xFF) * a + 255 * (1 - a);
      double g = (p >> 8 & 0xFF) * a + 255 * (1 - a);
      double b = (p & 0xFF) * a + 255 * (1 - a);
      out.v[i] = (float) (0.299 * r + 0.587 * g + 0.114 * b);
    }
    return out;
  }
}
