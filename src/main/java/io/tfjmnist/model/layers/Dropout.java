package io.tfjmnist.model.layers;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras {@code Dropout(rate)} as it runs at inference ({@code training=False}): the identity. It is
 * kept as a layer so that an imported model lists the same layers as its Keras summary; the
 * project's training graph does not drop units either, so training through it is plain training.
 */
public final class Dropout extends WeightlessLayer {
  private final double rate;

  public Dropout(String name, double rate, long[] inputShape) {
    super(name, inputShape);
    this.rate = rate;
  }

  /** The Keras drop rate, kept for summaries; not applied. */
  public double rate() {
    return rate;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights) {
    return input;
  }
}
