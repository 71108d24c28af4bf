package io.tfjmnist.figures;

import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.preprocessing.PreprocessedImage;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.testing.TestImages;

import io.tfjmnist.figures.DigitFigure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The figures are written as PNGs with three titled panels where matplotlib would put them. */
class DigitFigureTest {
  @TempDir Path dir;
  static PreprocessedImage processed;

  @BeforeAll
  static void preprocessOnePhoto() {
    BufferedImage photo = TestImages.photoOfDrawnDigit(400, 300, 200, 80, 150, 11);
    processed = Preprocessing.MNIST.apply(ImageDecoder.decode(TestImages.jpeg(photo, 0.9f, false), "four.jpg"));
  }

  private static boolean isWhite(int rgb) {
    return (rgb & 0xFFFFFF) == 0xFFFFFF;
  }

  private static int nonWhite(BufferedImage img, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = Math.max(0, y0); y < Math.min(img.getHeight(), y1); y++) {
      for (int x = Math.max(0, x0); x < Math.min(img.getWidth(), x1); x++) {
        if (!isWhite(img.getRGB(x, y))) {
          n++;
        }
      }
    }
    return n;
  }

  /** Column spans [start, end) that contain a tall run of non-white pixels: the panels. */
  private static int[][] panelColumns(BufferedImage img) {
    int h = img.getHeight();
    java.util.List<int[]> spans = new java.util.ArrayList<>();
    int start = -1;
    for (int x = 0; x <= img.getWidth(); x++) {
      boolean tall = x < img.getWidth() && nonWhite(img, x, 0, x + 1, h) > h / 5;
      if (tall && start < 0) {
        start = x;
      } else if (!tall && start >= 0) {
        spans.add(new int[] {start, x});
        start = -1;
      }
    }
    return spans.stream().filter(s -> s[1] - s[0] > 50).toArray(int[][]::new);
  }

  @Test
  void threePanelFigureReadBack() throws Exception {
    Path png = dir.resolve("out/figure.png");
    DigitFigure.write(DigitFigure.figure(processed, 4), png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(DigitFigure.WIDTH, img.getWidth());
    assertEquals(DigitFigure.HEIGHT, img.getHeight());
    assertTrue(isWhite(img.getRGB(0, 0)) && isWhite(img.getRGB(959, 719)), "white background");

    int[][] panels = panelColumns(img);
    assertEquals(3, panels.length, "three panels side by side");
    for (int[] p : panels) {
      // The panel's top edge is the first row that is non-white across the whole panel (its
      // frame); the title sits in the band just above it.
      int inner = p[1] - p[0] - 10;
      int top = 0;
      while (top < img.getHeight() && nonWhite(img, p[0] + 5, top, p[1] - 5, top + 1) < inner * 0.9) {
        top++;
      }
      assertTrue(top > 40 && top < img.getHeight() / 2, "panel top at " + top);
      int titleBand = nonWhite(img, p[0], top - 60, p[1], top - 4);
      assertTrue(titleBand > 40, "title pixels above the panel at x=" + p[0] + ": " + titleBand);
    }
    // The third panel shows the digit: white strokes on black, with both present.
    int[] third = panels[2];
    int dark = 0;
    int bright = 0;
    for (int x = third[0] + 10; x < third[1] - 10; x++) {
      int v = img.getRGB(x, img.getHeight() / 2) & 0xFF;
      dark += v < 30 ? 1 : 0;
      bright += v > 225 ? 1 : 0;
    }
    assertTrue(dark > 10 && bright > 5, "digit panel: dark " + dark + ", bright " + bright);
    assertEquals("predict:[4]", DigitFigure.predictTitle(4));
  }

  @Test
  void predictPyFigureToo() {
    BufferedImage photo = TestImages.photoOfDrawnDigit(120, 120, 20, 20, 80, 12);
    PreprocessedImage seed = Preprocessing.PREDICT_PY.apply(ImageDecoder.decode(TestImages.write(photo, "png"), "s.png"));
    BufferedImage fig = DigitFigure.figure(seed, 7);
    assertEquals(3, panelColumns(fig).length);
  }

  @Test
  void gridHasOneRowPerImage() throws Exception {
    Path png = dir.resolve("grid.png");
    DigitFigure.write(DigitFigure.grid(List.of(processed, processed, processed), new int[] {4, 4, 1}), png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(DigitFigure.WIDTH, img.getWidth());
    assertTrue(img.getHeight() > 900, "three rows need room: " + img.getHeight());
    // Three bands of non-white rows separated by white gaps.
    int bands = 0;
    boolean in = false;
    for (int y = 0; y < img.getHeight(); y++) {
      boolean content = nonWhite(img, 0, y, img.getWidth(), y + 1) > 150;
      if (content && !in) {
        bands++;
      }
      in = content;
    }
    assertEquals(3, bands);
  }

  @Test
  void stripShowsDigitsSideBySide() {
    float[] a = new float[784];
    float[] b = new float[784];
    for (int y = 5; y < 23; y++) {
      a[y * 28 + 14] = 1f;
      b[y * 28 + 10] = 1f;
      b[y * 28 + 18] = 1f;
    }
    BufferedImage strip = DigitFigure.strip(List.of(a, b, a), new int[] {1, 0, 1});
    assertEquals(DigitFigure.WIDTH, strip.getWidth());
    int[][] panels = panelColumns(strip);
    assertEquals(1, panels.length, "one axes holding the hstack");
    int width = panels[0][1] - panels[0][0];
    assertTrue(width > 3 * (strip.getWidth() * 0.775 / 3) * 0.9, "the stack spans the axes: " + width);
    // Title above: "[1 0 1]".
    assertTrue(nonWhite(strip, 300, 0, 660, 40) > 30);
    BufferedImage fromBytes = DigitFigure.stripOfBytes(List.of(new byte[784], new byte[784]), new int[] {3, 4});
    assertEquals(DigitFigure.WIDTH, fromBytes.getWidth());
  }

  @Test
  void writingIsAtomicAndReplaces() throws Exception {
    Path png = dir.resolve("f.png");
    Files.writeString(png, "old content");
    DigitFigure.write(DigitFigure.figure(processed, 4), png);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(Files.readAllBytes(png), 4));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(png), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void writingOntoADirectoryIsRefused() {
    TfjMnistException e = assertThrows(TfjMnistException.class,
        () -> DigitFigure.write(DigitFigure.figure(processed, 4), dir));
    assertEquals("Cannot write the figure to '" + dir + "': it is a directory.", e.getMessage());
  }

  @Test
  void predictTitleIsThePythonOriginals() {
    assertEquals("predict:[1]", DigitFigure.predictTitle(1));
  }
}
