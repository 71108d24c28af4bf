package io.tfjmnist.optimizers;

/**
 * Keras's {@code SGD(learning_rate, momentum, nesterov)}. Defaults are Keras 3's: learning rate
 * 0.01, no momentum. Its one slot per weight (the momentum buffer Keras keeps, only when momentum is not
 * 0) is kept in {@link OptimizerState#m}.
 */
public record Sgd(float learningRate, float momentum, boolean nesterov) implements Optimizer {

  public Sgd {
    Optimizer.requireLearningRate(learningRate);
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException("SGD momentum must be in [0, 1], got " + momentum);
    }
  }

  /** {@code SGD()}: learning_rate 0.01, momentum 0, nesterov False. */
  public static Sgd kerasDefaults() {
    return new Sgd(0.01f, 0f, false);
  }

  @Override
  public String kerasClassName() {
    return "SGD";
  }

  @Override
  public String describe() {
    return "SGD(learning_rate=" + learningRate + ", momentum=" + momentum + ", nesterov=" + (nesterov ? "True" : "False") + ")";
  }

  @Override
  public Sgd withLearningRate(float lr) {
    return new Sgd(lr, momentum, nesterov);
  }
}
