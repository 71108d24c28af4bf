package io.tfjmnist.optimizers;

/**
 * Keras's {@code RMSprop(learning_rate, rho, momentum, epsilon)}, uncentered (Keras's default;
 * {@code centered=True} is refused where configs are read). Defaults are Keras 3's: 0.001, rho 0.9,
 * momentum 0, epsilon 1e-7. Its slots per weight: the velocity (mean square) in
 * {@link OptimizerState#v}, and the momentum buffer (only when momentum is above 0) in
 * {@link OptimizerState#m}.
 */
public record RmsProp(float learningRate, float rho, float momentum, float epsilon) implements Optimizer {

  public RmsProp {
    Optimizer.requireLearningRate(learningRate);
    if (!(rho >= 0 && rho < 1)) {
      throw new IllegalArgumentException("RMSprop rho must be in [0, 1), got " + rho);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("RMSprop momentum must be in [0, 1), got " + momentum);
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be positive");
    }
  }

  /** {@code RMSprop()}: learning_rate 0.001, rho 0.9, momentum 0, epsilon 1e-7. */
  public static RmsProp kerasDefaults() {
    return new RmsProp(0.001f, 0.9f, 0f, Adam.KERAS_EPSILON);
  }

  @Override
  public String kerasClassName() {
    return "RMSprop";
  }

  @Override
  public String describe() {
    return "RMSprop(learning_rate=" + learningRate + ", rho=" + rho + ", momentum=" + momentum + ", epsilon=" + epsilon + ")";
  }

  @Override
  public RmsProp withLearningRate(float lr) {
    return new RmsProp(lr, rho, momentum, epsilon);
  }
}
