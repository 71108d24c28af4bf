package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import java.util.List;

/**
 * A layer without weights whose output has its input's shape ({@link ActivationLayer},
 * {@link Dropout}): the name and shape bookkeeping they share.
 */
abstract class WeightlessLayer implements Layer {
  private final String name;
  private final long[] shape;

  WeightlessLayer(String name, long[] inputShape) {
    this.name = name;
    this.shape = inputShape.clone();
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final List<WeightSpec> weights() {
    return List.of();
  }

  @Override
  public final long[] outputShape() {
    return shape.clone();
  }
}
