/**
 * From an image file to the model's input, and back to a picture.
 *
 * <p>No TensorFlow here: this package turns an image file (PNG, JPEG, GIF or BMP, recognised by
 * its bytes) into 784 floats in [0, 1] (28x28, row-major, MNIST polarity: white ink 1.0 on
 * black 0.0) and draws the figures of the original Python script.
 *
 * <ul>
 *   <li>{@link io.tfjmnist.images.ImageDecoder}: bytes to pixels, refusing broken, hostile or
 *       unsupported files with one clear {@link io.tfjmnist.TfjMnistException} sentence;
 *   <li>{@link io.tfjmnist.images.Preprocessing}: {@code mnist} (default; photos of digits on
 *       paper, prepared as MNIST's digits were) or {@code predict-py} (the Python original's predict.py, byte for
 *       byte with Pillow);
 * </ul>
 */
package io.tfjmnist.images;
