package io.tfjmnist.images.decoding;

import java.util.function.IntBinaryOperator;

/**
 * Pillow's integer colour conversions (src/libImaging/Convert.c), reproduced bit for bit.
 * Only the ones the {@code predict-py} path needs: {@code convert('L')} from every mode a file opens
 * in, and the premultiplication Pillow wraps around resizing RGBA and LA.
 */
public final class PillowConvert {
  private PillowConvert() {}

  /** Convert.c's {@code L24(rgb) >> 16}: ITU-R 601-2 luma in 16-bit fixed point, rounded. */
  public static int luma(int r, int g, int b) {
    return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
  }

  /** Imaging.h's {@code MULDIV255}: a*b/255 rounded, the way Pillow premultiplies. */
  public static int mulDiv255(int a, int b) {
    int tmp = a * b + 128;
    return ((tmp >> 8) + tmp) >> 8;
  }

  /** Imaging.h's {@code CLIP8}. */
  public static int clip8(int v) {
    return v <= 0 ? 0 : Math.min(v, 255);
  }

  /**
   * {@code image.convert('L')}, returned as width*height unsigned bytes. Alpha is dropped, as
   * Pillow does (rgb2l and la2l ignore it); P goes through the palette, CMYK through RGB (Pillow
   * has no direct CMYK to L converter and falls back to the mode's base, RGB); I;16 saturates
   * at 255 instead of scaling (I16L_L).
   */
  public static byte[] toL(PillowImage im) {
    int n = im.width * im.height;
    byte[] out = new byte[n];
    switch (im.mode) {
      case ONE, L, LA -> System.arraycopy(im.bands[0], 0, out, 0, n);
      case P -> {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
          int argb = i < im.palette.length ? im.palette[i] : 0;
          lut[i] = luma(argb >> 16 & 0xFF, argb >> 8 & 0xFF, argb & 0xFF);
        }
        for (int i = 0; i < n; i++) {
          out[i] = (byte) lut[im.bands[0][i] & 0xFF];
        }
      }
      case RGB, RGBA -> {
        for (int i = 0; i < n; i++) {
          out[i] = (byte) luma(im.sample(0, i), im.sample(1, i), im.sample(2, i));
        }
      }
      case CMYK -> {
        for (int i = 0; i < n; i++) {
          int nk = 255 - im.sample(3, i);
          int r = clip8(nk - mulDiv255(im.sample(0, i), nk));
          int g = clip8(nk - mulDiv255(im.sample(1, i), nk));
          int b = clip8(nk - mulDiv255(im.sample(2, i), nk));
          out[i] = (byte) luma(r, g, b);
        }
      }
      case I16 -> {
        for (int i = 0; i < n; i++) {
          int v = im.wide[i] & 0xFFFF;
          out[i] = (byte) ((v >> 8) != 0 ? 255 : v);
        }
      }
      default -> throw new IllegalStateException("unknown mode " + im.mode);
    }
    return out;
  }

  /** RGBA to RGBa / LA to La (rgbA2rgba, lA2la): colour bands times alpha, MULDIV255. */
  public static PillowImage premultiply(PillowImage im) {
    return mapColourBands(im, PillowConvert::mulDiv255);
  }

  /**
   * RGBa to RGBA / La to LA (rgba2rgbA, la2lA): divides by alpha with integer division, leaving
   * pixels of alpha 0 or 255 as they are.
   */
  public static PillowImage unpremultiply(PillowImage im) {
    return mapColourBands(im, (v, a) -> a == 255 || a == 0 ? v : clip8(255 * v / a));
  }

  /** Each colour sample replaced by {@code f(sample, alpha)}; the alpha band (the last) copied. */
  private static PillowImage mapColourBands(PillowImage im, IntBinaryOperator f) {
    int n = im.width * im.height;
    byte[][] out = new byte[im.bands.length][];
    byte[] alpha = im.bands[im.bands.length - 1];
    for (int b = 0; b < im.bands.length - 1; b++) {
      out[b] = new byte[n];
      for (int i = 0; i < n; i++) {
        out[b][i] = (byte) f.applyAsInt(im.bands[b][i] & 0xFF, alpha[i] & 0xFF);
      }
    }
    out[out.length - 1] = alpha.clone();
    return PillowImage.of8bit(im.mode, im.width, im.height, out);
  }
}
