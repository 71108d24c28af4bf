package io.tfjmnist.images.preprocessing;

/**
 * Removes uneven lighting and paper tint from an ink plane: estimates the background (the
 * paper's own ink level, which a shadow or a lamp makes vary across the photo) and subtracts it.
 *
 * <p>The estimate is coarse on purpose: the picture is cut into about 10x10 tiles and each
 * tile's 25th percentile taken (paper dominates a tile unless a stroke fills three quarters of
 * it); a 3x3 minimum over tiles then discards tiles a thick stroke did fill, a 3x3 mean smooths,
 * and bilinear interpolation between tile centres gives a background for every pixel. Lighting
 * varies slowly, strokes do not, so the strokes survive the subtraction and the gradient does not.
 */
final class BackgroundFlattening {
  private static final int TILES_ALONG_LONGER_SIDE = 10;

  private BackgroundFlattening() {}

  /** The flattened ink; {@code inkLevels} are the ink's 8-bit levels, which the tiles' percentiles count. */
  static GrayPlane flatten(GrayPlane ink, Levels inkLevels) {
    return flatten(ink, inkLevels, new float[ink.size()]);
  }

  /** As {@link #flatten(GrayPlane, Levels)}, written into {@code into} (at least the plane's size, not its array). */
  static GrayPlane flatten(GrayPlane ink, Levels inkLevels, float[] into) {
    int w = ink.width;
    int h = ink.height;
    int tile = Math.max(4, (int) Math.round(Math.max(w, h) / (double) TILES_ALONG_LONGER_SIDE));
    int nx = Math.max(1, (int) Math.ceil(w / (double) tile));
    int ny = Math.max(1, (int) Math.ceil(h / (double) tile));
    float[] grid = new float[nx * ny];
    int[] hist = new int[256];
    for (int ty = 0; ty < ny; ty++) {
      for (int tx = 0; tx < nx; tx++) {
        int x0 = tx * w / nx;
        int x1 = (tx + 1) * w / nx;
        int y0 = ty * h / ny;
        int y1 = (ty + 1) * h / ny;
        java.util.Arrays.fill(hist, 0);
        inkLevels.addToHistogram(hist, x0, y0, x1, y1);
        grid[ty * nx + tx] = GrayPlane.percentile(hist, 0.25);
      }
    }
    grid = neighbourhood(grid, nx, ny, true);
    grid = neighbourhood(grid, nx, ny, false);
    GrayPlane out = new GrayPlane(w, h, into);
    // The horizontal interpolation positions are the same on every row: work them out once (the
    // division and floor per pixel cost more than the rest of the preprocessing together).
    int[] tx0s = new int[w];
    int[] tx1s = new int[w];
    double[] fxs = new double[w];
    for (int x = 0; x < w; x++) {
      double gx = (x + 0.5) * nx / w - 0.5;
      tx0s[x] = clamp((int) Math.floor(gx), 0, nx - 1);
      tx1s[x] = clamp(tx0s[x] + 1, 0, nx - 1);
      fxs[x] = clamp01(gx - tx0s[x]);
    }
    // The interpolation between two grid rows along x is the same for every image row between
    // those grid rows' centres: work it out once per pair of grid rows, not once per pixel.
    double[] top = new double[w];
    double[] bottom = new double[w];
    int rowsDone = -1;
    for (int y = 0; y < h; y++) {
      // Tile centres sit at ((t + 0.5) * size / n); interpolate between the two around y.
      double gy = (y + 0.5) * ny / h - 0.5;
      int ty0 = clamp((int) Math.floor(gy), 0, ny - 1);
      int ty1 = clamp(ty0 + 1, 0, ny - 1);
      double fy = clamp01(gy - ty0);
      if (ty0 != rowsDone) {
        interpolateAlongX(grid, ty0 * nx, tx0s, tx1s, fxs, top);
        interpolateAlongX(grid, ty1 * nx, tx0s, tx1s, fxs, bottom);
        rowsDone = ty0;
      }
      int o = y * w;
      double fTop = 1 - fy;
      for (int x = 0; x < w; x++) {
        double background = top[x] * fTop + bottom[x] * fy;
        // (float) Math.max(0, d) without Math.max's NaN and signed-zero handling, which keeps
        // this loop from being vectorised: rounding to float keeps the sign, and a set sign bit
        // (d < 0, or -0.0) gives +0.0 as Math.max would. The one case that differs, NaN, cannot
        // occur: ink values are finite (luma of 8-bit colours) and so is the background.
        int bits = Float.floatToRawIntBits((float) (ink.v[o + x] - background));
        out.v[o + x] = Float.intBitsToFloat(bits & ~(bits >> 31));
      }
    }
    return out;
  }

  /** One grid row (starting at {@code row}) interpolated at every image column. */
  private static void interpolateAlongX(float[] grid, int row, int[] tx0s, int[] tx1s, double[] fxs, double[] out) {
    for (int x = 0; x < out.length; x++) {
      double fx = fxs[x];
      out[x] = grid[row + tx0s[x]] * (1 - fx) + grid[row + tx1s[x]] * fx;
    }
  }

  /** 3x3 minimum ({@code min}) or mean over the tile grid, edges clamped. */
  private static float[] neighbourhood(float[] g, int nx, int ny, boolean min) {
    float[] out = new float[g.length];
    for (int y = 0; y < ny; y++) {
      for (int x = 0; x < nx; x++) {
        double acc = min ? Double.MAX_VALUE : 0;
        int n = 0;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int xx = x + dx;
            int yy = y + dy;
            if (xx >= 0 && xx < nx && yy >= 0 && yy < ny) {
              float v = g[yy * nx + xx];
              acc = min ? Math.min(acc, v) : acc + v;
              n++;
            }
          }
        }
        out[y * nx + x] = (float) (min ? acc : acc / n);
      }
    }
    return out;
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static double clamp01(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
