package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras {@code AveragePooling2D(pool_size, strides, padding)} on NHWC input: TF's {@code AvgPool},
 * which (like Keras) averages only the cells inside the image when {@code SAME} padding pads.
 */
public final class AveragePooling2D implements Layer {
  private final String name;
  private final int poolHeight;
  private final int poolWidth;
  private final int strideHeight;
  private final int strideWidth;
  private final String padding;
  private final long[] inputShape;

  public AveragePooling2D(String name, int poolHeight, int poolWidth, int strideHeight, int strideWidth,
      String padding, long[] inputShape) {
    Pooling.requireImage("AveragePooling2D", inputShape);
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
    return scope.nn.avgPool(input, List.of(1L, (long) poolHeight, (long) poolWidth, 1L),
        List.of(1L, (long) strideHeight, (long) strideWidth, 1L), padding);
  }
}
