package io.tfjmnist.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.ToDoubleFunction;
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
 * Loss and accuracy per epoch, train and test, as a Keras user's matplotlib plot of
 * {@code history.history} shows them, drawn with JFreeChart into an image (no display needed).
 */
public final class HistoryChart {
  /** Matplotlib's first two default colours, what a Keras user's own plot would show. */
  public static final Color TRAIN_COLOR = new Color(0x1f77b4);
  public static final Color TEST_COLOR = new Color(0xff7f0e);

  /** One epoch's metrics (accuracies as fractions; NaN test values when there was no test set). */
  public record Epoch(int epoch, double loss, double accuracy, double testLoss, double testAccuracy) {}

  private HistoryChart() {}

  /**
   * The loss chart in the left half and the accuracy chart in the right half of one image;
   * {@code dataAreas}, if given, receives the two plots' data rectangles.
   */
  public static BufferedImage render(List<Epoch> history, int width, int height, Rectangle2D[] dataAreas,
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
      chart("Loss", "loss", history, Epoch::loss, Epoch::testLoss, 1, evaluationName)
          .draw(g, new Rectangle(0, 0, half, height), lossInfo);
      chart("Accuracy", "accuracy (%)", history, Epoch::accuracy, Epoch::testAccuracy, 100, evaluationName)
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

  private static JFreeChart chart(String title, String yLabel, List<Epoch> history,
      ToDoubleFunction<Epoch> train, ToDoubleFunction<Epoch> test, double scale, String evaluationName) {
    XYSeries trainSeries = new XYSeries("train");
    XYSeries testSeries = new XYSeries(evaluationName);
    for (Epoch e : history) {
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
