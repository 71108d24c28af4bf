package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;
import io.tfjmnist.images.decoding.PillowImage;

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

  /**
   * The luma of {@code image} turned upright by its EXIF orientation, into {@code into} (at least
   * its size). A JPEG's decoded RGB or grey bytes are read where they are: no colour view is made
   * (the opaque pixel's formula below, on the same three levels, so the same floats).
   */
  static GrayPlane upright(DecodedImage image, float[] into) {
    int o = image.exifOrientation();
    PillowImage.Interleaved px = image.interleavedPixels();
    if (px == null || !(px.mode() == PillowImage.Mode.RGB || px.mode() == PillowImage.Mode.L)) {
      return ofArgb(Orientation.upright(image.image(), o), into);
    }
    int w = px.width();
    int h = px.height();
    int ow = o >= 5 ? h : w;
    int oh = o >= 5 ? w : h;
    GrayPlane out = new GrayPlane(ow, oh, into);
    byte[] s = px.samples();
    boolean rgb = px.mode() == PillowImage.Mode.RGB;
    for (int y = 0, i = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++, i++) {
        int q = o == 1 ? i : Orientation.stored(o, x, y, w, h);
        if (rgb) {
          q *= 3;
          out.v[i] = (float) (RED[s[q] & 0xFF] + GREEN[s[q + 1] & 0xFF] + BLUE[s[q + 2] & 0xFF]);
        } else {
          int v = s[q] & 0xFF;
          out.v[i] = (float) (RED[v] + GREEN[v] + BLUE[v]);
        }
      }
    }
    return out;
  }

  static GrayPlane ofArgb(BufferedImage argb) {
    return ofArgb(argb, new float[argb.getWidth() * argb.getHeight()]);
  }

  /** As {@link #ofArgb(BufferedImage)}, into {@code into} (at least the image's size). */
  static GrayPlane ofArgb(BufferedImage argb, float[] into) {
    int w = argb.getWidth();
    int h = argb.getHeight();
    int[] px = DecodedImage.argbPixels(argb);
    GrayPlane out = new GrayPlane(w, h, into);
    for (int i = 0; i < w * h; i++) {
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
