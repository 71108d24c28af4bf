package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.WeightSpec.Initializer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras {@code Conv2D(filters, kernel_size, strides=(sh, sw), padding, activation)} for strides
 * other than 1 ({@link Conv2D} is the stride-1 layer the seed model uses): {@code conv2d} with
 * {@code [1, sh, sw, 1]} strides, {@code biasAdd}, activation. Same weights as {@link Conv2D}.
 */
public final class StridedConv2D implements Layer {
  private final String name;
  private final int filters;
  private final int kernelHeight;
  private final int kernelWidth;
  private final int strideHeight;
  private final int strideWidth;
  private final String padding;
  private final Activation activation;
  private final long[] inputShape;

  public StridedConv2D(String name, int filters, int kernelHeight, int kernelWidth, int strideHeight,
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
