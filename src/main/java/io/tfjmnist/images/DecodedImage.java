package io.tfjmnist.images;

import java.awt.image.BufferedImage;
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

  /** Wraps row-major 0xAARRGGBB pixels in a {@code TYPE_INT_ARGB} image without copying. */
  static BufferedImage argbImage(int width, int height, int[] argb) {
    BufferedImage bi = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    bi.setRGB(0, 0, width, height, argb, 0, width);
    return bi;
  }
}
