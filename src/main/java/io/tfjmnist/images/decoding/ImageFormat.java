package io.tfjmnist.images.decoding;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The image formats this package decodes, recognised by their magic numbers. The bytes decide,
 * never the file name: photos are routinely renamed, and a PNG called {@code x.jpg} is still a PNG.
 */
public enum ImageFormat {
  PNG("png"),
  JPEG("jpeg"),
  GIF("gif"),
  BMP("bmp");

  /** The name ImageIO registers its reader under. */
  final String imageIoName;

  ImageFormat(String imageIoName) {
    this.imageIoName = imageIoName;
  }

  /** Detects the format from the first bytes of a file, or empty if it is none of ours. */
  public static Optional<ImageFormat> sniff(byte[] b) {
    if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of(PNG);
    }
    if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
      return Optional.of(JPEG);
    }
    if (startsWith(b, 'G', 'I', 'F', '8', '7', 'a') || startsWith(b, 'G', 'I', 'F', '8', '9', 'a')) {
      return Optional.of(GIF);
    }
    // "BM" alone is weak (a text file can start with it), so also require the DIB header size
    // at offset 14 to be one of the sizes Windows and OS/2 bitmaps use.
    if (startsWith(b, 'B', 'M') && b.length >= 18) {
      int dib = (b[14] & 0xFF) | (b[15] & 0xFF) << 8 | (b[16] & 0xFF) << 16 | (b[17] & 0xFF) << 24;
      if (dib == 12 || dib == 16 || dib == 40 || dib == 52 || dib == 56 || dib == 64
          || dib == 108 || dib == 124) {
        return Optional.of(BMP);
      }
    }
    return Optional.empty();
  }

  /**
   * Names what an unsupported file most likely is, for the error message ("a WebP image",
   * "text"), so the user knows whether to convert it or whether they picked the wrong file.
   */
  static String describeUnsupported(byte[] b) {
    if (startsWith(b, 'R', 'I', 'F', 'F') && b.length >= 12
        && new String(b, 8, 4, StandardCharsets.ISO_8859_1).equals("WEBP")) {
      return "a WebP image, which is not supported (convert it to PNG or JPEG)";
    }
    if (startsWith(b, 'I', 'I', 0x2A, 0) || startsWith(b, 'M', 'M', 0, 0x2A)) {
      return "a TIFF image, which is not supported (convert it to PNG or JPEG)";
    }
    if (b.length >= 12 && new String(b, 4, 4, StandardCharsets.ISO_8859_1).equals("ftyp")) {
      String brand = new String(b, 8, 4, StandardCharsets.ISO_8859_1);
      if (brand.startsWith("hei") || brand.startsWith("mif") || brand.startsWith("avif")
          || brand.startsWith("hev")) {
        return "a HEIC/AVIF image, which is not supported (convert it to PNG or JPEG)";
      }
    }
    if (startsWith(b, '%', 'P', 'D', 'F')) {
      return "a PDF document, not an image";
    }
    if (startsWith(b, 'P', 'K', 3, 4) || startsWith(b, 0x1F, 0x8B)) {
      return "a compressed archive, not an image";
    }
    if (looksLikeText(b)) {
      return "text, not an image";
    }
    return "not a PNG, JPEG, GIF or BMP image";
  }

  /** True when the first kilobyte is printable ASCII/UTF-8 with line breaks, like a text file. */
  private static boolean looksLikeText(byte[] b) {
    int n = Math.min(b.length, 1024);
    if (n == 0) {
      return false;
    }
    int odd = 0;
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xFF;
      boolean printable = c >= 0x20 && c != 0x7F || c == '\n' || c == '\r' || c == '\t';
      if (!printable && c < 0x80) {
        odd++;
      }
    }
    return odd == 0;
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
