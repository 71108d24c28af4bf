/**
 * From decoded pixels to the model's input: 784 floats in [0, 1] (28x28, row-major, MNIST polarity:
 * white ink 1.0 on black 0.0).
 *
 * <p>{@link io.tfjmnist.images.preprocessing.Preprocessing} names the two ways: {@code mnist}
 * (default; photos of digits on paper, framed as MNIST's digits were: orientation, luma, polarity,
 * background flattening, ink components, a 20x20 box centred by mass) and {@code predict-py} (the
 * Python original's predict.py, byte for byte with Pillow's resize and {@code convert('L')}).
 * {@link io.tfjmnist.images.preprocessing.PanelImage} draws the grey panels the figures show.
 */
package io.tfjmnist.images.preprocessing;
