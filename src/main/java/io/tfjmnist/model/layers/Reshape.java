package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras {@code Reshape(target_shape)}: row-major reshape of each example to {@code target_shape}
 * (one entry may be -1, inferred from the input size, as Keras allows).
 */
public final class Reshape implements Layer {
  private final String name;
  private final long[] targetShape;

  public Reshape(String name, long[] targetShape, long[] inputShape) {
    this.name = name;
    this.targetShape = resolve(targetShape, inputShape);
  }

  private static long[] resolve(long[] target, long[] input) {
    long inSize = 1;
    for (long d : input) {
      inSize *= d;
    }
    long known = 1;
    int unknown = -1;
    for (int i = 0; i < target.length; i++) {
      if (target[i] == -1) {
        if (unknown >= 0) {
          throw new IllegalArgumentException("Reshape target " + Arrays.toString(target) + " has more than one -1");
        }
        unknown = i;
      } else {
        known *= target[i];
      }
    }
    long[] out = target.clone();
    if (unknown >= 0) {
      if (known == 0 || inSize % known != 0) {
        throw new IllegalArgumentException("cannot reshape " + Arrays.toString(input) + " to " + Arrays.toString(target));
      }
      out[unknown] = inSize / known;
    } else if (known != inSize) {
      throw new IllegalArgumentException("cannot reshape " + Arrays.toString(input) + " (" + inSize
          + " values) to " + Arrays.toString(target) + " (" + known + " values)");
    }
    return out;
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
    return targetShape.clone();
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights) {
    Ops scope = tf.withSubScope(name);
    long[] full = new long[targetShape.length + 1];
    full[0] = -1;
    System.arraycopy(targetShape, 0, full, 1, targetShape.length);
    return scope.reshape(input, scope.constant(full));
  }
}
