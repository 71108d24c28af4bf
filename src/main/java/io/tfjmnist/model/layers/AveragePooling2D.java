package io.tfjmnist.model.layers;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras {@code AveragePooling2D(pool_size, strides, padding)}: TF's {@code AvgPool}, which (like
 * Keras) averages only the cells inside the image when {@code SAME} padding pads.
 */
public final class AveragePooling2D extends Pooling2D {

  /**
   * @param padding Keras's {@code "valid"} / {@code "same"} (either case)
   * @param inputShape {@code [height, width, channels]} of one example
   */
  public AveragePooling2D(String name, int poolHeight, int poolWidth, int strideHeight, int strideWidth,
      String padding, long[] inputShape) {
    super("AveragePooling2D", name, poolHeight, poolWidth, strideHeight, strideWidth, padding, inputShape);
  }

  @Override
  Operand<TFloat32> pool(Ops scope, Operand<TFloat32> input) {
    return scope.nn.avgPool(input, List.of(1L, (long) poolHeight, (long) poolWidth, 1L),
        List.of(1L, (long) strideHeight, (long) strideWidth, 1L), padding);
  }
}
