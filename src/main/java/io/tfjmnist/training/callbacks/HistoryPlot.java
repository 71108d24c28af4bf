package io.tfjmnist.training.callbacks;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.figures.HistoryChart;
import io.tfjmnist.files.AtomicFiles;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingListener;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;

/**
 * The two plots people draw from Keras's {@code history.history}: loss per epoch (left) and accuracy
 * per epoch (right), train and test, as one PNG. Drawn with JFreeChart into an image, never a
 * window, so it works on servers (AWT needs no display to draw into an image; the CLI runs it headless). The x axis is the quickstart's 1-based epoch number; accuracy is in percent, as the quickstart
 * prints it.
 *
 * <p>As a listener it redraws the file after every epoch, so it can be watched during a long run
 * and survives a crash. The PNG is written to a temporary file and renamed over the target, so a
 * viewer never sees half an image.
 */
public final class HistoryPlot implements TrainingListener {
  /** Matplotlib's first two default colours, what a Keras user's own plot would show. */
  public static final Color TRAIN_COLOR = HistoryChart.TRAIN_COLOR;
  public static final Color TEST_COLOR = HistoryChart.TEST_COLOR;
  public static final int WIDTH = 1200;
  public static final int HEIGHT = 450;

  private final Path png;
  private final List<EpochLogs> history;
  private final String evaluationName;

  /** @param previous epochs already trained (a resumed run), drawn before the new ones */
  public HistoryPlot(Path png, List<EpochLogs> previous) {
    this(png, previous, "test");
  }

  /**
   * @param evaluationName the legend of the evaluated series: {@code test} (the quickstart's test
   *     set) or {@code val} (a validation split, as Keras names it)
   */
  public HistoryPlot(Path png, List<EpochLogs> previous, String evaluationName) {
    this.png = png;
    this.history = new ArrayList<>(previous);
    this.evaluationName = evaluationName;
  }

  public HistoryPlot(Path png) {
    this(png, List.of());
  }

  @Override
  public void onEpochEnd(EpochLogs logs, Trainer.Snapshot snapshot) {
    history.add(logs);
    write(history, png, evaluationName);
  }

  /** Draws {@code history} and saves it atomically as a PNG at {@code png}. */
  public static void write(List<EpochLogs> history, Path png) {
    write(history, png, "test");
  }

  /** As above, naming the evaluated series {@code evaluationName} ({@code test} or {@code val}). */
  public static void write(List<EpochLogs> history, Path png, String evaluationName) {
    BufferedImage image = render(history, WIDTH, HEIGHT, null, evaluationName);
    try {
      AtomicFiles.write(png, out -> {
        if (!ImageIO.write(image, "png", out)) {
          throw new IOException("no PNG writer is available");
        }
      });
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write the history plot " + png + ": " + e.getMessage() + ".", e);
    }
  }

  /** The loss chart in the left half and the accuracy chart in the right half of one image. */
  public static BufferedImage render(List<EpochLogs> history, int width, int height) {
    return render(history, width, height, null);
  }

  /** As above; {@code dataAreas}, if given, receives the two plots' data rectangles (for tests). */
  static BufferedImage render(List<EpochLogs> history, int width, int height, Rectangle2D[] dataAreas) {
    return render(history, width, height, dataAreas, "test");
  }

  static BufferedImage render(List<EpochLogs> history, int width, int height, Rectangle2D[] dataAreas,
      String evaluationName) {
    List<HistoryChart.Epoch> epochs = history.stream()
        .map(e -> new HistoryChart.Epoch(e.epoch(), e.loss(), e.accuracy(), e.testLoss(), e.testAccuracy())).toList();
    return HistoryChart.render(epochs, width, height, dataAreas, evaluationName);
  }
}
