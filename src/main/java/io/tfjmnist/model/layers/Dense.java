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
  private final boolean useBias;

  public Dense(String name, int units, Activation activation, long inputUnits) {
    this(name, units, activation, inputUnits, true);
  }

  /** @param useBias Keras's {@code use_bias}: without it the layer has no {@code bias} weight */
  public Dense(String name, int units, Activation activation, long inputUnits, boolean useBias) {
    this.useBias = useBias;
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
    WeightSpec kernel = new WeightSpec(name, "kernel", new long[] {inputUnits, units}, Initializer.GLOROT_UNIFORM);
    return useBias ? List.of(kernel, new WeightSpec(name, "bias", new long[] {units}, Initializer.ZEROS)) : List.of(kernel);
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
    Operand<TFloat32> product = scope.linalg.matMul(input, w.get("kernel"));
    return useBias ? scope.nn.biasAdd(product, w.get("bias")) : product;
  }
}
