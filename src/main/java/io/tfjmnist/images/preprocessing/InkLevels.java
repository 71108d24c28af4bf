package io.tfjmnist.images.preprocessing;

import io.tfjmnist.TfjMnistException;

/**
 * Maps a flattened ink plane to ink coverage in [0, 1]: paper to 0, solid ink to 1, the
 * anti-aliased edge in between (which is what MNIST's grey levels are).
 *
 * <p>Otsu's threshold separates paper from ink on the histogram; everything at or below it is
 * paper (so paper grain and JPEG noise vanish), and the median ink level above it counts as
 * solid ink, so a faint pencil stroke and a felt-tip one both reach 1.0. A picture whose "ink"
 * is barely darker than its paper has no digit in it, and is refused.
 */
final class InkLevels {
  /** Minimum contrast, in grey levels out of 255, between paper and ink. */
  static final int MIN_CONTRAST = 24;

  private InkLevels() {}

  static GrayPlane coverage(GrayPlane flat, String name) {
    return coverage(flat, name, new float[flat.size()]);
  }

  /** As {@link #coverage(GrayPlane, String)}, written into {@code into} (at least the plane's size). */
  static GrayPlane coverage(GrayPlane flat, String name, float[] into) {
    int[] hist = flat.histogram256();
    int threshold = otsu(hist);
    int[] above = new int[256];
    long inkPixels = 0;
    for (int i = threshold + 1; i < 256; i++) {
      above[i] = hist[i];
      inkPixels += hist[i];
    }
    int solid = inkPixels == 0 ? threshold : GrayPlane.percentile(above, 0.5);
    if (solid < MIN_CONTRAST || solid <= threshold || inkPixels < 4) {
      throw new TfjMnistException("No digit was found in the image '" + name
          + "': it has no marks that stand out from the background.");
    }
    // Paper ends where its own noise ends (99th percentile of the paper class), not at the
    // threshold: MNIST keeps the faint half of the anti-aliased edge, and so must we.
    int[] below = new int[256];
    System.arraycopy(hist, 0, below, 0, threshold + 1);
    float lo = GrayPlane.percentile(below, 0.99);
    float span = Math.max(1f, solid - lo);
    GrayPlane out = new GrayPlane(flat.width, flat.height, into);
    // Never NaN: flat values are finite and span is at least 1.
    for (int i = 0, n = out.size(); i < n; i++) {
      out.v[i] = Math.max(0f, Math.min(1f, (flat.v[i] - lo) / span));
    }
    return out;
  }

  /** Otsu's method: the level that maximises the between-class variance. */
  static int otsu(int[] hist) {
    long total = 0;
    double sum = 0;
    for (int i = 0; i < hist.length; i++) {
      total += hist[i];
      sum += (double) i * hist[i];
    }
    long weightBelow = 0;
    double sumBelow = 0;
    double best = -1;
    int threshold = 0;
    for (int t = 0; t < hist.length; t++) {
      weightBelow += hist[t];
      if (weightBelow == 0) {
        continue;
      }
      long weightAbove = total - weightBelow;
      if (weightAbove == 0) {
        break;
      }
      sumBelow += (double) t * hist[t];
      double meanBelow = sumBelow / weightBelow;
      double meanAbove = (sum - sumBelow) / weightAbove;
      double between = (double) weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove);
      if (between > best) {
        best = between;
        threshold = t;
      }
    }
    return threshold;
  }
}
