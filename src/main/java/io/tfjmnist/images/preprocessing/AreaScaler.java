package io.tfjmnist.images.preprocessing;

/**
 * Resizes a {@link GrayPlane} to any size. Shrinking averages every source pixel over the
 * exact (fractional) area it covers in the destination, the box-filter antialiasing that keeps
 * thin strokes as grey instead of dropping them; enlarging interpolates bilinearly.
 * Each axis is handled separately, so a plane can shrink in one direction and grow in the other.
 */
final class AreaScaler {
  private AreaScaler() {}

  static GrayPlane resize(GrayPlane in, int outW, int outH) {
    return resize(in, 0, 0, in.width, in.height, outW, outH);
  }

  /**
   * The rectangle [left, left + w) x [top, top + h) of {@code in} resized to outW x outH, read
   * where it lies (no cropped copy of it first).
   */
  static GrayPlane resize(GrayPlane in, int left, int top, int w, int h, int outW, int outH) {
    return resize(in, left, top, w, h, outW, outH, null);
  }

  /**
   * As {@link #resize(GrayPlane, int, int, int, int, int, int)}, the intermediate and the output
   * planes from {@code scratch} (null: arrays of their own): the output may be {@code in}'s own
   * array, which the second pass no longer reads.
   */
  static GrayPlane resize(GrayPlane in, int left, int top, int w, int h, int outW, int outH, PlaneScratch scratch) {
    if (outW == w && outH == h) {
      GrayPlane out = new GrayPlane(w, h);
      for (int y = 0; y < h; y++) {
        System.arraycopy(in.v, (top + y) * in.width + left, out.v, y * w, w);
      }
      return out;
    }
    GrayPlane horizontal = new GrayPlane(outW, h,
        scratch == null ? new float[outW * h] : scratch.planeOtherThan(in.v, outW * h));
    float[][] wx = weights(w, outW);
    int[] x0 = starts(w, outW);
    for (int y = 0; y < h; y++) {
      int row = (top + y) * in.width + left;
      for (int x = 0; x < outW; x++) {
        double s = 0;
        for (int k = 0; k < wx[x].length; k++) {
          s += wx[x][k] * in.v[row + x0[x] + k];
        }
        horizontal.v[y * outW + x] = (float) s;
      }
    }
    GrayPlane out = new GrayPlane(outW, outH,
        scratch == null ? new float[outW * outH] : scratch.planeOtherThan(horizontal.v, outW * outH));
    float[][] wy = weights(h, outH);
    int[] y0 = starts(h, outH);
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        double s = 0;
        for (int k = 0; k < wy[y].length; k++) {
          s += wy[y][k] * horizontal.v[(y0[y] + k) * outW + x];
        }
        out.v[y * outW + x] = (float) s;
      }
    }
    return out;
  }

  /** First source index each destination pixel reads. */
  private static int[] starts(int in, int out) {
    int[] s = new int[out];
    double scale = (double) in / out;
    for (int i = 0; i < out; i++) {
      if (out < in) {
        s[i] = (int) Math.floor(i * scale);
      } else {
        double c = (i + 0.5) * scale - 0.5;
        s[i] = Math.max(0, Math.min(in - 2, (int) Math.floor(c)));
        if (in == 1) {
          s[i] = 0;
        }
      }
    }
    return s;
  }

  /** The weights of the source pixels read from {@link #starts}, summing to 1. */
  private static float[][] weights(int in, int out) {
    float[][] w = new float[out][];
    double scale = (double) in / out;
    for (int i = 0; i < out; i++) {
      if (out < in) {
        // Destination pixel i covers source interval [i*scale, (i+1)*scale).
        double a = i * scale;
        double b = (i + 1) * scale;
        int first = (int) Math.floor(a);
        int last = Math.min(in - 1, (int) Math.ceil(b) - 1);
        w[i] = new float[last - first + 1];
        for (int k = first; k <= last; k++) {
          double overlap = Math.min(b, k + 1) - Math.max(a, k);
          w[i][k - first] = (float) (Math.max(0, overlap) / scale);
        }
      } else if (in == 1) {
        w[i] = new float[] {1f};
      } else {
        double c = (i + 0.5) * scale - 0.5;
        int s = Math.max(0, Math.min(in - 2, (int) Math.floor(c)));
        double t = Math.max(0, Math.min(1, c - s));
        w[i] = new float[] {(float) (1 - t), (float) t};
      }
    }
    return w;
  }
}
