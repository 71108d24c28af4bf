package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What Keras's {@code MaxPooling2D} and {@code AveragePooling2D} share: NHWC input,
 * {@code [1, ph, pw, 1]} windows, {@code [1, sh, sw, 1]} strides (Keras's default equals the pool
 * size), "valid" or "same" padding, no weights. Subclasses choose TF's pooling op.
 */
abstract class Pooling2D implements Layer {
  private final String name;
  final int poolHeight;
  final int poolWidth;
  final int strideHeight;
  final int strideWidth;
  final String padding;
  private final long[] inputShape;

  Pooling2D(String kerasClass, String name, int poolHeight, int poolWidth, int strideHeight, int strideWidth,
      String padding, long[] inputShape) {
    Pooling.requireImage(kerasClass, inputShape);
    this.name = name;
    this.poolHeight = poolHeight;
    this.poolWidth = poolWidth;
    this.strideHeight = strideHeight;
    this.strideWidth = strideWidth;
    this.padding = Pooling.padding(padding);
    this.inputShape = inputShape.clone();
  }

  /** TF's pooling op on {@code input}, named in {@code scope}. */
  abstract Operand<TFloat32> pool(Ops scope, Operand<TFloat32> input);

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
    return pool(tf.withSubScope(name), input);
  }
}
