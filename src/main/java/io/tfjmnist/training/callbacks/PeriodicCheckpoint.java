package io.tfjmnist.training.callbacks;

import io.tfjmnist.training.CheckpointManager;
import io.tfjmnist.training.TrainingProgress;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Saves a {@link CheckpointManager} checkpoint at the end of every epoch (Keras's
 * {@code BackupAndRestore} / {@code ModelCheckpoint(save_freq='epoch')}): weights, the optimizer's state and
 * the {@link TrainingProgress} a resumed run needs, with the whole history so far. Put it last in
 * the listener list, so that a crash between the other listeners' epoch output (CSV row, event
 * file) and the checkpoint is the only possible gap, which {@link CsvLogger#resuming} repairs.
 */
public final class PeriodicCheckpoint implements TrainingListener {
  private final CheckpointManager manager;
  private final String dataset;
  private final List<EpochLogs> history;
  private TrainingConfig config;
  private int stepsPerEpoch;
  private Path last;

  /** @param previous the history of the run being resumed (empty for a fresh run) */
  public PeriodicCheckpoint(CheckpointManager manager, String dataset, List<EpochLogs> previous) {
    this.manager = manager;
    this.dataset = dataset;
    this.history = new ArrayList<>(previous);
  }

  @Override
  public void onTrainBegin(TrainingConfig config, int trainSize, int stepsPerEpoch) {
    this.config = config;
    this.stepsPerEpoch = stepsPerEpoch;
  }

  @Override
  public void onEpochEnd(EpochLogs logs, Trainer.Snapshot snapshot) {
    history.add(logs);
    TrainingProgress progress = TrainingProgress.atEpochEnd(config, dataset, logs.epoch(), stepsPerEpoch, history);
    last = manager.save(snapshot.weights(), snapshot.optimizerState(), config.optimizer(), progress);
  }

  /** The prefix of the last checkpoint written by this listener, or null. */
  public Path lastSaved() {
    return last;
  }
}
