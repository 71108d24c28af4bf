package io.tfjmnist.training.callbacks;

import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingListener;
import io.tfjmnist.training.TrainingResult;
import java.nio.file.Path;

/**
 * Keras's {@code TensorBoard(log_dir)} callback for scalars: event files in {@code logDir/train} and
 * {@code logDir/validation}, so that {@code tensorboard --logdir DIR} shows the two runs on one chart
 * under the same tags Keras uses.
 *
 * <ul>
 *   <li>{@code train/}: {@code batch_loss}, {@code batch_accuracy} every {@code batchFrequency}
 *       global steps (the running epoch means, what the progress bar shows), at step = global step
 *       = number of Adam updates so far (Adam's {@code iterations});
 *   <li>{@code train/}: {@code epoch_loss}, {@code epoch_accuracy}, {@code epoch_learning_rate} and
 *       {@code validation/}: {@code epoch_loss}, {@code epoch_accuracy} of the test set, at step =
 *       the 0-based epoch index, as Keras's {@code on_epoch_end(epoch)} numbers them (the quickstart's
 *       "Epoch 1" line is step 0).
 * </ul>
 *
 * Accuracies are fractions, as Keras logs them. Both files are flushed at every epoch end, so a
 * crash loses at most the batch points of the current epoch. A resumed run opens new event files
 * in the same folders; TensorBoard merges the files of a folder.
 */
public final class TensorBoardWriter implements TrainingListener, AutoCloseable {
  /** Keras's {@code update_freq} in batches; we default to 100 so the event files stay small. */
  public static final int DEFAULT_BATCH_FREQUENCY = 100;

  private final Path logDir;
  private final int batchFrequency;
  private final EventFileWriter train;
  private EventFileWriter validation; // opened on first use: a run without a test set has no validation/
  private float learningRate = Float.NaN;

  public TensorBoardWriter(Path logDir) {
    this(logDir, DEFAULT_BATCH_FREQUENCY);
  }

  /** @param batchFrequency write batch scalars every this many global steps; 0 writes none */
  public TensorBoardWriter(Path logDir, int batchFrequency) {
    if (batchFrequency < 0) {
      throw new IllegalArgumentException("batch frequency must be 0 (none) or more, got " + batchFrequency);
    }
    this.logDir = logDir;
    this.batchFrequency = batchFrequency;
    this.train = EventFileWriter.create(logDir.resolve("train"));
  }

  public Path logDir() {
    return logDir;
  }

  public Path trainFile() {
    return train.file();
  }

  /** The validation event file, or null until the first test-set result has been written. */
  public Path validationFile() {
    return validation == null ? null : validation.file();
  }

  @Override
  public void onTrainBegin(TrainingConfig config, int trainSize, int stepsPerEpoch) {
    this.learningRate = config.adam().learningRate();
  }

  @Override
  public void onBatchEnd(int epoch, int step, int steps, float loss, float accuracy, long images, long elapsedNanos) {
    if (batchFrequency == 0) {
      return;
    }
    // Every epoch has the same number of steps, so the global step follows from the epoch (this
    // also holds for a run resumed at an epoch boundary, where it equals the restored Adam iterations).
    long global = (long) (epoch - 1) * steps + step;
    if (global % batchFrequency == 0) {
      train.writeScalar("batch_loss", global, loss);
      train.writeScalar("batch_accuracy", global, accuracy);
    }
  }

  @Override
  public void onEpochEnd(EpochLogs logs, Trainer.Snapshot snapshot) {
    long step = logs.epoch() - 1L;
    train.writeScalar("epoch_loss", step, logs.loss());
    train.writeScalar("epoch_accuracy", step, logs.accuracy());
    if (!Float.isNaN(learningRate)) {
      train.writeScalar("epoch_learning_rate", step, learningRate);
    }
    train.flush();
    if (!Float.isNaN(logs.testAccuracy())) { // NaN accuracy means no test set (a NaN loss can be real)
      if (validation == null) {
        validation = EventFileWriter.create(logDir.resolve("validation"));
      }
      validation.writeScalar("epoch_loss", step, logs.testLoss());
      validation.writeScalar("epoch_accuracy", step, logs.testAccuracy());
      validation.flush();
    }
  }

  @Override
  public void onTrainEnd(TrainingResult result) {
    train.flush();
    if (validation != null) {
      validation.flush();
    }
  }

  /** Flushes and closes both files; call it also when training failed (try-with-resources). */
  @Override
  public void close() {
    try {
      train.close();
    } finally {
      if (validation != null) {
        validation.close();
      }
    }
  }
}
