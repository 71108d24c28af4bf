package io.tfjmnist.figures;

import io.tfjmnist.images.preprocessing.PanelImage;
import io.tfjmnist.images.preprocessing.PreprocessedImage;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.files.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws the quickstart script's matplotlib figures with Java2D, headless.
 *
 * <ul>
 *   <li>{@link #figure}: one row of three panels, "do not process" (the image as decoded),
 *       "process - gray" (the greyscale the preprocessing worked from) and "predict:[7]" (the
 *       28x28 input the model saw, each pixel a square, 'gray' colormap);
 *   <li>{@link #grid}: the same, one row per image;
 *   <li>{@link #strip}: several 28x28 digits side by side, like {@code imshow(np.hstack(x[:3]))},
 *       titled with their labels as numpy prints them ({@code [7 2 1]}).
 * </ul>
 * Proportions follow matplotlib's defaults: a 6.4x4.8 inch figure (here at 150 dpi, 960x720),
 * subplots between 12.5% and 90% of the width and 11% and 88% of the height,
 * 12 pt titles, outward ticks with 10 pt labels, white background.
 */
public final class DigitFigure {
  /** Figure width in pixels: 6.4 inches at 150 dpi. */
  public static final int WIDTH = 960;
  /** Height of a one-row figure: 4.8 inches at 150 dpi. */
  public static final int HEIGHT = 720;

  private static final double DPI = 150;
  private static final int TITLE_PX = pt(12);
  private static final int TITLE_PAD = pt(6);
  private static final int TICK_PX = pt(10);
  private static final int TICK_LEN = pt(3.5);
  private static final int TICK_PAD = pt(3.5);
  private static final float LINE = (float) (0.8 * DPI / 72);
  private static final double LEFT = 0.125;
  private static final double RIGHT = 0.9;
  private static final double BOTTOM = 0.11;
  private static final double TOP = 0.88;
  /** Horizontal space between panels, as a fraction of a panel (matplotlib's 0.2 lets the
   *  y tick labels of one panel touch the previous panel). */
  private static final double SPACE = 0.3;


  private DigitFigure() {}

  private static int pt(double points) {
    return (int) Math.round(points * DPI / 72);
  }

  /** The third panel's title for a prediction, as the original printed it: {@code predict:[7]}. */
  public static String predictTitle(int digit) {
    return "predict:[" + digit + "]";
  }

  /** The three-panel figure for one image and the digit the model predicted for it. */
  public static BufferedImage figure(PreprocessedImage image, int predictedDigit) {
    return grid(List.of(image), new int[] {predictedDigit});
  }

  /** One row of three panels per image. */
  public static BufferedImage grid(List<PreprocessedImage> images, int[] predictedDigits) {
    if (images.isEmpty() || images.size() != predictedDigits.length) {
      throw new IllegalArgumentException(images.size() + " images but " + predictedDigits.length + " predictions");
    }
    int rows = images.size();
    double boxW = WIDTH * (RIGHT - LEFT) / (3 + 2 * SPACE);
    // One row is matplotlib's 4.8 inch figure. More rows get square boxes and a gap that fits
    // the tick labels above and the next title below (matplotlib's default spacing would
    // overlap them).
    int height = HEIGHT;
    double boxH = HEIGHT * (TOP - BOTTOM);
    double gap = TICK_LEN + TICK_PAD + TICK_PX + TITLE_PAD + TITLE_PX + pt(6);
    if (rows > 1) {
      boxH = boxW;
      height = (int) Math.ceil(HEIGHT * (1 - TOP) + rows * boxH + (rows - 1) * gap + HEIGHT * BOTTOM);
    }
    BufferedImage fig = canvas(WIDTH, height);
    Graphics2D g = fig.createGraphics();
    try {
      for (int r = 0; r < rows; r++) {
        PreprocessedImage p = images.get(r);
        BufferedImage gray = p.gray();
        Panel[] panels = {
          new Panel("do not process", p.original(), false),
          new Panel("process - gray", PanelImage.grayColormap(PanelImage.samples(gray), gray.getWidth(), gray.getHeight()), true),
          new Panel(predictTitle(predictedDigits[r]),
              PanelImage.grayColormap(p.input(), PreprocessedImage.SIDE, PreprocessedImage.SIDE), true)
        };
        double top = HEIGHT * (1 - TOP) + r * (boxH + gap);
        for (int c = 0; c < 3; c++) {
          double left = WIDTH * LEFT + c * boxW * (1 + SPACE);
          drawAxes(g, panels[c], left, top, boxW, boxH);
        }
      }
    } finally {
      g.dispose();
    }
    return fig;
  }

  /**
   * Digits side by side (each 784 values, any range: shown min..max like imshow), titled
   * with their labels, e.g. {@code [7 2 1]}, for the {@code show} command.
   */
  public static BufferedImage strip(List<float[]> digits, int[] labels) {
    if (digits.isEmpty() || digits.size() != labels.length) {
      throw new IllegalArgumentException(digits.size() + " digits but " + labels.length + " labels");
    }
    int side = PreprocessedImage.SIDE;
    int n = digits.size();
    float[] wide = new float[side * side * n];
    for (int k = 0; k < n; k++) {
      float[] d = digits.get(k);
      if (d.length != side * side) {
        throw new IllegalArgumentException("digit " + k + " has " + d.length + " values, not 784");
      }
      for (int y = 0; y < side; y++) {
        System.arraycopy(d, y * side, wide, y * side * n + k * side, side);
      }
    }
    StringBuilder title = new StringBuilder("[");
    for (int k = 0; k < n; k++) {
      title.append(k == 0 ? "" : " ").append(labels[k]);
    }
    title.append(']');
    Panel panel = new Panel(title.toString(), PanelImage.grayColormap(wide, side * n, side), true);
    double boxW = WIDTH * (RIGHT - LEFT);
    double imageH = boxW * side / (side * n);
    int height = Math.max(240, (int) Math.ceil(imageH / (TOP - BOTTOM)));
    double boxH = height * (TOP - BOTTOM);
    BufferedImage fig = canvas(WIDTH, height);
    Graphics2D g = fig.createGraphics();
    try {
      drawAxes(g, panel, WIDTH * LEFT, height * (1 - TOP), boxW, boxH);
    } finally {
      g.dispose();
    }
    return fig;
  }

  /** {@link #strip} for MNIST's own bytes (784 unsigned bytes per digit). */
  public static BufferedImage stripOfBytes(List<byte[]> digits, int[] labels) {
    return strip(digits.stream().map(d -> {
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = d[i] & 0xFF;
      }
      return f;
    }).toList(), labels);
  }

  /** Writes a figure as PNG, atomically: an interrupted run leaves no half-written figure behind. */
  public static void write(BufferedImage figure, Path png) {
    if (Files.isDirectory(png)) {
      throw new TfjMnistException("Cannot write the figure to '" + png + "': it is a directory.");
    }
    try {
      AtomicFiles.write(png, out -> {
        if (!ImageIO.write(figure, "png", out)) {
          throw new IOException("no PNG writer for this image type");
        }
      });
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new TfjMnistException("Cannot write the figure to '" + png + "': " + why + ".", e);
    }
  }

  /** What one axes shows: its title, its picture at source resolution, and whether it is pixel art. */
  private record Panel(String title, BufferedImage image, boolean nearest) {}

  private static BufferedImage canvas(int w, int h) {
    BufferedImage fig = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = fig.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return fig;
  }

  /** imshow into the box (aspect kept, centred), then frame, ticks and title, as matplotlib does. */
  private static void drawAxes(Graphics2D g, Panel panel, double boxX, double boxY, double boxW, double boxH) {
    int sw = panel.image().getWidth();
    int sh = panel.image().getHeight();
    double scale = Math.min(boxW / sw, boxH / sh);
    int w = Math.max(1, (int) Math.round(sw * scale));
    int h = Math.max(1, (int) Math.round(sh * scale));
    int x = (int) Math.round(boxX + (boxW - w) / 2);
    int y = (int) Math.round(boxY + (boxH - h) / 2);
    g.drawImage(PanelImage.fit(panel.image(), w, h), x, y, null);

    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(LINE));
    g.drawRect(x, y, w - 1, h - 1);
    for (int v : ticks(sw)) {
      int tx = (int) Math.round(x + (v + 0.5) * w / sw);
      g.drawLine(tx, y + h, tx, y + h + TICK_LEN);
      FigureText.drawCentered(g, Integer.toString(v), tx, y + h + TICK_LEN + TICK_PAD + TICK_PX * 3 / 4, TICK_PX);
    }
    for (int v : ticks(sh)) {
      int ty = (int) Math.round(y + (v + 0.5) * h / sh);
      g.drawLine(x - TICK_LEN, ty, x, ty);
      FigureText.drawRightAligned(g, Integer.toString(v), x - TICK_LEN - TICK_PAD, ty + TICK_PX * 3 / 8, TICK_PX);
    }
    FigureText.drawCentered(g, panel.title(), x + w / 2, y - TITLE_PAD, TITLE_PX);
  }

  /** matplotlib-like "nice" tick values in [0, size - 1]: steps of 1, 2, 2.5, 5 times 10^k. */
  static int[] ticks(int size) {
    double span = Math.max(1, size - 1);
    double step = 1;
    for (double magnitude = 1; ; magnitude *= 10) {
      double[] candidates = {magnitude, 2 * magnitude, 2.5 * magnitude, 5 * magnitude};
      boolean found = false;
      for (double s : candidates) {
        if (span / s <= 5) {
          step = s;
          found = true;
          break;
        }
      }
      if (found) {
        break;
      }
    }
    if (step != Math.rint(step)) {
      step = Math.ceil(step);
    }
    int count = (int) Math.floor(span / step) + 1;
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = (int) Math.round(i * step);
    }
    return out;
  }
}
