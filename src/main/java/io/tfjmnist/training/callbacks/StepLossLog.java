package io.tfjmnist.training.callbacks;

import io.tfjmnist.files.AtomicFiles;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingListener;
import io.tfjmnist.training.TrainingResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Every training step's own loss as CSV, {@code step,epoch,step_in_epoch,loss}: {@code step} counts
 * optimizer steps from 1 over the whole run (Adam's {@code iterations} after the step), the loss is
 * the batch mean before the update, float32 in Java's shortest round-trip form. This is what a replay
 * of a Python run is compared on ({@code python-reference/train.py --step-log} writes the same columns).
 *
 * <p>The file is rewritten whole (temporary file, then rename) at every epoch end and when training
 * ends, so it is never seen half-written; a resumed run starts a new log at its first step.
 */
public final class StepLossLog implements TrainingListener {
  public static final String HEADER = "step,epoch,step_in_epoch,loss";

  private final Path file;
  private final StringBuilder rows = new StringBuilder(HEADER + "\n");
  private int stepsPerEpoch;

  public StepLossLog(Path file) {
    this.file = file;
  }

  @Override
  public void onTrainBegin(TrainingConfig config, int trainSize, int stepsPerEpoch) {
    this.stepsPerEpoch = stepsPerEpoch;
  }

  @Override
  public void onBatchLoss(int epoch, int step, float batchLoss) {
    long global = (long) (epoch - 1) * stepsPerEpoch + step;
    rows.append(global).append(',').append(epoch).append(',').append(step).append(',')
        .append(Float.isNaN(batchLoss) ? "nan" : Float.toString(batchLoss)).append('\n');
  }

  @Override
  public void onEpochEnd(EpochLogs logs, Trainer.Snapshot snapshot) {
    write();
  }

  @Override
  public void onTrainEnd(TrainingResult result) {
    write();
  }

  private void write() {
    try {
      AtomicFiles.write(file, rows.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write the step log " + file + ": " + e.getMessage() + ".", e);
    }
  }
}
