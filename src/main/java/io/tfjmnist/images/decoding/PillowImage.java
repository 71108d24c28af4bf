package io.tfjmnist.images.decoding;

import java.util.Objects;

/**
 * Pixels exactly as Pillow's {@code Image.open} would hold them: a Pillow mode and its bands.
 *
 * <p>The {@code predict-py} preprocessing must reproduce Pillow byte for byte, and Pillow's result
 * depends on the mode a file opens in (a palette PNG resizes with NEAREST, an RGBA one through
 * premultiplied alpha, a 16-bit grey one in 16-bit arithmetic). Java's {@code BufferedImage}
 * hides those differences, so the decoder records them here instead.
 *
 * <p>8-bit modes keep one {@code byte[]} per band, row-major. {@code I;16} keeps its 16-bit
 * samples in {@code wide}. {@code P} keeps palette indices in band 0 and the palette as
 * {@code 0xAARRGGBB}.
 *
 * <p>The fields are the arrays themselves, not copies, so that decoding and the preprocessing
 * steps hand a photo's megabytes on without copying them; no step writes into an image it got.
 */
public final class PillowImage {

  /** The Pillow modes a PNG, JPEG, GIF or BMP file can open as. */
  public enum Mode {
    /** Bilevel, stored as 0 or 255. */
    ONE("1", 1),
    L("L", 1),
    LA("LA", 2),
    /** Palette indices plus a palette. */
    P("P", 1),
    RGB("RGB", 3),
    RGBA("RGBA", 4),
    /** Pillow's CMYK: what libjpeg outputs, inverted (Pillow's {@code CMYK;I} raw mode). */
    CMYK("CMYK", 4),
    /** 16-bit greyscale, Pillow's {@code I;16}. */
    I16("I;16", 1);

    /** Pillow's name for the mode. */
    public final String pillowName;
    public final int bands;

    Mode(String pillowName, int bands) {
      this.pillowName = pillowName;
      this.bands = bands;
    }
  }

  /**
   * An 8-bit image with its bands interleaved, {@code mode.bands} bytes per pixel, row-major: how a
   * decoder may hand its samples over (libjpeg-turbo writes RGB so), so that a step that can read
   * them in place need not split them into bands first. The pixels are the first
   * {@code width * height * mode.bands} bytes of {@code samples}, which may be longer (a decoder's
   * reused buffer).
   */
  public record Interleaved(Mode mode, int width, int height, byte[] samples) {
    public Interleaved {
      if (mode == Mode.P || mode == Mode.I16) {
        throw new IllegalArgumentException("mode " + mode + " is not stored as interleaved bytes");
      }
      if (width <= 0 || height <= 0 || (long) width * height * mode.bands > samples.length) {
        throw new IllegalArgumentException(samples.length + " bytes do not hold " + width + "x" + height
            + " pixels of " + mode.bands + " bands");
      }
    }

    /** The same pixels, one array per band, arrays of their own. */
    public PillowImage toBands() {
      int c = mode.bands;
      int n = width * height;
      if (c == 1) {
        return of8bit(mode, width, height, java.util.Arrays.copyOf(samples, n));
      }
      byte[][] bands = new byte[c][n];
      for (int i = 0, k = 0; i < n; i++) {
        for (int b = 0; b < c; b++, k++) {
          bands[b][i] = samples[k];
        }
      }
      return of8bit(mode, width, height, bands);
    }
  }

  public final Mode mode;
  public final int width;
  public final int height;
  public final byte[][] bands;
  public final short[] wide;
  public final int[] palette;

  private PillowImage(Mode mode, int width, int height, byte[][] bands, short[] wide, int[] palette) {
    this.mode = mode;
    this.width = width;
    this.height = height;
    this.bands = bands;
    this.wide = wide;
    this.palette = palette;
  }

  /** An 8-bit image of a mode other than P and I;16; one array of width*height per band. */
  public static PillowImage of8bit(Mode mode, int width, int height, byte[]... bands) {
    if (mode == Mode.P || mode == Mode.I16 || bands.length != mode.bands) {
      throw new IllegalArgumentException("bad bands for mode " + mode);
    }
    for (byte[] b : bands) {
      checkLength(b.length, width, height);
    }
    return new PillowImage(mode, width, height, bands, null, null);
  }

  /** A palette image: indices into {@code palette}, which holds 0xAARRGGBB entries. */
  public static PillowImage ofPalette(int width, int height, byte[] indices, int[] palette) {
    checkLength(indices.length, width, height);
    return new PillowImage(Mode.P, width, height, new byte[][] {indices}, null,
        Objects.requireNonNull(palette).clone());
  }

  /** A 16-bit greyscale image ({@code I;16}); samples are unsigned. */
  public static PillowImage ofI16(int width, int height, short[] samples) {
    checkLength(samples.length, width, height);
    return new PillowImage(Mode.I16, width, height, null, samples, null);
  }

  private static void checkLength(int length, int width, int height) {
    if (width <= 0 || height <= 0 || length != width * height) {
      throw new IllegalArgumentException("band length " + length + " does not fit " + width + "x" + height);
    }
  }

  public Mode mode() {
    return mode;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Sample {@code band} of pixel {@code i} (row-major), unsigned; I;16 returns 0..65535. */
  public int sample(int band, int i) {
    return mode == Mode.I16 ? wide[i] & 0xFFFF : bands[band][i] & 0xFF;
  }
}
