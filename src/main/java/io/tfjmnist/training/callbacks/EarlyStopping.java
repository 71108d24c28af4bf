package io.tfjmnist.training.callbacks;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingListener;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Keras's {@code EarlyStopping(monitor, min_delta, patience, mode)} with Keras's exact rule: after
 * each epoch the monitored value is an improvement if it beats the best so far by more than
 * {@code minDelta}; otherwise a wait counter grows, and once it reaches {@code patience} (and it is
 * not the first epoch) a stop is requested, which the {@link Trainer} honours right after that
 * epoch. {@code patience = 0} stops at the first epoch without improvement.
 *
 * <p>Monitors: {@code loss}, {@code accuracy}, {@code test_loss}, {@code test_accuracy} (Keras's
 * {@code val_loss} / {@code val_accuracy} are accepted as the test ones). Mode {@code AUTO} minimises
 * losses and maximises accuracies, as Keras's auto mode does. A NaN value never improves.
 *
 * <p>Epoch numbers here are the quickstart's 1-based ones ({@link EpochLogs#epoch()}).
 */
public final class EarlyStopping implements TrainingListener {
  public enum Mode { AUTO, MIN, MAX }

  private final String monitor;
  private final int patience;
  private final float minDelta;
  private final boolean maximize;
  private final Mode mode;
  private final boolean keepBestWeights;

  private double best;
  private int bestEpoch; // 0: none yet
  private int wait;
  private int stoppedEpoch; // 0: not stopped
  private ModelWeights bestWeights;

  /** {@code EarlyStopping(monitor, patience=patience)}: min_delta 0, mode auto. */
  public EarlyStopping(String monitor, int patience) {
    this(monitor, patience, 0f, Mode.AUTO, false);
  }

  /**
   * @param keepBestWeights Keras's {@code restore_best_weights}: keep a copy of the weights of the
   *     best epoch (read from the trainer's snapshot), available from {@link #bestWeights()}
   */
  public EarlyStopping(String monitor, int patience, float minDelta, Mode mode, boolean keepBestWeights) {
    this.monitor = canonical(monitor);
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be 0 or more, got " + patience);
    }
    if (!(minDelta >= 0) || Float.isInfinite(minDelta)) {
      throw new IllegalArgumentException("min_delta must be a number >= 0, got " + minDelta);
    }
    this.patience = patience;
    this.minDelta = minDelta;
    this.mode = mode == null ? Mode.AUTO : mode;
    this.maximize = this.mode == Mode.MAX || (this.mode == Mode.AUTO && this.monitor.endsWith("accuracy"));
    this.keepBestWeights = keepBestWeights;
    this.best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
  }

  /**
   * Parses a command-line spec: {@code PATIENCE}, {@code MONITOR:PATIENCE} or
   * {@code MONITOR:PATIENCE:MIN_DELTA} (e.g. {@code 2}, {@code test_loss:3}, {@code loss:2:0.001});
   * the monitor defaults to {@code test_loss}. Throws IllegalArgumentException with a one-line
   * message on a bad spec.
   */
  public static EarlyStopping parse(String spec) {
    String[] parts = spec.strip().split(":", -1);
    if (parts.length > 3 || spec.isBlank()) {
      throw new IllegalArgumentException("early stopping expects PATIENCE, MONITOR:PATIENCE or MONITOR:PATIENCE:MIN_DELTA, got '" + spec + "'");
    }
    boolean bare = parts.length == 1;
    String monitor = bare ? "test_loss" : parts[0];
    String patience = bare ? parts[0] : parts[1];
    float minDelta = 0f;
    int p;
    try {
      p = Integer.parseInt(patience.strip());
      if (parts.length == 3) {
        minDelta = Float.parseFloat(parts[2].strip());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("early stopping expects PATIENCE, MONITOR:PATIENCE or MONITOR:PATIENCE:MIN_DELTA with numbers, got '" + spec + "'");
    }
    return new EarlyStopping(monitor, p, minDelta, Mode.AUTO, false);
  }

  /**
   * This callback with Keras's {@code restore_best_weights=True}: the weights of the best epoch
   * are kept, and Keras 3 restores them when training ends, stopped early or not.
   */
  public EarlyStopping restoringBestWeights() {
    return new EarlyStopping(monitor, patience, minDelta, maximize ? Mode.MAX : Mode.MIN, true);
  }

  /** Whether this callback keeps the best epoch's weights ({@code restore_best_weights}). */
  public boolean restoresBestWeights() {
    return keepBestWeights;
  }

  private static String canonical(String monitor) {
    String m = monitor.strip().toLowerCase(Locale.ROOT);
    return switch (m) {
      case "loss", "accuracy", "test_loss", "test_accuracy" -> m;
      case "val_loss" -> "test_loss";
      case "val_accuracy" -> "test_accuracy";
      default -> throw new IllegalArgumentException(
          "early stopping can monitor loss, accuracy, test_loss or test_accuracy, not '" + monitor + "'");
    };
  }

  /**
   * Feeds the epochs of the run being resumed (without weights), so patience counts across the
   * restart as if the run had not stopped. Call before {@code fit}; if {@link #stopRequested()} is
   * then already true the resumed run has nothing left to do.
   */
  public void replay(List<EpochLogs> previous) {
    previous.forEach(e -> onEpochEnd(e, null));
  }

  @Override
  public void onEpochEnd(EpochLogs logs, Trainer.Snapshot snapshot) {
    if (stoppedEpoch != 0) {
      return;
    }
    double current = value(logs);
    wait++;
    if (isImprovement(current)) {
      best = current;
      bestEpoch = logs.epoch();
      wait = 0;
      if (keepBestWeights && snapshot != null) {
        bestWeights = snapshot.weights();
      }
      return;
    }
    // Keras: "if self.wait >= self.patience and epoch > 0" (its epoch is 0-based).
    if (wait >= patience && logs.epoch() > 1) {
      stoppedEpoch = logs.epoch();
    }
  }

  private boolean isImprovement(double current) {
    if (Double.isNaN(current)) {
      return false;
    }
    return maximize ? current - minDelta > best : current + minDelta < best;
  }

  private double value(EpochLogs logs) {
    if (monitor.startsWith("test_") && Float.isNaN(logs.testAccuracy())) {
      // Accuracy is NaN only without a test set (a diverged loss still has an accuracy).
      throw new TfjMnistException("Early stopping monitors " + monitor + " but this run has no test set; monitor loss or accuracy instead.");
    }
    return switch (monitor) {
      case "loss" -> logs.loss();
      case "accuracy" -> logs.accuracy();
      case "test_loss" -> logs.testLoss();
      default -> logs.testAccuracy();
    };
  }

  @Override
  public boolean stopRequested() {
    return stoppedEpoch != 0;
  }

  /**
   * Keras's {@code EarlyStopping} arguments as a value: what a job's options hold, from which each
   * run makes its own callback (the callback counts epochs, so it is never shared).
   */
  public record Settings(String monitor, int patience, float minDelta, Mode mode, boolean restoreBestWeights) {
    public Settings {
      monitor = canonical(monitor);
      mode = mode == null ? Mode.AUTO : mode;
    }

    /** {@code monitor=test_loss, patience=2, ...}, by Keras's argument names (for a model's provenance). */
    @Override
    public String toString() {
      return "monitor=" + monitor + ", patience=" + patience + ", min_delta=" + minDelta + ", mode="
          + mode.name().toLowerCase(Locale.ROOT) + ", restore_best_weights=" + restoreBestWeights;
    }
  }

  /** A fresh callback with {@code settings}. */
  public EarlyStopping(Settings settings) {
    this(settings.monitor(), settings.patience(), settings.minDelta(), settings.mode(), settings.restoreBestWeights());
  }

  /** This callback's settings. */
  public Settings settings() {
    return new Settings(monitor, patience, minDelta, mode, keepBestWeights);
  }

  public String monitor() {
    return monitor;
  }

  /** The best monitored value so far (±infinity before the first epoch). */
  public double best() {
    return best;
  }

  /** The 1-based epoch that gave {@link #best()}, or 0 before any improvement. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** The epoch after which a stop was requested, or 0. */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /** Epochs since the last improvement. */
  public int epochsWithoutImprovement() {
    return wait;
  }

  /** The weights of {@link #bestEpoch()} when kept (and that epoch ran in this process). */
  public Optional<ModelWeights> bestWeights() {
    return Optional.ofNullable(bestWeights);
  }

  /** {@code Early stopping: test_loss did not improve for 2 epochs; best 0.0557 at epoch 4.} */
  public String summary() {
    return summary("test");
  }

  /**
   * As {@link #summary()}, naming the evaluated metrics with {@code evaluationName}: {@code val}
   * for a run evaluated on a validation split ({@code val_loss}, as Keras names it).
   */
  public String summary(String evaluationName) {
    String name = monitor.startsWith("test_") ? evaluationName + monitor.substring("test".length()) : monitor;
    return String.format(Locale.ROOT, "Early stopping after epoch %d: %s did not improve for %d epoch%s; best %s at epoch %d.",
        stoppedEpoch, name, wait, wait == 1 ? "" : "s", (float) best, bestEpoch);
  }
}
