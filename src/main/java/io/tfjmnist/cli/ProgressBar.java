package io.tfjmnist.cli;

import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingListener;
import java.io.PrintStream;

/**
 * Keras's progress bar for an epoch, redrawn in place on a terminal:
 * {@code 1200/1875 [==========>......] - ETA: 5s - loss: 0.1412 - accuracy: 0.9581 - 4480 img/s}.
 * Redraws at most ten times a second so that it never costs the training loop anything visible.
 * Public for the benchmarks, which measure what it costs a training step.
 */
public final class ProgressBar implements TrainingListener {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int WIDTH = 30;
  private final PrintStream out;
  private long lastDraw;
  private boolean drawn;

  public ProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onEpochBegin(int epoch) {
    lastDraw = 0;
    drawn = false;
  }

  @Override
  public void onBatchEnd(int epoch, int step, int steps, float loss, float accuracy, long images, long elapsedNanos) {
    long now = System.nanoTime();
    if (step != steps && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    out.print("\r" + render(epoch, step, steps, loss, accuracy, images, elapsedNanos));
    out.flush();
    drawn = true;
  }

  @Override
  public void onEvaluateBegin(int epoch) {
    if (drawn) {
      out.print(" - evaluating...");
      out.flush();
    }
  }

  @Override
  public void onEpochEnd(EpochLogs logs, Trainer.Snapshot snapshot) {
    if (drawn) {
      // Clear the bar so the quickstart's epoch line, printed on stdout, stands alone.
      out.print("\r\033[2K");
      out.flush();
      drawn = false;
    }
  }

  static String render(int epoch, int step, int steps, float loss, float accuracy, long images, long elapsedNanos) {
    int done = (int) ((long) WIDTH * step / steps);
    StringBuilder bar = new StringBuilder();
    for (int i = 0; i < WIDTH; i++) {
      bar.append(i < done ? '=' : (i == done ? '>' : '.'));
    }
    double seconds = elapsedNanos / 1e9;
    double rate = seconds > 0 ? images / seconds : 0;
    String time = step < steps
        ? "ETA: " + formatSeconds(seconds / step * (steps - step))
        : formatSeconds(seconds);
    String width = String.valueOf(steps);
    return String.format("Epoch %d %" + width.length() + "d/%d [%s] - %s - loss: %.4f - accuracy: %.4f - %.0f img/s",
        epoch, step, steps, bar, time, loss, accuracy, rate);
  }

  private static String formatSeconds(double s) {
    if (s >= 3600) {
      return String.format("%d:%02d:%02d", (long) s / 3600, ((long) s / 60) % 60, (long) s % 60);
    }
    if (s >= 60) {
      return String.format("%d:%02d", (long) s / 60, (long) s % 60);
    }
    return String.format("%.0fs", s);
  }
}
