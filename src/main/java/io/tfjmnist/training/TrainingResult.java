package io.tfjmnist.training;

import io.tfjmnist.model.ModelWeights;
import java.util.List;

/** What {@link Trainer#fit} returns: the trained weights, Adam's state, and one entry per epoch. */
public record TrainingResult(ModelWeights weights, OptimizerState optimizerState, List<EpochLogs> history,
    boolean stoppedEarly) {

  public TrainingResult {
    history = List.copyOf(history);
  }

  public EpochLogs lastEpoch() {
    return history.isEmpty() ? null : history.get(history.size() - 1);
  }
}
