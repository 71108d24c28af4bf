package io.tfjmnist.images.decoding;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.util.Objects;

/**
 * A decoded image file, in the two views the preprocessings need.
 *
 * @param name what to call the image in messages (usually its path)
 * @param format the format detected from the file's bytes
 * @param pixels the pixels as Pillow would hold them (mode and raw bands), for {@code predict-py}
 * @param image the colours as stored, as an sRGB {@code TYPE_INT_ARGB} image, not yet turned
 *     by the EXIF orientation
 * @param exifOrientation the JPEG EXIF orientation, 1..8 (1 = upright as stored)
 */
public record DecodedImage(
    String name, ImageFormat format, PillowImage pixels, BufferedImage image, int exifOrientation) {

  public DecodedImage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(pixels, "pixels");
    Objects.requireNonNull(image, "image");
    if (image.getType() != BufferedImage.TYPE_INT_ARGB) {
      throw new IllegalArgumentException("image must be TYPE_INT_ARGB");
    }
    if (exifOrientation < 1 || exifOrientation > 8) {
      throw new IllegalArgumentException("EXIF orientation must be 1..8: " + exifOrientation);
    }
  }

  public int width() {
    return image.getWidth();
  }

  public int height() {
    return image.getHeight();
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
