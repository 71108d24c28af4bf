package io.tfjmnist.images;

import java.awt.image.BufferedImage;

/**
 * A single-channel image of floats, row-major: the working representation of the {@code mnist}
 * preprocessing, so that no step loses precision to 8-bit rounding before the end.
 */
final class GrayPlane {
  final int width;
  final int height;
  final float[] v;

  GrayPlane(int width, int height) {
    this(width, height, new float[width * height]);
  }

  GrayPlane(int width, int height, float[] v) {
    if (width <= 0 || height <= 0 || v.length != width * height) {
      throw new IllegalArgumentException(width + "x" + height + " with " + v.length + " values");
    }
    this.width = width;
    this.height = height;
    this.v = v;
  }

  float get(int x, int y) {
    return v[y * width + x];
  }

  void set(int x, int y, float value) {
    v[y * width + x] = value;
  }

  /** The rectangle [x0, x0 + w) x [y0, y0 + h) as a new plane. */
  GrayPlane crop(int x0, int y0, int w, int h) {
    GrayPlane out = new GrayPlane(w, h);
    for (int y = 0; y < h; y++) {
      System.arraycopy(v, (y0 + y) * width + x0, out.v, y * w, w);
    }
    return out;
  }

  /** As an 8-bit greyscale image, values rounded and clamped to 0..255. */
  BufferedImage toGrayImage() {
    BufferedImage bi = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    byte[] px = new byte[width * height];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) Math.max(0, Math.min(255, Math.round(v[i])));
    }
    bi.getRaster().setDataElements(0, 0, width, height, px);
    return bi;
  }

  /** Histogram of the values rounded and clamped to 0..255, over pixels where {@code mask} holds. */
  int[] histogram256(java.util.function.IntPredicate mask) {
    int[] h = new int[256];
    for (int i = 0; i < v.length; i++) {
      if (mask.test(i)) {
        h[Math.max(0, Math.min(255, Math.round(v[i])))]++;
      }
    }
    return h;
  }

  /** The value below which {@code fraction} of a 256-bin histogram's mass lies. */
  static int percentile(int[] hist, double fraction) {
    long total = 0;
    for (int c : hist) {
      total += c;
    }
    long target = (long) Math.ceil(fraction * total);
    long seen = 0;
    for (int i = 0; i < hist.length; i++) {
      seen += hist[i];
      if (seen >= Math.max(1, target)) {
        return i;
      }
    }
    return hist.length - 1;
  }
}
