package io.tfjmnist.images.decoding;

import java.awt.image.Raster;
import java.io.IOException;
import javax.imageio.ImageReader;

/**
 * Decodes 4-component (CMYK and YCCK) JPEGs, which ImageIO's {@code read} either rejects
 * ("Unsupported Image Type", older JDKs) or colour-manages through a generic CMYK profile. Both
 * differ from what libjpeg, and therefore Pillow, produce, so we read the raw raster and do the
 * conversions ourselves:
 * <ol>
 *   <li>YCCK (Adobe transform 2) to CMYK with libjpeg's integer tables (jdcolor.c:
 *       {@code ycck_cmyk_convert}), K passed through;
 *   <li>Adobe's inverted storage: Photoshop writes 255 - ink. Pillow inverts every 4-component
 *       JPEG ({@code rawmode "CMYK;I"}, "assume adobe conventions"), so the quickstart's view does too.
 *       For display and the {@code mnist} path we invert only when an Adobe marker says so;
 *   <li>CMYK to RGB with Pillow's {@code cmyk2rgb}: R = (255 - K) - C * (255 - K) / 255.
 * </ol>
 */
final class CmykJpeg {
  private static final int SCALEBITS = 16;
  private static final int ONE_HALF = 1 << (SCALEBITS - 1);
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  static {
    // build_ycc_rgb_table from libjpeg's jdcolor.c.
    for (int i = 0, x = -128; i <= 255; i++, x++) {
      CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
      CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
      CR_G[i] = -fix(0.71414) * x;
      CB_G[i] = -fix(0.34414) * x + ONE_HALF;
    }
  }

  private CmykJpeg() {}

  private static int fix(double x) {
    return (int) (x * (1L << SCALEBITS) + 0.5);
  }

  /** The decoded pixels: Pillow's CMYK view (for the seed) and the colours to display. */
  record Result(PillowImage pillow, int[] argb) {}

  static Result read(ImageReader reader, JpegInfo info) throws IOException {
    Raster r = reader.readRaster(0, null);
    int w = r.getWidth();
    int h = r.getHeight();
    int n = w * h;
    byte[][] pillow = new byte[4][n];
    int[] argb = new int[n];
    int[] px = new int[4 * w];
    boolean ycck = info.adobeTransform == 2;
    boolean adobeInverted = info.adobeTransform >= 0;
    for (int y = 0; y < h; y++) {
      r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, px);
      for (int x = 0; x < w; x++) {
        int o = 4 * x;
        int c = px[o];
        int m = px[o + 1];
        int yel = px[o + 2];
        int k = px[o + 3];
        if (ycck) {
          int luma = c;
          int cb = m;
          int cr = yel;
          c = PillowConvert.clip8(255 - (luma + CR_R[cr]));
          m = PillowConvert.clip8(255 - (luma + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS)));
          yel = PillowConvert.clip8(255 - (luma + CB_B[cb]));
        }
        int i = y * w + x;
        // Pillow's view: libjpeg's output inverted, always.
        pillow[0][i] = (byte) (255 - c);
        pillow[1][i] = (byte) (255 - m);
        pillow[2][i] = (byte) (255 - yel);
        pillow[3][i] = (byte) (255 - k);
        if (adobeInverted) {
          c = 255 - c;
          m = 255 - m;
          yel = 255 - yel;
          k = 255 - k;
        }
        argb[i] = 0xFF000000 | toRgb(c, m, yel, k);
      }
    }
    return new Result(PillowImage.of8bit(PillowImage.Mode.CMYK, w, h, pillow), argb);
  }

  /** Pillow's cmyk2rgb, packed as 0xRRGGBB. */
  static int toRgb(int c, int m, int y, int k) {
    int nk = 255 - k;
    int r = PillowConvert.clip8(nk - PillowConvert.mulDiv255(c, nk));
    int g = PillowConvert.clip8(nk - PillowConvert.mulDiv255(m, nk));
    int b = PillowConvert.clip8(nk - PillowConvert.mulDiv255(y, nk));
    return r << 16 | g << 8 | b;
  }
}
