package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras {@code Dropout(rate)} as it runs at inference ({@code training=False}): the identity. It is
 * kept as a layer so that an imported model lists the same layers as its Keras summary; the
 * project's training graph does not drop units either, so training through it is plain training.
 */
public final class Dropout implements Layer {
  private final String name;
  private final double rate;
  private final long[] shape;

  public Dropout(String name, double rate, long[] inputShape) {
    this.name = name;
    this.rate = rate;
    this.shape = inputShape.clone();
  }

  @Override
  public String name() {
    return name;
  }

  /** The Keras drop rate, kept for summaries; not applied. */
  public double rate() {
    return rate;
  }

  @Override
  public List<WeightSpec> weights() {
    return List.of();
  }

  @Override
  public long[] outputShape() {
    return shape.clone();
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights) {
    return input;
  }
}
