package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.WeightSpec.Initializer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Keras {@code Dense(units, activation=...)}: {@code matMul}, {@code biasAdd}, activation. */
public final class Dense implements Layer {
  private final String name;
  private final int units;
  private final long inputUnits;
  private final Activation activation;

  public Dense(String name, int units, Activation activation, long inputUnits) {
    this.name = name;
    this.units = units;
    this.activation = activation;
    this.inputUnits = inputUnits;
  }

  @Override
  public String name() {
    return name;
  }

  public Activation activation() {
    return activation;
  }

  @Override
  public List<WeightSpec> weights() {
    return List.of(
        new WeightSpec(name, "kernel", new long[] {inputUnits, units}, Initializer.GLOROT_UNIFORM),
        new WeightSpec(name, "bias", new long[] {units}, Initializer.ZEROS));
  }

  @Override
  public long[] outputShape() {
    return new long[] {units};
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> w) {
    return activation.apply(tf.withSubScope(name), preActivation(tf, input, w));
  }

  /**
   * The layer's output before its activation. Keras's loss reaches through a final softmax to
   * these logits, so the training graph needs them separately.
   */
  public Operand<TFloat32> preActivation(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> w) {
    Ops scope = tf.withSubScope(name);
    return scope.nn.biasAdd(scope.linalg.matMul(input, w.get("kernel")), w.get("bias"));
  }
}
