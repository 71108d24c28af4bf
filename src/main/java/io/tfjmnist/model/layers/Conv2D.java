package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.WeightSpec.Initializer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras {@code Conv2D(filters, kernel_size, activation=...)} with stride 1 and 'valid' padding:
 * {@code conv2d} (NHWC input, HWIO kernel) then {@code biasAdd} then the activation.
 */
public final class Conv2D implements Layer {
  private final String name;
  private final int filters;
  private final int kernelHeight;
  private final int kernelWidth;
  private final Activation activation;
  private final long[] inputShape;
  private final String padding;

  /**
   * @param inputShape {@code [height, width, channels]} of one example
   * @param padding {@code "VALID"} (Keras's default) or {@code "SAME"}
   */
  public Conv2D(String name, int filters, int kernelHeight, int kernelWidth, String padding,
      Activation activation, long[] inputShape) {
    if (inputShape.length != 3) {
      throw new IllegalArgumentException("Conv2D needs a [height, width, channels] input, got rank " + inputShape.length);
    }
    this.name = name;
    this.filters = filters;
    this.kernelHeight = kernelHeight;
    this.kernelWidth = kernelWidth;
    this.padding = padding;
    this.activation = activation;
    this.inputShape = inputShape.clone();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<WeightSpec> weights() {
    return List.of(
        new WeightSpec(name, "kernel", new long[] {kernelHeight, kernelWidth, inputShape[2], filters}, Initializer.GLOROT_UNIFORM),
        new WeightSpec(name, "bias", new long[] {filters}, Initializer.ZEROS));
  }

  @Override
  public long[] outputShape() {
    if ("SAME".equals(padding)) {
      return new long[] {inputShape[0], inputShape[1], filters};
    }
    return new long[] {inputShape[0] - kernelHeight + 1, inputShape[1] - kernelWidth + 1, filters};
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> w) {
    Ops scope = tf.withSubScope(name);
    Operand<TFloat32> conv = scope.nn.conv2d(input, w.get("kernel"), List.of(1L, 1L, 1L, 1L), padding);
    return activation.apply(scope, scope.nn.biasAdd(conv, w.get("bias")));
  }
}
