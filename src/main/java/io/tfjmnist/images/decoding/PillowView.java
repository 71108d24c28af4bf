package io.tfjmnist.images.decoding;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;

/**
 * Reads an ImageIO {@link BufferedImage} the way Pillow would have opened the same file: which
 * mode it opens in (from the file's own header, as Pillow's plugins decide) and the stored
 * sample values, untouched by Java's colour management.
 *
 * <p>That last point matters: {@code BufferedImage.getRGB} on a greyscale image converts from
 * linear grey to sRGB (128 comes back as 188), and on 16-bit images it rescales instead of
 * taking the high byte as Pillow does. Both would silently break the quickstart's arithmetic, so
 * this class reads rasters directly.
 */
public final class PillowView {
  private PillowView() {}

  /** PngImagePlugin's _MODES table, keyed by IHDR bit depth and colour type. */
  static PillowImage.Mode pngMode(byte[] png) {
    int bitDepth = png[24] & 0xFF;
    int colorType = png[25] & 0xFF;
    return switch (colorType) {
      case 0 -> bitDepth == 1 ? PillowImage.Mode.ONE : bitDepth == 16 ? PillowImage.Mode.I16 : PillowImage.Mode.L;
      case 2 -> PillowImage.Mode.RGB;
      case 3 -> PillowImage.Mode.P;
      // 16-bit grey+alpha opens as RGBA in Pillow ("LA;16B->LA not yet available").
      case 4 -> bitDepth == 16 ? PillowImage.Mode.RGBA : PillowImage.Mode.LA;
      case 6 -> PillowImage.Mode.RGBA;
      default -> throw new IllegalArgumentException("PNG colour type " + colorType);
    };
  }

  /** JpegImagePlugin: the number of components decides. */
  static PillowImage.Mode jpegMode(int components) {
    return switch (components) {
      case 1 -> PillowImage.Mode.L;
      case 3 -> PillowImage.Mode.RGB;
      case 4 -> PillowImage.Mode.CMYK;
      default -> throw new IllegalArgumentException("JPEG with " + components + " components");
    };
  }

  /**
   * GifImagePlugin: a palette whose entry i is (i, i, i) throughout is "not needed" and the
   * frame opens as L; any other palette opens as P (which Pillow resizes with NEAREST).
   */
  static PillowImage.Mode gifMode(BufferedImage bi) {
    if (bi.getColorModel() instanceof IndexColorModel icm) {
      for (int i = 0; i < icm.getMapSize(); i++) {
        if (icm.getRed(i) != i || icm.getGreen(i) != i || icm.getBlue(i) != i) {
          return PillowImage.Mode.P;
        }
      }
    }
    return PillowImage.Mode.L;
  }

  /**
   * BmpImagePlugin: a palette that is exactly black/white (2 colours) opens as "1", one whose
   * entry i is (i, i, i) as L, any other as P; 32-bit images open as RGBA only with an alpha mask.
   */
  static PillowImage.Mode bmpMode(BufferedImage bi) {
    ColorModel cm = bi.getColorModel();
    if (cm instanceof IndexColorModel icm) {
      int n = icm.getMapSize();
      boolean grey = true;
      for (int i = 0; i < n; i++) {
        int v = n == 2 ? (i == 0 ? 0 : 255) : i;
        grey &= icm.getRed(i) == v && icm.getGreen(i) == v && icm.getBlue(i) == v;
      }
      return grey ? (n == 2 ? PillowImage.Mode.ONE : PillowImage.Mode.L) : PillowImage.Mode.P;
    }
    if (cm.getNumColorComponents() == 1) {
      // ImageIO hands an 8-bit BMP whose palette is the identity grey ramp over as plain grey:
      // exactly the palette Pillow "ditches" for mode L.
      return PillowImage.Mode.L;
    }
    return cm.hasAlpha() ? PillowImage.Mode.RGBA : PillowImage.Mode.RGB;
  }

  /** The pixels of {@code bi} in {@code mode} (not CMYK: see {@link CmykJpeg}). */
  public static PillowImage of(BufferedImage bi, PillowImage.Mode mode) {
    return of(bi, mode, null);
  }

  /**
   * As {@link #of(BufferedImage, PillowImage.Mode)}, reusing {@code argb} = {@link #storedArgb}
   * of {@code bi} when the caller has it already (null: computed here if needed).
   */
  static PillowImage of(BufferedImage bi, PillowImage.Mode mode, int[] argb) {
    int w = bi.getWidth();
    int h = bi.getHeight();
    int n = w * h;
    Raster r = bi.getRaster();
    switch (mode) {
      case P -> {
        IndexColorModel icm = (IndexColorModel) bi.getColorModel();
        int[] palette = new int[icm.getMapSize()];
        icm.getRGBs(palette);
        return PillowImage.ofPalette(w, h, band(r, 0), palette);
      }
      case ONE, L -> {
        byte[] v = band(r, 0);
        if (bi.getColorModel() instanceof IndexColorModel icm) {
          for (int i = 0; i < n; i++) {
            v[i] = (byte) icm.getRed(v[i] & 0xFF);
          }
        } else if (sampleBits(r) == 16) {
          int[] row = new int[w];
          for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
              v[y * w + x] = (byte) (row[x] >> 8);
            }
          }
        }
        if (mode == PillowImage.Mode.ONE) {
          for (int i = 0; i < n; i++) {
            v[i] = (byte) (v[i] != 0 ? 255 : 0);
          }
        }
        return PillowImage.of8bit(mode, w, h, v);
      }
      case LA -> {
        return PillowImage.of8bit(mode, w, h, band(r, 0), band(r, 1));
      }
      case I16 -> {
        short[] s = new short[n];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
          r.getSamples(0, y, w, 1, 0, row);
          for (int x = 0; x < w; x++) {
            s[y * w + x] = (short) row[x];
          }
        }
        return PillowImage.ofI16(w, h, s);
      }
      case RGB, RGBA -> {
        if (argb == null) {
          argb = storedArgb(bi);
        }
        int bands = mode.bands;
        byte[][] out = new byte[bands][n];
        for (int i = 0; i < n; i++) {
          int p = argb[i];
          out[0][i] = (byte) (p >> 16);
          out[1][i] = (byte) (p >> 8);
          out[2][i] = (byte) p;
          if (bands == 4) {
            out[3][i] = (byte) (p >>> 24);
          }
        }
        return PillowImage.of8bit(mode, w, h, out);
      }
      default -> throw new IllegalArgumentException("mode " + mode + " is not read from a BufferedImage");
    }
  }

  /**
   * The stored colour of every pixel as 0xAARRGGBB, row-major: grey replicated to RGB, 16-bit
   * samples reduced to their high byte (as Pillow's ";16B" raw modes do), palettes looked up.
   */
  public static int[] storedArgb(BufferedImage bi) {
    int w = bi.getWidth();
    int h = bi.getHeight();
    int[] out = new int[w * h];
    ColorModel cm = bi.getColorModel();
    Raster r = bi.getRaster();
    ByteLayout bytes = cm instanceof ComponentColorModel ? ByteLayout.of(r) : null;
    if (bytes != null) {
      // 8-bit interleaved samples (ImageIO's JPEG and most PNGs): read the array itself, since
      // Raster.getPixels goes through the sample model one value at a time.
      int colours = cm.getNumColorComponents();
      int[] off = bytes.bandOffsets;
      int ro = off[0];
      int go = colours >= 3 ? off[1] : ro;
      int bo = colours >= 3 ? off[2] : ro;
      int ao = cm.hasAlpha() ? off[colours] : -1;
      byte[] d = bytes.data;
      for (int y = 0; y < h; y++) {
        int p = bytes.base + y * bytes.scanline;
        int o = y * w;
        for (int x = 0; x < w; x++, p += bytes.pixelStride) {
          int a = ao >= 0 ? d[p + ao] & 0xFF : 255;
          out[o + x] = a << 24 | (d[p + ro] & 0xFF) << 16 | (d[p + go] & 0xFF) << 8 | (d[p + bo] & 0xFF);
        }
      }
    } else if (cm instanceof ComponentColorModel) {
      int colours = cm.getNumColorComponents();
      int shift = sampleBits(r) == 16 ? 8 : 0;
      int alphaBand = cm.hasAlpha() ? colours : -1;
      int bands = r.getNumBands();
      int[] row = new int[w * bands];
      for (int y = 0; y < h; y++) {
        r.getPixels(0, y, w, 1, row);
        for (int x = 0; x < w; x++) {
          int o = x * bands;
          int red = row[o] >> shift;
          int green = colours >= 3 ? row[o + 1] >> shift : red;
          int blue = colours >= 3 ? row[o + 2] >> shift : red;
          int a = alphaBand >= 0 ? row[o + alphaBand] >> shift : 255;
          out[y * w + x] = a << 24 | red << 16 | green << 8 | blue;
        }
      }
    } else {
      // Palettes and packed pixels are sRGB by construction, where getRGB is exact.
      bi.getRGB(0, 0, w, h, out, 0, w);
    }
    return out;
  }

  private static int sampleBits(Raster r) {
    return r.getSampleModel().getSampleSize(0);
  }

  private static byte[] band(Raster r, int b) {
    int w = r.getWidth();
    int h = r.getHeight();
    byte[] out = new byte[w * h];
    ByteLayout bytes = ByteLayout.of(r);
    if (bytes != null) {
      for (int y = 0; y < h; y++) {
        int p = bytes.base + y * bytes.scanline + bytes.bandOffsets[b];
        if (bytes.pixelStride == 1) {
          System.arraycopy(bytes.data, p, out, y * w, w);
          continue;
        }
        for (int x = 0; x < w; x++, p += bytes.pixelStride) {
          out[y * w + x] = bytes.data[p];
        }
      }
      return out;
    }
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, b, row);
      for (int x = 0; x < w; x++) {
        out[y * w + x] = (byte) row[x];
      }
    }
    return out;
  }

  /**
   * Where an 8-bit pixel-interleaved raster keeps its samples: sample {@code b} of pixel (x, y) is
   * {@code data[base + y * scanline + x * pixelStride + bandOffsets[b]]}.
   */
  private record ByteLayout(byte[] data, int base, int scanline, int pixelStride, int[] bandOffsets) {
    /** The layout of {@code r}, or null when its samples are not 8-bit bytes in one interleaved array. */
    static ByteLayout of(Raster r) {
      if (!(r.getDataBuffer() instanceof DataBufferByte db) || db.getNumBanks() != 1
          || !(r.getSampleModel() instanceof PixelInterleavedSampleModel sm)) {
        return null;
      }
      for (int size : sm.getSampleSize()) {
        if (size != 8) {
          return null;
        }
      }
      int x0 = r.getMinX() - r.getSampleModelTranslateX();
      int y0 = r.getMinY() - r.getSampleModelTranslateY();
      int base = db.getOffset() + y0 * sm.getScanlineStride() + x0 * sm.getPixelStride();
      return new ByteLayout(db.getData(), base, sm.getScanlineStride(), sm.getPixelStride(), sm.getBandOffsets());
    }
  }
}
