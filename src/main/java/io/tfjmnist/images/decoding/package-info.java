/**
 * From an image file's bytes to its pixels, as Pillow's {@code Image.open} would hold them.
 *
 * <p>No TensorFlow here. {@link io.tfjmnist.images.decoding.ImageDecoder} reads PNG, JPEG, GIF and
 * BMP (recognised by their bytes) into a {@link io.tfjmnist.images.decoding.DecodedImage}: the
 * Pillow mode and bands ({@link io.tfjmnist.images.decoding.PillowImage}) that {@code predict-py}
 * needs byte for byte, the stored colours, and the EXIF orientation. Broken, hostile or unsupported
 * files are refused with one clear {@link io.tfjmnist.TfjMnistException} sentence, before their
 * pixels are decoded where the header already tells ({@link io.tfjmnist.images.decoding.ImageLimits}).
 */
package io.tfjmnist.images.decoding;
