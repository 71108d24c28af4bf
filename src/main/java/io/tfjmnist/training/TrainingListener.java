package io.tfjmnist.training;

import org.tensorflow.proto.GraphDef;

/**
 * Keras-style callbacks around a {@link Trainer#fit} run. Every method has an empty default so a
 * listener implements only what it needs.
 */
public interface TrainingListener {
  /** Once per fit, before {@link #onTrainBegin}: the training graph as TF holds it (what TensorBoard's Graphs tab shows). */
  default void onGraphBuilt(GraphDef trainingGraph) {}

  default void onTrainBegin(TrainingConfig config, int trainSize, int stepsPerEpoch) {}

  default void onEpochBegin(int epoch) {}

  /**
   * After each step. {@code loss} and {@code accuracy} are the running epoch values (what Keras's
   * progress bar shows), {@code images} the examples processed so far in this epoch.
   */
  default void onBatchEnd(int epoch, int step, int steps, float loss, float accuracy, long images, long elapsedNanos) {}

  /**
   * After each step, with that step's own loss (the batch mean before the update, which Keras's
   * {@code train_step} computes), not the running epoch mean. {@code step} counts from 1 in the epoch.
   */
  default void onBatchLoss(int epoch, int step, float batchLoss) {}

  /** Before the test set is evaluated at the end of an epoch. */
  default void onEvaluateBegin(int epoch) {}

  default void onEpochEnd(EpochLogs logs, Trainer.Snapshot snapshot) {}

  default void onTrainEnd(TrainingResult result) {}

  /** Returning true stops training after the current step (Ctrl-C, early stopping). */
  default boolean stopRequested() {
    return false;
  }
}
