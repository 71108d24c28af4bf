package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Keras {@code Flatten()}: row-major (NHWC) reshape to {@code [batch, features]}. */
public final class Flatten implements Layer {
  private final String name;
  private final long features;

  public Flatten(String name, long[] inputShape) {
    this.name = name;
    long n = 1;
    for (long d : inputShape) {
      n *= d;
    }
    this.features = n;
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
    return new long[] {features};
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> w) {
    Ops scope = tf.withSubScope(name);
    return scope.reshape(input, scope.constant(new long[] {-1, features}));
  }
}
