package io.tfjmnist.model.layers;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras {@code Rescaling(scale, offset)}: {@code inputs * scale + offset}, with both Python floats
 * cast to float32 as Keras casts them. A model that starts with {@code Rescaling(1/255)} is fed the
 * same {@code x / 255}-scaled images as any other here, so it scales them once more, as in Keras.
 */
public final class Rescaling extends WeightlessLayer {
  private final double scale;
  private final double offset;

  public Rescaling(String name, double scale, double offset, long[] inputShape) {
    super(name, inputShape);
    this.scale = scale;
    this.offset = offset;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights) {
    Ops scope = tf.withSubScope(name());
    return scope.math.add(scope.math.mul(input, scope.constant((float) scale)), scope.constant((float) offset));
  }
}
