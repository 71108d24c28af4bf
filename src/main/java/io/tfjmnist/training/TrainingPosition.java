package io.tfjmnist.training;

import io.tfjmnist.optimizers.Adam;

/**
 * Where a run stands: {@code completedEpochs} whole epochs done, plus {@code stepsInEpoch} steps of
 * the next one with the running metric sums of those steps. Because the shuffle order of an epoch
 * depends only on the seed and the epoch number, this, the weights and Adam's state are all it
 * takes to continue a run exactly where it stopped, even in the middle of an epoch.
 */
public record TrainingPosition(int completedEpochs, int stepsInEpoch, float lossTotal, float lossCount,
    float correct, float seen) {

  public TrainingPosition {
    if (completedEpochs < 0 || stepsInEpoch < 0) {
      throw new IllegalArgumentException("negative position: epoch " + completedEpochs + ", step " + stepsInEpoch);
    }
  }

  /** The start of a fresh run. */
  public static TrainingPosition start() {
    return new TrainingPosition(0, 0, 0f, 0f, 0f, 0f);
  }

  /** At the boundary after {@code epochs} complete epochs. */
  public static TrainingPosition afterEpoch(int epochs) {
    return new TrainingPosition(epochs, 0, 0f, 0f, 0f, 0f);
  }

  public boolean atEpochBoundary() {
    return stepsInEpoch == 0;
  }
}
