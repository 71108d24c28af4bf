package io.tfjmnist.optimizers;

/**
 * Keras's {@code tf.keras.optimizers.Adam()} hyperparameters. The defaults are Keras's, not TF
 * Java's: Keras uses {@code epsilon=1e-7} where TF Java's framework {@code Adam} uses 1e-8, and
 * the difference shows wherever a gradient is tiny.
 */
public record Adam(float learningRate, float beta1, float beta2, float epsilon) implements Optimizer {
  public static final float KERAS_EPSILON = 1e-7f;

  public Adam {
    Optimizer.requireLearningRate(learningRate);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("beta_1 and beta_2 must be in [0, 1)");
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be positive");
    }
  }

  /** {@code Adam()}: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7. */
  public static Adam kerasDefaults() {
    return new Adam(0.001f, 0.9f, 0.999f, KERAS_EPSILON);
  }

  @Override
  public String kerasClassName() {
    return "Adam";
  }

  @Override
  public String describe() {
    return "Adam(learning_rate=" + learningRate + ", beta_1=" + beta1 + ", beta_2=" + beta2 + ", epsilon=" + epsilon + ")";
  }

  @Override
  public Adam withLearningRate(float lr) {
    return new Adam(lr, beta1, beta2, epsilon);
  }
}
