package io.tfjmnist.training.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.TrainingConfig;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PNG read back: its size, and both panels really drawn with both series' colours. */
class HistoryPlotTest {
  @TempDir
  Path dir;

  /** Pixels of exactly colour {@code c} inside {@code area}. */
  private static int count(BufferedImage img, Rectangle2D area, Color c) {
    int n = 0;
    Rectangle r = area.getBounds();
    for (int y = Math.max(0, r.y); y < Math.min(img.getHeight(), r.y + r.height); y++) {
      for (int x = Math.max(0, r.x); x < Math.min(img.getWidth(), r.x + r.width); x++) {
        if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void drawsLossAndAccuracyPanelsAsAPng() throws Exception {
    Path png = dir.resolve("plots/history.png");
    HistoryPlot plot = new HistoryPlot(png, List.of(FakeRun.logs(1, 0.3f)));
    List<EpochLogs> run = FakeRun.run(List.of(plot), TrainingConfig.quickstartDefaults(), 1, 0.3f, 0.2f, 0.25f, 0.1f);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(HistoryPlot.WIDTH, img.getWidth());
    assertEquals(HistoryPlot.HEIGHT, img.getHeight());

    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        colours.add(img.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 10, "not blank: " + colours.size() + " colours");
    // The data areas of the same drawing (rendering is deterministic), so the legend does not count.
    Rectangle2D[] areas = new Rectangle2D[2];
    List<EpochLogs> all = new java.util.ArrayList<>(List.of(FakeRun.logs(1, 0.3f)));
    all.addAll(run);
    BufferedImage again = HistoryPlot.render(all, HistoryPlot.WIDTH, HistoryPlot.HEIGHT, areas);
    assertEquals(again.getRGB(600, 200), img.getRGB(600, 200));
    assertTrue(areas[0].getMaxX() <= img.getWidth() / 2.0 && areas[1].getMinX() >= img.getWidth() / 2.0, "side by side");
    for (Color c : List.of(HistoryPlot.TRAIN_COLOR, HistoryPlot.TEST_COLOR)) {
      assertTrue(count(img, areas[0], c) > 100, "loss panel has " + c + ": " + count(img, areas[0], c));
      assertTrue(count(img, areas[1], c) > 100, "accuracy panel has " + c + ": " + count(img, areas[1], c));
    }
    try (var files = Files.list(png.getParent())) {
      assertEquals(List.of(png), files.toList(), "no temporary files left");
    }
  }

  @Test
  void drawsASingleEpochWithoutTestSet() throws Exception {
    Path png = dir.resolve("one.png");
    List<EpochLogs> one = List.of(new EpochLogs(1, 0.5f, 0.8f, Float.NaN, Float.NaN, 1, 0, 0));
    HistoryPlot.write(one, png);
    BufferedImage img = ImageIO.read(png.toFile());
    Rectangle2D[] areas = new Rectangle2D[2];
    HistoryPlot.render(one, HistoryPlot.WIDTH, HistoryPlot.HEIGHT, areas);
    assertTrue(count(img, areas[0], HistoryPlot.TRAIN_COLOR) > 20, "the single point is drawn");
    assertTrue(count(img, areas[1], HistoryPlot.TRAIN_COLOR) > 20, "the single point is drawn");
    assertEquals(0, count(img, new Rectangle(0, 0, img.getWidth(), img.getHeight()), HistoryPlot.TEST_COLOR));
  }
}
