package io.tfjmnist.images.preprocessing;

/**
 * Frames ink coverage the way MNIST's digits were framed (LeCun et al.): the digit is cropped
 * to its bounding box, scaled so its longer side is 20 pixels with the aspect ratio kept and
 * area-averaging antialiasing, and placed in a 28x28 field so that its centre of mass lands on
 * pixel (14, 14), a whole-pixel shift, as in MNIST itself (its test set's centres of mass
 * average (14.0, 14.0) in row/column indices, spread +-0.3, and every digit's box is 20 pixels).
 */
final class MnistFraming {
  static final int SIDE = PreprocessedImage.SIDE;
  static final int BOX = 20;
  static final int CENTRE = 14;

  private MnistFraming() {}

  static float[] frame(GrayPlane coverage) {
    int w = coverage.width;
    int h = coverage.height;
    int x0 = w;
    int y0 = h;
    int x1 = -1;
    int y1 = -1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (coverage.v[y * w + x] > 0f) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
      }
    }
    float[] out = new float[SIDE * SIDE];
    if (x1 < 0) {
      return out;
    }
    int cw = x1 - x0 + 1;
    int ch = y1 - y0 + 1;
    double scale = (double) BOX / Math.max(cw, ch);
    int nw = Math.max(1, Math.min(BOX, (int) Math.round(cw * scale)));
    int nh = Math.max(1, Math.min(BOX, (int) Math.round(ch * scale)));
    GrayPlane digit = AreaScaler.resize(coverage, x0, y0, cw, ch, nw, nh);

    double mass = 0;
    double mx = 0;
    double my = 0;
    float peak = 0;
    for (int y = 0; y < nh; y++) {
      for (int x = 0; x < nw; x++) {
        float v = digit.v[y * nw + x];
        mass += v;
        mx += v * x;
        my += v * y;
        peak = Math.max(peak, v);
      }
    }
    if (mass <= 0) {
      return out;
    }
    // Thin strokes average down to grey at 20 pixels; MNIST's strokes peak at full intensity.
    float gain = peak > 0 && peak < 1 ? 1 / peak : 1;
    int dx = (int) Math.round(CENTRE - mx / mass);
    int dy = (int) Math.round(CENTRE - my / mass);
    for (int y = 0; y < nh; y++) {
      for (int x = 0; x < nw; x++) {
        int tx = x + dx;
        int ty = y + dy;
        // A lopsided digit ("7", "1" with a long flag) can be pushed past the edge by the
        // centring; MNIST clipped those too.
        if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) {
          out[ty * SIDE + tx] = Math.max(0f, Math.min(1f, digit.v[y * nw + x] * gain));
        }
      }
    }
    return out;
  }
}
