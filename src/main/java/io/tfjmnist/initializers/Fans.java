package io.tfjmnist.initializers;

/**
 * Keras 3's {@code compute_fans(shape, input_axes, output_axes)}: with both axis lists, the products
 * of those axes' sizes (negative axes counting from the end, as Python indexes); else the last two
 * dimensions are (in, out) and the ones before them the receptive field a convolution kernel
 * multiplies both by; a vector's fans are its length, a scalar's 1.
 */
final class Fans {
  private Fans() {}

  /** {@code {fan_in, fan_out}}. */
  static long[] compute(long[] shape, int[] inputAxes, int[] outputAxes) {
    if (inputAxes != null && outputAxes != null) {
      return new long[] {product(shape, inputAxes), product(shape, outputAxes)};
    }
    int n = shape.length;
    if (n < 1) {
      return new long[] {1, 1};
    }
    if (n == 1) {
      return new long[] {shape[0], shape[0]};
    }
    long receptiveField = 1;
    for (int i = 0; i < n - 2; i++) {
      receptiveField *= shape[i];
    }
    return new long[] {shape[n - 2] * receptiveField, shape[n - 1] * receptiveField};
  }

  private static long product(long[] shape, int[] axes) {
    long p = 1;
    for (int axis : axes) {
      int a = axis < 0 ? shape.length + axis : axis;
      if (a < 0 || a >= shape.length) {
        throw new IllegalArgumentException("axis " + axis + " is outside a weight of rank " + shape.length);
      }
      p *= shape[a];
    }
    return p;
  }
}
