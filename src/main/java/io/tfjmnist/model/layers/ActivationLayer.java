package io.tfjmnist.model.layers;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A stand-alone activation: Keras's {@code Activation('relu')}, {@code ReLU()} and
 * {@code Softmax()} layers. Softmax applies over the last axis, as Keras's default does.
 */
public final class ActivationLayer extends WeightlessLayer {
  private final Activation activation;

  public ActivationLayer(String name, Activation activation, long[] inputShape) {
    super(name, inputShape);
    this.activation = activation;
  }

  public Activation activation() {
    return activation;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights) {
    return activation.apply(tf.withSubScope(name()), input);
  }
}
