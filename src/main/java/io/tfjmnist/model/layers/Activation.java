package io.tfjmnist.model.layers;

import io.tfjmnist.TfjMnistException;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Keras activation names and the TF op each one is. */
public enum Activation {
  LINEAR,
  RELU,
  SOFTMAX,
  SIGMOID,
  TANH;

  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    switch (this) {
      case RELU:
        return tf.nn.relu(x);
      case SOFTMAX:
        return tf.nn.softmax(x);
      case SIGMOID:
        return tf.math.sigmoid(x);
      case TANH:
        return tf.math.tanh(x);
      default:
        return x;
    }
  }

  /** Parses the name Keras writes in a layer config ({@code "relu"}, {@code "linear"}, ...). */
  public static Activation fromKeras(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TfjMnistException("Unsupported activation '" + name + "' (supported: linear, relu, softmax, sigmoid, tanh).");
    }
  }

  public String kerasName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
