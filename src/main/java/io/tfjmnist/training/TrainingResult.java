package io.tfjmnist.training;

import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.model.ModelWeights;
import java.util.List;

/**
 * What {@link Trainer#fit} returns: the trained weights, Adam's state, one entry per epoch
 * completed in this call, whether it stopped before the configured epochs, and where it stopped
 * (enough to resume it exactly).
 */
public record TrainingResult(ModelWeights weights, OptimizerState optimizerState, List<EpochLogs> history,
    boolean stoppedEarly, TrainingPosition position) {

  public TrainingResult {
    history = List.copyOf(history);
  }

  public EpochLogs lastEpoch() {
    return history.isEmpty() ? null : history.get(history.size() - 1);
  }
}
