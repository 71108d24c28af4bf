package io.tfjmnist.images.decoding;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A decoded image file, in the two views the preprocessings need.
 *
 * <p>{@code name} is what to call the image in messages (usually its path); {@code format} the
 * format detected from the file's bytes; {@code pixels} the pixels as Pillow would hold them (mode
 * and raw bands), for {@code predict-py}; {@code image} the colours as stored, as an sRGB
 * {@code TYPE_INT_ARGB} image, not yet turned by the EXIF orientation; {@code exifOrientation} the
 * JPEG EXIF orientation, 1..8 (1 = upright as stored).
 *
 * <p>A decoder may make the two views on first use ({@link #lazy}): each preprocessing reads one of
 * them, and building the other from a photo's decoded bytes costs about a third of a millisecond.
 * Its decoded bytes may live in its thread's reusable buffer ({@link DecodeBuffer}): then every read
 * first checks that the buffer still holds them (same thread, no later decode on it) and otherwise
 * decodes the file again, so a view made late, or on another thread, is still this image's.
 * An instance is used by one thread at a time, as the decoder hands it on.
 */
public final class DecodedImage {
  private final String name;
  private final ImageFormat format;
  private final int width;
  private final int height;
  private final int exifOrientation;
  private PillowImage pixels;
  private BufferedImage image;
  private PillowImage.Interleaved interleaved;
  private Supplier<PillowImage> pixelsSource;
  private Supplier<BufferedImage> imageSource;
  /** Whether the sources above may still read their bytes; null: they always may. */
  private BooleanSupplier current;
  /** The same file decoded again into arrays of its own, for when {@link #current} says no. */
  private Supplier<DecodedImage> again;

  public DecodedImage(String name, ImageFormat format, PillowImage pixels, BufferedImage image, int exifOrientation) {
    this(name, format, image.getWidth(), image.getHeight(), exifOrientation);
    this.pixels = Objects.requireNonNull(pixels, "pixels");
    this.image = checkArgb(image);
  }

  private DecodedImage(String name, ImageFormat format, int width, int height, int exifOrientation) {
    this.name = Objects.requireNonNull(name, "name");
    this.format = Objects.requireNonNull(format, "format");
    if (exifOrientation < 1 || exifOrientation > 8) {
      throw new IllegalArgumentException("EXIF orientation must be 1..8: " + exifOrientation);
    }
    this.width = width;
    this.height = height;
    this.exifOrientation = exifOrientation;
  }

  /** A decoded image whose views are made by {@code pixels} and {@code argb} when first asked for. */
  static DecodedImage lazy(String name, ImageFormat format, int width, int height, int exifOrientation,
      Supplier<PillowImage> pixels, Supplier<int[]> argb) {
    DecodedImage d = new DecodedImage(name, format, width, height, exifOrientation);
    d.pixelsSource = Objects.requireNonNull(pixels, "pixels");
    Objects.requireNonNull(argb, "argb");
    d.imageSource = () -> argbImage(width, height, argb.get());
    return d;
  }

  /**
   * A decoded image whose Pillow pixels are {@code interleaved} (read in place by
   * {@link #interleavedPixels}, split into bands only if {@link #pixels} is asked for) and whose
   * colours are made by {@code argb} when first asked for.
   */
  static DecodedImage lazy(String name, ImageFormat format, int exifOrientation, PillowImage.Interleaved interleaved,
      Supplier<int[]> argb) {
    DecodedImage d = lazy(name, format, interleaved.width(), interleaved.height(), exifOrientation,
        interleaved::toBands, argb);
    d.interleaved = interleaved;
    return d;
  }

  /**
   * As {@link #lazy(String, ImageFormat, int, PillowImage.Interleaved, Supplier)}, over samples in a
   * reused buffer: {@code current} says whether the buffer still holds them for the calling thread,
   * and {@code again} decodes the file anew into arrays of its own when it does not.
   */
  static DecodedImage borrowed(String name, ImageFormat format, int exifOrientation,
      PillowImage.Interleaved interleaved, Supplier<int[]> argb, BooleanSupplier current, Supplier<DecodedImage> again) {
    DecodedImage d = lazy(name, format, exifOrientation, interleaved, argb);
    d.current = Objects.requireNonNull(current, "current");
    d.again = Objects.requireNonNull(again, "again");
    return d;
  }

  /**
   * Before a view is made from the decoder's bytes: when they are no longer this image's to read,
   * takes the views of the file decoded again instead. (Views already made are arrays of their own.)
   */
  private void keepCurrent() {
    if (current == null || current.getAsBoolean()) {
      return;
    }
    DecodedImage fresh = again.get();
    if (fresh.width != width || fresh.height != height || fresh.current != null) {
      throw new IllegalStateException("decoding '" + name + "' again gave another image");
    }
    if (pixels == null) {
      pixels = fresh.pixels;
      pixelsSource = fresh.pixelsSource;
    }
    if (image == null) {
      image = fresh.image;
      imageSource = fresh.imageSource;
    }
    interleaved = fresh.interleaved;
    current = null;
    again = null;
  }

  private static BufferedImage checkArgb(BufferedImage image) {
    Objects.requireNonNull(image, "image");
    if (image.getType() != BufferedImage.TYPE_INT_ARGB) {
      throw new IllegalArgumentException("image must be TYPE_INT_ARGB");
    }
    return image;
  }

  public String name() {
    return name;
  }

  public ImageFormat format() {
    return format;
  }

  /** The pixels as Pillow would hold them, for {@code predict-py}. */
  public PillowImage pixels() {
    if (pixels == null) {
      keepCurrent();
    }
    if (pixels == null) {
      pixels = pixelsSource.get();
      pixelsSource = null;
    }
    return pixels;
  }

  /**
   * The same pixels as {@link #pixels}, bands interleaved as the decoder wrote them, or null when the
   * decoder made bands. Reading these instead spares a photo's band view (about 0.4 ms of CPU for a
   * 530 px one). Not a copy: do not modify it. Its samples may be the thread's reused decode
   * buffer: read them on this thread before it decodes another image (ask again afterwards: this
   * image then decodes its file anew).
   */
  public PillowImage.Interleaved interleavedPixels() {
    if (interleaved != null) {
      keepCurrent();
    }
    return interleaved;
  }

  /** The colours as stored, as a {@code TYPE_INT_ARGB} image, not yet turned by the EXIF orientation. */
  public BufferedImage image() {
    if (image == null) {
      keepCurrent();
    }
    if (image == null) {
      image = checkArgb(imageSource.get());
      imageSource = null;
    }
    return image;
  }

  public int exifOrientation() {
    return exifOrientation;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /**
   * Wraps row-major 0xAARRGGBB pixels in a {@code TYPE_INT_ARGB} image without copying: the array
   * becomes the image's storage, so the caller must not change it afterwards. ({@code setRGB}
   * would convert pixel by pixel through the colour model: milliseconds for a photo.)
   */
  public static BufferedImage argbImage(int width, int height, int[] argb) {
    if (argb.length != width * height) {
      throw new IllegalArgumentException(argb.length + " pixels for " + width + "x" + height);
    }
    DirectColorModel cm = (DirectColorModel) ColorModel.getRGBdefault();
    WritableRaster raster = Raster.createPackedRaster(
        new DataBufferInt(argb, argb.length), width, height, width, cm.getMasks(), null);
    return new BufferedImage(cm, raster, false, null);
  }

  /**
   * The pixels of a {@code TYPE_INT_ARGB} image as row-major 0xAARRGGBB, read-only: the image's own
   * storage when it is laid out that way (every image {@link #argbImage} makes), else a copy.
   */
  public static int[] argbPixels(BufferedImage argb) {
    int w = argb.getWidth();
    int h = argb.getHeight();
    Raster r = argb.getRaster();
    if (argb.getType() == BufferedImage.TYPE_INT_ARGB
        && r.getDataBuffer() instanceof DataBufferInt db && db.getNumBanks() == 1 && db.getOffset() == 0
        && r.getSampleModel() instanceof SinglePixelPackedSampleModel sm && sm.getScanlineStride() == w
        && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0
        && db.getData().length == w * h) {
      return db.getData();
    }
    return argb.getRGB(0, 0, w, h, null, 0, w);
  }
}
