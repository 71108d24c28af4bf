package io.tfjmnist.training.callbacks;

import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingListener;

/**
 * Stops training after a given number of optimizer steps over the whole run (counted like Adam's
 * {@code iterations}, so a resumed run stops at the same step). An epoch cut short is not evaluated;
 * the weights are still saved. Used to compare the first steps of a run with Python's.
 */
public final class StepLimit implements TrainingListener {
  private final long maxSteps;
  private int stepsPerEpoch;
  private boolean reached;

  public StepLimit(long maxSteps) {
    if (maxSteps < 1) {
      throw new IllegalArgumentException("the step limit must be at least 1, got " + maxSteps);
    }
    this.maxSteps = maxSteps;
  }

  @Override
  public void onTrainBegin(TrainingConfig config, int trainSize, int stepsPerEpoch) {
    this.stepsPerEpoch = stepsPerEpoch;
  }

  @Override
  public void onBatchLoss(int epoch, int step, float batchLoss) {
    reached |= (long) (epoch - 1) * stepsPerEpoch + step >= maxSteps;
  }

  @Override
  public boolean stopRequested() {
    return reached;
  }
}
