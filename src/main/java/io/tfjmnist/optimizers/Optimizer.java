package io.tfjmnist.optimizers;

/**
 * A Keras optimizer's class and hyperparameters ({@link Adam}, {@link Sgd}, {@link RmsProp}), as
 * {@code model.compile(optimizer=...)} records them; {@link OptimizerGraph#build} turns one into
 * TF ops that follow Keras 3's {@code update_step}.
 */
public sealed interface Optimizer permits Adam, Sgd, RmsProp {

  /** The constant learning rate (schedules are not supported). */
  float learningRate();

  /** Keras's class name: {@code Adam}, {@code SGD}, {@code RMSprop}. */
  String kerasClassName();

  /** {@code SGD(learning_rate=0.01, momentum=0.9, nesterov=False)}: for provenance and messages. */
  String describe();

  /** The same optimizer with another learning rate. */
  Optimizer withLearningRate(float lr);

  /** The check every constructor shares: a positive, finite learning rate. */
  static void requireLearningRate(float lr) {
    if (!(lr > 0) || !Float.isFinite(lr)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
    }
  }
}
