package io.tfjmnist.checkpoint;

/**
 * Which object graph a TF checkpoint Java writes carries: the one Keras 3 builds, or the one Keras 2's
 * {@code save_weights} wrote. Java reads both.
 */
public enum CheckpointLayout {
  /**
   * Keras 3's {@code tf.train.Checkpoint(model=model, optimizer=model.optimizer)}: Python's
   * {@code .read(prefix).assert_consumed()} matches every value (weights, {@code iterations}, Adam's
   * momentums and velocities).
   */
  KERAS3,
  /**
   * Keras 2's {@code model.save_weights(prefix)}: layers at the root, Adam as an OptimizerV2 with
   * {@code iter}, {@code beta_1}, {@code beta_2}, {@code decay}, {@code learning_rate} and
   * {@code .OPTIMIZER_SLOT} slots, plus Keras 3's names as second edges; for Keras 2 readers.
   */
  KERAS2
}
