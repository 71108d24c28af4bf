package io.tfjmnist.images.decoding;

/**
 * The documented bounds on what {@link ImageDecoder} accepts. They are checked from the file's
 * header, before any pixel is decoded, so a hostile or broken file costs nothing.
 */
public final class ImageLimits {
  /**
   * Smallest accepted side in pixels. Below 8x8 there is no digit to recognise: a 1x1 or 2x2
   * "image" is almost always a tracking pixel, an icon or a mistake, and the {@code mnist}
   * preprocessing needs a few pixels of border to tell paper from ink.
   */
  public static final int MIN_SIDE = 8;

  /**
   * Largest accepted image, in pixels (50 megapixels: above any phone camera of today at
   * 48-50 MP). A decoded 50 MP RGBA image already takes 200 MB; a "decompression bomb" that
   * declares 20000x20000 pixels in a few hundred bytes would otherwise take gigabytes.
   */
  public static final long MAX_PIXELS = 50_000_000L;

  /** Largest accepted file (256 MiB); a bigger file is not a photo of a digit. */
  public static final long MAX_FILE_BYTES = 256L * 1024 * 1024;

  /**
   * Most start-of-scan markers accepted in one JPEG. Real progressive JPEGs use about 10 scans;
   * crafted ones with thousands of tiny scans keep libjpeg busy for minutes.
   */
  public static final int MAX_JPEG_SCANS = 500;

  private ImageLimits() {}
}
