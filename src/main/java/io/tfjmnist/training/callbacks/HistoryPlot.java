package io.tfjmnist.training.callbacks;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.files.AtomicFiles;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingListener;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

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
  public static final Color TRAIN_COLOR = new Color(0x1f77b4);
  public static final Color TEST_COLOR = new Color(0xff7f0e);
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
    ChartRenderingInfo lossInfo = new ChartRenderingInfo();
    ChartRenderingInfo accuracyInfo = new ChartRenderingInfo();
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      int half = width / 2;
      chart("Loss", "loss", history, EpochLogs::loss, EpochLogs::testLoss, 1, evaluationName)
          .draw(g, new Rectangle(0, 0, half, height), lossInfo);
      chart("Accuracy", "accuracy (%)", history, EpochLogs::accuracy, EpochLogs::testAccuracy, 100, evaluationName)
          .draw(g, new Rectangle(half, 0, width - half, height), accuracyInfo);
    } finally {
      g.dispose();
    }
    if (dataAreas != null) {
      dataAreas[0] = lossInfo.getPlotInfo().getDataArea();
      dataAreas[1] = accuracyInfo.getPlotInfo().getDataArea();
    }
    return image;
  }

  private static JFreeChart chart(String title, String yLabel, List<EpochLogs> history,
      ToDoubleFunction<EpochLogs> train, ToDoubleFunction<EpochLogs> test, double scale, String evaluationName) {
    XYSeries trainSeries = new XYSeries("train");
    XYSeries testSeries = new XYSeries(evaluationName);
    for (EpochLogs e : history) {
      add(trainSeries, e.epoch(), train.applyAsDouble(e) * scale);
      add(testSeries, e.epoch(), test.applyAsDouble(e) * scale);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(trainSeries);
    if (testSeries.getItemCount() > 0) { // no test set: no empty "test" entry in the legend
      data.addSeries(testSeries);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", yLabel, data,
        PlotOrientation.VERTICAL, true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    NumberAxis x = (NumberAxis) plot.getDomainAxis();
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // epochs are whole numbers
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    // Filled markers keep the exact series colour at every point even with antialiasing, and show
    // a single-epoch run, which has no line to draw.
    Ellipse2D.Double dot = new Ellipse2D.Double(-4, -4, 8, 8);
    for (int s = 0; s < 2; s++) {
      r.setSeriesPaint(s, s == 0 ? TRAIN_COLOR : TEST_COLOR);
      r.setSeriesStroke(s, new BasicStroke(2.5f));
      r.setSeriesShape(s, dot);
      r.setSeriesShapesFilled(s, true);
    }
    plot.setRenderer(r);
    return chart;
  }

  private static void add(XYSeries series, int epoch, double value) {
    if (Double.isFinite(value)) { // no test set, or a diverged loss: leave the point out
      series.add(epoch, value);
    }
  }
}
