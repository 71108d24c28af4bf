package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A stand-alone activation: Keras's {@code Activation('relu')}, {@code ReLU()} and
 * {@code Softmax()} layers. Softmax applies over the last axis, as Keras's default does.
 */
public final class ActivationLayer implements Layer {
  private final String name;
  private final Activation activation;
  private final long[] shape;

  public ActivationLayer(String name, Activation activation, long[] inputShape) {
    this.name = name;
    this.activation = activation;
    this.shape = inputShape.clone();
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
    return List.of();
  }

  @Override
  public long[] outputShape() {
    return shape.clone();
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights) {
    return activation.apply(tf.withSubScope(name), input);
  }
}
