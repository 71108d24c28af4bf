package io.tfjmnist.images.preprocessing;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * The 8-bit levels of a {@link GrayPlane} ({@link GrayPlane#level} of every value), row-major:
 * what its grey panel shows, and what its histograms count. Rounding a float to its level is
 * most of a histogram's cost; once the levels exist, each histogram of them is a byte read and
 * an increment per pixel.
 */
final class Levels {
  final int width;
  final int height;
  final byte[] v;
  /** {@link #LANES} histograms, all zero between calls: one array for all of a picture's histograms (so one thread at a time). */
  private int[] lanes;

  Levels(int width, int height, byte[] v) {
    // v may be longer than width * height: a reused array (PlaneScratch).
    if (width <= 0 || height <= 0 || v.length < (long) width * height) {
      throw new IllegalArgumentException(width + "x" + height + " with " + v.length + " levels");
    }
    this.width = width;
    this.height = height;
    this.v = v;
  }

  /** The levels a {@link GrayPlane#toGrayImage} image holds, shared with it, not copied. */
  static Levels of(BufferedImage grayImage) {
    if (grayImage.getType() != BufferedImage.TYPE_BYTE_GRAY
        || !(grayImage.getRaster().getDataBuffer() instanceof DataBufferByte bytes)) {
      throw new IllegalArgumentException("not a TYPE_BYTE_GRAY image: " + grayImage);
    }
    return new Levels(grayImage.getWidth(), grayImage.getHeight(), bytes.getData());
  }

  /** Histogram of all levels. */
  int[] histogram256() {
    int[] h = new int[256];
    addToHistogram(h, 0, 0, width, height);
    return h;
  }

  /** Histogram of the levels in the rectangle [x0, x1) x [y0, y1), added to {@code h}. */
  void addToHistogram(int[] h, int x0, int y0, int x1, int y1) {
    if (lanes == null) {
      lanes = new int[LANES * 256];
    }
    int[] lanes = this.lanes;
    for (int y = y0; y < y1; y++) {
      int i = y * width + x0;
      int end = y * width + x1;
      for (; i + LANES <= end; i += LANES) {
        lanes[v[i] & 0xFF]++;
        lanes[256 + (v[i + 1] & 0xFF)]++;
        lanes[512 + (v[i + 2] & 0xFF)]++;
        lanes[768 + (v[i + 3] & 0xFF)]++;
      }
      for (; i < end; i++) {
        lanes[v[i] & 0xFF]++;
      }
    }
    mergeLanes(lanes, h);
    java.util.Arrays.fill(lanes, 0);
  }

  /**
   * Neighbouring pixels mostly share a level (paper), and counting them into one array makes
   * each increment wait for the previous one's store; {@value #LANES} interleaved histograms,
   * added up at the end, let that many increments run at once.
   */
  static final int LANES = 4;

  /** Adds {@link #LANES} interleaved 256-bin histograms into {@code h}. */
  static void mergeLanes(int[] lanes, int[] h) {
    for (int b = 0; b < 256; b++) {
      h[b] += lanes[b] + lanes[256 + b] + lanes[512 + b] + lanes[768 + b];
    }
  }
}
