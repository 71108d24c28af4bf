package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.PillowConvert;
import io.tfjmnist.images.decoding.PillowImage;

/**
 * Pillow's {@code Image.resize(size)} with its default filter, reproduced bit for bit.
 *
 * <p>What Pillow does (src/PIL/Image.py, src/libImaging/Resample.c and Geometry.c):
 * <ul>
 *   <li>same size: a plain copy;
 *   <li>modes "1" and "P": NEAREST, via {@code ImagingScaleAffine} (a source position that
 *       starts at scale/2 and is advanced by adding the scale, truncated to an index);
 *   <li>everything else: BICUBIC (a = -0.5) with support 2 widened by the downscale factor,
 *       which is what antialiases a downscale. The weights of each output pixel are normalised
 *       to sum 1, turned into 22-bit fixed point for 8-bit images, and the image is resampled
 *       horizontally, rounded and clipped to 8 bits, then vertically;
 *   <li>RGBA and LA go through premultiplied alpha (RGBa, La) around the resampling;
 *   <li>I;16 is resampled in double precision with {@code ROUND_UP} and Pillow's odd 16-bit
 *       store ({@code CLIP8(v % 256) | CLIP8(v >> 8) << 8}).
 * </ul>
 * Every double operation below is written in the C source's order, because a different
 * association can move a weight by one ulp and, rarely, an output byte by one.
 */
final class PillowResize {
  private static final int PRECISION_BITS = PillowResample8.PRECISION_BITS;

  private PillowResize() {}

  static PillowImage resize(PillowImage im, int outW, int outH) {
    if (im.width == outW && im.height == outH) {
      return im;
    }
    switch (im.mode) {
      case ONE, P -> {
        byte[] idx = nearest(im.bands[0], im.width, im.height, outW, outH);
        return im.mode == PillowImage.Mode.P
            ? PillowImage.ofPalette(outW, outH, idx, im.palette)
            : PillowImage.of8bit(im.mode, outW, outH, idx);
      }
      case I16 -> {
        return PillowImage.ofI16(outW, outH, resample16(im.wide, im.width, im.height, outW, outH));
      }
      case RGBA, LA -> {
        PillowImage pre = PillowConvert.premultiply(im);
        return PillowConvert.unpremultiply(resample8Bands(pre, outW, outH));
      }
      default -> {
        return resample8Bands(im, outW, outH);
      }
    }
  }

  /**
   * As {@link #resize(PillowImage, int, int)}, reading the samples where they are: modes resampled as
   * they are (L, RGB, CMYK) without a band view; RGBA and LA, which go through premultiplied alpha
   * first, from their bands.
   */
  static PillowImage resize(PillowImage.Interleaved im, int outW, int outH) {
    return switch (im.mode()) {
      case L, RGB, CMYK -> im.width() == outW && im.height() == outH
          ? im.toBands()
          : PillowImage.of8bit(im.mode(), outW, outH, PillowResample8.resample(PillowResample8.Samples.interleaved(
              im.samples(), im.mode().bands, im.width(), im.height()), outW, outH));
      default -> resize(im.toBands(), outW, outH);
    };
  }

  private static PillowImage resample8Bands(PillowImage im, int outW, int outH) {
    return PillowImage.of8bit(im.mode, outW, outH, resample8(im.bands, im.width, im.height, outW, outH));
  }

  /** The filter weights of every output pixel along one axis (precompute_coeffs). */
  static final class Coefficients {
    final int[] min;
    final int[] count;
    final double[][] weights;

    Coefficients(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double filterscale = scale < 1.0 ? 1.0 : scale;
      double support = 2.0 * filterscale; // BICUBIC's support is 2
      min = new int[outSize];
      count = new int[outSize];
      weights = new double[outSize][];
      for (int xx = 0; xx < outSize; xx++) {
        double center = 0.0 + (xx + 0.5) * scale;
        double ww = 0.0;
        double ss = 1.0 / filterscale;
        int xmin = (int) (center - support + 0.5); // C's (int) truncates toward zero, as Java's
        if (xmin < 0) {
          xmin = 0;
        }
        int xmax = (int) (center + support + 0.5);
        if (xmax > inSize) {
          xmax = inSize;
        }
        xmax -= xmin;
        double[] k = new double[xmax];
        for (int x = 0; x < xmax; x++) {
          double w = bicubic((x + xmin - center + 0.5) * ss);
          k[x] = w;
          ww += w;
        }
        for (int x = 0; x < xmax; x++) {
          if (ww != 0.0) {
            k[x] /= ww;
          }
        }
        min[xx] = xmin;
        count[xx] = xmax;
        weights[xx] = k;
      }
    }

    /** normalize_coeffs_8bpc: to fixed point, rounding half away from zero. */
    int[][] fixedPoint() {
      int[][] out = new int[weights.length][];
      for (int i = 0; i < weights.length; i++) {
        out[i] = new int[weights[i].length];
        for (int x = 0; x < weights[i].length; x++) {
          double w = weights[i][x];
          out[i][x] = w < 0 ? (int) (-0.5 + w * (1 << PRECISION_BITS)) : (int) (0.5 + w * (1 << PRECISION_BITS));
        }
      }
      return out;
    }
  }

  /** bicubic_filter with a = -0.5, in the C source's evaluation order. */
  static double bicubic(double x) {
    final double a = -0.5;
    if (x < 0.0) {
      x = -x;
    }
    if (x < 1.0) {
      return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0.0;
  }

  static byte[] resample8(byte[] in, int w, int h, int outW, int outH) {
    return resample8(new byte[][] {in}, w, h, outW, outH)[0];
  }

  /** Every band resampled as Pillow does (see {@link PillowResample8}); new arrays even at the same size. */
  static byte[][] resample8(byte[][] in, int w, int h, int outW, int outH) {
    if (outW == w && outH == h) {
      byte[][] out = new byte[in.length][];
      for (int b = 0; b < in.length; b++) {
        out[b] = in[b].clone();
      }
      return out;
    }
    return PillowResample8.resample(PillowResample8.Samples.ofBands(in, w, h), outW, outH);
  }

  /** ROUND_UP from Resample.c. */
  private static int roundUp(double f) {
    return (int) (f >= 0.0 ? f + 0.5 : f - 0.5);
  }

  /** How ImagingResample*_16bpc stores a result: each byte clipped on its own. */
  private static short store16(int v) {
    int low = PillowConvert.clip8(v % 256); // Java's % truncates toward zero, as C99's
    int high = PillowConvert.clip8(v >> 8);
    return (short) (low | high << 8);
  }

  static short[] resample16(short[] in, int w, int h, int outW, int outH) {
    short[] cur = in;
    int curW = w;
    if (outW != w) {
      Coefficients c = new Coefficients(w, outW);
      short[] tmp = new short[outW * h];
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < outW; xx++) {
          double ss = 0.0;
          for (int x = 0; x < c.count[xx]; x++) {
            ss += (cur[y * w + x + c.min[xx]] & 0xFFFF) * c.weights[xx][x];
          }
          tmp[y * outW + xx] = store16(roundUp(ss));
        }
      }
      cur = tmp;
      curW = outW;
    }
    if (outH != h) {
      Coefficients c = new Coefficients(h, outH);
      short[] tmp = new short[curW * outH];
      for (int yy = 0; yy < outH; yy++) {
        for (int x = 0; x < curW; x++) {
          double ss = 0.0;
          for (int y = 0; y < c.count[yy]; y++) {
            ss += (cur[(y + c.min[yy]) * curW + x] & 0xFFFF) * c.weights[yy][y];
          }
          tmp[yy * curW + x] = store16(roundUp(ss));
        }
      }
      cur = tmp;
    }
    return cur;
  }

  /** COORD() from Geometry.c. */
  private static int coord(double v) {
    return v < 0.0 ? -1 : (int) v;
  }

  /** ImagingScaleAffine: NEAREST with positions accumulated exactly as Pillow does. */
  static byte[] nearest(byte[] in, int w, int h, int outW, int outH) {
    double a0 = (double) w / outW;
    double a4 = (double) h / outH;
    int[] xin = new int[outW];
    double xo = 0.0 + a0 * 0.5;
    for (int x = 0; x < outW; x++) {
      xin[x] = coord(xo);
      xo += a0;
    }
    byte[] out = new byte[outW * outH];
    double yo = 0.0 + a4 * 0.5;
    for (int y = 0; y < outH; y++) {
      int yi = coord(yo);
      if (yi >= 0 && yi < h) {
        for (int x = 0; x < outW; x++) {
          if (xin[x] >= 0 && xin[x] < w) {
            out[y * outW + x] = in[yi * w + xin[x]];
          }
        }
      }
      yo += a4;
    }
    return out;
  }
}
