package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.WeightSpec.Initializer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras {@code Conv2D(filters, kernel_size, strides, padding, activation)}: {@code conv2d} (NHWC
 * input, HWIO kernel, {@code [1, sh, sw, 1]} strides) then {@code biasAdd} then the activation.
 */
public final class Conv2D implements Layer {
  private final String name;
  private final int filters;
  private final int kernelHeight;
  private final int kernelWidth;
  private final int strideHeight;
  private final int strideWidth;
  private final String padding;
  private final Activation activation;
  private final long[] inputShape;

  /** Stride 1, as the quickstart's {@code Conv2D(32, 3, activation='relu')}. */
  public Conv2D(String name, int filters, int kernelHeight, int kernelWidth, String padding,
      Activation activation, long[] inputShape) {
    this(name, filters, kernelHeight, kernelWidth, 1, 1, padding, activation, inputShape);
  }

  /**
   * @param padding {@code "valid"} (Keras's default) or {@code "same"}, any case
   * @param inputShape {@code [height, width, channels]} of one example
   */
  public Conv2D(String name, int filters, int kernelHeight, int kernelWidth, int strideHeight,
      int strideWidth, String padding, Activation activation, long[] inputShape) {
    Pooling.requireImage("Conv2D", inputShape);
    this.name = name;
    this.filters = filters;
    this.kernelHeight = kernelHeight;
    this.kernelWidth = kernelWidth;
    this.strideHeight = strideHeight;
    this.strideWidth = strideWidth;
    this.padding = Pooling.padding(padding);
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
    return new long[] {
        Pooling.outputSize(inputShape[0], kernelHeight, strideHeight, padding),
        Pooling.outputSize(inputShape[1], kernelWidth, strideWidth, padding),
        filters};
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> w) {
    Ops scope = tf.withSubScope(name);
    Operand<TFloat32> conv = scope.nn.conv2d(input, w.get("kernel"),
        List.of(1L, (long) strideHeight, (long) strideWidth, 1L), padding);
    return activation.apply(scope, scope.nn.biasAdd(conv, w.get("bias")));
  }
}
