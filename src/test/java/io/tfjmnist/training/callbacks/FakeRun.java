package io.tfjmnist.training.callbacks;

import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingListener;
import java.util.ArrayList;
import java.util.List;

/** Drives listeners the way {@code Trainer.fit} calls them, with made-up numbers and no TensorFlow. */
final class FakeRun {
  private FakeRun() {}

  /**
   * Epoch {@code e} (1-based): loss 1/e, accuracy 0.9 + e/100, the given test loss, test accuracy
   * 0.95 + e/1000; a NaN test loss stands for "no test set" (test accuracy NaN too, as the Trainer reports it).
   */
  static EpochLogs logs(int epoch, float testLoss) {
    float testAccuracy = Float.isNaN(testLoss) ? Float.NaN : 0.95f + epoch / 1000f;
    return new EpochLogs(epoch, 1f / epoch, 0.9f + epoch / 100f, testLoss, testAccuracy, 0, 0, 0);
  }

  static List<EpochLogs> run(List<? extends TrainingListener> listeners, TrainingConfig config, int stepsPerEpoch,
      float... testLosses) {
    List<EpochLogs> history = new ArrayList<>();
    listeners.forEach(l -> l.onTrainBegin(config, stepsPerEpoch * config.batchSize(), stepsPerEpoch));
    for (int e = 1; e <= testLosses.length; e++) {
      final int epoch = e;
      listeners.forEach(l -> l.onEpochBegin(epoch));
      for (int s = 1; s <= stepsPerEpoch; s++) {
        for (TrainingListener l : listeners) {
          l.onBatchEnd(epoch, s, stepsPerEpoch, batchLoss(epoch, s), batchAccuracy(epoch, s), (long) s * config.batchSize(), s * 1000L);
        }
      }
      listeners.forEach(l -> l.onEvaluateBegin(epoch));
      EpochLogs logs = logs(epoch, testLosses[e - 1]);
      history.add(logs);
      listeners.forEach(l -> l.onEpochEnd(logs, null));
    }
    return history;
  }

  static float batchLoss(int epoch, int step) {
    return 2f / (epoch * 1000 + step);
  }

  static float batchAccuracy(int epoch, int step) {
    return step / (step + 10f);
  }
}
