package io.tfjmnist.model.layers;

import java.util.Locale;

/**
 * Shape arithmetic shared by the 2-D pooling layers and strided convolutions, as TF's
 * {@code GetWindowedOutputSize} computes it: {@code VALID} keeps only whole windows,
 * {@code SAME} pads so that every {@code stride}-th position starts one.
 */
final class Pooling {
  private Pooling() {}

  /** {@code "VALID"} or {@code "SAME"} from Keras's lower-case spelling; anything else is refused. */
  static String padding(String keras) {
    String p = keras.toUpperCase(Locale.ROOT);
    if (!p.equals("VALID") && !p.equals("SAME")) {
      throw new IllegalArgumentException("padding must be 'valid' or 'same', got '" + keras + "'");
    }
    return p;
  }

  static long outputSize(long input, int window, int stride, String padding) {
    if ("SAME".equals(padding)) {
      return (input + stride - 1) / stride;
    }
    return input < window ? 0 : (input - window) / stride + 1;
  }

  static void requireImage(String layer, long[] inputShape) {
    if (inputShape.length != 3) {
      throw new IllegalArgumentException(layer + " needs a [height, width, channels] input, got rank " + inputShape.length);
    }
  }
}
