package io.tfjmnist.model.layers;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Keras {@code MaxPooling2D(pool_size, strides, padding)}: TF's {@code MaxPool}. */
public final class MaxPooling2D extends Pooling2D {

  /**
   * @param padding Keras's {@code "valid"} / {@code "same"} (either case)
   * @param inputShape {@code [height, width, channels]} of one example
   */
  public MaxPooling2D(String name, int poolHeight, int poolWidth, int strideHeight, int strideWidth,
      String padding, long[] inputShape) {
    super("MaxPooling2D", name, poolHeight, poolWidth, strideHeight, strideWidth, padding, inputShape);
  }

  @Override
  Operand<TFloat32> pool(Ops scope, Operand<TFloat32> input) {
    return scope.nn.maxPool(input,
        scope.constant(new int[] {1, poolHeight, poolWidth, 1}),
        scope.constant(new int[] {1, strideHeight, strideWidth, 1}),
        padding);
  }
}
