package io.tfjmnist.images.preprocessing;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * A single-channel image of floats, row-major: the working representation of the {@code mnist}
 * preprocessing, so that no step loses precision to 8-bit rounding before the end. The values are
 * the first {@code width * height} of {@code v}, which may be longer (a reused plane, {@link PlaneScratch}).
 */
final class GrayPlane {
  final int width;
  final int height;
  final float[] v;

  GrayPlane(int width, int height) {
    this(width, height, new float[width * height]);
  }

  GrayPlane(int width, int height, float[] v) {
    if (width <= 0 || height <= 0 || v.length < (long) width * height) {
      throw new IllegalArgumentException(width + "x" + height + " with " + v.length + " values");
    }
    this.width = width;
    this.height = height;
    this.v = v;
  }

  /** The number of values, width * height. */
  int size() {
    return width * height;
  }

  float get(int x, int y) {
    return v[y * width + x];
  }

  void set(int x, int y, float value) {
    v[y * width + x] = value;
  }

  /** As an 8-bit greyscale image, values rounded and clamped to 0..255. */
  BufferedImage toGrayImage() {
    BufferedImage bi = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    // A new TYPE_BYTE_GRAY image's one bank holds its rows back to back, width bytes each:
    // writing the levels there saves copying them in through the raster.
    byte[] px = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) level(v[i]);
    }
    return bi;
  }

  /**
   * {@code Math.max(0, Math.min(255, Math.round(value)))}, the 8-bit level of a value, without
   * {@code Math.round}'s bit-twiddling path (a profile's top entry): for values in [-1, 256) the
   * same result by truncating value + 0.5 in double; others, NaN included, go through Math.round.
   */
  static int level(float value) {
    if (value >= -1f && value < 256f) {
      // Same as Math.round: in double, value + 0.5 is exact unless |value| < 2^-29, and then
      // both give 0. (In float, 0.49999997f + 0.5f would round up to 1.) Truncation is the floor
      // from 0 up; below it (value + 0.5 in [-0.5, 0)) it gives the 0 the floor's -1 clamps to.
      // (A branch on the fraction instead would be taken half the time at random: slower.)
      return Math.min((int) (value + 0.5), 255);
    }
    return Math.max(0, Math.min(255, Math.round(value)));
  }

  /** Histogram of all values rounded and clamped to 0..255 (see {@link Levels#LANES} for the lanes). */
  int[] histogram256() {
    int[] lanes = new int[Levels.LANES * 256];
    int n = size();
    int i = 0;
    for (; i + Levels.LANES <= n; i += Levels.LANES) {
      lanes[level(v[i])]++;
      lanes[256 + level(v[i + 1])]++;
      lanes[512 + level(v[i + 2])]++;
      lanes[768 + level(v[i + 3])]++;
    }
    for (; i < n; i++) {
      lanes[level(v[i])]++;
    }
    int[] h = new int[256];
    Levels.mergeLanes(lanes, h);
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
