package io.tfjmnist.images.decoding;

import io.tfjmnist.tensors.JpegTurbo;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The common photo, a complete baseline JPEG in YCbCr or grey, decoded by libjpeg-turbo (TF's
 * {@code DecodeJpeg}, {@link JpegTurbo}) instead of ImageIO's libjpeg 6b: about three times less CPU,
 * and the same pixels, since both run libjpeg's integer inverse DCT and its "fancy" upsampling, as
 * Pillow (built on libjpeg-turbo) does.
 *
 * <p>Only files where the two decoders are known to agree take this path: 8-bit baseline or
 * extended-sequential frames with one scan, grey or JFIF's YCbCr (components 1, 2, 3, no Adobe
 * marker) with chroma at full, half-width or half-size resolution, no restart markers (whose
 * resynchronisation libjpeg reports only as a warning), and a marker stream that is whole (no stray
 * bytes between segments, an EOI at the end). A picture whose last block is flat is checked by
 * ImageIO too ({@link #endsInFlatBlock}). Everything else, and every file
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
        || info.adobeTransform != -1 || info.restartInterval != 0 || info.width <= 0 || info.height <= 0
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
   * Whether the bottom-right 4x4 pixels are all one colour: what libjpeg leaves where the compressed
   * data ran out before the last block ("premature end of data segment", a file cut in the middle
   * but ending in EOI). libjpeg only warns about that, and TF passes no warning on, so such a picture
   * would come back half grey; ImageIO's path refuses it. Flat corners occur in clean pictures too
   * (a white margin): those also go to ImageIO, which gives them the same pixels, a little slower.
   */
  static boolean endsInFlatBlock(JpegTurbo.Pixels p) {
    int c = p.channels();
    int side = Math.min(4, Math.min(p.width(), p.height()));
    byte[] s = p.samples();
    int last = ((p.height() - 1) * p.width() + p.width() - 1) * c;
    for (int y = 0; y < side; y++) {
      int row = ((p.height() - 1 - y) * p.width() + p.width() - side) * c;
      for (int i = 0; i < side * c; i++) {
        if (s[row + i] != s[last + i % c]) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The decoded image, or null when libjpeg-turbo refuses the data (the caller's ImageIO path then
   * says why in its own words) or TF's library cannot be loaded here. Its samples live in the
   * thread's {@link DecodeBuffer} while no later decode on that thread has taken it over; after
   * that the image decodes {@code bytes} again when asked for a view.
   */
  static DecodedImage decode(byte[] bytes, JpegInfo info, String name) {
    DecodeBuffer.Lease lease = DecodeBuffer.lease();
    PillowImage.Interleaved pixels = decode(bytes, info, lease::array);
    if (pixels == null) {
      return null;
    }
    return DecodedImage.borrowed(name, ImageFormat.JPEG, info.exifOrientation, pixels, argb(pixels),
        lease::holds, () -> again(bytes, info, name));
  }

  /** The same file decoded into arrays of its own (for an image whose buffer has moved on). */
  private static DecodedImage again(byte[] bytes, JpegInfo info, String name) {
    PillowImage.Interleaved pixels = decode(bytes, info, byte[]::new);
    return pixels != null
        ? DecodedImage.lazy(name, ImageFormat.JPEG, info.exifOrientation, pixels, argb(pixels))
        : ImageDecoder.decodeWithImageIo(bytes, name, ImageFormat.JPEG);
  }

  private static PillowImage.Interleaved decode(byte[] bytes, JpegInfo info, IntFunction<byte[]> buffer) {
    JpegTurbo.Pixels p;
    try {
      p = JpegTurbo.shared().decode(bytes, info.components, buffer);
    } catch (IllegalArgumentException | LinkageError e) {
      return null;
    }
    if (p.width() != info.width || p.height() != info.height || endsInFlatBlock(p)) {
      return null; // not what the header declared, or perhaps cut short: let ImageIO look at it
    }
    return new PillowImage.Interleaved(p.channels() == 1 ? PillowImage.Mode.L : PillowImage.Mode.RGB,
        p.width(), p.height(), p.samples());
  }

  /** The colours as 0xAARRGGBB, made when asked for. */
  private static Supplier<int[]> argb(PillowImage.Interleaved p) {
    int n = p.width() * p.height();
    byte[] s = p.samples();
    return p.mode() == PillowImage.Mode.L ? () -> greyArgb(s, n) : () -> rgbArgb(s, n);
  }

  private static int[] rgbArgb(byte[] rgb, int n) {
    int[] argb = new int[n];
    for (int i = 0, k = 0; i < n; i++, k += 3) {
      argb[i] = 0xFF000000 | (rgb[k] & 0xFF) << 16 | (rgb[k + 1] & 0xFF) << 8 | (rgb[k + 2] & 0xFF);
    }
    return argb;
  }

  private static int[] greyArgb(byte[] grey, int n) {
    int[] argb = new int[n];
    for (int i = 0; i < n; i++) {
      argb[i] = 0xFF000000 | (grey[i] & 0xFF) * 0x010101;
    }
    return argb;
  }
}
