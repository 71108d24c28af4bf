package io.tfjmnist.images.decoding;

import io.tfjmnist.tensors.JpegTurbo;

/**
 * The common photo, a complete baseline JPEG in YCbCr or grey, decoded by libjpeg-turbo (TF's
 * {@code DecodeJpeg}, {@link JpegTurbo}) instead of ImageIO's libjpeg 6b: about three times less CPU,
 * and the same pixels, since both run libjpeg's integer inverse DCT and its "fancy" upsampling, as
 * Pillow (built on libjpeg-turbo) does.
 *
 * <p>Only files where the two decoders are known to agree take this path: 8-bit baseline or
 * extended-sequential frames with one scan, grey or JFIF's YCbCr (components 1, 2, 3, no Adobe
 * marker) with chroma at full, half-width or half-size resolution, and a marker stream that is
 * whole (no stray bytes between segments, an EOI at the end). Everything else, and every file
 * libjpeg-turbo refuses, goes to ImageIO, whose messages and checks (truncation, CMYK, 12-bit,
 * progressive scans) are unchanged. libjpeg-turbo's h1v2 upsampling (chroma at half height only)
 * postdates libjpeg 6b, hence that layout's exclusion.
 */
final class BaselineJpeg {
  private BaselineJpeg() {}

  /** Whether {@code info} describes a file this path decodes (see the class comment). */
  static boolean eligible(JpegInfo info) {
    boolean sequential = info.frameMarker == 0xC0 || info.frameMarker == 0xC1;
    if (!sequential || info.precision != 8 || info.scans != 1 || !info.endsWithEoi || info.extraneousBytes
        || info.adobeTransform != -1 || info.width <= 0 || info.height <= 0
        || info.componentIds.length != info.components) {
      return false;
    }
    if (info.components == 1) {
      return true;
    }
    if (info.components != 3 || info.componentIds[0] != 1 || info.componentIds[1] != 2 || info.componentIds[2] != 3) {
      return false;
    }
    int luma = info.sampling[0];
    return info.sampling[1] == 0x11 && info.sampling[2] == 0x11 && (luma == 0x11 || luma == 0x21 || luma == 0x22);
  }

  /**
   * The decoded image, or null when libjpeg-turbo refuses the data (the caller's ImageIO path then
   * says why in its own words) or TF's library cannot be loaded here.
   */
  static DecodedImage decode(byte[] bytes, JpegInfo info, String name) {
    JpegTurbo.Pixels p;
    try {
      p = JpegTurbo.shared().decode(bytes, info.components);
    } catch (IllegalArgumentException | LinkageError e) {
      return null;
    }
    if (p.width() != info.width || p.height() != info.height) {
      return null; // not what the header declared: let ImageIO look at it
    }
    int n = p.width() * p.height();
    byte[] s = p.samples();
    int[] argb = new int[n];
    PillowImage pixels;
    if (p.channels() == 1) {
      for (int i = 0; i < n; i++) {
        argb[i] = 0xFF000000 | (s[i] & 0xFF) * 0x010101;
      }
      pixels = PillowImage.of8bit(PillowImage.Mode.L, p.width(), p.height(), s);
    } else {
      byte[] r = new byte[n];
      byte[] g = new byte[n];
      byte[] b = new byte[n];
      for (int i = 0, k = 0; i < n; i++, k += 3) {
        r[i] = s[k];
        g[i] = s[k + 1];
        b[i] = s[k + 2];
        argb[i] = 0xFF000000 | (s[k] & 0xFF) << 16 | (s[k + 1] & 0xFF) << 8 | (s[k + 2] & 0xFF);
      }
      pixels = PillowImage.of8bit(PillowImage.Mode.RGB, p.width(), p.height(), r, g, b);
    }
    return new DecodedImage(name, ImageFormat.JPEG, pixels,
        DecodedImage.argbImage(p.width(), p.height(), argb), info.exifOrientation);
  }
}
