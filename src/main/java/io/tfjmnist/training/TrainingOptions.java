package io.tfjmnist.training;

import io.tfjmnist.checkpoint.CheckpointLayout;
import io.tfjmnist.training.callbacks.CsvLogger;
import io.tfjmnist.training.callbacks.EarlyStopping;
import io.tfjmnist.training.callbacks.HistoryPlot;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the job keeps and writes besides training itself, as a value; built with {@link #saveTo}.
 *
 * @param weights where the final weights go ({@code save_weights} prefix, or {@code NAME.weights.h5})
 * @param checkpointDir where per-epoch checkpoints are kept; null for none
 * @param resume whether to continue from the newest checkpoint in {@code checkpointDir}
 * @param logdir TensorBoard's folder; null for none
 * @param history the per-epoch CSV; null for none
 * @param plotHistory the curves' PNG; null for none
 * @param earlyStopping Keras's {@code EarlyStopping} settings; each run makes its own callback from
 *     them, and its outcome comes back in {@link TrainingJob.Completed#earlyStopping()}
 * @param validationSplit the fraction of the training set held out for evaluation; 0 for none
 * @param onFirstSignal what the first SIGINT or SIGTERM also does, told which came first ("INT" or
 *     "TERM"), e.g. tell the user; null keeps both signals' default meaning
 * @param checkpointLayout the object graph of the TF checkpoints the run writes (the final weights when
 *     they are one, and every checkpoint in the checkpoint folder): Keras 3's (the default) or Keras 2's
 *     {@code save_weights}
 */
public record TrainingOptions(Path weights, Path checkpointDir, boolean resume, Path logdir, Path history, Path plotHistory,
    Optional<EarlyStopping.Settings> earlyStopping, double validationSplit, Consumer<String> onFirstSignal,
    CheckpointLayout checkpointLayout) {

  public TrainingOptions {
    Objects.requireNonNull(weights, "weights");
    earlyStopping = earlyStopping == null ? Optional.empty() : earlyStopping;
    checkpointLayout = checkpointLayout == null ? CheckpointLayout.KERAS3 : checkpointLayout;
    if (validationSplit != 0 && !(validationSplit > 0 && validationSplit < 1)) {
      throw new IllegalArgumentException("the validation split must be 0 (none) or in (0, 1), got " + validationSplit);
    }
    if (resume && checkpointDir == null) {
      throw new IllegalArgumentException("resuming needs the checkpoint folder the interrupted run saved its checkpoints in");
    }
    if (checkpointDir != null && sharesStateFile(checkpointDir, weights)) {
      throw new IllegalArgumentException("the checkpoint folder " + checkpointDir
          + " must not be the folder of the final weights: both keep a 'checkpoint' state file there");
    }
  }

  /** Starts the options of a job that saves its final weights under {@code weights} ({@code save_weights} prefix). */
  public static Builder saveTo(Path weights) {
    return new Builder(weights);
  }

  /**
   * Whether two folders would share a {@code checkpoint} state file: the checkpoint folder and
   * the folder of the final weights must differ, since {@code save_weights} writes one there too.
   */
  public static boolean sharesStateFile(Path checkpointDir, Path weights) {
    Path a = checkpointDir.toAbsolutePath().normalize();
    Path b = weights.toAbsolutePath().normalize().getParent();
    return a.equals(b);
  }

  /** Settings one at a time; {@link #build} checks that they fit together. */
  public static final class Builder {
    private final Path weights;
    private Path checkpointDir;
    private boolean resume;
    private Path logdir;
    private Path history;
    private Path plotHistory;
    private EarlyStopping.Settings earlyStopping;
    private double validationSplit;
    private Consumer<String> onFirstSignal;
    private CheckpointLayout checkpointLayout;

    private Builder(Path weights) {
      this.weights = Objects.requireNonNull(weights, "weights");
    }

    /** Keeps a resumable checkpoint ({@link CheckpointManager}) in {@code dir} after every epoch. */
    public Builder checkpointDir(Path dir) {
      this.checkpointDir = dir;
      return this;
    }

    /** Continues from the newest checkpoint in {@link #checkpointDir} (from the start when there is none yet). */
    public Builder resume(boolean resume) {
      this.resume = resume;
      return this;
    }

    /** TensorBoard event files in {@code dir/train} and {@code dir/validation}. */
    public Builder logdir(Path dir) {
      this.logdir = dir;
      return this;
    }

    /** Per-epoch metrics as CSV ({@link CsvLogger}). */
    public Builder history(Path csv) {
      this.history = csv;
      return this;
    }

    /** Loss and accuracy curves as a PNG, redrawn every epoch ({@link HistoryPlot}). */
    public Builder plotHistory(Path png) {
      this.plotHistory = png;
      return this;
    }

    /** Keras's {@code EarlyStopping} with these settings; the run makes its own callback. */
    public Builder earlyStopping(EarlyStopping.Settings settings) {
      this.earlyStopping = settings;
      return this;
    }

    /** The settings of {@code callback} (only its settings: its counters are not shared with the run). */
    public Builder earlyStopping(EarlyStopping callback) {
      return earlyStopping(callback == null ? null : callback.settings());
    }

    /**
     * Holds out the last {@code fraction} of the training set and evaluates on it instead of the
     * test set (Keras's {@code validation_split}); 0 for none.
     */
    public Builder validationSplit(double fraction) {
      if (fraction != 0 && !(fraction > 0 && fraction < 1)) {
        throw new IllegalArgumentException("the validation split must be 0 (none) or in (0, 1), got " + fraction);
      }
      this.validationSplit = fraction;
      return this;
    }

    /**
     * Takes over SIGINT while training: the first Ctrl-C stops after the current step (the run then
     * ends {@link Interrupted}) and calls {@code onFirstCtrlC}, e.g. to tell the user; a second one
     * exits as usual. Without it, Ctrl-C keeps its default meaning.
     */
    public Builder handleCtrlC(Runnable onFirstCtrlC) {
      Objects.requireNonNull(onFirstCtrlC, "onFirstCtrlC");
      return handleStopSignals(signal -> onFirstCtrlC.run());
    }

    /**
     * As {@link #handleCtrlC}, for SIGINT and SIGTERM alike (a container stop is a SIGTERM), telling
     * {@code onFirstSignal} which one came first: "INT" or "TERM".
     */
    public Builder handleStopSignals(Consumer<String> onFirstSignal) {
      this.onFirstSignal = Objects.requireNonNull(onFirstSignal, "onFirstSignal");
      return this;
    }

    /** The object graph of the final weights when they are a TF checkpoint (default Keras 3's). */
    public Builder checkpointLayout(CheckpointLayout layout) {
      this.checkpointLayout = layout;
      return this;
    }

    public TrainingOptions build() {
      return new TrainingOptions(weights, checkpointDir, resume, logdir, history, plotHistory,
          Optional.ofNullable(earlyStopping), validationSplit, onFirstSignal, checkpointLayout);
    }
  }
}
