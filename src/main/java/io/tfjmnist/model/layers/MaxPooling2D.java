package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras {@code MaxPooling2D(pool_size, strides, padding)} on NHWC input: TF's {@code MaxPool}
 * over {@code [1, ph, pw, 1]} windows. No weights. Keras's default strides equal the pool size.
 */
public final class MaxPooling2D implements Layer {
  private final String name;
  private final int poolHeight;
  private final int poolWidth;
  private final int strideHeight;
  private final int strideWidth;
  private final String padding;
  private final long[] inputShape;

  /**
   * @param padding Keras's {@code "valid"} / {@code "same"} (either case)
   * @param inputShape {@code [height, width, channels]} of one example
   */
  public MaxPooling2D(String name, int poolHeight, int poolWidth, int strideHeight, int strideWidth,
      String padding, long[] inputShape) {
    Pooling.requireImage("MaxPooling2D", inputShape);
    this.name = name;
    this.poolHeight = poolHeight;
    this.poolWidth = poolWidth;
    this.strideHeight = strideHeight;
    this.strideWidth = strideWidth;
    this.padding = Pooling.padding(padding);
    this.inputShape = inputShape.clone();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<WeightSpec> weights() {
    return List.of();
  }

  @Override
  public long[] outputShape() {
    return new long[] {
        Pooling.outputSize(inputShape[0], poolHeight, strideHeight, padding),
        Pooling.outputSize(inputShape[1], poolWidth, strideWidth, padding),
        inputShape[2]};
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights) {
    Ops scope = tf.withSubScope(name);
    return scope.nn.maxPool(input,
        scope.constant(new int[] {1, poolHeight, poolWidth, 1}),
        scope.constant(new int[] {1, strideHeight, strideWidth, 1}),
        padding);
  }
}
